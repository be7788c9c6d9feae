/**
 * Replies that arrive together are parsed one per turn of the event loop (protocol-client.ts
 * nextBodyTurn), so pages in flight never add up to one long stall of IPC and timers.
 */
import { expect, it } from 'vitest';
import { nextBodyTurn } from '../../../main/sync/protocol-client';

it('gives each waiting reply a turn of the event loop of its own', async () => {
  let turn = 0;
  let counting = true;
  const count = (): void => {
    turn++;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  const turns = await Promise.all([1, 2, 3, 4].map(() => nextBodyTurn().then(() => turn)));
  counting = false;
  expect(new Set(turns).size).toBe(4);
  expect(turns).toEqual([...turns].sort((a, b) => a - b));
});
