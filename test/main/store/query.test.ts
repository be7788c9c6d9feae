import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStore } from '../../../main/store';
import type { StoreQuery } from '../../../main/store/types';
import type { RecordOf } from '../../../common/table-schema';
import { openIn, sampleTable, storeErrorOf, tempFolder, type TempFolder } from '../../support/store-fixtures';

type Sample = RecordOf<typeof sampleTable>;

let folder: TempFolder;
let store: LocalStore;

const day = (n: number): Date => new Date(Date.UTC(2026, 0, n));

// Rows chosen so every operator has matches and non-matches, including nulls.
const rows: Partial<Sample>[] = [
  {
    id: 'r1',
    title: 'Buy milk',
    code: 'A-1',
    flag: false,
    count: 1,
    ratio: 0.5,
    due: day(1),
    createdAt: day(10),
  },
  {
    id: 'r2',
    title: 'buy BREAD',
    code: 'a-2',
    flag: true,
    count: 2,
    ratio: null,
    due: day(2),
    createdAt: day(9),
  },
  {
    id: 'r3',
    title: 'Ärger mit Öl',
    code: null,
    flag: false,
    count: 3,
    ratio: 1.5,
    due: null,
    createdAt: day(8),
  },
  {
    id: 'r4',
    title: '100% done_now',
    code: 'B_1',
    flag: true,
    count: 3,
    ratio: -2,
    due: day(4),
    createdAt: day(7),
  },
  {
    id: 'r5',
    title: 'Straße fegen',
    code: 'b%2',
    flag: false,
    count: 5,
    ratio: 2.5,
    due: day(5),
    createdAt: day(6),
  },
  { id: 'r6', title: 'ärger', code: 'C', flag: true, count: 6, ratio: 0, due: day(6), createdAt: day(5) },
];

beforeAll(() => {
  folder = tempFolder();
  store = openIn(folder);
  store.table(sampleTable).upsertMany(rows.map((row) => ({ updatedAt: row.createdAt, ...row })));
});

afterAll(() => {
  store.close();
  folder.remove();
});

function ids(query: StoreQuery<Sample>): string[] {
  return store
    .table(sampleTable)
    .query({ orderBy: [{ column: 'id' }], ...query })
    .items.map((item) => item.id);
}

describe('where: equality and null', () => {
  it('matches values, booleans and null in object form', () => {
    expect(ids({ where: { flag: true } })).toEqual(['r2', 'r4', 'r6']);
    expect(ids({ where: { count: 3 } })).toEqual(['r3', 'r4']);
    expect(ids({ where: { code: null } })).toEqual(['r3']);
    expect(ids({ where: { due: day(2) } })).toEqual(['r2']);
    expect(ids({ where: { flag: false, count: 3 } })).toEqual(['r3']);
  });

  it('eq / ne, with ne including rows whose value is null', () => {
    expect(ids({ where: { count: { eq: 5 } } })).toEqual(['r5']);
    expect(ids({ where: { ratio: { eq: null } } })).toEqual(['r2']);
    expect(ids({ where: { ratio: { ne: null } } })).toEqual(['r1', 'r3', 'r4', 'r5', 'r6']);
    expect(ids({ where: { code: { ne: 'C' } } })).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(ids({ where: { flag: { ne: true } } })).toEqual(['r1', 'r3', 'r5']);
  });
});

describe('where: comparisons', () => {
  it('lt / le / gt / ge on integers, reals and dates', () => {
    expect(ids({ where: { count: { lt: 3 } } })).toEqual(['r1', 'r2']);
    expect(ids({ where: { count: { le: 3 } } })).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(ids({ where: { count: { gt: 3 } } })).toEqual(['r5', 'r6']);
    expect(ids({ where: { count: { ge: 5 } } })).toEqual(['r5', 'r6']);
    expect(ids({ where: { ratio: { gt: 0, lt: 2 } } })).toEqual(['r1', 'r3']);
    expect(ids({ where: { due: { ge: day(4), lt: day(6) } } })).toEqual(['r4', 'r5']);
    expect(ids({ where: { createdAt: { le: day(6) } } })).toEqual(['r5', 'r6']);
  });

  it('compares case-sensitive text by code point and case-insensitive text ignoring case', () => {
    expect(ids({ where: { code: { ge: 'a' } } })).toEqual(['r2', 'r5']);
    expect(ids({ where: { title: { lt: 'BUY C' } } })).toEqual(['r2', 'r4']);
  });

  it('in, including null in the list and an empty list', () => {
    expect(ids({ where: { count: { in: [1, 5, 99] } } })).toEqual(['r1', 'r5']);
    expect(ids({ where: { code: { in: ['C', null] } } })).toEqual(['r3', 'r6']);
    expect(ids({ where: { due: { in: [day(1), day(6)] } } })).toEqual(['r1', 'r6']);
    expect(ids({ where: { flag: { in: [true] } } })).toEqual(['r2', 'r4', 'r6']);
    expect(ids({ where: { count: { in: [] } } })).toEqual([]);
    expect(ids({ where: { title: { in: ['BUY MILK', 'ärger'] } } })).toEqual(['r1', 'r6']);
  });
});

