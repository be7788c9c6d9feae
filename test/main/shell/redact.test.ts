import { describe, expect, it } from 'vitest';
import { createSecretRedactor, REDACTED } from '../../../main/shell/redact';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig_123-abc';

function redact(value: unknown, remember?: string): unknown {
  const redactor = createSecretRedactor();
  redactor.rememberSecret(remember);
  return redactor.redact(value);
}

const text = (value: unknown) => JSON.stringify(value) ?? String(value);

describe('createSecretRedactor', () => {
  it.each([
    `X-ZUMO-AUTH: ${TOKEN}`,
    `x-zumo-auth=${TOKEN}`,
    `headers {"X-ZUMO-AUTH":"${TOKEN}","ZUMO-API-VERSION":"2.0.0"}`,
    `settings {"authToken":"${TOKEN}","workOffline":false}`,
    `?authToken=${TOKEN}&x=1`,
    `auth_token: '${TOKEN}'`,
    `Authorization: Bearer ${TOKEN}`,
    `bearer ${TOKEN}`,
  ])('masks the token in %j', (line) => {
    const result = redact(line) as string;
    expect(result).not.toContain(TOKEN);
    expect(result).toContain(REDACTED);
  });

  it('keeps the rest of the line readable', () => {
    expect(redact(`POST /tables/todoitem X-ZUMO-AUTH: ${TOKEN} ZUMO-API-VERSION: 2.0.0`)).toBe(
      `POST /tables/todoitem X-ZUMO-AUTH: ${REDACTED} ZUMO-API-VERSION: 2.0.0`,
    );
  });

  it('masks secret-named fields at any depth, leaving the others', () => {
    const result = redact({
      settings: { authToken: TOKEN, backendUrl: 'http://127.0.0.1:3000', syncIntervalMinutes: 5 },
      request: { headers: { 'X-ZUMO-AUTH': TOKEN, 'ZUMO-API-VERSION': '2.0.0' } },
      list: [{ Authorization: `Bearer ${TOKEN}` }, { password: 'hunter22' }],
    });
    expect(text(result)).not.toContain(TOKEN);
    expect(text(result)).not.toContain('hunter22');
    expect(result).toEqual({
      settings: { authToken: REDACTED, backendUrl: 'http://127.0.0.1:3000', syncIntervalMinutes: 5 },
      request: { headers: { 'X-ZUMO-AUTH': REDACTED, 'ZUMO-API-VERSION': '2.0.0' } },
      list: [{ Authorization: REDACTED }, { password: REDACTED }],
    });
  });

  it('masks errors: message, stack, own fields and cause', () => {
    const cause = new Error(`fetch failed with X-ZUMO-AUTH: ${TOKEN}`);
    const error = Object.assign(new Error(`401 for authToken=${TOKEN}`, { cause }), {
      request: { headers: { 'x-zumo-auth': TOKEN } },
    });
    const result = redact(error) as Error & { request: unknown };
    expect(result).toBeInstanceOf(Error);
    expect(result.message).toBe(`401 for authToken=${REDACTED}`);
    expect(result.stack).not.toContain(TOKEN);
    expect(text(result.request)).not.toContain(TOKEN);
    expect((result.cause as Error).message).not.toContain(TOKEN);
  });

  it('masks Maps and fetch Headers', () => {
    const headers = new Headers({ 'X-ZUMO-AUTH': TOKEN, Accept: 'application/json' });
    expect(redact(headers)).toEqual({ 'x-zumo-auth': REDACTED, accept: 'application/json' });
    const map = redact(new Map([['authToken', TOKEN]])) as Map<string, unknown>;
    expect(map.get('authToken')).toBe(REDACTED);
  });

  it('masks a remembered token wherever it appears, even without a telling name', () => {
    const line = `pull failed: GET /tables/todoitem?__token=${TOKEN} (cached ${TOKEN})`;
    const result = redact({ note: line }, TOKEN);
    expect(text(result)).not.toContain(TOKEN);
    expect(text(redact({ note: line }))).toContain(TOKEN);
  });

  it('does not remember values too short to be tokens', () => {
    expect(redact('a b c', 'a')).toBe('a b c');
  });

  it('survives cycles and deep nesting, and leaves the original untouched', () => {
    const original: Record<string, unknown> = { authToken: TOKEN };
    original.self = original;
    let deep: Record<string, unknown> = { authToken: TOKEN };
    for (let i = 0; i < 20; i += 1) deep = { inner: deep };
    expect(redact(original)).toEqual({ authToken: REDACTED, self: '[circular]' });
    expect(text(redact(deep))).not.toContain(TOKEN);
    expect(original.authToken).toBe(TOKEN);
  });

  it('passes other values through', () => {
    const date = new Date(0);
    expect(redact(42)).toBe(42);
    expect(redact(null)).toBeNull();
    expect(redact(undefined)).toBeUndefined();
    expect(redact(date)).toBe(date);
    expect(redact('Sync finished; 3 change(s) still pending')).toBe(
      'Sync finished; 3 change(s) still pending',
    );
  });
});
