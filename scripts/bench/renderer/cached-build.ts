/**
 * Playwright global setup for the benchmark's renderer scenario: the end-to-end build
 * (test/e2e/support/build.ts) kept in node_modules/.cache between runs, keyed by a hash of
 * everything that goes into it, so a repeated `npm run bench` does not spend its time in vite.
 * A change to any input is a different key: a stale build is never served.
 */
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import buildForHarness, { BUILD_DIR_ENV, REPO_ROOT } from '../../../test/e2e/support/build';

const CACHE_ROOT = path.join(REPO_ROOT, 'node_modules', '.cache', 'todo-sync-bench');
const INPUTS = [
  'renderer',
  'preload',
  'common',
  'electron.vite.config.ts',
  'package-lock.json',
  'test/e2e/support/build.ts',
  'test/e2e/support/electron-shim.ts',
];
const COMPLETE_MARKER = '.complete';

function filesUnder(relative: string): string[] {
  const absolute = path.join(REPO_ROOT, relative);
  if (!existsSync(absolute)) return [];
  if (!statSync(absolute).isDirectory()) return [relative];
  return readdirSync(absolute)
    .sort()
    .flatMap((name) => filesUnder(path.join(relative, name)));
}

function inputsKey(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesUnder)) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(REPO_ROOT, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

export default async function cachedBuild(): Promise<() => void> {
  const key = inputsKey();
  const cached = path.join(CACHE_ROOT, `build-${key}`);
  if (!existsSync(path.join(cached, COMPLETE_MARKER))) {
    const removeBuild = await buildForHarness();
    try {
      const built = process.env[BUILD_DIR_ENV];
      if (!built) throw new Error(`the end-to-end build did not set ${BUILD_DIR_ENV}`);
      mkdirSync(CACHE_ROOT, { recursive: true });
      const partial = `${cached}.partial-${process.pid}`;
      cpSync(built, partial, { recursive: true });
      writeFileSync(path.join(partial, COMPLETE_MARKER), '');
      rmSync(cached, { recursive: true, force: true });
      renameSync(partial, cached);
      // Only the newest build is worth keeping.
      for (const name of readdirSync(CACHE_ROOT)) {
        if (name.startsWith('build-') && name !== `build-${key}`) {
          rmSync(path.join(CACHE_ROOT, name), { recursive: true, force: true });
        }
      }
    } finally {
      removeBuild();
    }
  }
  process.env[BUILD_DIR_ENV] = cached;
  return () => undefined;
}
