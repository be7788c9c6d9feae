/**
 * Vitest fixtures for the tests that need temporary folders, servers and other things to undo:
 * each test asks for what it uses and gets its own, and whatever it set up is undone after it,
 * instead of every file keeping a module-level list of cleanups and emptying it in afterEach.
 *
 *   const test = fixtureTest.extend('backend', { scope: 'file' }, backendFixture({ auth: true }));
 *   test('…', async ({ backend, tempDir, defer }) => { … });
 *
 * - `defer(cleanup)`: runs `cleanup` after the test, the last registered first; all of them run
 *   even when one fails, and the first failure fails the test.
 * - `tempDir(prefix?)`: a fresh folder under the system's temp folder, removed after the test
 *   (through `defer`, so it goes after whatever was opened in it later).
 * - `backendFixture(options)`: a real test backend (test/support/backend.ts) to extend a test
 *   with, usually once per file (`{ scope: 'file' }`), stopped after the file's last test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from 'vitest';
import { startTestBackend, type TestBackend, type TestBackendOptions } from './backend';

export type Cleanup = () => unknown;

/** Runs `cleanups` last first, every one of them; rethrows the first failure afterwards. */
export async function runCleanups(cleanups: readonly Cleanup[]): Promise<void> {
  const failures: unknown[] = [];
  for (const cleanup of [...cleanups].reverse()) {
    try {
      await cleanup();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

export const fixtureTest = base
  .extend(
    'defer',
    // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
    async ({}, { onCleanup }): Promise<(cleanup: Cleanup) => void> => {
      const pending: Cleanup[] = [];
      onCleanup(() => runCleanups(pending.splice(0)));
      return (cleanup) => {
        pending.push(cleanup);
      };
    },
  )
  .extend(
    'tempDir',
    async ({ defer }): Promise<(prefix?: string) => string> =>
      (prefix = 'todo-sync-test-') => {
        const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
        defer(() => rmSync(dir, { recursive: true, force: true }));
        return dir;
      },
  );

/** A fixture function starting a real test backend with `options`, stopped when its scope ends. */
export function backendFixture(
  options: TestBackendOptions = {},
): (context: object, fixture: { onCleanup: (cleanup: () => Promise<void>) => void }) => Promise<TestBackend> {
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  return async ({}, { onCleanup }) => {
    const backend = await startTestBackend(options);
    onCleanup(() => backend.stop());
    return backend;
  };
}
