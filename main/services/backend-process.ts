/**
 * The embedded development backend: for `npm start` with no backend configured, the app runs
 * scripts/backend.ts (the real azure-mobile-apps server on SQLite) as a child process and syncs
 * with it, so a newcomer sees syncing work without setting anything up.
 *
 * The child must never outlive the app: it is stopped on quit, killed if the app process exits,
 * and with TODO_BACKEND_EXIT_WITH_PARENT=1 it stops by itself when its stdin (our end of the
 * pipe) closes, which also covers the app crashing.
 *
 * It runs under Node, not under the app's own executable: inside Electron `process.execPath`
 * is Electron. npm tells us its Node (`npm_node_execpath`); otherwise `node` from PATH.
 *
 * Each run makes a random key and hands it to the child in its environment (never on its
 * command line, which other local users can list); the server refuses requests without it, so
 * neither a web page nor another program can use it (scripts/backend-guard.ts). BackendKeys
 * sends a key only to the server it belongs to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BACKEND_KEY_ENV, BACKEND_KEY_HEADER } from '../../common/local-backend';
import { messageOf } from './errors';
import { silentLogger, type Logger } from './logger';

/** `1`: the embedded development backend requires sign-in (scripts/backend.ts --auth). */
export const BACKEND_AUTH_ENV = 'TODO_BACKEND_AUTH';
export const BACKEND_LISTENING_LINE = /Backend listening on (http:\/\/127\.0\.0\.1:\d+)/;
const DEFAULT_START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface EmbeddedBackend {
  readonly url: string;
  /** This run's key: every request to `url` must carry it (BackendKeys does that). */
  readonly key: string;
  readonly pid: number | undefined;
  readonly dataDir: string;
  /** Called if the backend stops without being asked to (crash, killed). */
  onUnexpectedExit(listener: (description: string) => void): () => void;
  /** Stops the backend; resolves when the process is gone. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedBackendOptions {
  /** The folder holding package.json, node_modules and scripts/backend.ts. */
  projectRoot: string;
  /** Where the backend keeps its SQLite file: the app passes <userData>/backend. */
  dataDir: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to resolveNodeExecutable(env). */
  nodePath?: string;
  startTimeoutMs?: number;
  logger?: Logger;
}

/** npm's own Node when launched through npm (`npm start`), else `node` on PATH. */
export function resolveNodeExecutable(env: Readonly<Record<string, string | undefined>>): string {
  const fromNpm = env.npm_node_execpath?.trim();
  return fromNpm ? fromNpm : 'node';
}

export function backendScriptPath(projectRoot: string): string {
  return path.join(projectRoot, 'scripts', 'backend.ts');
}

/** What the app syncs with, decided once at start. */
export type BackendPlan =
  { kind: 'configured'; url: string } | { kind: 'embedded' } | { kind: 'local-only'; message: string };

export const LOCAL_ONLY_MESSAGE =
  'No sync server is set up, so your todos are kept on this computer only. Choose a server in Settings to sync.';

export function planBackend(options: {
  configuredUrl: string | null;
  canStartEmbedded: boolean;
}): BackendPlan {
  if (options.configuredUrl) return { kind: 'configured', url: options.configuredUrl };
  if (options.canStartEmbedded) return { kind: 'embedded' };
  return { kind: 'local-only', message: LOCAL_ONLY_MESSAGE };
}

export class EmbeddedBackendError extends Error {
  override readonly name = 'EmbeddedBackendError';
}

