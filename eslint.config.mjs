// Lint for the whole repository. Besides typescript-eslint's recommended rules, it enforces the
// architecture the folder tree promises:
//   - only the shell (main/index.ts, main/shell/**) and the bridge (preload/**) touch Electron;
//     services, the store, the sync engine, common/ and the renderer never import it;
//   - the renderer talks to main only through window.todoSync: no main/ or preload/ imports,
//     no Node builtins;
//   - common/ is shared by both sides, so it imports neither side nor Node;
//   - a sandboxed preload can only require 'electron': no Node builtins, no main/ code;
//   - inside main/, the layers store ← sync ← services ← ipc ← shell: a file imports its own
//     layer and the ones below it, never one above (see MAIN_LAYERS).
import { builtinModules } from 'node:module';
import path from 'node:path';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];

const electronImport = {
  name: 'electron',
  message: 'Only main/index.ts, main/shell/** and preload/** may use Electron; pass what you need in.',
};
const electronSubpath = { group: ['electron/*'], message: electronImport.message };

const nodeBuiltins = {
  paths: builtinModules.map((name) => ({ name, message: 'Runs in the browser sandbox: no Node modules.' })),
  patterns: [{ regex: '^node:', message: 'Runs in the browser sandbox: no Node modules.' }],
};

const noMainCode = {
  regex: '(^|/)main(/|$)',
  message: 'The main process is reached through window.todoSync (common/ipc-contract.ts), not imports.',
};
const noPreloadCode = { regex: '(^|/)preload(/|$)', message: 'The bridge is used through window.todoSync.' };
const noRendererCode = { regex: '(^|/)renderer(/|$)', message: 'UI code stays in renderer/.' };
// zod and the IPC schemas stay out of the UI bundle (about 200 kB): main checks every payload,
// and the values the UI needs (provider names, field labels) live in zod-free common/ modules.
const noZodInUi = {
  name: 'zod',
  message: 'zod stays out of the UI bundle: main validates every payload.',
  allowTypeImports: true,
};
const noSchemasInUi = {
  regex: '(^|/)common/(ipc-contract|table-zod)$',
  message:
    'Only types from the contract and table-zod: their schemas would load zod into the UI bundle; put a value the UI needs in a zod-free common/ module.',
  allowTypeImports: true,
};

/** no-restricted-imports does not merge options across blocks, so each area lists all of its bans. */
function restrictImports({ paths = [], patterns = [], allowTypeImports = false }) {
  return {
    'no-restricted-imports': 'off',
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        // An entry may set its own allowTypeImports (a ban on values only).
        paths: paths.map((path) => ({ allowTypeImports, ...path })),
        patterns: patterns.map((pattern) => ({ allowTypeImports, ...pattern })),
      },
    ],
  };
}

// ------------------------------------------------------------------ main/'s layer order

/**
 * main/'s layers, lowest first. main/errors.ts (what every layer's errors share) sits below
 * them all; main/index.ts starts the shell and belongs to it.
 */
const MAIN_LAYERS = ['errors', 'store', 'sync', 'services', 'ipc', 'shell'];
const MAIN_DIR = path.join(import.meta.dirname, 'main');

/** The layer of a file (absolute path, extension optional), or null outside main/'s layers. */
function mainLayerOf(file) {
  const relative = path.relative(MAIN_DIR, file).replace(/\.(ts|tsx|mts|cts|js|mjs|cjs)$/, '');
  if (relative.startsWith('..') || path.isAbsolute(relative)) return null;
  // `main` itself (an import of '..' from a layer folder) is main/index.ts.
  if (relative === '' || relative === 'index') return 'shell';
  const [first] = relative.split(path.sep);
  return MAIN_LAYERS.includes(first) ? first : null;
}

/**
 * Like VS Code's code-layering rule: resolves every relative import (static, re-export,
 * dynamic, require, `import x = require`) against the importing file, so `..` and deep paths
 * cannot slip past, and reports one that reaches a higher layer. Type-only imports count too:
 * a lower layer that needs a higher layer's types is depending on it.
 */
const layerOrderRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Inside main/, a layer imports only its own and lower layers.' },
    messages: {
      upward:
        "main/{{from}} may not import main/{{to}} ('{{source}}'): the layers are " +
        'store ← sync ← services ← ipc ← shell. Pass what you need down, or move the code.',
    },
    schema: [],
  },
  create(context) {
    const from = mainLayerOf(context.filename);
    if (from === null) return {};
    const check = (node) => {
      if (node?.type !== 'Literal' || typeof node.value !== 'string' || !node.value.startsWith('.')) return;
      const to = mainLayerOf(path.resolve(path.dirname(context.filename), node.value));
      if (to !== null && MAIN_LAYERS.indexOf(to) > MAIN_LAYERS.indexOf(from)) {
        context.report({ node, messageId: 'upward', data: { from, to, source: node.value } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSExternalModuleReference: (node) => check(node.expression),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
      },
    };
  },
};

export default defineConfig(
  globalIgnores([
    'out/',
    'dist/',
    'release/',
    'node_modules/',
    'test-results/',
    'playwright-report/',
    'build/icons/',
    '.data/',
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly' },
    },
  },

  // Type-aware rules that catch real bugs (an un-awaited promise, a promise where a callback
  // returns void) at a modest cost; the full type-checked preset is slower than it is worth here.
  {
    files: TS_FILES,
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },

  // --------------------------------------------------------------- architecture boundaries

  {
    files: ['main/**/*.ts'],
    plugins: { local: { rules: { 'layer-order': layerOrderRule } } },
    rules: { 'local/layer-order': 'error' },
  },

  // Everything in TypeScript, unless a later block says otherwise: no Electron.
  {
    files: TS_FILES,
    rules: restrictImports({ paths: [electronImport], patterns: [electronSubpath] }),
  },
  // main/ below the shell: no Electron, and no UI or bridge code either.
  {
    files: ['main/**'],
    rules: restrictImports({
      paths: [electronImport],
      patterns: [electronSubpath, noRendererCode, noPreloadCode],
    }),
  },
  // The shell and the bridge are where Electron lives.
  {
    files: ['main/index.ts', 'main/shell/**'],
    rules: restrictImports({ patterns: [noRendererCode, noPreloadCode] }),
  },
  {
    files: ['preload/**'],
    rules: restrictImports({
      paths: nodeBuiltins.paths,
      patterns: [...nodeBuiltins.patterns, noMainCode, noRendererCode],
    }),
  },
  // Tests mock Electron with vi.mock and may borrow its types; they never load it.
  {
    files: ['test/**'],
    rules: restrictImports({ paths: [electronImport], patterns: [electronSubpath], allowTypeImports: true }),
  },
  {
    files: ['renderer/**'],
    rules: restrictImports({
      paths: [electronImport, ...nodeBuiltins.paths, noZodInUi],
      patterns: [electronSubpath, ...nodeBuiltins.patterns, noMainCode, noPreloadCode, noSchemasInUi],
    }),
  },
  {
    files: ['common/**'],
    rules: restrictImports({
      paths: [electronImport, ...nodeBuiltins.paths],
      patterns: [electronSubpath, ...nodeBuiltins.patterns, noMainCode, noPreloadCode, noRendererCode],
    }),
  },
);
