/**
 * A test's child script, made runnable by any user from anywhere.
 *
 * Why: the read-only tests run their child as "nobody" because root ignores file permissions.
 * Run from the checkout (`node --import tsx <script>`), that child needs to enter the checkout
 * and its node_modules, which it cannot do when the repository was cloned into a folder only
 * root may enter (what `mktemp -d` makes). So the script is bundled into one CommonJS file,
 * and next to it goes a copy of what the bundle still loads from disk: better-sqlite3 (its
 * JavaScript and the compiled addon the parent uses) and `bindings`, which finds that addon.
 * Everything sits in a world-readable temporary folder; `remove()` deletes it.
 */
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';

export interface PortableChild {
  /** The bundled script: `spawn(process.execPath, [script, ...args], { cwd: folder })`. */
  script: string;
  /** The folder holding it; a good working directory for the child. */
  folder: string;
  remove(): void;
}

const repoRoot = path.resolve(__dirname, '..', '..');

/** The packages better-sqlite3 loads at run time, and what of each the child needs. */
const NATIVE_PACKAGES: readonly { name: string; parts: readonly string[] }[] = [
  {
    name: 'better-sqlite3',
    parts: ['package.json', 'lib', path.join('build', 'Release', 'better_sqlite3.node')],
  },
  { name: 'bindings', parts: ['.'] },
  { name: 'file-uri-to-path', parts: ['.'] },
];

function packageFolder(name: string, from: string): string {
  return path.dirname(createRequire(from).resolve(`${name}/package.json`));
}

/** Lets every user read (and enter) what was copied, whatever the checkout's modes were. */
function openToEveryone(target: string): void {
  const stats = statSync(target);
  if (stats.isDirectory()) {
    chmodSync(target, 0o755);
    for (const entry of readdirSync(target)) openToEveryone(path.join(target, entry));
  } else {
    chmodSync(target, stats.mode & 0o111 ? 0o755 : 0o644);
  }
}

/** Bundles `entry` (a TypeScript file in this repository) with better-sqlite3 beside it. */
export function buildPortableChild(entry: string): PortableChild {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-child-'));
  try {
    const script = path.join(folder, `${path.basename(entry, path.extname(entry))}.cjs`);
    buildSync({
      entryPoints: [entry],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      external: ['better-sqlite3'],
      logLevel: 'error',
    });
    let from = path.join(repoRoot, 'package.json');
    for (const { name, parts } of NATIVE_PACKAGES) {
      const source = packageFolder(name, from);
      const target = path.join(folder, 'node_modules', name);
      for (const part of parts) {
        mkdirSync(path.dirname(path.join(target, part)), { recursive: true });
        cpSync(path.join(source, part), path.join(target, part), { recursive: true });
      }
      // Each package is resolved from the one that depends on it, as Node would.
      from = path.join(source, 'package.json');
    }
    openToEveryone(folder);
    return { script, folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}
