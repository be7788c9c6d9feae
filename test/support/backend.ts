/**
 * Starts the real azure-mobile-apps backend (scripts/backend.ts) for a test: its own process,
 * 127.0.0.1, a free port and a fresh SQLite file. Mocks of the server are not used in sync tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestBackend {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
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

  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TODO_BACKEND_EXIT_WITH_PARENT: '1' },
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

  let stopped: Promise<void> | undefined;
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    process: child,
    signInUrl,
    authSecret: () => readFileSync(path.join(dataDir, 'auth-secret'), 'utf8').trim(),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }).then(() => {
        if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      });
      return stopped;
    },
  };
}
