/**
 * The renderer's Content-Security-Policy, directive by directive: each guard is its own case,
 * so dropping one fails exactly that case. The policy is sent as a header by the app:// protocol
 * and repeated in renderer/index.html's <meta>; the two must not drift apart.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../../main/shell/csp';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

function directives(policy: string): Map<string, string> {
  const parsed = new Map<string, string>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(parsed.has(name), `${name} appears once`).toBe(false);
    parsed.set(name.toLowerCase(), values.join(' '));
  }
  return parsed;
}

function metaPolicy(): string {
  const html = readFileSync(path.join(repoRoot, 'renderer', 'index.html'), 'utf8');
  const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
  if (!match?.[1]) throw new Error('renderer/index.html has no Content-Security-Policy <meta>');
  return match[1];
}

describe('the Content-Security-Policy', () => {
  const policy = directives(CONTENT_SECURITY_POLICY);

  it.each([
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
    // No frames of any origin: nothing in the UI embeds a page, so a frame can only be injected.
    ['frame-src', "'none'"],
    // Trusted Types: every HTML/script sink refuses strings, and no policy may be created.
    ['require-trusted-types-for', "'script'"],
    ['trusted-types', "'none'"],
  ])('sets %s %s', (name, value) => {
    expect(policy.get(name)).toBe(value);
  });

  it('allows no inline code, eval or remote origin anywhere', () => {
    for (const [name, value] of policy) {
      expect(value, name).not.toMatch(/'unsafe-|'wasm-unsafe-eval'|https?:|\*/);
    }
  });

  it('is what every app:// response carries', () => {
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it("renderer/index.html's <meta> holds the same policy, except frame-ancestors (which a <meta> cannot set)", () => {
    const meta = directives(metaPolicy());
    const header = new Map(policy);
    header.delete('frame-ancestors');
    expect(meta.has('frame-ancestors')).toBe(false);
    expect(Object.fromEntries(meta)).toEqual(Object.fromEntries(header));
  });
});
