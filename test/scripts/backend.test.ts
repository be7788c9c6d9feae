/**
 * `npm run backend` as a person runs it: it starts the real server, serves the ZUMO 2.0.0
 * protocol, and a SIGTERM to npm leaves no process behind (npm, its shell, node, esbuild).
 * No web page can use it: a cross-site "simple" POST and a DNS-rebound Host are refused and
 * write nothing; other clients need the key it prints, or its explicit --open mode.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
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

async function waitForListening(child: ChildProcess, until = LISTENING): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let output = '';
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match?.[1] && until.test(output)) resolve(output);
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
      env: withoutKeyEnv(),
    });
    if (npm.pid === undefined) throw new Error('npm did not start');
    processGroup = npm.pid;

    const printed = await waitForListening(npm, /--open/);
    const url = LISTENING.exec(printed)?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // It says how to pass its key on, and that --open exists for clients that cannot send it.
    const key = /Key: (\S+) \(send it in the X-Todo-Sync-Backend-Key header\)/.exec(printed)?.[1] ?? '';
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(printed).toContain(`TODO_BACKEND_URL=${url} TODO_BACKEND_KEY=${key} npm start`);

    const id = randomUUID();
    const headers = {
      'ZUMO-API-VERSION': '2.0.0',
      'Content-Type': 'application/json',
      'X-Todo-Sync-Backend-Key': key,
    };
    const withoutKey = await fetch(`${url}/tables/todoitem`, {
      method: 'POST',
      headers: { 'ZUMO-API-VERSION': '2.0.0', 'Content-Type': 'application/json' },
      body: JSON.stringify({ id, text: 'without the key', complete: false }),
    });
    expect(withoutKey.status).toBe(401);
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

    const withoutVersionHeader = await fetch(`${url}/tables/todoitem/${id}`, {
      headers: { 'X-Todo-Sync-Backend-Key': key },
    });
    expect(withoutVersionHeader.status).toBe(400);

    // The acceptance checks, even with the key (a page could have learned it): nothing is written.
    await expectNoWebPageWrites(url, { 'X-Todo-Sync-Backend-Key': key });

    const npmExited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    process.kill(npm.pid, 'SIGTERM');
    await npmExited;
    expect(await waitUntilGroupIsGone(npm.pid, 10_000)).toBe(true);
    await expect(fetch(`${url}/tables/todoitem`, { headers })).rejects.toThrow();
  });

  it('--open needs no key and says it is open, and still refuses web pages', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-npm-backend-'));
    const npm = spawn(
      'npm',
      ['run', '--silent', 'backend', '--', '--port', '0', '--data-dir', dataDir, '--open'],
      { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: withoutKeyEnv() },
    );
    if (npm.pid === undefined) throw new Error('npm did not start');
    processGroup = npm.pid;
    const printed = await waitForListening(npm, /OPEN mode/);
    const url = LISTENING.exec(printed)?.[1] ?? '';
    expect(printed).toMatch(/OPEN mode: no key, any program on this computer can read and write/);
    expect(printed).not.toMatch(/Key: /);

    const id = randomUUID();
    const inserted = await fetch(`${url}/tables/todoitem`, {
      method: 'POST',
      headers: { 'ZUMO-API-VERSION': '2.0.0', 'Content-Type': 'application/json' },
      body: JSON.stringify({ id, text: 'from a third-party client', complete: false }),
    });
    expect(inserted.status).toBe(201);
    await expectNoWebPageWrites(url, {});
  });
});

function withoutKeyEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.TODO_BACKEND_KEY;
  return env;
}

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with exactly these headers; fetch cannot send another Host than the URL's. */
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawReply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function rowCount(url: string, keyHeader: Record<string, string>): Promise<number> {
  const response = await fetch(`${url}/tables/todoitem?$top=1000&__includeDeleted=true`, {
    headers: { 'ZUMO-API-VERSION': '2.0.0', ...keyHeader },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as unknown[]).length;
}

/**
 * The page at another origin that once wrote a row (`fetch(..., { mode: 'no-cors' })`, no
 * Content-Type, so text/plain or none), and a DNS-rebound page whose requests name its own host.
 */
async function expectNoWebPageWrites(url: string, keyHeader: Record<string, string>): Promise<void> {
  const port = new URL(url).port;
  const before = await rowCount(url, keyHeader);
  const tableUrl = `${url}/tables/todoitem?zumo-api-version=2.0.0`;
  const row = (text: string): string => JSON.stringify({ id: randomUUID(), text, complete: false });

  const attempts: RawReply[] = [
    // The simple POST a page may send anywhere without a preflight: no Content-Type at all...
    await rawRequest(tableUrl, 'POST', { Origin: 'https://evil.example', ...keyHeader }, row('evil, none')),
    // ...or the text/plain a browser sets for a string body.
    await rawRequest(
      tableUrl,
      'POST',
      { Origin: 'https://evil.example', 'Content-Type': 'text/plain;charset=UTF-8', ...keyHeader },
      row('evil, text/plain'),
    ),
    // Even claiming JSON (only possible after a preflight) it comes from another origin.
    await rawRequest(
      tableUrl,
      'POST',
      { Origin: 'https://evil.example', 'Content-Type': 'application/json', ...keyHeader },
      row('evil, json'),
    ),
    // The preflight itself gets no CORS grant.
    await rawRequest(tableUrl, 'OPTIONS', {
      Origin: 'https://evil.example',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,zumo-api-version',
    }),
    // No Origin, but no JSON either: a write must say what it carries.
    await rawRequest(tableUrl, 'POST', { ...keyHeader }, row('no content type')),
    // DNS rebinding: the browser names the attacker's host, whatever the method or headers.
    await rawRequest(tableUrl, 'GET', { Host: `rebind.example:${port}`, ...keyHeader }),
    await rawRequest(
      tableUrl,
      'POST',
      { Host: `rebind.example:${port}`, 'Content-Type': 'application/json', ...keyHeader },
      row('rebound'),
    ),
  ];
  for (const reply of attempts) {
    expect(reply.status, reply.body).toBeGreaterThanOrEqual(400);
    expect(reply.status, reply.body).toBeLessThan(500);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  }
  expect(await rowCount(url, keyHeader)).toBe(before);
}
