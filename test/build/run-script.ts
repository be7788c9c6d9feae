/**
 * Runs one of the repository's TypeScript scripts the way npm does (through tsx, in a child
 * process), so the tests exercise the real command line: arguments, environment, exit code.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
const tsxCli = path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Variables that change what the scripts under test decide; removed so the machine running the
 * tests (a CI runner, a shell with an Electron override) cannot change the outcome.
 */
const DECISION_VARIABLES = [
  'CI',
  'ELECTRON_OVERRIDE_DIST_PATH',
  'TODO_SYNC_SKIP_NATIVE_REBUILD',
  'TODO_SYNC_UPDATE_URL',
  'TODO_SYNC_RELEASE',
];

export function runScript(
  script: string,
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<ScriptRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of DECISION_VARIABLES) delete env[name];
  Object.assign(env, options.env);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tsxCli, path.join(repoRoot, script), ...args],
      { cwd: options.cwd ?? repoRoot, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