export async function startEmbeddedBackend(options: EmbeddedBackendOptions): Promise<EmbeddedBackend> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const nodePath = options.nodePath ?? resolveNodeExecutable(env);
  const script = backendScriptPath(options.projectRoot);
  if (!existsSync(script)) {
    throw new EmbeddedBackendError(`The local backend could not start: ${script} does not exist.`);
  }

  const key = randomBytes(32).toString('base64url');
  const args = ['--import', 'tsx', script, '--port', '0', '--data-dir', options.dataDir];
  // TODO_BACKEND_AUTH=1 npm start: the local server requires sign-in, to try the whole flow.
  if (env[BACKEND_AUTH_ENV] === '1') args.push('--auth');
  const child = spawn(nodePath, args, {
    cwd: options.projectRoot,
    env: { ...env, TODO_BACKEND_EXIT_WITH_PARENT: '1', [BACKEND_KEY_ENV]: key },
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  // Whatever happens to the app from here on, the child goes with it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let url: string;
  try {
    url = await waitForListening(child, nodePath, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    child.kill('SIGKILL');
    throw error;
  }
  logger.info(`Embedded backend (pid ${child.pid}) listening on ${url}, data in ${options.dataDir}`);

  forwardOutput(child, logger);
  const unexpectedExitListeners = new Set<(description: string) => void>();
  let stopping: Promise<void> | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      if (!stopping) {
        const description = `The local backend stopped unexpectedly (${signal ?? `exit code ${code}`}).`;
        logger.error(description);
        for (const listener of unexpectedExitListeners) listener(description);
      }
      resolve();
    });
  });

  return {
    url,
    key,
    pid: child.pid,
    dataDir: options.dataDir,
    onUnexpectedExit(listener) {
      unexpectedExitListeners.add(listener);
      return () => unexpectedExitListeners.delete(listener);
    },
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const forceKill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          forceKill.unref();
          await exited;
          clearTimeout(forceKill);
        }
        logger.info('Embedded backend stopped.');
      })();
      return stopping;
    },
  };
}

function waitForListening(child: ChildProcess, nodePath: string, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let output = '';
    const finish = (outcome: { url: string } | { error: EmbeddedBackendError }): void => {
      clearTimeout(timer);
      child.stdout?.removeListener('data', onStdout);
      child.stderr?.removeListener('data', onStderr);
      child.removeListener('error', onError);
      child.removeListener('exit', onExit);
      if ('url' in outcome) resolve(outcome.url);
      else reject(outcome.error);
    };
    const onStdout = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = BACKEND_LISTENING_LINE.exec(output);
      if (match?.[1]) finish({ url: match[1] });
    };
    const onStderr = (chunk: Buffer): void => {
      output += chunk.toString();
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      const reason =
        error.code === 'ENOENT'
          ? `Node.js was not found (${nodePath}). Install Node.js, or set TODO_BACKEND_URL to a running backend.`
          : messageOf(error);
      finish({ error: new EmbeddedBackendError(`The local backend could not start: ${reason}`) });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      finish({
        error: new EmbeddedBackendError(
          `The local backend stopped while starting (${signal ?? `exit code ${code}`}):\n${lastLines(output)}`,
        ),
      });
    };
    const timer = setTimeout(() => {
      finish({
        error: new EmbeddedBackendError(
          `The local backend did not start within ${Math.round(timeoutMs / 1000)} s:\n${lastLines(output)}`,
        ),
      });
    }, timeoutMs);
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', onStderr);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}

/** Keeps reading the child's output (a full pipe would block it) and sends it to the log. */
function forwardOutput(child: ChildProcess, logger: Logger): void {
  // An 'error' event nobody listens to would crash the app.
  child.on('error', (error) => logger.error(`[backend] ${messageOf(error)}`));
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString().trim();
    if (text) logger.info(`[backend] ${text}`);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString().trim();
    if (text) logger.warn(`[backend] ${text}`);
  });
}

function lastLines(output: string, count = 20): string {
  return output.trim().split('\n').slice(-count).join('\n');
}

/**
 * The local backends' keys, by origin: a key goes with requests to its own server only, so
 * choosing another backend in Settings never hands it to that one.
 */
export class BackendKeys {
  private readonly byOrigin = new Map<string, string>();

  /** Remembers `key` for the server at `url`; an empty key or a malformed URL is ignored. */
  set(url: string | null | undefined, key: string | null | undefined): void {
    const origin = originOf(url);
    if (origin !== null && key) this.byOrigin.set(origin, key);
  }

  /** The header to send to `url`: the key of its server, or none. */
  headersFor(url: string | null | undefined): Record<string, string> {
    const origin = originOf(url);
    const key = origin === null ? undefined : this.byOrigin.get(origin);
    return key === undefined ? {} : { [BACKEND_KEY_HEADER]: key };
  }
}

function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
