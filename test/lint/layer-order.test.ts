/**
 * The layer order inside main/ (store ← sync ← services ← ipc ← shell, with main/errors.ts
 * below them all) is enforced by eslint.config.mjs: an import against it fails lint, an import
 * along it passes. Each snippet is linted as if it were the named file.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '..', '..');

// Only the layer rule runs, and without type information: it needs none, and building the
// TypeScript program for the type-aware rules would make this test take most of a minute.
const eslint = new ESLint({
  cwd: repoRoot,
  ruleFilter: ({ ruleId }) => ruleId === 'local/layer-order',
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parserOptions: { project: null } } }],
});

async function layerProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  if (!result) throw new Error(`ESLint returned nothing for ${file}`);
  const fatal = result.messages.filter((message) => message.fatal);
  if (fatal.length > 0) throw new Error(`${file} did not parse: ${fatal[0]?.message}`);
  return result.messages.filter((message) => message.ruleId === 'local/layer-order').map((m) => m.message);
}

describe('the layer order inside main/', () => {
  it.each([
    [
      'main/store/errors.ts',
      "import { SyncError } from '../sync/errors';\nexport const x = SyncError;",
      'sync',
    ],
    [
      'main/store/migrations/001-system-tables.ts',
      "export { MobileServiceClient } from '../../sync';",
      'sync',
    ],
    [
      'main/store/types.ts',
      "import type { SyncScheduler } from '../services/scheduler';\nexport type X = SyncScheduler;",
      'services',
    ],
    [
      'main/sync/errors.ts',
      "import { ServiceError } from '../services/errors';\nexport const x = ServiceError;",
      'services',
    ],
    // '..' from main/sync is main/index.ts, the shell's entry.
    ['main/sync/errors.ts', "import '..';", 'shell'],
    ['main/services/errors.ts', "export * from '../ipc/errors';", 'ipc'],
    ['main/ipc/errors.ts', "export const load = () => import('../shell/app');", 'shell'],
    ['main/ipc/errors.ts', "import shell = require('../shell/menu');\nexport const x = shell;", 'shell'],
    ['main/errors.ts', "import { StoreError } from './store/errors';\nexport const x = StoreError;", 'store'],
  ])('%s importing %j fails: it reaches main/%s', async (file, code, higher) => {
    const problems = await layerProblems(file, code);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`may not import main/${higher}`);
  });

  it.each([
    [
      'main/store/errors.ts',
      "import { UserFacingError } from '../errors';\nexport const x = UserFacingError;",
    ],
    [
      'main/store/migrations/001-system-tables.ts',
      "import { SYSTEM_TABLES } from '../system-table-names';\nexport const x = SYSTEM_TABLES;",
    ],
    ['main/sync/errors.ts', "import type { LocalStore } from '../store';\nexport type X = LocalStore;"],
    ['main/services/errors.ts', "import { SyncError } from '../sync/errors';\nexport const x = SyncError;"],
    [
      'main/ipc/errors.ts',
      "import { silentLogger } from '../services/logger';\nexport const x = silentLogger;",
    ],
    [
      'main/shell/menu.ts',
      "import { createIpcDispatcher } from '../ipc/dispatch';\nexport const x = createIpcDispatcher;",
    ],
    ['main/index.ts', "import { openStore } from './store';\nexport const x = openStore;"],
    [
      'main/store/codec.ts',
      "import type { JsonValue } from '../../common/table-schema';\nexport type X = JsonValue;",
    ],
  ])('%s importing %j passes', async (file, code) => {
    expect(await layerProblems(file, code)).toEqual([]);
  });
});