describe('where: text search', () => {
  it('contains and startsWith ignore case (beyond ASCII) on case-insensitive columns', () => {
    expect(ids({ where: { title: { contains: 'BUY' } } })).toEqual(['r1', 'r2']);
    expect(ids({ where: { title: { startsWith: 'ÄRGER' } } })).toEqual(['r3', 'r6']);
    expect(ids({ where: { title: { contains: 'STRASSE' } } })).toEqual(['r5']);
    expect(ids({ where: { title: 'ÄRGER' } })).toEqual(['r6']);
  });

  it('contains and startsWith respect case on ordinary columns', () => {
    expect(ids({ where: { code: { startsWith: 'a' } } })).toEqual(['r2']);
    expect(ids({ where: { code: { contains: '-' } } })).toEqual(['r1', 'r2']);
  });

  it('treats % and _ in the search text literally', () => {
    expect(ids({ where: { title: { contains: '%' } } })).toEqual(['r4']);
    expect(ids({ where: { title: { contains: '_' } } })).toEqual(['r4']);
    expect(ids({ where: { code: { contains: '%' } } })).toEqual(['r5']);
    expect(ids({ where: { code: { startsWith: 'B_' } } })).toEqual(['r4']);
    expect(ids({ where: { code: { startsWith: '_' } } })).toEqual([]);
    expect(ids({ where: { title: { startsWith: '100%' } } })).toEqual(['r4']);
  });

  it('an empty search text matches every non-null value', () => {
    expect(ids({ where: { code: { contains: '' } } })).toEqual(['r1', 'r2', 'r4', 'r5', 'r6']);
  });
});

describe('where: $or', () => {
  it('matches any group, each group ANDed, combined with the other conditions', () => {
    expect(ids({ where: { $or: [{ count: 1 }, { flag: true, count: { ge: 6 } }] } })).toEqual(['r1', 'r6']);
    expect(ids({ where: { flag: false, $or: [{ count: 3 }, { count: 5 }] } })).toEqual(['r3', 'r5']);
    expect(ids({ where: { $or: [] } })).toEqual([]);
  });
});

describe('ordering, paging, totals and select', () => {
  it('orders by several columns and directions', () => {
    const result = store.table(sampleTable).query({
      orderBy: [
        { column: 'flag', direction: 'desc' },
        { column: 'count', direction: 'asc' },
        { column: 'id', direction: 'desc' },
      ],
    });
    expect(result.items.map((item) => item.id)).toEqual(['r2', 'r4', 'r6', 'r1', 'r3', 'r5']);
    const byCount = store
      .table(sampleTable)
      .query({ orderBy: [{ column: 'count', direction: 'desc' }, { column: 'id' }] });
    expect(byCount.items.map((item) => item.id)).toEqual(['r6', 'r5', 'r3', 'r4', 'r2', 'r1']);
  });

  it('orders case-insensitive text ignoring case', () => {
    const result = store
      .table(sampleTable)
      .query({ where: { title: { startsWith: 'b' } }, orderBy: [{ column: 'title', direction: 'desc' }] });
    expect(result.items.map((item) => item.title)).toEqual(['Buy milk', 'buy BREAD']);
  });

  it('orders by date with nulls first ascending', () => {
    expect(
      store
        .table(sampleTable)
        .query({ orderBy: [{ column: 'due' }] })
        .items.map((item) => item.id),
    ).toEqual(['r3', 'r1', 'r2', 'r4', 'r5', 'r6']);
  });

  it('skips and takes, and counts the total ignoring paging', () => {
    const page = store
      .table(sampleTable)
      .query({ orderBy: [{ column: 'createdAt' }], skip: 1, take: 2, includeTotal: true });
    expect(page.items.map((item) => item.id)).toEqual(['r5', 'r4']);
    expect(page.total).toBe(6);
    const filtered = store.table(sampleTable).query({ where: { flag: true }, take: 1, includeTotal: true });
    expect(filtered.items).toHaveLength(1);
    expect(filtered.total).toBe(3);
    expect(store.table(sampleTable).query({ take: 0, includeTotal: true })).toEqual({ items: [], total: 6 });
    expect(store.table(sampleTable).query({ take: 2 })).not.toHaveProperty('total');
    expect(ids({ skip: 5 })).toEqual(['r6']);
  });

  it('selects only the asked columns', () => {
    const result = store.table(sampleTable).query({ where: { id: 'r1' }, select: ['title', 'id', 'due'] });
    expect(result.items).toEqual([{ id: 'r1', title: 'Buy milk', due: day(1) }]);
  });

  it('count and clear take the same where', () => {
    const table = store.table(sampleTable);
    expect(table.count()).toBe(6);
    expect(table.count({ flag: true })).toBe(3);
    expect(table.count({ title: { contains: 'ÄRGER' } })).toBe(2);
  });
});

