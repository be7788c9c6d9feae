/** The renderer's API wrapper: results become values, failures become AppError with words, never codes. */
import { afterEach, describe, expect, it } from 'vitest';
import type { IpcResult } from '../../common/ipc-contract';
import { AppError, describeError, todoSync } from '../../renderer/api';

const scope = globalThis as unknown as { todoSync?: unknown };

function install(reply: (...args: unknown[]) => Promise<IpcResult<unknown>>): unknown[][] {
  const calls: unknown[][] = [];
  scope.todoSync = new Proxy(
    {},
    {
      get:
        () =>
        (...args: unknown[]) => {
          calls.push(args);
          return reply(...args);
        },
    },
  );
  return calls;
}

afterEach(() => {
  delete scope.todoSync;
});

describe('todoSync wrapper', () => {
  it('returns the value of an ok result and passes the request through unchanged', async () => {
    const calls = install(async () => ({ ok: true, value: { items: [], total: 0 } }));
    const query = { filter: 'all', skip: 0, take: 10 } as const;
    await expect(todoSync.queryTodos(query)).resolves.toEqual({ items: [], total: 0 });
    expect(calls).toEqual([[query]]);
  });

  it('turns a failure into an AppError with its code, message and issues', async () => {
    install(async () => ({
      ok: false,
      error: { code: 'invalid-request', message: 'A todo needs some text', issues: ['text: too short'] },
    }));
    const error = await todoSync.addTodo({ text: '' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'invalid-request',
      message: 'A todo needs some text',
      issues: ['text: too short'],
    });
  });

  it('gives a sentence when the main process sent an empty message', async () => {
    install(async () => ({ ok: false, error: { code: 'not-found', message: ' ' } }));
    const error = await todoSync.removeTodo({ id: 'x' }).catch((caught: unknown) => caught);
    expect(describeError(error)).toMatch(/no longer exists/);
  });

  it('reports a missing or broken bridge as unavailable, in words', async () => {
    const missing = await todoSync.getStatus().catch((caught: unknown) => caught);
    expect(missing).toMatchObject({ code: 'unavailable' });
    install(() => Promise.reject(new Error('Error invoking remote method: reply was never sent')));
    const broken = await todoSync.getStatus().catch((caught: unknown) => caught);
    expect(broken).toMatchObject({ code: 'unavailable' });
    expect(describeError(broken)).toMatch(/restart/);
  });

  it('never shows a raw error to people', () => {
    expect(describeError(new TypeError('x is undefined'))).toBe('Something went wrong inside the app.');
  });
});
