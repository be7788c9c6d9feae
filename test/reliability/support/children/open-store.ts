/**
 * Starts the app's services once (createAppServices, as the shell does at launch) on a
 * user-data folder, and reports the outcome as one JSON line: the notices the person would
 * be shown, or the startup error. Run in its own process so a test can give it another user
 * id (a read-only file means nothing to root) or let it wait on a lock.
 *
 *   node --import tsx open-store.ts <user-data folder>
 */
import { writeSync } from 'node:fs';
import { todoTable } from '../../../../common/todo-table';
import { createAppServices } from '../../../../main/services/app-services';
import { silentLogger } from '../../../../main/services/logger';

const [userDataPath] = process.argv.slice(2);
if (!userDataPath) {
  writeSync(2, 'usage: open-store.ts <user-data folder>\n');
  process.exit(2);
}

async function main(folder: string): Promise<void> {
  try {
    const services = await createAppServices({
      userDataPath: folder,
      backendUrl: null,
      logger: silentLogger,
    });
    const rows = services.parts.store.table(todoTable).count();
    const notice = services.parts.store.notice;
    const notices = [...services.notices];
    await services.close();
    writeSync(1, `${JSON.stringify({ result: 'opened', rows, notice, notices })}\n`);
  } catch (error) {
    const { name, message } = error instanceof Error ? error : { name: 'non-error', message: String(error) };
    const cause: unknown = error instanceof Error ? error.cause : undefined;
    const code: unknown =
      (cause as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown }).code;
    writeSync(1, `${JSON.stringify({ result: 'refused', error: { name, code, message } })}\n`);
  }
}

void main(userDataPath);
