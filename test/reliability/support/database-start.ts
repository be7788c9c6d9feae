/**
 * A damaged, locked or read-only database file when the app starts: the person gets a clear
 * message, and the file is preserved (left byte-identical where it was, or moved aside
 * byte-identical, never deleted). Each check starts the app's services in a child process,
 * as the shell does at launch, so it can run under another user id (root ignores file
 * permissions).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { todoTable } from '../../../common/todo-table';
import { DATABASE_FILE_NAME } from '../../../main/services/app-services';
import { openStore } from '../../../main/store';
import { buildPortableChild } from '../../support/portable-child';
import { createRandom } from './random';

export interface DatabaseStartResult {
  name: string;
  passed: boolean;
  /** What happened, or what went wrong. */
  detail: string;
}

interface OpenOutcome {
  result: 'opened' | 'refused';
  rows?: number;
  notice?: { kind: string; preservedAt: string; message: string } | null;
  /** What the app shows the person once at start. */
  notices?: string[];
  error?: { name: string; code: unknown; message: string };
}

const CHILDREN = path.join(__dirname, 'children');
/** The unprivileged user the permission checks run as. */
const NOBODY = 65534;

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A child from the checkout, run through tsx (as root or this user: it can enter the checkout). */
function checkoutChild(script: string): { args: string[]; cwd: string } {
  return {
    args: ['--import', 'tsx', path.join(CHILDREN, script)],
    cwd: path.resolve(__dirname, '..', '..', '..'),
  };
}

function runChild(
  command: { args: string[]; cwd: string },
  args: string[],
  options: { uid?: number; gid?: number; stdinOpen?: boolean } = {},
): {
  done: Promise<{ stdout: string; stderr: string; code: number | null }>;
  waitFor(text: string): Promise<void>;
  closeStdin(): void;
} {
  const script = path.basename(command.args[command.args.length - 1] ?? '');
  const child = spawn(process.execPath, [...command.args, ...args], {
    cwd: command.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    uid: options.uid,
    gid: options.gid,
    env: { ...process.env, HOME: os.tmpdir() },
  });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) waiter.resolve();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ stdout, stderr, code });
    });
  });
  if (!options.stdinOpen) child.stdin.end();
  return {
    done,
    waitFor(text) {
      if (stdout.includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ text, resolve });
        void done.then(() => reject(new Error(`${script} exited before printing "${text}": ${stderr}`)));
      });
    },
    closeStdin() {
      child.stdin.end();
    },
  };
}

/**
 * Starts the app's services on the folder holding `dbPath`, in a child process. The child is
 * bundled outside the checkout (portable-child.ts): an unprivileged user may not be able to
 * enter the checkout (a clone under `mktemp -d`), and every check runs the same child.
 */
async function openInChild(dbPath: string, options: { uid?: number } = {}): Promise<OpenOutcome> {
  const child = buildPortableChild(path.join(CHILDREN, 'open-store.ts'));
  let answer: { stdout: string; stderr: string; code: number | null };
  try {
    answer = await runChild({ args: [child.script], cwd: child.folder }, [path.dirname(dbPath)], {
      uid: options.uid,
      gid: options.uid,
    }).done;
  } finally {
    child.remove();
  }
  const { stdout, stderr, code } = answer;
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as OpenOutcome;
  } catch {
    throw new Error(
      `The store process crashed (exit ${code}) instead of answering:\n${stderr.slice(0, 2000)}`,
    );
  }
}

/** A real store file with some rows, closed cleanly, where the app looks for it. */
function makeDatabase(dir: string, rows: number): string {
  const file = path.join(dir, DATABASE_FILE_NAME);
  const store = openStore({ path: file, tables: [todoTable] });
  const table = store.table(todoTable);
  store.transaction(() => {
    for (let i = 0; i < rows; i++)
      table.insert({ text: `row ${i} ${'padding '.repeat(20)}`, complete: i % 2 === 0 });
  });
  store.close();
  return file;
}

function filesBeside(file: string): string[] {
  return fs.readdirSync(path.dirname(file)).sort();
}

/** A person can act on it: words, not an SQLite code or a stack trace. */
function isClearMessage(message: string | undefined, mustMatch: RegExp): string | null {
  if (!message || message.length < 20) return `the message is too short: ${JSON.stringify(message)}`;
  if (/SQLITE_|\n\s+at /.test(message)) return `the message shows internals: ${message}`;
  if (!mustMatch.test(message)) return `the message does not say what happened (${mustMatch}): ${message}`;
  return null;
}

type Check = (workDir: string) => Promise<string>;