describe('invalid queries are refused before SQL runs', () => {
  const invalidQueries: [string, unknown, string][] = [
    ['an unknown column in where', { where: { nope: 1 } }, 'invalid-query'],
    ['an unknown column in orderBy', { orderBy: [{ column: 'nope' }] }, 'invalid-query'],
    ['an unknown column in select', { select: ['nope'] }, 'invalid-query'],
    ['an empty select', { select: [] }, 'invalid-query'],
    ['contains on a boolean', { where: { flag: { contains: 't' } } }, 'invalid-query'],
    ['startsWith on an integer', { where: { count: { startsWith: '1' } } }, 'invalid-query'],
    ['lt on JSON', { where: { data: { lt: 1 } } }, 'invalid-query'],
    ['lt on a boolean', { where: { flag: { lt: true } } }, 'invalid-query'],
    ['orderBy on JSON', { orderBy: [{ column: 'data' }] }, 'invalid-query'],
    ['an unknown operator', { where: { count: { like: '%' } } }, 'invalid-query'],
    ['an empty operator object', { where: { count: {} } }, 'invalid-query'],
    ['a bad direction', { orderBy: [{ column: 'id', direction: 'sideways' }] }, 'invalid-query'],
    ['a negative take', { take: -1 }, 'invalid-query'],
    ['a fractional skip', { skip: 1.5 }, 'invalid-query'],
    ['an unknown query option', { limit: 5 }, 'invalid-query'],
    ['a string for a boolean', { where: { flag: 'yes' } }, 'invalid-value'],
    ['an invalid date', { where: { due: { lt: new Date('x') } } }, 'invalid-value'],
    ['NaN', { where: { ratio: { gt: Number.NaN } } }, 'invalid-value'],
    ['null for lt', { where: { count: { lt: null } } }, 'invalid-value'],
    ['in without a list', { where: { count: { in: 3 } } }, 'invalid-value'],
    ['a number for contains', { where: { title: { contains: 3 } } }, 'invalid-value'],
  ];

  it.each(invalidQueries)('%s', (_label, query, code) => {
    const table = store.table(sampleTable);
    expect(storeErrorOf(() => table.query(query as StoreQuery<Sample>)).code).toBe(code);
  });

  it('an unknown table name is its own error', () => {
    expect(storeErrorOf(() => store.tableByName('nope')).code).toBe('unknown-table');
  });
});

describe('the compiled SQL', () => {
  it('binds every value and uses the index for the list query', () => {
    const explained = store.explainQuery('sample', {
      where: { flag: false },
      orderBy: [{ column: 'createdAt' }],
      take: 200,
      includeTotal: true,
    });
    expect(explained.select.sql).toBe(
      'SELECT "id", "version", "createdAt", "updatedAt", "deleted", "title", "code", "flag", "count", "ratio", "due", "data" FROM "sample" WHERE "flag" = ? ORDER BY "createdAt" ASC LIMIT ? OFFSET ?',
    );
    expect(explained.select.params).toEqual([0, 200, 0]);
    expect(explained.count).toEqual({ sql: 'SELECT count(*) FROM "sample" WHERE "flag" = ?', params: [0] });
  });

  it('gives one SQL text for one query shape, whatever the values', () => {
    const a = store.explainQuery('sample', { where: { count: { in: [1, 2, 3] }, title: { contains: 'x' } } });
    const b = store.explainQuery('sample', { where: { count: { in: [7] }, title: { contains: 'another' } } });
    expect(a.select.sql).toBe(b.select.sql);
  });
});
