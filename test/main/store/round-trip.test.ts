import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStore } from '../../../main/store';
import { openIn, sampleTable, storeErrorOf, tempFolder, type TempFolder } from '../../support/store-fixtures';

let folder: TempFolder;
let store: LocalStore;

beforeEach(() => {
  folder = tempFolder();
  store = openIn(folder);
});

afterEach(() => {
  store.close();
  folder.remove();
});

function reopen(): void {
  store.close();
  store = openIn(folder);
}

describe('value round trips', () => {
  it('returns booleans, dates with milliseconds, JSON structures and nulls as written, after a reopen', () => {
    const due = new Date('2026-03-04T05:06:07.891Z');
    const data = {
      nested: { list: [1, 2.5, -3, 'four', true, null, { deep: [] }] },
      empty: {},
      unicode: 'ü😀',
    };
    const table = store.table(sampleTable);
    table.insert({ id: 'a', title: 'A', flag: true, count: -42, ratio: 0.1 + 0.2, due, data, code: null });
    table.insert({ id: 'b', flag: false, ratio: null, due: null, data: null });
    table.insert({ id: 'c', data: [1, [2, [3]]] });
    table.insert({ id: 'd', data: 'just text' });
    reopen();
    const a = store.table(sampleTable).lookup('a');
    expect(a).toMatchObject({ title: 'A', flag: true, count: -42, ratio: 0.1 + 0.2, code: null });
    expect(a?.due).toBeInstanceOf(Date);
    expect(a?.due?.getTime()).toBe(due.getTime());
    expect(a?.data).toEqual(data);
    const b = store.table(sampleTable).lookup('b');
    expect(b).toMatchObject({
      flag: false,
      ratio: null,
      due: null,
      data: null,
      title: '',
      count: 0,
      code: null,
    });
    expect(store.table(sampleTable).lookup('c')?.data).toEqual([1, [2, [3]]]);
    expect(store.table(sampleTable).lookup('d')?.data).toBe('just text');
  });

  it('keeps text byte for byte: emoji, right-to-left text, combining marks, control characters and 100 KB', () => {
    const samples = [
      'Buy 🥛 and 🍞 👩‍👩‍👧‍👦',
      'שלום עולם — مرحبا بالعالم',
      'e\u0301 vs é',
      'tab\tnewline\nnul\u0000end',
      ' leading and trailing spaces ',
      '',
      'x'.repeat(50_000) + '😀'.repeat(25_000),
    ];
    const table = store.table(sampleTable);
    samples.forEach((title, index) => table.insert({ id: `s${index}`, title }));
    reopen();
    samples.forEach((title, index) => {
      const back = store.table(sampleTable).lookup(`s${index}`)?.title;
      expect(back).toBe(title);
      expect(Buffer.from(back ?? '', 'utf8').equals(Buffer.from(title, 'utf8'))).toBe(true);
    });
  });

  it('returns fresh objects: changing a returned row does not change the next read', () => {
    const table = store.table(sampleTable);
    const written = table.insert({ id: 'f', data: { list: [1] }, due: new Date(1000) });
    const first = table.lookup('f');
    if (!first?.due || !first.data || typeof first.data !== 'object' || Array.isArray(first.data)) {
      throw new Error('expected a row with a date and an object');
    }
    first.due.setTime(0);
    first.data.list = [];
    expect(table.lookup('f')).toEqual(written);
    expect(table.lookup('f')?.due?.getTime()).toBe(1000);
  });

  it('keeps date extremes and integers at the safe-integer limits', () => {
    const table = store.table(sampleTable);
    const dates = [
      new Date(0),
      new Date(-1),
      new Date(8.64e15),
      new Date(-8.64e15),
      new Date(Date.UTC(2038, 0, 19, 3, 14, 8, 1)),
    ];
    dates.forEach((due, index) => table.insert({ id: `d${index}`, due }));
    table.insert({ id: 'max', count: Number.MAX_SAFE_INTEGER });
    table.insert({ id: 'min', count: Number.MIN_SAFE_INTEGER });
    dates.forEach((due, index) => expect(table.lookup(`d${index}`)?.due?.getTime()).toBe(due.getTime()));
    expect(table.lookup('max')?.count).toBe(Number.MAX_SAFE_INTEGER);
    expect(table.lookup('min')?.count).toBe(Number.MIN_SAFE_INTEGER);
  });
});

describe('malformed values are refused before anything is written', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['text for a boolean', { flag: 'true' }],
    ['a number for a boolean', { flag: 1 }],
    ['an invalid Date', { due: new Date('not a date') }],
    ['an ISO string for a date', { due: '2026-01-01T00:00:00Z' }],
    ['NaN for a real', { ratio: Number.NaN }],
    ['Infinity for a real', { ratio: Number.POSITIVE_INFINITY }],
    ['a fraction for an integer', { count: 1.5 }],
    ['an unsafe integer', { count: 2 ** 60 }],
    ['a number for text', { title: 5 }],
    ['null for a required column', { title: null }],
    ['a lone surrogate in text', { title: 'broken \ud800 text' }],
    ['a function in JSON', { data: { run: () => 1 } }],
    ['a Date in JSON', { data: { when: new Date() } }],
    ['NaN in JSON', { data: [Number.NaN] }],
    ['a bigint in JSON', { data: { big: BigInt(1) } }],
    ['a class instance in JSON', { data: new Map() }],
    ['an unknown column', { nope: 1 }],
  ];

  it.each(bad)('%s → invalid-value', (_label, record) => {
    const table = store.tableByName('sample');
    expect(storeErrorOf(() => table.insert({ id: 'bad', ...record })).code).toBe('invalid-value');
    expect(storeErrorOf(() => table.upsertMany([{ id: 'bad', ...record }])).code).toBe('invalid-value');
    expect(table.count()).toBe(0);
  });

  it('refuses a circular JSON value', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => store.tableByName('sample').insert({ id: 'c', data: cycle })).toThrow(/circular/);
  });

  it('refuses updates with malformed values and leaves the row as it was', () => {
    const table = store.tableByName('sample');
    const before = table.insert({ id: 'u', count: 3 });
    expect(storeErrorOf(() => table.update('u', { count: 'three' })).code).toBe('invalid-value');
    expect(storeErrorOf(() => table.update('u', { id: 'other' })).code).toBe('invalid-value');
    expect(table.lookup('u')).toEqual(before);
  });
});
