/**
 * The embedded backend as `npm start` uses it, with the real scripts/backend.ts in a child
 * process (this test runs in Node, where process.execPath is Node).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import { BACKEND_KEY_HEADER } from '../../../common/local-backend';
import {
  BackendKeys,
  planBackend,
  resolveNodeExecutable,
  startEmbeddedBackend,
  type EmbeddedBackend,
} from '../../../main/services/backend-process';
import { fixtureTest } from '../../support/fixtures';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const ZUMO = { 'ZUMO-API-VERSION': '2.0.0', 'Content-Type': 'application/json' };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function waitUntilGone(pid: number, limitMs: number): Promise<boolean> {
  for (let waited = 0; waited < limitMs && isAlive(pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/** `start(dataDir)`: an embedded backend on `dataDir`, stopped after the test. */
const it = fixtureTest.extend(
  'start',
  async ({ defer }): Promise<(dataDir: string) => Promise<EmbeddedBackend>> =>
    async (dataDir) => {
      const backend = await startEmbeddedBackend({
        projectRoot: repoRoot,
        dataDir,
        nodePath: process.execPath,
      });
      defer(() => backend.stop());
      return backend;
    },
);

// Each test starts the real server under tsx, which takes seconds on a busy machine.
describe('embedded backend', { timeout: 90_000 }, () => {
  it('starts the real server on a free port with its data in the given folder, and stops it', async ({
    tempDir,
    start,
  }) => {
    const dataDir = path.join(tempDir(), 'backend');
    const backend = await start(dataDir);
    expect(backend.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const pid = backend.pid;
    if (pid === undefined) throw new Error('no pid');

    const id = randomUUID();
    const withKey = { ...ZUMO, [BACKEND_KEY_HEADER]: backend.key };
    // Without this run's key the server answers nothing: no web page or other program uses it.
    const refused = await fetch(`${backend.url}/tables/todoitem`, {
      method: 'POST',
      headers: ZUMO,
      body: JSON.stringify({ id, text: 'without the key', complete: false }),
    });
    expect(refused.status).toBe(401);
    const insert = await fetch(`${backend.url}/tables/todoitem`, {
      method: 'POST',
      headers: withKey,
      body: JSON.stringify({ id, text: 'embedded', complete: false }),
    });
    expect(insert.status).toBe(201);
    const read = await fetch(`${backend.url}/tables/todoitem/${id}`, { headers: withKey });
    expect(await read.json()).toMatchObject({ id, text: 'embedded' });
    expect(existsSync(path.join(dataDir, 'todo-backend.sqlite'))).toBe(true);

    let unexpected = false;
    backend.onUnexpectedExit(() => (unexpected = true));
    await backend.stop();
    await backend.stop();
    expect(isAlive(pid)).toBe(false);
    expect(unexpected).toBe(false);
  });

  it('keeps its data across restarts in the same folder', async ({ tempDir, start }) => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const id = randomUUID();
    await fetch(`${first.url}/tables/todoitem`, {
      method: 'POST',
      headers: { ...ZUMO, [BACKEND_KEY_HEADER]: first.key },
      body: JSON.stringify({ id, text: 'kept' }),
    });
    await first.stop();
    const second = await start(dataDir);
    // A new run, a new key: the old one opens nothing any more.
    expect(second.key).not.toBe(first.key);
    const stale = await fetch(`${second.url}/tables/todoitem/${id}`, {
      headers: { ...ZUMO, [BACKEND_KEY_HEADER]: first.key },
    });
    expect(stale.status).toBe(401);
    const read = await fetch(`${second.url}/tables/todoitem/${id}`, {
      headers: { ...ZUMO, [BACKEND_KEY_HEADER]: second.key },
    });
    expect(read.status).toBe(200);
  });

  it('reports an unexpected exit', async ({ tempDir, start }) => {
    const backend = await start(tempDir());
    const reported = new Promise<string>((resolve) => backend.onUnexpectedExit(resolve));
    process.kill(backend.pid ?? 0, 'SIGKILL');
    expect(await reported).toMatch(/stopped unexpectedly \(SIGKILL\)/);
  });

  it('does not outlive the app when the app is killed outright', async ({ tempDir, defer }) => {
    const parent = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'fixtures', 'embedded-backend-parent.ts'), tempDir()],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    defer(() => {
      parent.kill('SIGKILL');
    });
    const childPid = await new Promise<number>((resolve, reject) => {
      let output = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /child (\d+) http/.exec(output);
        if (match?.[1]) resolve(Number(match[1]));
      });
      parent.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      parent.once('exit', () => reject(new Error(`the parent exited early:\n${output}`)));
    });
    defer(() => {
      if (isAlive(childPid)) process.kill(childPid, 'SIGKILL');
    });
    expect(isAlive(childPid)).toBe(true);

    parent.kill('SIGKILL');
    expect(await waitUntilGone(childPid, 20_000)).toBe(true);
  });

  it('says plainly when Node cannot be found', async ({ tempDir }) => {
    await expect(
      startEmbeddedBackend({ projectRoot: repoRoot, dataDir: tempDir(), nodePath: '/nonexistent/node' }),
    ).rejects.toThrow(/Node\.js was not found \(\/nonexistent\/node\).*TODO_BACKEND_URL/);
  });

  it('says plainly when the backend script is missing or fails', async ({ tempDir }) => {
    const notAProject = tempDir();
    await expect(
      startEmbeddedBackend({ projectRoot: notAProject, dataDir: tempDir(), nodePath: process.execPath }),
    ).rejects.toThrow(/scripts\/backend\.ts does not exist/);
  });
});

describe('choosing a backend', () => {
  it('prefers a configured URL, then the embedded backend, then local-only', () => {
    expect(planBackend({ configuredUrl: 'https://x.example', canStartEmbedded: true })).toEqual({
      kind: 'configured',
      url: 'https://x.example',
    });
    expect(planBackend({ configuredUrl: null, canStartEmbedded: true })).toEqual({ kind: 'embedded' });
    const localOnly = planBackend({ configuredUrl: null, canStartEmbedded: false });
    expect(localOnly.kind).toBe('local-only');
    expect(localOnly.kind === 'local-only' && localOnly.message).toMatch(/kept on this computer only/);
  });

  it('runs the backend with npm’s Node, else node from PATH, never the app’s own executable', () => {
    expect(resolveNodeExecutable({ npm_node_execpath: '/opt/node/bin/node' })).toBe('/opt/node/bin/node');
    expect(resolveNodeExecutable({})).toBe('node');
  });
});

describe('BackendKeys', () => {
  it("sends a key only to its own server's origin, whatever the path or a trailing slash", () => {
    const keys = new BackendKeys();
    keys.set('http://127.0.0.1:4000', 'k1');
    expect(keys.headersFor('http://127.0.0.1:4000/')).toEqual({ [BACKEND_KEY_HEADER]: 'k1' });
    expect(keys.headersFor('http://127.0.0.1:4000/tables/todoitem')).toEqual({ [BACKEND_KEY_HEADER]: 'k1' });
    expect(keys.headersFor('http://127.0.0.1:4001')).toEqual({});
    expect(keys.headersFor('https://todo.example.com')).toEqual({});
    expect(keys.headersFor(null)).toEqual({});
  });

  it('ignores a missing key or an address that is not a URL', () => {
    const keys = new BackendKeys();
    keys.set('http://127.0.0.1:4000', '');
    keys.set('not a url', 'k');
    keys.set(undefined, 'k');
    expect(keys.headersFor('http://127.0.0.1:4000')).toEqual({});
    expect(keys.headersFor('not a url')).toEqual({});
  });
});
