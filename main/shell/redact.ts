/**
 * Keeping auth tokens out of the log. Every value passed to the logger goes through
 * `redact` first (an electron-log hook), which masks:
 *   - values under secret-looking keys (authToken, x-zumo-auth, authorization, password...),
 *     in objects, Maps and Headers, at any depth;
 *   - "X-ZUMO-AUTH: …", "authToken=…", '"authToken":"…"' and "Bearer …" inside strings,
 *     including error messages and stacks;
 *   - any token value the app registered with `rememberSecret`, wherever it appears.
 * Pure: no Electron, no I/O.
 */

export const REDACTED = '[redacted]';

const SECRET_KEY =
  /^(auth[-_]?token|x-zumo-auth|authorization|cookie|set-cookie|password|secret|token|access[-_]?token)$/i;

/** Text patterns: group 1 is kept (the name and separator), the value after it is masked. */
const SECRET_TEXT_PATTERNS: readonly RegExp[] = [
  /(x-zumo-auth["']?\s*[:=]\s*["']?)[^"'\s,;&}\]]+/gi,
  /(auth[-_]?token["']?\s*[:=]\s*["']?)[^"'\s,;&}\]]+/gi,
  /(authorization["']?\s*[:=]\s*["']?(?:bearer|basic)?\s*)[^"'\s,;&}\]]+/gi,
  /(bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi,
];

/** Shorter values are not remembered: masking "a" everywhere would make the log unreadable. */
const MIN_SECRET_LENGTH = 4;
const MAX_DEPTH = 8;

export interface SecretRedactor {
  redact(value: unknown): unknown;
  /** Masks this exact value from now on (the current auth token). */
  rememberSecret(secret: string | null | undefined): void;
}

export function createSecretRedactor(): SecretRedactor {
  const secrets = new Set<string>();

  function redactText(text: string): string {
    let result = text;
    for (const secret of secrets) result = result.split(secret).join(REDACTED);
    for (const pattern of SECRET_TEXT_PATTERNS) result = result.replace(pattern, `$1${REDACTED}`);
    return result;
  }

  function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    if (depth >= MAX_DEPTH) return '[too deep]';
    seen.add(value);
    const inner = (item: unknown): unknown => redactValue(item, depth + 1, seen);
    const entry = (key: string, item: unknown): unknown => (SECRET_KEY.test(key) ? REDACTED : inner(item));

    if (Array.isArray(value)) return value.map(inner);
    if (value instanceof Error) {
      const copy = new Error(redactText(value.message));
      copy.name = value.name;
      copy.stack = value.stack === undefined ? undefined : redactText(value.stack);
      for (const [key, item] of Object.entries(value)) {
        (copy as unknown as Record<string, unknown>)[key] = entry(key, item);
      }
      if (value.cause !== undefined) copy.cause = inner(value.cause);
      return copy;
    }
    if (value instanceof Map) {
      return new Map(
        [...value].map(([key, item]) => [key, typeof key === 'string' ? entry(key, item) : inner(item)]),
      );
    }
    if (typeof Headers !== 'undefined' && value instanceof Headers) {
      const plain: Record<string, unknown> = {};
      value.forEach((item, key) => {
        plain[key] = entry(key, item);
      });
      return plain;
    }
    if (value instanceof Date || ArrayBuffer.isView(value)) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = entry(key, item);
    return copy;
  }

  return {
    redact: (value) => redactValue(value, 0, new WeakSet()),
    rememberSecret(secret) {
      if (typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH) secrets.add(secret);
    },
  };
}
