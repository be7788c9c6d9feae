/**
 * Collapse rules of the operation queue, and the atomicity of a local write with its queue
 * entry. Nothing here reaches a server: the client points at a closed port.
 */
import { describe, expect } from 'vitest';
import { QueueError, SyncUsageError } from '../../../main/sync';
import { syncTest as it, type TestClient } from './helpers';

const NOWHERE = 'http://127.0.0.1:9';

function pending(client: TestClient): { action: string; recordId: string; version: string | null }[] {
  return client.context
    .getPendingOperations()
    .map(({ action, recordId, version }) => ({ action, recordId, version }));
}

describe('collapse rules', () => {
  it('insert then update stays one insert that carries the update', async ({ openClient }) => {
    const client = await openClient(NOWHERE);
    const item = await client.todos.insert({ text: 'first' });
    await client.todos.update({ id: item.id, text: 'second' });
    expect(pending(client)).toEqual([{ action: 'insert', recordId: item.id, version: null }]);
    expect((await client.todos.lookup(item.id))?.text).toBe('second');
  });

  it('insert then delete leaves nothing to send and no row', async ({ openClient }) => {
    const client = await openClient(NOWHERE);
    const item = await client.todos.insert({ text: 'short-lived' });
    await client.todos.del(item);
    expect(pending(client)).toEqual([]);
    expect(await client.todos.lookup(item.id)).toBeNull();
  });

  it('update then update stays one update with the version and base of the first edit', async ({
    openClient,
  }) => {
    const client = await openClient(NOWHERE);
    client.store
      .tableByName('todoitem')
      .upsertMany([{ id: 'synced', text: 'server text', complete: false, version: 'v1', deleted: false }]);
    await client.todos.update({ id: 'synced', text: 'edit 1' });
    await client.todos.update({ id: 'synced', complete: true });
    const operations = client.context.getPendingOperations();
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ action: 'update', version: 'v1' });
    expect(operations[0]?.base).toMatchObject({ text: 'server text', complete: false, version: 'v1' });
  });

  it('update then delete becomes one delete with the first version and base', async ({ openClient }) => {
    const client = await openClient(NOWHERE);
    client.store
      .tableByName('todoitem')
      .upsertMany([{ id: 'synced', text: 'server text', complete: false, version: 'v1', deleted: false }]);
    await client.todos.update({ id: 'synced', text: 'edited' });
    await client.todos.del('synced');
    const operations = client.context.getPendingOperations();
    expect(operations).toHaveLength(1);
    expect(operations[0]).toMatchObject({ action: 'delete', version: 'v1' });
    expect(operations[0]?.base).toMatchObject({ text: 'server text' });
    expect(operations[0]?.item).toMatchObject({ text: 'edited' });
  });

  it('an update or an insert after a pending delete of the same id is a QueueError, and nothing changes', async ({
    openClient,
  }) => {
    const client = await openClient(NOWHERE);
    client.store
      .tableByName('todoitem')
      .upsertMany([{ id: 'synced', text: 'server text', complete: false, version: 'v1', deleted: false }]);
    await client.todos.del('synced');
    const before = pending(client);
    await expect(client.todos.update({ id: 'synced', text: 'again' })).rejects.toBeInstanceOf(QueueError);
    await expect(client.todos.insert({ id: 'synced', text: 'again' })).rejects.toThrow(
      /waiting to be deleted/,
    );
    expect(pending(client)).toEqual(before);
    expect(await client.todos.lookup('synced')).toBeNull();
  });

  it('an operation being pushed is not collapsed into: the change is queued after it', async ({
    openClient,
  }) => {
    const client = await openClient(NOWHERE);
    const item = await client.todos.insert({ text: 'v1' });
    const [insert] = client.context.getPendingOperations();
    client.store.operations.update(insert!.id, { pushing: true });
    await client.todos.update({ id: item.id, text: 'v2' });
    await client.todos.update({ id: item.id, text: 'v3' });
    expect(pending(client).map((operation) => operation.action)).toEqual(['insert', 'update']);
    await client.todos.del(item.id);
    expect(pending(client).map((operation) => operation.action)).toEqual(['insert', 'delete']);
  });

  it('keeps operations of different records apart, in queue order', async ({ openClient }) => {
    const client = await openClient(NOWHERE);
    const a = await client.todos.insert({ text: 'a' });
    const b = await client.todos.insert({ text: 'b' });
    await client.todos.update({ id: a.id, complete: true });
    expect(pending(client).map((operation) => operation.recordId)).toEqual([a.id, b.id]);
  });
});

describe('local writes', () => {
  it('rolls back the row when its queue entry cannot be written, and vice versa', async ({ openClient }) => {
    const client = await openClient(NOWHERE);
    await expect(client.todos.insert({ text: 'x', complete: 'yes' as unknown as boolean })).rejects.toThrow();
    expect(pending(client)).toEqual([]);
    expect(await client.todos.read()).toHaveLength(0);
  });

  it('refuses unknown columns and missing records with typed errors', async ({ openClient }) => {
    const client = await openClient(NOWHERE);
    await expect(client.todos.insert({ text: 'x', colour: 'red' } as never)).rejects.toBeInstanceOf(
      SyncUsageError,
    );
    await expect(client.todos.update({ id: 'missing', text: 'x' })).rejects.toBeInstanceOf(SyncUsageError);
    await expect(client.todos.del('missing')).rejects.toBeInstanceOf(SyncUsageError);
    expect(pending(client)).toEqual([]);
  });

  it('reads through the query builder like the SDK', async ({ openClient }) => {
    const client = await openClient(NOWHERE);
    for (const [text, complete] of [
      ['b', false],
      ['a', false],
      ['c', true],
    ] as const) {
      await client.todos.insert({ text, complete });
    }
    const open = await client.todos.where({ complete: false }).orderBy('text').read();
    expect(open.map((todo) => todo.text)).toEqual(['a', 'b']);
    const page = await client.todos.orderByDescending('text').skip(1).take(1).includeTotalCount().read();
    expect(page.map((todo) => todo.text)).toEqual(['b']);
    expect(page.totalCount).toBe(3);
    expect(() => client.todos.where({ complete: false }).where({ complete: true })).toThrow(SyncUsageError);
  });
});
