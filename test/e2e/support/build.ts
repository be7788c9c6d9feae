/**
 * Builds what the harness serves, once per run (Playwright's global setup):
 *   - the renderer, from electron.vite.config.ts's own renderer section through electron-vite's
 *     config resolution (the same presets `npm run build` applies), into a temp folder;
 *   - the real preload (preload/index.ts) as a browser script, with 'electron' replaced by
 *     electron-shim.ts, so window.todoSync is built by the very code the app ships.
 * The folder is handed to the workers through E2E_BUILD_DIR.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const BUILD_DIR_ENV = 'E2E_BUILD_DIR';
export const PRELOAD_FILE = 'preload.js';

export function builtPaths(): { rendererDir: string; preloadScript: string } {
  const dir = process.env[BUILD_DIR_ENV];
  if (!dir)
    throw new Error(`${BUILD_DIR_ENV} is not set: run the end-to-end tests through playwright.config.ts`);
  return { rendererDir: path.join(dir, 'renderer'), preloadScript: path.join(dir, PRELOAD_FILE) };
}

async function buildRenderer(outDir: string): Promise<void> {
  const previousNodeEnv = process.env.NODE_ENV;
  try {
    const { config } = await resolveConfig(
      { configFile: path.join(REPO_ROOT, 'electron.vite.config.ts'), build: { outDir }, logLevel: 'warn' },
      'build',
      'production',
    );
    if (!config?.renderer) throw new Error('electron.vite.config.ts has no renderer section');
    await build({ ...config.renderer, logLevel: 'warn' });
  } finally {
    // electron-vite sets NODE_ENV for its own run; the test workers should not inherit it.
    if (previousNodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previousNodeEnv;
  }
}

async function buildPreload(outDir: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    resolve: { alias: [{ find: /^electron$/, replacement: path.join(__dirname, 'electron-shim.ts') }] },
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      target: 'es2022',
      lib: {
        entry: path.join(REPO_ROOT, 'preload', 'index.ts'),
        formats: ['iife'],
        name: 'todoSyncPreload',
        fileName: () => PRELOAD_FILE,
      },
    },
  });
}

export default async function globalSetup(): Promise<() => void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-e2e-build-'));
  await buildRenderer(dir);
  await buildPreload(dir);
  process.env[BUILD_DIR_ENV] = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
