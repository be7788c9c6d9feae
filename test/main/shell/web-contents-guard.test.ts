import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebContents, resetElectronMock, session, shell } from '../../mocks/electron';
import { guardWebContents, parseExternalUrl } from '../../../main/shell/web-contents-guard';
import { denyAllPermissions } from '../../../main/shell/permissions';

vi.mock('electron', () => import('../../mocks/electron'));

function guarded() {
  const contents = new FakeWebContents();
  const logger = { warn: vi.fn() };
  guardWebContents(contents as never, { openExternal: (url) => shell.openExternal(url), logger });
  return { contents, logger };
}

function openWindow(contents: FakeWebContents, url: string) {
  const handler = contents.windowOpenHandler;
  if (!handler) throw new Error('no window-open handler was installed');
  return handler({
    url,
    frameName: '',
    features: '',
    disposition: 'new-window',
    referrer: { url: '', policy: 'default' },
  });
}

beforeEach(() => resetElectronMock());

describe('navigation and new windows', () => {
  it.each([
    'https://evil.example/',
    'app://todo-sync/other.html',
    'file:///etc/passwd',
    'javascript:alert(1)',
  ])('prevents navigating the window to %s', (url) => {
    const { contents } = guarded();
    expect(contents.fireNavigation('will-navigate', url)).toBe(true);
  });

  it('prevents attaching a <webview>', () => {
    const { contents } = guarded();
    expect(contents.fireAttachWebview()).toBe(true);
  });

  it.each(['https://example.com/help', 'app://todo-sync/index.html', 'about:blank', 'javascript:alert(1)'])(
    'denies window.open(%s)',
    (url) => {
      const { contents } = guarded();
      expect(openWindow(contents, url)).toEqual({ action: 'deny' });
    },
  );

  it.each([
    ['https://example.com/docs?q=1#top', 'https://example.com/docs?q=1#top'],
    ['http://example.com', 'http://example.com/'],
    ['HTTPS://EXAMPLE.com/a b', 'https://example.com/a%20b'],
  ])('opens the http(s) link %s in the system browser as %s', (url, opened) => {
    const { contents } = guarded();
    openWindow(contents, url);
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith(opened);
  });

  it('opens an http(s) link the page navigates to in the browser instead', () => {
    const { contents } = guarded();
    contents.fireNavigation('will-navigate', 'https://example.com/');
    expect(shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://example.com/');
  });

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'smb://server/share',
    'app://todo-sync/index.html',
    'data:text/html,<script>alert(1)</script>',
    'https://user:pass@example.com/',
    'not a url',
    'https//missing-colon.example',
    '//example.com/protocol-relative',
    '',
  ])('never hands %j to the OS', (url) => {
    const { contents, logger } = guarded();
    expect(openWindow(contents, url)).toEqual({ action: 'deny' });
    contents.fireNavigation('will-navigate', url);
    expect(shell.openExternal).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalled();
  });

  it('parses before trusting: parseExternalUrl', () => {
    expect(parseExternalUrl('https://example.com/x')?.href).toBe('https://example.com/x');
    expect(parseExternalUrl(' javascript:alert(1)')).toBeNull();
    expect(parseExternalUrl('http:/\\example.com')?.hostname).toBe('example.com');
  });
});

describe('permissions', () => {
  it('denies every permission request', () => {
    denyAllPermissions(session.defaultSession as never);
    const request = session.defaultSession.permissionRequestHandler;
    expect(request).toBeTypeOf('function');
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
    ]) {
      const callback = vi.fn();
      (request as (...args: unknown[]) => void)({}, permission, callback, {});
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    }
  });

  it('answers every permission check with false', () => {
    denyAllPermissions(session.defaultSession as never);
    const check = session.defaultSession.permissionCheckHandler as (...args: unknown[]) => boolean;
    const device = session.defaultSession.devicePermissionHandler as (...args: unknown[]) => boolean;
    for (const permission of ['media', 'notifications', 'clipboard-sanitized-write', 'serial', 'usb']) {
      expect(check(null, permission, 'app://todo-sync', {})).toBe(false);
    }
    expect(device({ deviceType: 'usb', origin: 'app://todo-sync' })).toBe(false);
  });
});
