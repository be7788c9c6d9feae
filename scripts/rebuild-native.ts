/**
 * Makes better-sqlite3's native addon loadable by the runtime about to use it.
 *
 *   tsx scripts/rebuild-native.ts postinstall   after npm install (package.json "postinstall")
 *   tsx scripts/rebuild-native.ts electron      before the app runs ("prestart", "predev")
 *   tsx scripts/rebuild-native.ts node          before the Node-run tests ("pretest:unit", "pretest:e2e": the e2e harness runs main's services in Node)
 *
 * Why: a .node file is compiled for one NODE_MODULE_VERSION. npm builds better-sqlite3 for
 * Node; the app needs it built for Electron's ABI; the unit tests run in plain Node and need the
 * Node build back. Swapping by rebuilding each time would cost a compile per switch, so every
 * build that loaded successfully is kept in node_modules/.cache/todo-sync-native/, keyed by
 * better-sqlite3 version, runtime, ABI and arch, and a switch is a file copy.
 *
 * Each mode first tries the cheap thing: load the addon in the target runtime (a child
 * process, so a failed load leaves this process clean). Only on failure does it restore a
 * cached build, and only without one does it rebuild (`electron-builder install-app-deps` for
 * Electron, `npm rebuild better-sqlite3` for Node). Both rebuilds may need the network.
 *
 * Electron is only probed when its binary is on disk: node_modules/electron/path.txt names it
 * (absent when ELECTRON_SKIP_BINARY_DOWNLOAD was set or the download failed), or
 * ELECTRON_OVERRIDE_DIST_PATH points at a folder holding it. Without it the Electron modes
 * print one line saying why they skipped and exit 0: nothing could run Electron anyway, and
 * npm install must keep working offline and in CI. `postinstall` also skips in CI (CI=true)
 * and when TODO_SYNC_SKIP_NATIVE_REBUILD=1, and never fails an install: the next
 * `npm start` retries and fails loudly there.
 *
 * Packaging is separate: electron-builder rebuilds native modules for each target itself.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

type Mode = 'postinstall' | 'electron' | 'node';
type Runtime = 'electron' | 'node';

const MODES: readonly Mode[] = ['postinstall', 'electron', 'node'];
const LOG_PREFIX = '[native]';

class NativeModuleError extends Error {
  override name = 'NativeModuleError';
}

interface Project {
  root: string;
  addonDir: string;
  addonFile: string;
  addonVersion: string;
  electronDir: string;
}

interface RuntimeTarget {
  runtime: Runtime;
  /** The executable that loads the addon: node itself, or Electron run as Node. */
  executable: string;
  env: NodeJS.ProcessEnv;
  /** Cache key part: ABI and arch, so builds for different runtimes never overwrite each other. */
  abiKey: string;
  label: string;
}

function findProject(root: string): Project {
  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  let manifestPath: string;
  try {
    manifestPath = requireFromRoot.resolve('better-sqlite3/package.json');
  } catch {
    throw new NativeModuleError(`better-sqlite3 is not installed under ${root}; run npm install first.`);
  }
  const addonDir = path.dirname(manifestPath);
  const manifest: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const addonVersion =
    typeof manifest === 'object' &&
    manifest !== null &&
    'version' in manifest &&
    typeof manifest.version === 'string'
      ? manifest.version
      : 'unknown';
  return {
    root,
    addonDir,
    addonFile: path.join(addonDir, 'build', 'Release', 'better_sqlite3.node'),
    addonVersion,
    electronDir: path.join(root, 'node_modules', 'electron'),
  };
}

function readTextIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/** Where the Electron binary is, or why there is none (the sentence printed when skipping). */
function locateElectron(
  project: Project,
  env: NodeJS.ProcessEnv,
): { executable: string } | { missing: string } {
  const relativeExecutable = readTextIfExists(path.join(project.electronDir, 'path.txt'));
  const overrideDir = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (overrideDir) {
    const executable = path.join(overrideDir, relativeExecutable ?? 'electron');
    return existsSync(executable)
      ? { executable }
      : { missing: `ELECTRON_OVERRIDE_DIST_PATH is set, but ${executable} does not exist` };
  }
  if (relativeExecutable === null) {
    return {
      missing:
        'no Electron binary: node_modules/electron/path.txt is absent (its download was skipped or failed) and ELECTRON_OVERRIDE_DIST_PATH is unset',
    };
  }
  const executable = path.join(project.electronDir, 'dist', relativeExecutable);
  return existsSync(executable) ? { executable } : { missing: `no Electron binary at ${executable}` };
}

function electronTarget(project: Project, executable: string): RuntimeTarget {
  const version = readTextIfExists(path.join(project.electronDir, 'package.json'));
  const parsed: unknown = version === null ? null : JSON.parse(version);
  const electronVersion =
    typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string'
      ? parsed.version
      : 'unknown';
  return {
    runtime: 'electron',
    executable,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    abiKey: `electron-${electronVersion}-${process.platform}-${process.arch}`,
    label: `Electron ${electronVersion}`,
  };
}

function nodeTarget(): RuntimeTarget {
  return {
    runtime: 'node',
    executable: process.execPath,
    env: process.env,
    abiKey: `node-abi${process.versions.modules}-${process.platform}-${process.arch}`,
    label: `Node ${process.versions.node} (ABI ${process.versions.modules})`,
  };
}

const PROBE = [
  "const Database = require('better-sqlite3');",
  'const db = new Database(":memory:");',
  "db.prepare('select 1').get();",
  'db.close();',
].join('\n');

