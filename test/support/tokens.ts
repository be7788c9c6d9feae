/**
 * Tokens as the local backend's sign-in stub makes them (HS256 JWTs with the zumo audience and
 * issuer), signed with its secret: tests forge an expired one, as time would.
 */
import { createHmac } from 'node:crypto';

export function signZumoToken(secret: string, claims: { sub: string; exp: number; iat?: number }): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'HS256', typ: 'JWT' });
  const payload = encode({
    iat: claims.iat ?? claims.exp - 3600,
    ...claims,
    aud: 'urn:microsoft:windows-azure:zumo',
    iss: 'urn:microsoft:windows-azure:zumo',
  });
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

/** A token for `sub` that ended an hour ago. */
export function expiredToken(secret: string, sub: string): string {
  return signZumoToken(secret, { sub, exp: Math.floor(Date.now() / 1000) - 3600 });
}
