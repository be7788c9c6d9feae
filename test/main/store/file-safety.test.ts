import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { column, defineTable } from '../../../common/table-schema';
import { todoTable } from '../../../common/todo-table';
import { openStore, STORE_SCHEMA_VERSION } from '../../../main/store';
import { buildPortableChild, type PortableChild } from '../../support/portable-child';
import { openIn, repoRoot, storeErrorOf, tempFolder, type TempFolder } from '../../support/store-fixtures';

let folder: TempFolder;

beforeEach(() => {
  folder = tempFolder();
});

afterEach(() => {
  folder.remove();
});

function writeSomeTodos(count = 50): void {
  const store = openIn(folder, [todoTable]);
  store
    .table(todoTable)
    .upsertMany(Array.from({ length: count }, (_, index) => ({ id: `t${index}`, text: `todo ${index}` })));
  store.close();
}

function filesInFolder(): string[] {
  return readdirSync(folder.dir).sort();
}

describe('a damaged database file', () => {
  it('that is not a database at all is moved aside, kept byte for byte, and a fresh store opens with a notice', () => {
    const garbage = Buffer.from('this is not a database, just some text that got here somehow '.repeat(100));
    writeFileSync(folder.file(), garbage);
    const store = openIn(folder, [todoTable]);
    expect(store.notice?.kind).toBe('recovered-from-corruption');
    const preservedAt = store.notice?.preservedAt ?? '';
    expect(path.dirname(preservedAt)).toBe(folder.dir);
    expect(path.basename(preservedAt)).toMatch(/^store\.db\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(readFileSync(preservedAt).equals(garbage)).toBe(true);
    expect(store.notice?.message).toContain(preservedAt);
    store.table(todoTable).insert({ text: 'works on the fresh file' });
    expect(store.table(todoTable).count()).toBe(1);
    store.close();
    const reopened = openIn(folder, [todoTable]);
    expect(reopened.notice).toBeNull();
    expect(reopened.table(todoTable).count()).toBe(1);
    reopened.close();
  });

  it('with damaged pages behind a valid header is found at open and moved aside with its WAL', () => {
    writeSomeTodos(3000);
    const original = readFileSync(folder.file());
    const damaged = Buffer.from(original);
    // Overwrite pages in the middle of the file (page size 4096), past the header and schema.
    damaged.fill(0xa5, 4096 * 3, 4096 * 6);
    writeFileSync(folder.file(), damaged);
    writeFileSync(`${folder.file()}-wal`, Buffer.alloc(0));
    const store = openIn(folder, [todoTable]);
    const preservedAt = store.notice?.preservedAt ?? '';
    expect(readFileSync(preservedAt).equals(damaged)).toBe(true);
    expect(existsSync(`${preservedAt}-wal`)).toBe(true);
    expect(store.table(todoTable).count()).toBe(0);
    store.close();
  });

  it('that is truncated to less than a header is moved aside', () => {
    writeFileSync(folder.file(), Buffer.from('SQLite format 3\0'));
    const store = openIn(folder, [todoTable]);
    expect(store.notice?.kind).toBe('recovered-from-corruption');
    store.close();
  });

  it('an empty file (a crash while creating it) is simply a new database', () => {
    writeFileSync(folder.file(), Buffer.alloc(0));
    const store = openIn(folder, [todoTable]);
    expect(store.notice).toBeNull();
    store.close();
    expect(filesInFolder()).toEqual(['store.db']);
  });
});

describe('a database written by a newer version', () => {
  function markNewer(options: { wal: boolean }): Buffer {
    writeSomeTodos();
    const db = new Database(folder.file());
    if (!options.wal) db.pragma('journal_mode = DELETE');
    db.pragma(`user_version = ${STORE_SCHEMA_VERSION + 1}`);
    db.close();
    return readFileSync(folder.file());
  }

  it.each([{ wal: true }, { wal: false }])('is refused and left byte-identical (%o)', (mode) => {
    const before = markNewer(mode);
    const filesBefore = filesInFolder();
    const error = storeErrorOf(() => openIn(folder, [todoTable]));
    expect(error.code).toBe('newer-schema');
    expect(error.message).toMatch(/newer version of Todo Sync/);
    expect(error.message).toMatch(/left untouched/);
    expect(readFileSync(folder.file()).equals(before)).toBe(true);
    expect(filesInFolder()).toEqual(filesBefore);
  });
});

describe('a database whose newer version number is still in its WAL', () => {
  it('is refused without checkpointing: the file and its WAL stay byte-identical', () => {
    writeSomeTodos();
    // A newer app that crashed right after migrating: its commit is only in the WAL.
    const crashedNewerApp = `
      const Database = require('better-sqlite3');
      const db = new Database(${JSON.stringify(folder.file())});
      db.pragma('user_version = ${STORE_SCHEMA_VERSION + 1}');
      process.kill(process.pid, 'SIGKILL');`;
    spawnSync(process.execPath, ['-e', crashedNewerApp], { cwd: repoRoot, timeout: 20_000 });
    const main = readFileSync(folder.file());
    const wal = readFileSync(`${folder.file()}-wal`);
    expect(wal.length).toBeGreaterThan(0);
    expect(storeErrorOf(() => openIn(folder, [todoTable])).code).toBe('newer-schema');
    expect(readFileSync(folder.file()).equals(main)).toBe(true);
    expect(readFileSync(`${folder.file()}-wal`).equals(wal)).toBe(true);
  });
});

describe('migrating a declared table', () => {
  const version1 = defineTable('notes', {
    title: column('string', { defaultValue: '' }),
  });
  const version2 = defineTable(
    'notes',
    {
      title: column('string', { defaultValue: '', caseInsensitive: true }),
      pinned: column('boolean', { defaultValue: true }),
      priority: column('integer', { defaultValue: 3 }),
      color: column('string', { nullable: true }),
      labels: column('json', { defaultValue: ['inbox'] }),
      remindAt: column('date', { nullable: true, defaultValue: new Date(1234) }),
    },
    { indexes: [['pinned', 'createdAt'], ['title']] },
  );

  it('adds new columns with their defaults and keeps every row', () => {
    const first = openStore({ path: folder.file(), tables: [version1] });
    const rows = Array.from({ length: 100 }, (_, index) => ({ id: `n${index}`, title: `Ärger ${index}` }));
    first.table(version1).upsertMany(rows);
    const written = first.table(version1).lookup('n7');
    first.close();

    const second = openStore({ path: folder.file(), tables: [version2] });
    const table = second.table(version2);
    expect(table.count()).toBe(100);
    expect(table.lookup('n7')).toEqual({
      ...written,
      pinned: true,
      priority: 3,
      color: null,
      labels: ['inbox'],
      remindAt: new Date(1234),
    });
    // The column became case-insensitive: existing rows are searchable that way too.
    expect(table.count({ title: { startsWith: 'ärger 9' } })).toBe(11);
    const plan = second.explainQuery('notes', {
      where: { pinned: true },
      orderBy: [{ column: 'createdAt' }],
    });
    const db = new Database(folder.file(), { readonly: true });
    const detail = (
      db.prepare(`EXPLAIN QUERY PLAN ${plan.select.sql}`).all(...plan.select.params) as { detail: string }[]
    )
      .map((row) => row.detail)
      .join('\n');
    db.close();
    expect(detail).toMatch(/USING INDEX/);
    second.close();

    // Going back to the old declaration keeps the added data in the file.
    const third = openStore({ path: folder.file(), tables: [version1] });
    expect(third.table(version1).lookup('n7')).toEqual(written);
    third.close();
    const fourth = openStore({ path: folder.file(), tables: [version2] });
    expect(fourth.table(version2).lookup('n7')?.priority).toBe(3);
    fourth.close();
  });

  it('refuses to change the kind of an existing column, and leaves the table as it was', () => {
    const first = openStore({ path: folder.file(), tables: [version1] });
    first.table(version1).insert({ id: 'a', title: 'x' });
    first.close();
    const changed = defineTable('notes', { title: column('integer', { defaultValue: 0 }) });
    expect(storeErrorOf(() => openStore({ path: folder.file(), tables: [changed] })).code).toBe(
      'invalid-query',
    );
    const again = openStore({ path: folder.file(), tables: [version1] });
    expect(again.table(version1).lookup('a')?.title).toBe('x');
    again.close();
  });

  it('a second store version finds its own system tables already migrated', () => {
    writeSomeTodos();
    const db = new Database(folder.file(), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
    db.close();
  });
});

describe('files the store cannot write', () => {
  const runningAsRoot = process.getuid?.() === 0;
  let child: PortableChild | undefined;

  afterAll(() => {
    child?.remove();
  });

  /** Root ignores permissions, so the attempt runs as "nobody" in a child process. */
  function openAsUnprivileged(file: string): { ok: boolean; code?: string; message?: string } {
    if (!runningAsRoot) {
      try {
        openStore({ path: file, tables: [todoTable] }).close();
        return { ok: true };
      } catch (error) {
        return { ok: false, ...(error as { code: string; message: string }) };
      }
    }
    // Bundled outside the checkout: nobody may not be able to enter it (a clone under `mktemp -d`).
    child ??= buildPortableChild(path.join(repoRoot, 'test', 'support', 'store-open-child.ts'));
    const result = spawnSync(process.execPath, [child.script, file], {
      cwd: child.folder,
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      timeout: 20_000,
    });
    const line = result.stdout.trim().split('\n').pop() ?? '';
    if (!line.startsWith('{')) throw new Error(`child failed: ${result.stderr}`);
    return JSON.parse(line) as { ok: boolean; code?: string; message?: string };
  }

  it('a read-only file gives a clear "read-only" error and stays as it was', () => {
    writeSomeTodos();
    chmodSync(folder.dir, 0o755);
    chmodSync(folder.file(), 0o444);
    const before = readFileSync(folder.file());
    const outcome = openAsUnprivileged(folder.file());
    expect(outcome).toMatchObject({ ok: false, code: 'read-only' });
    expect(outcome.message).toMatch(/cannot be written.*read-only/);
    expect(readFileSync(folder.file()).equals(before)).toBe(true);
  });

  it('a read-only folder gives "read-only" too (WAL needs to create files next to the database)', () => {
    const inner = path.join(folder.dir, 'locked-folder');
    mkdirSync(inner);
    const file = path.join(inner, 'store.db');
    openStore({ path: file, tables: [todoTable] }).close();
    if (runningAsRoot) chownSync(file, 65534, 65534);
    chmodSync(folder.dir, 0o755);
    chmodSync(inner, 0o555);
    try {
      expect(openAsUnprivileged(file)).toMatchObject({ ok: false, code: 'read-only' });
      expect(openAsUnprivileged(path.join(inner, 'new.db'))).toMatchObject({ ok: false, code: 'read-only' });
    } finally {
      chmodSync(inner, 0o755);
    }
  });

  it('the unprivileged child can open a store it may write (the setup above is not what fails)', () => {
    chmodSync(folder.dir, 0o777);
    expect(openAsUnprivileged(path.join(folder.dir, 'mine.db'))).toEqual({ ok: true });
  });
});

describe('a database locked by another connection', () => {
  it('gives "locked" at open when another process holds an exclusive lock', () => {
    const other = new Database(folder.file());
    other.pragma('locking_mode = EXCLUSIVE');
    other.exec('CREATE TABLE held (x); BEGIN EXCLUSIVE; INSERT INTO held VALUES (1);');
    try {
      const error = storeErrorOf(() =>
        openStore({ path: folder.file(), tables: [todoTable], busyTimeoutMs: 50 }),
      );
      expect(error.code).toBe('locked');
      expect(error.message).toMatch(/in use by another program/);
    } finally {
      other.close();
    }
  });

  it('gives "locked" for a write while another connection holds the write lock, and works after', () => {
    const store = openStore({ path: folder.file(), tables: [todoTable], busyTimeoutMs: 50 });
    const other = new Database(folder.file());
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(storeErrorOf(() => store.table(todoTable).insert({ text: 'waits' })).code).toBe('locked');
      expect(storeErrorOf(() => store.transaction(() => store.keyValues.set('a', 1))).code).toBe('locked');
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    store.table(todoTable).insert({ text: 'now it works' });
    expect(store.table(todoTable).count()).toBe(1);
    store.close();
  });

  it('a path that is a folder gives an "io" error', () => {
    mkdirSync(folder.file());
    expect(storeErrorOf(() => openIn(folder, [todoTable])).code).toBe('io');
  });
});
