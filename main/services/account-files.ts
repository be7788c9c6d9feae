/**
 * The data folder and the database files, readable by their owner only: they hold the person's
 * todos and the (encrypted) sign-in token. On POSIX the folder is 0700 and each database file
 * (with its -wal and -shm) 0600, whatever the umask; Windows keeps the per-user ACLs of
 * %APPDATA%, which already do the same.
 *
 * One database file per account: the open (unauthenticated) backend keeps today's
 * `todo-sync.db`, so nothing an older version saved is lost; a signed-in person gets
 * `accounts/<hash of origin and user id>.db`, so another person on the same computer never sees
 * (or pushes) their todos, and they are all there when they sign back in.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const OPEN_ACCOUNT_FILE = 'todo-sync.db';
export const ACCOUNTS_FOLDER = 'accounts';
const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;
const isPosix = process.platform !== 'win32';

/**
 * Tightening permissions is best effort: in a folder or on a file this user may not change
 * (another owner, a read-only disk) the store's own open reports the real problem ("read-only",
 * "locked") in words the person can act on, instead of a chmod error.
 */
function notPermitted(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EPERM' || code === 'EACCES' || code === 'EROFS';
}

/** Who a database file belongs to: the open backend, or one person on one backend origin. */
export type AccountKey = { kind: 'open' } | { kind: 'user'; origin: string; userId: string };

export const OPEN_ACCOUNT: AccountKey = { kind: 'open' };

/** Creates the folder (and its parents) and makes it private to its owner. */
export function preparePrivateFolder(folder: string): void {
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  // mkdir's mode is reduced by the umask, and an existing folder keeps its old mode.
  if (!isPosix) return;
  try {
    fs.chmodSync(folder, 0o700);
  } catch (error) {
    if (!notPermitted(error)) throw error;
  }
}

/**
 * Before SQLite opens `file`: an absent file is created empty with 0600, so SQLite (which gives
 * its -wal and -shm files the database file's mode) creates those 0600 too. An empty file is what
 * the store treats as new.
 */
export function prepareDatabaseFile(file: string): void {
  preparePrivateFolder(path.dirname(file));
  if (!isPosix) return;
  try {
    fs.writeFileSync(file, '', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' && !notPermitted(error)) throw error;
  }
  restrictDatabaseFiles(file);
}

/** After opening: files an older version created with the umask's 0644 become 0600. */
export function restrictDatabaseFiles(file: string): void {
  if (!isPosix) return;
  for (const candidate of [file, ...SIDE_FILES.map((suffix) => `${file}${suffix}`)]) {
    try {
      // Only regular files: a folder or a link in the file's place is not ours to change.
      if (fs.lstatSync(candidate).isFile()) fs.chmodSync(candidate, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !notPermitted(error)) throw error;
    }
  }
}

/** The database file of an account, inside the data folder. */
export function accountDatabasePath(dataFolder: string, account: AccountKey): string {
  if (account.kind === 'open') return path.join(dataFolder, OPEN_ACCOUNT_FILE);
  // A hash: user ids and origins contain characters no file name may, and the name says nothing.
  const digest = createHash('sha256').update(`${account.origin}\n${account.userId}`).digest('hex');
  return path.join(dataFolder, ACCOUNTS_FOLDER, `${digest.slice(0, 32)}.db`);
}

export function sameAccount(a: AccountKey, b: AccountKey): boolean {
  if (a.kind === 'open' || b.kind === 'open') return a.kind === b.kind;
  return a.origin === b.origin && a.userId === b.userId;
}

export function describeAccount(account: AccountKey): string {
  return account.kind === 'open' ? 'the open backend' : `${account.userId} on ${account.origin}`;
}
