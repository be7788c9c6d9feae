/**
 * `TODO_BACKEND_AUTH=1 npm start`: the embedded development backend requires sign-in, so a
 * newcomer can try the whole flow; without the switch it stays open. Real backend processes.
 */
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect } from 'vitest';
import {
  BACKEND_AUTH_ENV,
  startEmbeddedBackend,
  type EmbeddedBackend,
} from '../../../main/services/backend-process';
import { fixtureTest } from '../../support/fixtures';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** `start(env)`: an embedded backend with `env` on a temporary folder; stopped, then the folder removed, after the test. */
const it = fixtureTest.extend(
  'start',
  async ({
    tempDir,
    defer,
  }): Promise<(env: Record<string, string | undefined>) => Promise<EmbeddedBackend>> =>
    async (env) => {
      const dataDir = tempDir('todo-sync-embedded-auth-');
      const backend = await startEmbeddedBackend({
        projectRoot: repoRoot,
        dataDir,
        env,
        nodePath: process.execPath,
      });
      defer(() => backend.stop());
      return backend;
    },
);

/** The token the server's sign-in page hands out. */
async function stubToken(url: string): Promise<string> {
  const response = await fetch(`${url}/.auth/login/google`, { redirect: 'manual' });
  await response.arrayBuffer();
  const fragment = new URLSearchParams((response.headers.get('location') ?? '').split('#')[1] ?? '');
  return (JSON.parse(fragment.get('token') ?? '{}') as { authenticationToken: string }).authenticationToken;
}

function signedWith(token: string, secret: string): boolean {
  const [header, payload, signature] = token.split('.');
  return createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url') === signature;
}

describe('the embedded backend and TODO_BACKEND_AUTH', { timeout: 90_000 }, () => {
  it('with TODO_BACKEND_AUTH=1 it signs tokens with its own random secret; without it, it does not', async ({
    start,
  }) => {
    const [signedIn, open] = await Promise.all([
      start({ ...process.env, [BACKEND_AUTH_ENV]: '1' }),
      start({ ...process.env, [BACKEND_AUTH_ENV]: undefined }),
    ]);
    const secretFile = path.join(signedIn.dataDir, 'auth-secret');
    expect(existsSync(secretFile)).toBe(true);
    expect(signedWith(await stubToken(signedIn.url), readFileSync(secretFile, 'utf8').trim())).toBe(true);
    // The open backend (the server's defaults: a stub with the well-known secret '0000') requires nothing.
    expect(existsSync(path.join(open.dataDir, 'auth-secret'))).toBe(false);
    expect(signedWith(await stubToken(open.url), '0000')).toBe(true);
  });
});
