/**
 * advancePosition: what a pull remembers of the rows it applied. Only the rows sharing the last
 * row's time are kept (a tie may continue on the next page, or be stamped again in the same
 * millisecond); a later time starts afresh.
 */
import { describe, expect, it } from 'vitest';
import { advancePosition, positionFilter, type PullPosition } from '../../../main/sync/pull-paging';
import type { ServerRecord } from '../../../main/sync/records';

const at = (ms: number): Date => new Date(Date.UTC(2026, 11, 2) + ms);
const row = (id: string, ms: number): ServerRecord =>
  ({ id, version: `v-${id}`, updatedAt: at(ms), createdAt: at(0), deleted: false }) as ServerRecord;
const beginning: PullPosition = { kind: 'beginning' };

describe('advancePosition', () => {
  it('keeps the last row and the rows at its time only', () => {
    const applied = advancePosition(null, beginning, [row('a', 1), row('b', 2), row('c', 3), row('d', 3)]);
    expect(applied).toEqual({
      updatedAt: at(3),
      id: 'd',
      seenAtTime: new Map([
        ['c', 'v-c'],
        ['d', 'v-d'],
      ]),
    });
  });

  it('adds a page that continues the tie, and starts again at a later time', () => {
    const first = advancePosition(null, beginning, [row('a', 1), row('b', 5)]);
    const second = advancePosition(first, beginning, [row('c', 5), row('d', 5)]);
    expect(second).toEqual({
      updatedAt: at(5),
      id: 'd',
      seenAtTime: new Map([
        ['b', 'v-b'],
        ['c', 'v-c'],
        ['d', 'v-d'],
      ]),
    });
    const third = advancePosition(second, beginning, [row('e', 5), row('f', 6)]);
    expect(third).toEqual({ updatedAt: at(6), id: 'f', seenAtTime: new Map([['f', 'v-f']]) });
  });

  it('from a watermark at T, rows still at T add to what was seen there before', () => {
    const start: PullPosition = { kind: 'at-time', updatedAt: at(5), seen: new Map([['a', 'v-a']]) };
    expect(advancePosition(null, start, [row('b', 5)])).toEqual({
      updatedAt: at(5),
      id: 'b',
      seenAtTime: new Map([
        ['a', 'v-a'],
        ['b', 'v-b'],
      ]),
    });
    expect(advancePosition(null, start, [row('b', 5), row('c', 7)])?.seenAtTime).toEqual(
      new Map([['c', 'v-c']]),
    );
  });

  it('an empty page changes nothing', () => {
    const applied = advancePosition(null, beginning, [row('a', 1)]);
    expect(advancePosition(applied, beginning, [])).toBe(applied);
    expect(advancePosition(null, beginning, [])).toBeNull();
    const start: PullPosition = { kind: 'at-time', updatedAt: at(5), seen: new Map() };
    expect(advancePosition(null, start, [])).toBeNull();
  });
});

describe('positionFilter', () => {
  it('after a row: a range on updatedAt from its time, the tie narrowed by id inside it', () => {
    // A top-level OR kept SQLite (the embedded backend) from using its updatedAt index: it read
    // all 100,000 rows for every page asked by key. The range must come first, on its own.
    const filter = positionFilter({ kind: 'after-row', updatedAt: at(5), id: "it's-L" });
    const time = "datetimeoffset'2026-12-02T00:00:00.005Z'";
    expect(filter).toBe(`(updatedAt ge ${time}) and ((updatedAt gt ${time}) or (id gt 'it''s-L'))`);
  });

  it('after every row at a time, and from a time, are plain ranges', () => {
    const time = "datetimeoffset'2026-12-02T00:00:00.005Z'";
    expect(positionFilter({ kind: 'after-row', updatedAt: at(5), id: null })).toBe(`(updatedAt gt ${time})`);
    expect(positionFilter({ kind: 'at-time', updatedAt: at(5), seen: new Map() })).toBe(
      `(updatedAt ge ${time})`,
    );
    expect(positionFilter({ kind: 'beginning' })).toBeUndefined();
  });
});
