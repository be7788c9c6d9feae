/**
 * The renderer's Content-Security-Policy: only the app's own origin, no inline script, no eval,
 * no remote anything, no frames, and Trusted Types with no policy at all (the UI is Preact and
 * never assigns HTML strings, so any string reaching innerHTML, document.write or a script URL
 * is an injection and throws). Sent as a header on every app:// response; renderer/index.html
 * carries the same policy (minus frame-ancestors, which a <meta> cannot set) for when the page
 * is opened some other way, and test/main/shell/csp.test.ts keeps the two equal.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Headers on every response of the app:// protocol, errors included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};
