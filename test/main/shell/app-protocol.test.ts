import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { protocol, resetElectronMock } from '../../mocks/electron';
import {
  createRendererRequestHandler,
  registerAppScheme,
  serveRendererOverAppProtocol,
} from '../../../main/shell/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../../main/shell/csp';

vi.mock('electron', () => import('../../mocks/electron'));

const EXPECTED_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; frame-src 'none'; " +
  "require-trusted-types-for 'script'; trusted-types 'none'";

let sandbox: string;
let rendererRoot: string;
let handle: (request: Request) => Promise<Response>;

beforeAll(() => {
  sandbox = mkdtempSync(path.join(os.tmpdir(), 'todo-sync-protocol-'));
  rendererRoot = path.join(sandbox, 'out', 'renderer');
  mkdirSync(path.join(rendererRoot, 'assets'), { recursive: true });
  writeFileSync(path.join(rendererRoot, 'index.html'), '<!doctype html><title>Todo Sync</title>');
  writeFileSync(path.join(rendererRoot, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(path.join(rendererRoot, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(path.join(sandbox, 'out', 'secret.txt'), 'outside the renderer');
  writeFileSync(path.join(sandbox, 'out', 'renderer-evil.txt'), 'a sibling with a shared prefix');
  symlinkSync(path.join(sandbox, 'out', 'secret.txt'), path.join(rendererRoot, 'assets', 'link.txt'));
  handle = createRendererRequestHandler(rendererRoot);
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handle(new Request(url, { method }));

describe('the app:// protocol', () => {
  it('uses exactly the agreed policy', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(EXPECTED_CSP);
  });

  it.each([
    ['app://todo-sync/index.html', 'text/html; charset=utf-8', '<title>Todo Sync</title>'],
    ['app://todo-sync/', 'text/html; charset=utf-8', '<title>Todo Sync</title>'],
    ['app://todo-sync/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
    ['app://todo-sync/assets/index-abc.css?v=1#x', 'text/css; charset=utf-8', 'body{}'],
  ])('serves %s with its type and the CSP header', async (url, type, body) => {
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe(type);
    expect(response.headers.get('Content-Security-Policy')).toBe(EXPECTED_CSP);
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(await response.text()).toContain(body);
  });

  it.each([
    ['app://todo-sync/..%2Fsecret.txt', 403],
    // The URL parser folds "%2e%2e" into "..", and ".." at the root into "/": renderer/secret.txt.
    ['app://todo-sync/%2e%2e/secret.txt', 404],
    ['app://todo-sync/assets/..%2F..%2Fsecret.txt', 403],
    ['app://todo-sync/..%2Frenderer-evil.txt', 403],
    ['app://todo-sync/..%5Csecret.txt', 404],
    ['app://todo-sync/assets/link.txt', 403],
    ['app://todo-sync/index.html%00.js', 400],
    ['app://todo-sync/%E0%A4%A', 400],
    ['app://todo-sync/missing.js', 404],
    ['app://todo-sync/assets', 404],
    ['app://other-host/index.html', 404],
  ])('refuses %s with %i, CSP included', async (url, status) => {
    const response = await get(url);
    expect(response.status).toBe(status);
    expect(response.headers.get('Content-Security-Policy')).toBe(EXPECTED_CSP);
    expect(await response.text()).not.toContain('outside the renderer');
  });

  it('answers only GET and HEAD', async () => {
    expect((await get('app://todo-sync/index.html', 'POST')).status).toBe(405);
    const head = await get('app://todo-sync/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  describe('registration with Electron', () => {
    beforeEach(() => resetElectronMock());

    it('declares app: a standard, secure scheme', () => {
      registerAppScheme();
      expect(protocol.privilegedSchemes).toEqual([
        { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
      ]);
      expect(protocol.privilegedSchemes[0]?.privileges?.bypassCSP).toBeFalsy();
    });

    it('hands app: requests to the renderer handler', async () => {
      serveRendererOverAppProtocol(rendererRoot);
      const registered = protocol.handlers.get('app');
      expect(registered).toBeDefined();
      const response = await registered!(new Request('app://todo-sync/index.html'));
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Security-Policy')).toBe(EXPECTED_CSP);
    });
  });
});
