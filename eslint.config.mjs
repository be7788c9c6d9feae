// Lint for the whole repository. Besides typescript-eslint's recommended rules, it enforces the
// architecture the folder tree promises:
//   - only the shell (main/index.ts, main/shell/**) and the bridge (preload/**) touch Electron;
//     services, the store, the sync engine, common/ and the renderer never import it;
//   - the renderer talks to main only through window.todoSync: no main/ or preload/ imports,
//     no Node builtins;
//   - common/ is shared by both sides, so it imports neither side nor Node;
//   - a sandboxed preload can only require 'electron': no Node builtins, no main/ code.
import { builtinModules } from 'node:module';
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

/** no-restricted-imports does not merge options across blocks, so each area lists all of its bans. */
function restrictImports({ paths = [], patterns = [], allowTypeImports = false }) {
  return {
    'no-restricted-imports': 'off',
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        paths: paths.map((path) => ({ ...path, allowTypeImports })),
        patterns: patterns.map((pattern) => ({ ...pattern, allowTypeImports })),
      },
    ],
  };
}

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

  // Everything in TypeScript, unless a later block says otherwise: no Electron.
  {
    files: TS_FILES,
    rules: restrictImports({ paths: [electronImport], patterns: [electronSubpath] }),
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
      paths: [electronImport, ...nodeBuiltins.paths],
      patterns: [electronSubpath, ...nodeBuiltins.patterns, noMainCode, noPreloadCode],
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
