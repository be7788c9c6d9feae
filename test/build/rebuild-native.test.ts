/**
 * scripts/rebuild-native.ts, run as npm runs it, against a throwaway project that holds a copy
 * of the installed better-sqlite3 (never the repository's own node_modules: other test files
 * load that addon while this one runs). No test rebuilds anything, since that needs the
 * network; they cover the skip paths and the cheap load-check and cache-restore paths.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot, runScript } from './run-script';

const SCRIPT = 'scripts/rebuild-native.ts';
let project: string;

/** A project with better-sqlite3 (package, JS, built addon) and what it requires at load time. */
function makeProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'todo-sync-native-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'native-fixture', private: true }));
  const from = path.join(repoRoot, 'node_modules');
  const to = path.join(dir, 'node_modules');
  const addon = path.join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  for (const part of [
    'better-sqlite3/package.json',
    'better-sqlite3/lib',
    addon,
    'bindings',
    'file-uri-to-path',
  ]) {
    cpSync(path.join(from, part), path.join(to, part), { recursive: true });
  }
  return dir;
}

const addonFile = (): string =>
  path.join(project, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const nodeCacheFile = (): string => {
  const { version } = JSON.parse(
    readFileSync(path.join(project, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'),
  ) as { version: string };
  return path.join(
    project,
    'node_modules',
    '.cache',
    'todo-sync-native',
    `better-sqlite3@${version}`,
    `node-abi${process.versions.modules}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
};

beforeEach(() => {
  project = makeProject();
});

afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('postinstall (rebuild for Electron after npm install)', () => {
  it('skips with one line saying why and exits 0 when there is no Electron binary', async () => {
    const run = await runScript(SCRIPT, ['postinstall'], { cwd: project });
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/skipped rebuilding better-sqlite3 for Electron: no Electron binary/);
    expect(lines[0]).toMatch(/path\.txt is absent/);
  });

  it('skips in CI, where the tests run in Node', async () => {
    const run = await runScript(SCRIPT, ['postinstall'], { cwd: project, env: { CI: 'true' } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/skipped .* CI is set/);
  });

  it('skips when asked to with TODO_SYNC_SKIP_NATIVE_REBUILD', async () => {
    const run = await runScript(SCRIPT, ['postinstall'], {
      cwd: project,
      env: { TODO_SYNC_SKIP_NATIVE_REBUILD: '1' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/TODO_SYNC_SKIP_NATIVE_REBUILD is set/);
  });
});

describe('electron (before npm start / test:e2e)', () => {
  it('names the missing binary when ELECTRON_OVERRIDE_DIST_PATH points at an empty folder, and exits 0', async () => {
    const emptyDist = path.join(project, 'no-electron-here');
    mkdirSync(emptyDist);
    const run = await runScript(SCRIPT, ['electron'], {
      cwd: project,
      env: { ELECTRON_OVERRIDE_DIST_PATH: emptyDist },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `ELECTRON_OVERRIDE_DIST_PATH is set, but ${path.join(emptyDist, 'electron')} does not exist`,
    );
  });
});

describe('node (before the unit tests)', () => {
  it('leaves a working addon alone and keeps a copy of it for later switches', async () => {
    const before = readFileSync(addonFile());
    const run = await runScript(SCRIPT, ['node'], { cwd: project });
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(addonFile()).equals(before)).toBe(true);
    expect(readFileSync(nodeCacheFile()).equals(before)).toBe(true);
  });

  it('restores the cached Node build when the installed addon does not load (as after an Electron rebuild)', async () => {
    const good = readFileSync(addonFile());
    mkdirSync(path.dirname(nodeCacheFile()), { recursive: true });
    writeFileSync(nodeCacheFile(), good);
    writeFileSync(addonFile(), 'not a shared object');

    const run = await runScript(SCRIPT, ['node'], { cwd: project });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/does not load in Node/);
    expect(run.stdout).toMatch(/restored the cached better-sqlite3 build for Node/);
    expect(readFileSync(addonFile()).equals(good)).toBe(true);
  });

  it('fails with a clear message when better-sqlite3 is not installed at all', async () => {
    rmSync(path.join(project, 'node_modules', 'better-sqlite3'), { recursive: true });
    const run = await runScript(SCRIPT, ['node'], { cwd: project });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/better-sqlite3 is not installed/);
    expect(existsSync(path.join(project, 'node_modules', '.cache'))).toBe(false);
  });
});

describe('wiring', () => {
  it('rejects an unknown mode with its usage', async () => {
    const run = await runScript(SCRIPT, ['elektron'], { cwd: project });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Usage: .*<postinstall\|electron\|node>/);
  });

  it('runs after npm install and before the app and each test runtime', () => {
    const { scripts } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.postinstall).toBe(`tsx ${SCRIPT} postinstall`);
    // The e2e harness runs main's services in the Node test runner; the Electron smoke test
    // points the app at the cached Electron build instead (TODO_SYNC_SQLITE_BINDING).
    for (const hook of ['pretest:unit', 'pretest:e2e'])
      expect(scripts[hook], hook).toBe(`tsx ${SCRIPT} node`);
    for (const hook of ['prestart', 'predev']) expect(scripts[hook], hook).toBe(`tsx ${SCRIPT} electron`);
  });
});
