/**
 * Helpers for store tests: a fresh temporary folder per test, and a store opened in it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from 'vitest';
import { column, defineTable } from '../../common/table-schema';
import { openStore, StoreError, type LocalStore } from '../../main/store';
import type { TableDeclaration } from '../../main/store/types';

export const repoRoot = path.resolve(__dirname, '..', '..');

export interface TempFolder {
  dir: string;
  file(name?: string): string;
  remove(): void;
}

export function tempFolder(prefix = 'todo-sync-store-'): TempFolder {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file: (name = 'store.db') => path.join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A test with `folder`: a fresh temporary folder of its own, removed after it. */
export const storeTest = base.extend(
  'folder',
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  async ({}, { onCleanup }): Promise<TempFolder> => {
    const folder = tempFolder();
    onCleanup(() => folder.remove());
    return folder;
  },
);

/** One column of every kind, nullable and not, for round-trip and operator tests. */
export const sampleTable = defineTable(
  'sample',
  {
    title: column('string', { defaultValue: '', caseInsensitive: true }),
    code: column('string', { nullable: true }),
    flag: column('boolean', { defaultValue: false }),
    count: column('integer', { defaultValue: 0 }),
    ratio: column('real', { nullable: true }),
    due: column('date', { nullable: true }),
    data: column('json', { nullable: true }),
  },
  { indexes: [['flag', 'createdAt'], ['title']] },
);

export function openIn(folder: TempFolder, tables: readonly TableDeclaration[] = [sampleTable]): LocalStore {
  return openStore({ path: folder.file(), tables });
}

/** Runs `action` and returns the StoreError it throws; fails the test if it throws anything else or nothing. */
export function storeErrorOf(action: () => unknown): StoreError {
  try {
    action();
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw new Error(`expected a StoreError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a StoreError, but nothing was thrown');
}
