import { describe, expect, it } from 'vitest';
import { UndoHistory, type UndoEntry } from '../../renderer/undo-history';

/** A counter changed by entries, so each test sees what undo and redo really did. */
function counter() {
  const state = { value: 0, log: [] as string[] };
  const change = (label: string, by: number, mergeKey?: string): UndoEntry => ({
    label,
    mergeKey,
    undo: async () => {
      state.value -= by;
      state.log.push(`undo ${label}`);
    },
    redo: async () => {
      state.value += by;
      state.log.push(`redo ${label}`);
    },
  });
  const apply = (history: UndoHistory, label: string, by: number, mergeKey?: string) => {
    state.value += by;
    history.record(change(label, by, mergeKey));
  };
  return { state, apply, change };
}

describe('UndoHistory', () => {
  it('undoes several levels in reverse order and redoes them forward', async () => {
    const history = new UndoHistory();
    const { state, apply } = counter();
    apply(history, 'a', 1);
    apply(history, 'b', 10);
    apply(history, 'c', 100);
    expect(state.value).toBe(111);
    await history.undo();
    await history.undo();
    expect(state.value).toBe(1);
    expect(history.nextRedo?.label).toBe('b');
    await history.redo();
    expect(state.value).toBe(11);
    expect(state.log).toEqual(['undo c', 'undo b', 'redo b']);
    expect(history.canRedo).toBe(true);
  });

  it('a new change after an undo drops what could have been redone', async () => {
    const history = new UndoHistory();
    const { state, apply } = counter();
    apply(history, 'a', 1);
    apply(history, 'b', 10);
    await history.undo();
    apply(history, 'c', 100);
    expect(history.canRedo).toBe(false);
    expect((await history.redo()).kind).toBe('empty');
    expect(state.value).toBe(101);
  });

  it('runs steps one at a time even when asked at once', async () => {
    const history = new UndoHistory();
    const { state, apply } = counter();
    apply(history, 'a', 1);
    apply(history, 'b', 10);
    const outcomes = await Promise.all([history.undo(), history.undo(), history.undo()]);
    expect(outcomes.map((o) => o.kind)).toEqual(['done', 'done', 'empty']);
    expect(state.log).toEqual(['undo b', 'undo a']);
    expect(state.value).toBe(0);
  });

  it('merges consecutive entries with one key into one step, until sealed', async () => {
    const history = new UndoHistory();
    const { state, apply } = counter();
    apply(history, 'typing', 1, 'notes:1');
    apply(history, 'typing', 2, 'notes:1');
    apply(history, 'typing', 3, 'notes:1');
    history.seal();
    apply(history, 'typing again', 4, 'notes:1');
    await history.undo();
    expect(state.value).toBe(6);
    // The merged step's undo is the first entry's (-1 here, a stand-in for "back to the start").
    await history.undo();
    expect(state.value).toBe(5);
    expect(history.canUndo).toBe(false);
  });

  it('drops a step that fails, and reports it', async () => {
    const history = new UndoHistory();
    const { state, apply } = counter();
    apply(history, 'a', 1);
    history.record({
      label: 'gone',
      undo: () => Promise.reject(new Error('deleted elsewhere')),
      redo: async () => undefined,
    });
    const outcome = await history.undo();
    expect(outcome).toMatchObject({ kind: 'failed', entry: { label: 'gone' } });
    expect(history.canRedo).toBe(false);
    expect(history.nextUndo?.label).toBe('a');
    await history.undo();
    expect(state.value).toBe(0);
  });

  it('keeps at most the given number of levels', async () => {
    const history = new UndoHistory(undefined, 2);
    const { state, apply } = counter();
    apply(history, 'a', 1);
    apply(history, 'b', 10);
    apply(history, 'c', 100);
    await history.undo();
    await history.undo();
    expect((await history.undo()).kind).toBe('empty');
    expect(state.value).toBe(1);
  });

  it('forgets a change that was undone another way', async () => {
    const history = new UndoHistory();
    const { state, apply, change } = counter();
    apply(history, 'a', 1);
    history.record({ ...change('delete', 10), subject: 'delete:x' });
    history.discard('delete:x');
    expect(history.nextUndo?.label).toBe('a');
    await history.undo();
    expect(state.value).toBe(0);
  });
});
