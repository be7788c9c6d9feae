/**
 * A conflict listed for the person (policy "ask") while things go on: edits and deletions
 * made meanwhile are shown in it or kept, keeping "mine" sends what is shown, and taking the
 * server's version (or discarding the issue) ends at the server's current version, even if
 * the record was deleted there. Several were first found by the randomized suites (the seeds
 * are named); here each is a fixed sequence.
 */
import { describe, expect } from 'vitest';
import type { SyncClient } from './support/sync-client';
import { syncOk, test, type Scenario } from './support/fixed-faults';

/** A todo both installations hold, then a conflict listed on `mine`. */
async function listedConflict(
  scenario: Scenario,
): Promise<{ mine: SyncClient; theirs: SyncClient; id: string }> {
  const mine = (await scenario.install('ask')).client;
  const theirs = (await scenario.install('ask')).client;
  const id = `${scenario.prefix}todo`;
  await mine.table.insert({ id, text: 'shared', complete: false, notes: null });
  await syncOk(mine);
  await syncOk(theirs);
  await theirs.table.update({ id, text: 'their text' });
  await syncOk(theirs);
  await mine.table.update({ id, notes: 'my notes' });
  await mine.push();
  expect(mine.issues()).toHaveLength(1);
  return { mine, theirs, id };
}

describe('changes made while a conflict is listed', () => {
  // convergence seeds 2, 5, 201 ask and 201 merge: edits made while a conflict is listed.
  test('an edit made while a conflict is listed is either shown in the conflict or kept', async ({
    scenario,
  }) => {
    const { mine, id } = await listedConflict(scenario);
    await mine.table.update({ id, complete: true });
    const [shown] = mine.issues();
    await mine.context.resolveConflict(shown?.id ?? -1, 'server');
    await syncOk(mine);

    const keptOrShown =
      shown?.clientRecord?.complete === true || (await scenario.serverRow(id))?.complete === true;
    expect(keptOrShown, `shown: ${JSON.stringify(shown?.clientRecord)}`).toBe(true);
  });

  test('a deletion made while a conflict is listed is either shown in the conflict or done', async ({
    scenario,
  }) => {
    const { mine, id } = await listedConflict(scenario);
    await mine.table.del(id);
    const [shown] = mine.issues();
    await mine.context.resolveConflict(shown?.id ?? -1, 'server');
    await syncOk(mine);

    const row = await scenario.serverRow(id);
    const shownOrDone = shown?.action === 'delete' || row === undefined || row.deleted;
    expect(
      shownOrDone,
      `shown: ${shown?.action} ${JSON.stringify(shown?.clientRecord)}; server: ${JSON.stringify(row)}`,
    ).toBe(true);
  });
});

describe('keeping mine', () => {
  test('keeping "mine" after editing a listed conflict sends every edit shown', async ({ scenario }) => {
    const { mine, id } = await listedConflict(scenario);
    await mine.table.update({ id, complete: true });
    const [shown] = mine.issues();
    expect(shown?.clientRecord).toMatchObject({ notes: 'my notes', complete: true });

    await mine.context.resolveConflict(shown?.id ?? -1, 'mine');
    await syncOk(mine);

    expect(await scenario.serverRow(id)).toMatchObject({ notes: 'my notes', complete: true, deleted: false });
    expect(mine.issues()).toEqual([]);
  });

  test('keeping "mine" after deleting a listed conflict deletes the todo on the server', async ({
    scenario,
  }) => {
    const { mine, theirs, id } = await listedConflict(scenario);
    await mine.table.del(id);
    const [shown] = mine.issues();
    expect(shown?.action).toBe('delete');

    await mine.context.resolveConflict(shown?.id ?? -1, 'mine');
    await syncOk(mine);

    const row = await scenario.serverRow(id);
    expect(row === undefined || row.deleted, `server still shows ${JSON.stringify(row)}`).toBe(true);
    await syncOk(theirs);
    expect(theirs.localTodos().map((todo) => todo.id)).not.toContain(id);
  });
});

describe("taking the server's version", () => {
  // convergence seed 3 ask: the local copy stayed at an old server version forever.
  test("taking the server's version of a conflict ends with the server's current version", async ({
    scenario,
  }) => {
    const mine = (await scenario.install('ask')).client;
    const theirs = (await scenario.install('ask')).client;
    const id = `${scenario.prefix}todo`;
    await mine.table.insert({ id, text: 'shared', complete: false, notes: null });
    await syncOk(mine);
    await syncOk(theirs);
    await mine.table.update({ id, text: 'mine' });
    await theirs.table.update({ id, text: 'theirs 1' });
    await syncOk(theirs);
    await mine.push();
    expect(mine.issues()).toHaveLength(1);
    await theirs.table.update({ id, text: 'theirs 2' });
    await syncOk(theirs);
    // A pull while the conflict waits: the record is skipped (it has a pending change).
    await syncOk(mine);

    const [issue] = mine.issues();
    await mine.context.resolveConflict(issue?.id ?? -1, 'server');
    await syncOk(mine);

    expect((await mine.table.lookup(id))?.text).toBe('theirs 2');
    expect((await scenario.serverRow(id))?.text).toBe('theirs 2');
  });

  test("taking the server's version of a todo since deleted there removes it locally", async ({
    scenario,
  }) => {
    const { mine, theirs, id } = await listedConflict(scenario);
    await theirs.table.del(id);
    await syncOk(theirs);

    const [shown] = mine.issues();
    await mine.context.resolveConflict(shown?.id ?? -1, 'server');
    await syncOk(mine);

    expect(await mine.table.lookup(id)).toBeNull();
    expect(mine.pendingOperations()).toBe(0);
  });

  test('discarding a listed conflict ends with the server’s current version', async ({ scenario }) => {
    const { mine, theirs, id } = await listedConflict(scenario);
    await theirs.table.update({ id, text: 'their second text' });
    await syncOk(theirs);
    await syncOk(mine);

    const [shown] = mine.issues();
    await mine.context.discardIssue(shown?.id ?? -1);
    await syncOk(mine);

    expect((await mine.table.lookup(id))?.text).toBe('their second text');
  });
});
