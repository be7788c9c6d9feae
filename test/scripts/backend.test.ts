/**
 * `npm run backend` as a person runs it: it starts the real server, serves the ZUMO 2.0.0
 * protocol, and a SIGTERM to npm leaves no process behind (npm, its shell, node, esbuild).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '..', '..');
const LISTENING = /Backend listening on (http:\/\/127\.0\.0\.1:(\d+))/;

let dataDir: string | undefined;
let processGroup: number | undefined;

afterEach(() => {
  // A failed assertion must not leave a server running for the rest of the suite.
  if (processGroup !== undefined && isGroupAlive(processGroup)) process.kill(-processGroup, 'SIGKILL');
  processGroup = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

function isGroupAlive(groupId: number): boolean {
  try {
    process.kill(-groupId, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let output = '';
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    child.once('exit', (code) => reject(new Error(`npm run backend exited early (${code}):\n${output}`)));
  });
}

async function waitUntilGroupIsGone(groupId: number, limitMs: number): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 100) {
    if (!isGroupAlive(groupId)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isGroupAlive(groupId);
}

describe('npm run backend', { timeout: 90_000 }, () => {
  it('serves a ZUMO 2.0.0 insert and read, and stops on SIGTERM leaving no process behind', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-npm-backend-'));
    // Its own process group, so every descendant (shell, node, esbuild) can be checked at the end.
    const npm = spawn('npm', ['run', '--silent', 'backend', '--', '--port', '0', '--data-dir', dataDir], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (npm.pid === undefined) throw new Error('npm did not start');
    processGroup = npm.pid;

    const url = await waitForListening(npm);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const id = randomUUID();
    const headers = { 'ZUMO-API-VERSION': '2.0.0', 'Content-Type': 'application/json' };
    const inserted = await fetch(`${url}/tables/todoitem`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id, text: 'from the npm backend test', complete: false }),
    });
    expect(inserted.status).toBe(201);
    expect(inserted.headers.get('etag')).toMatch(/^"/);

    const read = await fetch(`${url}/tables/todoitem/${id}`, { headers });
    expect(read.status).toBe(200);
    const record = (await read.json()) as { id: string; text: string; version: string; deleted: boolean };
    expect(record).toMatchObject({ id, text: 'from the npm backend test', deleted: false });
    expect(typeof record.version).toBe('string');

    const withoutVersionHeader = await fetch(`${url}/tables/todoitem/${id}`);
    expect(withoutVersionHeader.status).toBe(400);

    const npmExited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    process.kill(npm.pid, 'SIGTERM');
    await npmExited;
    expect(await waitUntilGroupIsGone(npm.pid, 10_000)).toBe(true);
    await expect(fetch(`${url}/tables/todoitem`, { headers })).rejects.toThrow();
  });
});
