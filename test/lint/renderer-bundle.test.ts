/**
 * The renderer may take only types from zod, the IPC contract and table-zod: a value import
 * would load zod and every schema into the UI bundle (its size doubled before this rule), while
 * main validates every payload anyway. Each snippet is linted as if it were the named file.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '..', '..');
const RULE = '@typescript-eslint/no-restricted-imports';

// Only the import rule runs, without type information: it needs none.
const eslint = new ESLint({
  cwd: repoRoot,
  ruleFilter: ({ ruleId }) => ruleId === RULE,
  overrideConfig: [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parserOptions: { project: null } } }],
});

async function importProblems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  if (!result) throw new Error(`ESLint returned nothing for ${file}`);
  const fatal = result.messages.filter((message) => message.fatal);
  if (fatal.length > 0) throw new Error(`${file} did not parse: ${fatal[0]?.message}`);
  return result.messages.filter((message) => message.ruleId === RULE).map((message) => message.message);
}

describe('zod stays out of the renderer bundle', () => {
  it.each([
    ['renderer/hooks/useAccount.ts', "import { z } from 'zod';\nexport const x = z;"],
    [
      'renderer/components/AccountSection.tsx',
      "import { SIGN_IN_PROVIDERS } from '../../common/ipc-contract';\nexport const x = SIGN_IN_PROVIDERS;",
    ],
    ['renderer/api.ts', "import { todoSchema } from '../common/table-zod';\nexport const x = todoSchema;"],
  ])('%s importing %j fails', async (file, code) => {
    const problems = await importProblems(file, code);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/UI bundle/);
  });

  it.each([
    [
      'renderer/api.ts',
      "import type { IpcResult } from '../common/ipc-contract';\nexport type X = IpcResult<1>;",
    ],
    [
      'renderer/hooks/useAccount.ts',
      "import { SIGN_IN_PROVIDERS } from '../../common/sign-in-providers';\nexport const x = SIGN_IN_PROVIDERS;",
    ],
    // main may use the schemas: it is the side that validates.
    ['main/ipc/dispatch.ts', "import { z } from 'zod';\nexport const x = z;"],
  ])('%s importing %j passes', async (file, code) => {
    expect(await importProblems(file, code)).toEqual([]);
  });
});
