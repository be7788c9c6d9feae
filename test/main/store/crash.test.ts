import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { todoTable } from '../../../common/todo-table';
import { CRASH_BATCH_SIZE, CRASH_HOLD_ROWS } from '../../support/store-crash-shared';
import { openIn, repoRoot, tempFolder, type TempFolder } from '../../support/store-fixtures';

const childScript = path.join(repoRoot, 'test', 'support', 'store-crash-child.ts');

let folder: TempFolder;

beforeEach(() => {
  folder = tempFolder();
});

afterEach(() => {
  folder.remove();
});

/**
 * Starts the child, waits for it to print `marker`, lets `beforeKill` run, then SIGKILLs it.
 * Fails if the child exits on its own first.
 */
function killAfter(
  mode: 'hold' | 'loop',
  marker: string,
  beforeKill: () => Promise<void> = async () => {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', childScript, folder.file(), mode], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killing = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!killing && stdout.includes(`${marker}\n`)) {
        killing = true;
        void beforeKill().then(() => child.kill('SIGKILL'), reject);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && killing) resolve();
      else
        reject(
          new Error(`the child exited by itself (code ${String(code)}, signal ${String(signal)}): ${stderr}`),
        );
    });
  });
}

function countsByTag(file: string): { integrity: unknown; counts: Map<string, number> } {
  const db = new Database(file);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const rows = db
      .prepare(`SELECT substr(id, 1, instr(id, '-') - 1) AS tag, count(*) AS n FROM "todoitem" GROUP BY tag`)
      .all() as { tag: string; n: number }[];
    return { integrity, counts: new Map(rows.map((row) => [row.tag, row.n])) };
  } finally {
    db.close();
  }
}

describe('a process killed in the middle of writing', () => {
  it('loses the open transaction entirely and keeps every committed one', async () => {
    await killAfter('hold', 'in-transaction', async () => {
      // The held transaction is larger than the page cache: uncommitted pages are in the WAL.
      expect(statSync(`${folder.file()}-wal`).size).toBeGreaterThan(CRASH_HOLD_ROWS * 1000);
    });
    const { integrity, counts } = countsByTag(folder.file());
    expect(integrity).toBe('ok');
    expect(counts.get('committed')).toBe(CRASH_BATCH_SIZE);
    expect(counts.get('uncommitted')).toBeUndefined();
    const store = openIn(folder, [todoTable]);
    expect(store.notice).toBeNull();
    expect(store.table(todoTable).count()).toBe(CRASH_BATCH_SIZE);
    store.table(todoTable).insert({ text: 'the store still writes after the crash' });
    store.close();
  });

  it('killed at an arbitrary moment of a series of transactions: every batch is whole or absent', async () => {
    await killAfter(
      'loop',
      'committed',
      () => new Promise((resolve) => setTimeout(resolve, Math.random() * 400)),
    );
    const { integrity, counts } = countsByTag(folder.file());
    expect(integrity).toBe('ok');
    expect(counts.size).toBeGreaterThanOrEqual(1);
    for (const [tag, count] of counts) expect([tag, count]).toEqual([tag, CRASH_BATCH_SIZE]);
    const numbers = [...counts.keys()].map((tag) => Number(tag.replace('batch', ''))).sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, index) => index));
    expect(existsSync(folder.file())).toBe(true);
  });
});
