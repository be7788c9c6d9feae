/**
 * The app:// protocol that serves the built renderer (out/renderer) to the window.
 *
 * A custom protocol rather than file:// gives the page a real origin (app://todo-sync), which
 * the CSP's 'self' and the IPC sender check rely on, and confines the page to the renderer
 * folder: every path is resolved and checked to stay inside it, after decoding, so `..`,
 * `%2e%2e` and `%2f` tricks and symlinks pointing outside are refused.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from '../ipc/trusted-sender';
import { SECURITY_HEADERS } from './csp';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

function textResponse(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}

/**
 * Maps an app:// request to a file under `rendererRoot`. Exported without Electron so it is
 * tested against real files; the shell hands it to protocol.handle.
 */
export function createRendererRequestHandler(rendererRoot: string): (request: Request) => Promise<Response> {
  const root = path.resolve(rendererRoot);
  let realRoot: Promise<string> | null = null;

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return textResponse(405, 'Only GET and HEAD are served.');
    }
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return textResponse(400, 'Bad URL.');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
      return textResponse(404, 'Not found.');
    }

    let relativePath: string;
    try {
      relativePath = decodeURIComponent(url.pathname);
    } catch {
      return textResponse(400, 'Bad URL encoding.');
    }
    if (relativePath.includes('\0')) return textResponse(400, 'Bad path.');
    if (relativePath === '/' || relativePath === '') relativePath = '/index.html';

    const filePath = path.resolve(root, `.${relativePath.startsWith('/') ? '' : '/'}${relativePath}`);
    if (!isInside(root, filePath)) return textResponse(403, 'Outside the app.');

    try {
      realRoot ??= realpath(root);
      const realFile = await realpath(filePath);
      if (!isInside(await realRoot, realFile)) return textResponse(403, 'Outside the app.');
      if (!(await stat(realFile)).isFile()) return textResponse(404, 'Not found.');
      const body = request.method === 'HEAD' ? null : await readFile(realFile);
      const contentType = CONTENT_TYPES[path.extname(realFile).toLowerCase()] ?? 'application/octet-stream';
      return new Response(body, {
        status: 200,
        headers: { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': 'no-cache' },
      });
    } catch {
      return textResponse(404, 'Not found.');
    }
  };
}

/**
 * Must run before the app is ready: a standard, secure scheme gets an origin, may use fetch
 * and counts as a secure context, like https.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

/** After ready: answer app:// requests from the built renderer. */
export function serveRendererOverAppProtocol(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, createRendererRequestHandler(rendererRoot));
}
