/**
 * Opens the store once, as the app does at start, and reports the outcome as one JSON line.
 * Run in its own process so a test can give it another user id (a read-only file means
 * nothing to root) or let it wait on a lock.
 *
 *   node --import tsx open-store.ts <database path> [busy timeout ms]
 */
import { writeSync } from 'node:fs';
import { todoTable } from '../../../../common/todo-table';
import { openStore } from '../../../../main/store';

const [path, busyTimeout] = process.argv.slice(2);
if (!path) {
  writeSync(2, 'usage: open-store.ts <database path> [busy timeout ms]\n');
  process.exit(2);
}

try {
  const store = openStore({ path, tables: [todoTable], busyTimeoutMs: Number(busyTimeout ?? 5000) });
  const rows = store.table(todoTable).count();
  store.close();
  writeSync(1, `${JSON.stringify({ result: 'opened', rows, notice: store.notice })}\n`);
} catch (error) {
  const { name, message } = error instanceof Error ? error : { name: 'non-error', message: String(error) };
  const code: unknown = (error as { code?: unknown }).code;
  writeSync(1, `${JSON.stringify({ result: 'refused', error: { name, code, message } })}\n`);
}