/** Loads the addon in the target runtime; returns null when it works, else the loader's complaint. */
function probe(project: Project, target: RuntimeTarget): string | null {
  const result = spawnSync(target.executable, ['-e', PROBE], {
    cwd: project.root,
    env: target.env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status === 0) return null;
  const output = `${result.stderr ?? ''}${result.error?.message ?? ''}`;
  const reason = output.split('\n').find((line) => /NODE_MODULE_VERSION|Error/.test(line)) ?? output.trim();
  return reason.slice(0, 300) || `exit code ${String(result.status)}`;
}

function cachedBuild(project: Project, target: RuntimeTarget): string {
  return path.join(
    project.root,
    'node_modules',
    '.cache',
    'todo-sync-native',
    `better-sqlite3@${project.addonVersion}`,
    target.abiKey,
    'better_sqlite3.node',
  );
}

function stash(project: Project, target: RuntimeTarget): void {
  const file = cachedBuild(project, target);
  if (existsSync(file) || !existsSync(project.addonFile)) return;
  mkdirSync(path.dirname(file), { recursive: true });
  copyFileSync(project.addonFile, file);
}

function rebuild(project: Project, target: RuntimeTarget): void {
  const command =
    target.runtime === 'electron'
      ? {
          executable: process.execPath,
          args: [
            createRequire(path.join(project.root, 'package.json')).resolve('electron-builder/cli.js'),
            'install-app-deps',
          ],
        }
      : npmCommand(['rebuild', 'better-sqlite3']);
  console.log(`${LOG_PREFIX} rebuilding better-sqlite3 for ${target.label} (may need the network)...`);
  const result = spawnSync(command.executable, command.args, {
    cwd: project.root,
    stdio: 'inherit',
    shell: command.shell ?? false,
  });
  if (result.status !== 0) {
    throw new NativeModuleError(
      `rebuilding better-sqlite3 for ${target.label} failed (exit code ${String(result.status)}).`,
    );
  }
}

function npmCommand(args: string[]): { executable: string; args: string[]; shell?: boolean } {
  // Inside an npm script npm_execpath is npm's own JS entry: running it with this Node avoids
  // depending on PATH and on npm.cmd's shell quirks on Windows.
  const npmCli = process.env.npm_execpath;
  if (npmCli && /\.c?js$/.test(npmCli)) return { executable: process.execPath, args: [npmCli, ...args] };
  return { executable: 'npm', args, shell: process.platform === 'win32' };
}

/** The other runtime's target, used to keep its working build before this one replaces it. */
function otherTarget(project: Project, target: RuntimeTarget): RuntimeTarget | null {
  if (target.runtime === 'electron') return nodeTarget();
  const electron = locateElectron(project, process.env);
  return 'executable' in electron ? electronTarget(project, electron.executable) : null;
}

function ensureLoadable(project: Project, target: RuntimeTarget): void {
  const complaint = probe(project, target);
  if (complaint === null) {
    stash(project, target);
    return;
  }
  console.log(`${LOG_PREFIX} better-sqlite3 does not load in ${target.label}: ${complaint}`);

  const other = otherTarget(project, target);
  if (other !== null && probe(project, other) === null) stash(project, other);

  const cached = cachedBuild(project, target);
  if (existsSync(cached)) {
    copyFileSync(cached, project.addonFile);
    if (probe(project, target) === null) {
      console.log(`${LOG_PREFIX} restored the cached better-sqlite3 build for ${target.label}.`);
      return;
    }
    console.log(`${LOG_PREFIX} the cached build for ${target.label} does not load either; rebuilding.`);
  }

  rebuild(project, target);
  const afterRebuild = probe(project, target);
  if (afterRebuild !== null) {
    throw new NativeModuleError(
      `better-sqlite3 still does not load in ${target.label} after rebuilding: ${afterRebuild}`,
    );
  }
  stash(project, target);
  console.log(`${LOG_PREFIX} better-sqlite3 is built for ${target.label}.`);
}

function isTruthyEnv(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function runElectronMode(mode: 'postinstall' | 'electron'): number {
  if (mode === 'postinstall') {
    if (isTruthyEnv(process.env.TODO_SYNC_SKIP_NATIVE_REBUILD)) {
      console.log(
        `${LOG_PREFIX} skipped rebuilding better-sqlite3 for Electron: TODO_SYNC_SKIP_NATIVE_REBUILD is set.`,
      );
      return 0;
    }
    if (isTruthyEnv(process.env.CI)) {
      console.log(
        `${LOG_PREFIX} skipped rebuilding better-sqlite3 for Electron: CI is set (tests run in Node; "npm start" and "npm run test:e2e" rebuild on demand).`,
      );
      return 0;
    }
  }
  const project = findProject(process.cwd());
  const electron = locateElectron(project, process.env);
  if ('missing' in electron) {
    console.log(`${LOG_PREFIX} skipped rebuilding better-sqlite3 for Electron: ${electron.missing}.`);
    return 0;
  }
  ensureLoadable(project, electronTarget(project, electron.executable));
  return 0;
}

function run(mode: Mode): number {
  if (mode === 'node') {
    ensureLoadable(findProject(process.cwd()), nodeTarget());
    return 0;
  }
  try {
    return runElectronMode(mode);
  } catch (error) {
    if (mode !== 'postinstall') throw error;
    // An install must not fail for this: tests run in Node, and `npm start` tries again.
    const message = error instanceof Error ? error.message : String(error);
    console.log(`${LOG_PREFIX} warning: ${message} "npm start" will try again.`);
    return 0;
  }
}

function isMode(value: string | undefined): value is Mode {
  return MODES.some((known) => known === value);
}

const mode = process.argv[2];
if (!isMode(mode)) {
  console.error(`Usage: tsx scripts/rebuild-native.ts <${MODES.join('|')}> (got ${mode ?? 'nothing'}).`);
  process.exit(2);
}
try {
  process.exit(run(mode));
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`${LOG_PREFIX} ${message}`);
  process.exit(1);
}
