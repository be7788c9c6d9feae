/**
 * What a page may do to its own window: nothing outside the app. Navigations away are blocked,
 * new windows are denied, <webview> cannot be attached, and an http(s) link a person clicks
 * opens in the system browser — only after it parsed as a URL with an http(s) scheme and no
 * credentials, so `javascript:`, `file:`, custom protocols or malformed strings never reach
 * the OS.
 */
import type { WebContents } from 'electron';
import type { Logger } from '../services/logger';

/** The link as a safe URL for the system browser, or null when it must not be opened. */
export function parseExternalUrl(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return null;
  return url;
}

export interface GuardOptions {
  openExternal(url: string): Promise<void>;
  logger?: Pick<Logger, 'warn'>;
}

export function guardWebContents(contents: WebContents, { openExternal, logger }: GuardOptions): void {
  const openInBrowser = (raw: string): void => {
    const url = parseExternalUrl(raw);
    if (!url) {
      logger?.warn('Blocked a link that is not an http(s) URL', raw.slice(0, 200));
      return;
    }
    openExternal(url.href).catch((error: unknown) =>
      logger?.warn('Could not open a link in the browser', error),
    );
  };

  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openInBrowser(event.url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openInBrowser(url);
    return { action: 'deny' };
  });
}
