import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import { openStore } from '../../../main/store';
import { repoRoot, tempFolder, type TempFolder } from '../../support/store-fixtures';

// The Electron smoke test runs the app with TODO_SYNC_SQLITE_BINDING naming the Electron build
// of better-sqlite3, while the test runner keeps the Node build loaded: the option must be used.
describe('nativeBinding', () => {
  let folder: TempFolder;
  beforeEach(() => (folder = tempFolder()));
  afterEach(() => folder.remove());

  it('loads the addon it names', () => {
    const addon = path.join(
      repoRoot,
      'node_modules',
      'better-sqlite3',
      'build',
      'Release',
      'better_sqlite3.node',
    );
    const store = openStore({ path: folder.file(), tables: [todoTable], nativeBinding: addon });
    store.table(todoTable).insert({ text: 'loaded through the named addon' });
    expect(store.table(todoTable).count()).toBe(1);
    store.close();
  });

  it('fails to open when the named addon does not exist, instead of silently using another', () => {
    expect(() =>
      openStore({
        path: folder.file(),
        tables: [todoTable],
        nativeBinding: path.join(folder.dir, 'missing.node'),
      }),
    ).toThrow();
  });
});
