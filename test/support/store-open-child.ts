/**
 * Opens a store in a separate process and reports the outcome as one JSON line on stdout.
 * The read-only test runs it as an unprivileged user, because root ignores file permissions,
 * bundled by portable-child.ts so that user need not enter the checkout.
 * Usage: node --import tsx store-open-child.ts <database path>
 */
import { todoTable } from '../../common/todo-table';
import { openStore, StoreError } from '../../main/store';

const databasePath = process.argv[2];
if (!databasePath) throw new Error('usage: store-open-child.ts <database path>');

try {
  const store = openStore({ path: databasePath, tables: [todoTable], busyTimeoutMs: 100 });
  try {
    store.table(todoTable).insert({ text: 'written by the child' });
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  } finally {
    store.close();
  }
} catch (error) {
  const outcome =
    error instanceof StoreError
      ? { ok: false, code: error.code, message: error.message }
      : { ok: false, code: 'crash', message: String(error) };
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}
