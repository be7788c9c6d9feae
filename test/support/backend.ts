/**
 * Starts the real azure-mobile-apps backend (scripts/backend.ts) for a test: its own process,
 * 127.0.0.1, a free port and a fresh SQLite file. Mocks of the server are not used in sync tests.
 *
 * Like the app, it hands the server a random key through the child's environment; every client
 * must send it (scripts/backend-guard.ts). Clients in this process find it by the server's URL
 * with `backendHeaders(url)`, also through a proxy registered with `forwardBackendKey`; `open`
 * starts a server without a key, for clients that stand for a third party.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKEND_KEY_ENV, BACKEND_KEY_HEADER } from '../../scripts/backend-guard';

export { BACKEND_KEY_ENV, BACKEND_KEY_HEADER };

export interface TestBackend {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** The key every request must carry (null with `open`). */
  key: string | null;
  /** The key as a header, to spread into a request's headers ({} with `open`). */
  headers: Readonly<Record<string, string>>;
  /** With `auth`: the sign-in URL the server printed, with `<provider>` left in it. */
  signInUrl: string | null;
  /** With `auth`: the secret its tokens are signed with (tests forge expired tokens with it). */
  authSecret(): string;
  stop(): Promise<void>;
}

export interface TestBackendOptions {
  /** The server refuses (400) items whose text contains this. */
  rejectText?: string;
  /** The server's default page size when a request has no $top. */
  pageSize?: number;
  /** `--max-top`: the most rows one request may ask for. */
  maxTop?: number;
  /** `--body-limit`: the largest body accepted, e.g. '100kb' (azure-mobile-apps' default). */
  bodyLimit?: string;
  /** Only the seed's columns (text, complete); unknown columns are refused (500). */
  fixedSchema?: boolean;
  /** With fixedSchema: drop unknown properties silently instead, as a .NET backend does. */
  dropUnknownColumns?: boolean;
  /** Reuse a data folder (e.g. to restart a server on the same database). */
  dataDir?: string;
  startTimeoutMs?: number;
  /** `--auth`: sign-in required, rows per user, the development sign-in stub. */
  auth?: boolean;
  /** `--auth-minutes`: how long the stub's tokens last. */
  authMinutes?: number;
  /** `--open`: no key, for clients that stand for a third party. */
  open?: boolean;
}

/** The keys of the servers this process runs, by origin, and of the proxies in front of them. */
const keysByOrigin = new Map<string, string>();

/** The key header for requests to `url` (a test backend or a proxy in front of one), else {}. */
export function backendHeaders(url: string): Record<string, string> {
  const key = backendKeyFor(url);
  return key === null ? {} : { [BACKEND_KEY_HEADER]: key };
}

/** The key of the test backend at `url` (or behind the proxy at `url`), null when none is known. */
export function backendKeyFor(url: string): string | null {
  // Tests also point clients at addresses that are not URLs, to see them refused.
  if (!URL.canParse(url)) return null;
  return keysByOrigin.get(new URL(url).origin) ?? null;
}

/** Requests to `frontUrl` (a proxy) reach the backend at `backendUrl`: they carry its key. */
export function forwardBackendKey(frontUrl: string, backendUrl: string): void {
  const key = keysByOrigin.get(new URL(backendUrl).origin);
  if (key !== undefined) keysByOrigin.set(new URL(frontUrl).origin, key);
}

const repoRoot = path.resolve(__dirname, '..', '..');
const backendScript = path.join(repoRoot, 'scripts', 'backend.ts');

export async function startTestBackend(options: TestBackendOptions = {}): Promise<TestBackend> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'todo-sync-backend-'));
  const args = ['--import', 'tsx', backendScript, '--port', '0', '--data-dir', dataDir];
  if (options.rejectText) args.push('--reject-text', options.rejectText);
  if (options.pageSize) args.push('--page-size', String(options.pageSize));
  if (options.maxTop) args.push('--max-top', String(options.maxTop));
  if (options.bodyLimit) args.push('--body-limit', options.bodyLimit);
  if (options.auth) args.push('--auth');
  if (options.authMinutes !== undefined) args.push('--auth-minutes', String(options.authMinutes));
  if (options.fixedSchema) args.push('--fixed-schema');
  if (options.dropUnknownColumns) args.push('--drop-unknown-columns');
  if (options.open) args.push('--open');
  const key = options.open ? null : randomBytes(24).toString('base64url');

  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TODO_BACKEND_EXIT_WITH_PARENT: '1',
      ...(key === null ? {} : { [BACKEND_KEY_ENV]: key }),
    },
  });

  let signInUrl: string | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`The test backend did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`),
      );
    }, options.startTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Backend listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      const signIn = /Sign-in: (\S+)/.exec(output);
      if (signIn?.[1]) signInUrl = signIn[1];
      // With --auth the sign-in line follows in the same write; wait for it.
      if (match?.[1] && (!options.auth || signInUrl)) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The test backend exited with code ${code}:\n${output}`));
    });
  });

  if (key !== null) keysByOrigin.set(new URL(url).origin, key);
  let stopped: Promise<void> | undefined;
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    process: child,
    key,
    headers: key === null ? {} : { [BACKEND_KEY_HEADER]: key },
    signInUrl,
    authSecret: () => readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim(),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }).then(() => {
        for (const [origin, known] of keysByOrigin) if (known === key) keysByOrigin.delete(origin);
        if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      });
      return stopped;
    },
  };
}
