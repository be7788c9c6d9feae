/**
 * One build for the three Electron targets, written to out/ where package.json's "main" points:
 *   out/main/index.js      the main process (CommonJS, like the package)
 *   out/preload/index.js   the bridge, CommonJS: a sandboxed preload cannot load ES modules
 *   out/renderer/          the Preact UI, served to the window through the app:// protocol
 *
 * `electron-vite build` only reads electron/package.json for the target versions; it never
 * resolves the Electron binary, so it runs where the binary is absent.
 */
import { resolve } from 'node:path';
import preact from '@preact/preset-vite';
import { defineConfig } from 'electron-vite';

const fromRoot = (...segments: string[]): string => resolve(__dirname, ...segments);

export default defineConfig({
  main: {
    build: {
      outDir: fromRoot('out/main'),
      // Runtime dependencies stay in node_modules; better-sqlite3 is a native addon and could
      // never be bundled, so it is named even if it leaves "dependencies" one day.
      externalizeDeps: { include: ['better-sqlite3'] },
      lib: { entry: fromRoot('main/index.ts'), formats: ['cjs'], fileName: () => 'index.js' },
    },
  },
  preload: {
    build: {
      outDir: fromRoot('out/preload'),
      // A sandboxed preload may only require 'electron' (and a few polyfilled builtins), so
      // everything it imports from node_modules is bundled into the one file.
      externalizeDeps: false,
      lib: { entry: fromRoot('preload/index.ts'), formats: ['cjs'], fileName: () => 'index.js' },
    },
  },
  renderer: {
    root: fromRoot('renderer'),
    plugins: [preact()],
    build: {
      outDir: fromRoot('out/renderer'),
      // electron-vite leaves bundles readable by default; the window parses this one on every
      // start, so it is minified (about half the bytes to read and parse).
      minify: true,
      rolldownOptions: { input: fromRoot('renderer/index.html') },
    },
  },
});
