/**
 * Writes to a store until the parent test kills it with SIGKILL.
 * Usage: node --import tsx store-crash-child.ts <database path> <mode>
 *  - hold: commits one batch, then writes a large batch inside a transaction (bigger than the
 *    page cache, so uncommitted pages reach the WAL), prints "in-transaction" and waits forever.
 *  - loop: commits batches of CRASH_BATCH_SIZE rows in separate transactions, printing "committed"
 *    after the first, until killed.
 */
import { todoTable } from '../../common/todo-table';
import { openStore } from '../../main/store';
import { CRASH_BATCH_SIZE, CRASH_HOLD_ROWS } from './store-crash-shared';

const [databasePath, mode] = process.argv.slice(2);
if (!databasePath || (mode !== 'hold' && mode !== 'loop')) {
  throw new Error('usage: store-crash-child.ts <database path> hold|loop');
}

const store = openStore({ path: databasePath, tables: [todoTable] });
const table = store.table(todoTable);
const note = 'n'.repeat(1000);

function batch(tag: string, size: number): { id: string; text: string; notes: string }[] {
  return Array.from({ length: size }, (_, index) => ({
    id: `${tag}-${index}`,
    text: `${tag} row ${index}`,
    notes: note,
  }));
}

function waitForever(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}

if (mode === 'hold') {
  table.upsertMany(batch('committed', CRASH_BATCH_SIZE));
  store.transaction(() => {
    table.upsertMany(batch('uncommitted', CRASH_HOLD_ROWS));
    process.stdout.write('in-transaction\n');
    waitForever();
  });
} else {
  for (let number = 0; ; number++) {
    table.upsertMany(batch(`batch${number}`, CRASH_BATCH_SIZE));
    if (number === 0) process.stdout.write('committed\n');
  }
}
