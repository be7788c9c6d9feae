/**
 * Plays "another program holds the database": takes an exclusive lock on the file the way a
 * database browser or a second copy in exclusive mode would, reports `locked`, and keeps the
 * lock until its stdin closes. It reads and writes nothing of the app's data.
 *
 *   node --import tsx lock-holder.ts <database path>
 */
import { writeSync } from 'node:fs';
import Database from 'better-sqlite3';

const path = process.argv[2];
if (!path) process.exit(2);
const db = new Database(path, { fileMustExist: true });
db.pragma('locking_mode = EXCLUSIVE');
// Taking a write lock without writing: the file's bytes stay as they are.
db.exec('BEGIN EXCLUSIVE');
writeSync(1, 'locked\n');
process.stdin.on('end', () => {
  db.exec('ROLLBACK');
  db.close();
  process.exit(0);
});
process.stdin.resume();
