/**
 * Who may call the IPC handlers: the app's own top-level page, identified by its origin.
 *
 * The renderer is served from the custom protocol below (see main/shell/app-protocol.ts), so
 * a frame showing anything else — a remote page after a navigation slipped through, an
 * iframe, a devtools extension — is refused before any handler runs. No `electron` import:
 * the dispatcher and the end-to-end harness use this too.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'todo-sync';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The frame a message came from, as the shell reads it off `event.senderFrame`. */
export interface IpcSender {
  url: string;
  isMainFrame: boolean;
}

export type SenderCheck = (sender: IpcSender) => boolean;

/**
 * "scheme://host[:port]" of an absolute URL. `URL.origin` is "null" for schemes Node does not
 * know (app:), so the origin is assembled from the parsed parts instead.
 */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/**
 * Trusts the main frame of pages whose origin is exactly one of `trustedOrigins`. The
 * origins are compared after parsing, so `app://todo-sync.evil/` or
 * `app://todo-sync@evil/` do not pass as the app.
 */
export function createTrustedSenderCheck(trustedOrigins: readonly string[] = [APP_ORIGIN]): SenderCheck {
  const trusted = new Set(
    trustedOrigins.map((origin) => {
      const parsed = parseUrl(origin);
      if (!parsed) throw new TypeError(`Not an origin: ${origin}`);
      return originOf(parsed);
    }),
  );
  return (sender) => {
    if (!sender.isMainFrame) return false;
    const url = parseUrl(sender.url);
    if (!url || url.username !== '' || url.password !== '') return false;
    return trusted.has(originOf(url));
  };
}

/** The production check: the app:// main frame and nothing else. */
export const isAppMainFrame: SenderCheck = createTrustedSenderCheck([APP_ORIGIN]);
