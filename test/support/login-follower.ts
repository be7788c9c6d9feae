/**
 * Stands in for the sign-in window in tests: follows the sign-in URLs the way the window's
 * browser would (one redirect at a time, each Location resolved against the page it came
 * from) until the URL is the done page, and hands that URL back, exactly what the shell's
 * window captures. `loginHint` is the test's way of being a particular person at the identity
 * provider (the local backend's stub reads it); `cancel` is the person closing the window.
 */
import type { LoginUi } from '../../main/sync/client';

export interface FollowerOptions {
  loginHint?: string;
  cancel?: boolean;
  /** Every URL the "window" visited, for assertions. */
  visited?: string[];
}

export async function followSignIn(
  loginUrl: string,
  isDone: (url: string) => boolean,
  options: FollowerOptions = {},
): Promise<string | null> {
  let url = new URL(loginUrl);
  if (options.loginHint) url.searchParams.set('login_hint', options.loginHint);
  for (let hop = 0; hop < 10; hop++) {
    options.visited?.push(url.href);
    if (isDone(url.href)) return options.cancel ? null : url.href;
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    await response.arrayBuffer();
    if (response.status < 300 || response.status >= 400 || !location) {
      throw new Error(`Sign-in stopped at ${url.href} with status ${response.status}`);
    }
    url = new URL(location, url);
  }
  throw new Error('Sign-in redirected more than 10 times');
}

export function followingLoginUi(options: FollowerOptions = {}): LoginUi & { calls: number } {
  const ui = {
    calls: 0,
    async signIn(request: { loginUrl: string; isDone(url: string): boolean }): Promise<string | null> {
      ui.calls++;
      return followSignIn(request.loginUrl, request.isDone, options);
    },
  };
  return ui;
}