/** Throws with a reason when the outcome is wrong; returns a one-line description otherwise. */
function expectMovedAside(original: string, originalHash: string, outcome: OpenOutcome): string {
  if (outcome.result !== 'opened') {
    throw new Error(`the app did not start on a fresh database: ${JSON.stringify(outcome.error)}`);
  }
  const notice = outcome.notice;
  if (!notice || notice.kind !== 'recovered-from-corruption') throw new Error('no notice tells the person');
  if (!fs.existsSync(notice.preservedAt))
    throw new Error(`the damaged file is gone (expected at ${notice.preservedAt})`);
  if (sha256(notice.preservedAt) !== originalHash)
    throw new Error('the preserved file is not byte-identical');
  const unclear = isClearMessage(
    notice.message,
    new RegExp(notice.preservedAt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
  );
  if (unclear) throw new Error(unclear);
  if (!outcome.notices?.includes(notice.message))
    throw new Error('the app does not show the notice to the person');
  if (outcome.rows !== 0) throw new Error(`the fresh database is not empty (${outcome.rows} rows)`);
  if (!fs.existsSync(original)) throw new Error('no fresh database was created');
  return `moved aside to ${path.basename(notice.preservedAt)}, byte-identical; fresh database opened`;
}

function expectRefusedUntouched(
  file: string,
  hash: string,
  filesBefore: string[],
  outcome: OpenOutcome,
  code: string,
  says: RegExp,
): string {
  if (outcome.result !== 'refused')
    throw new Error(`it opened instead of refusing (notice: ${JSON.stringify(outcome.notice)})`);
  if (outcome.error?.name !== 'StartupError' || outcome.error.code !== code) {
    throw new Error(
      `expected a StartupError caused by StoreError ${code}, got ${outcome.error?.name} ${String(outcome.error?.code)}: ${outcome.error?.message}`,
    );
  }
  const unclear = isClearMessage(outcome.error.message, says);
  if (unclear) throw new Error(unclear);
  if (!fs.existsSync(file) || sha256(file) !== hash)
    throw new Error('the database file was changed or removed');
  const moved = filesBeside(file).filter((name) => !filesBefore.includes(name) && name.includes('corrupt'));
  if (moved.length > 0) throw new Error(`a healthy file was treated as damaged: ${moved.join(', ')}`);
  return `refused with ${code}: "${outcome.error.message.slice(0, 90)}…"; file untouched`;
}

const CHECKS: Record<string, Check> = {
  'garbage file': async (dir) => {
    const file = path.join(dir, DATABASE_FILE_NAME);
    const random = createRandom(77);
    fs.writeFileSync(file, Buffer.from(Array.from({ length: 50_000 }, () => random.int(0, 255))));
    const hash = sha256(file);
    return expectMovedAside(file, hash, await openInChild(file));
  },
  'damaged page inside a real database': async (dir) => {
    const file = makeDatabase(dir, 400);
    const bytes = fs.readFileSync(file);
    const random = createRandom(78);
    // Page 2 onward holds the tables' b-trees; scribble over one page, keep the header.
    for (let i = 4096; i < 4096 * 2; i++) bytes[i] = random.int(0, 255);
    fs.writeFileSync(file, bytes);
    const hash = sha256(file);
    return expectMovedAside(file, hash, await openInChild(file));
  },
  'truncated database': async (dir) => {
    const file = makeDatabase(dir, 400);
    const size = fs.statSync(file).size;
    fs.truncateSync(file, Math.floor(size / 2));
    const hash = sha256(file);
    return expectMovedAside(file, hash, await openInChild(file));
  },
  'locked by another program': async (dir) => {
    const file = makeDatabase(dir, 20);
    const hash = sha256(file);
    const holder = runChild(checkoutChild('lock-holder.ts'), [file], { stdinOpen: true });
    try {
      await holder.waitFor('locked');
      const before = filesBeside(file);
      const outcome = await openInChild(file);
      return expectRefusedUntouched(file, hash, before, outcome, 'locked', /in use|another/i);
    } finally {
      holder.closeStdin();
      await holder.done;
    }
  },
  'read-only file in a read-only folder': async (dir) => {
    const file = makeDatabase(dir, 20);
    const hash = sha256(file);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(dir, 0o555);
    try {
      const before = filesBeside(file);
      const outcome = await openInChild(file, { uid: NOBODY });
      return expectRefusedUntouched(file, hash, before, outcome, 'read-only', /read-only|cannot be written/i);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  },
  'writable file in a read-only folder': async (dir) => {
    const file = makeDatabase(dir, 20);
    const hash = sha256(file);
    fs.chmodSync(file, 0o666);
    fs.chmodSync(dir, 0o555);
    try {
      const before = filesBeside(file);
      const outcome = await openInChild(file, { uid: NOBODY });
      return expectRefusedUntouched(file, hash, before, outcome, 'read-only', /read-only|cannot be written/i);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  },
};

export const DATABASE_START_CHECKS = Object.keys(CHECKS);

export async function runDatabaseStartCheck(name: string): Promise<DatabaseStartResult> {
  const check = CHECKS[name];
  if (!check) throw new Error(`No database start check named ${name}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'todo-sync-dbstart-'));
  // The unprivileged child must be able to reach the folder to be refused by its permissions.
  fs.chmodSync(dir, 0o755);
  try {
    return { name, passed: true, detail: await check(dir) };
  } catch (error) {
    return { name, passed: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runDatabaseStartChecks(): Promise<DatabaseStartResult[]> {
  const results: DatabaseStartResult[] = [];
  for (const name of DATABASE_START_CHECKS) results.push(await runDatabaseStartCheck(name));
  return results;
}
