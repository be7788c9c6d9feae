/**
 * A logical clock shared by everything in one process (clients, proxy, oracles), so "this
 * request was sent after that edit" is a comparison of integers, not of wall-clock times.
 */
let now = 0;

export function tick(): number {
  now += 1;
  return now;
}

export function currentTick(): number {
  return now;
}
