/**
 * A TokenCipher like the shell's safeStorage pair, for tests: real encryption (AES-256-GCM with
 * a key that lives only in this process), so "the token is not in the file" means something.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { TokenCipher } from '../../../../main/services/settings';

export function testCipher(
  strength: TokenCipher['strength'] = 'os',
  key = randomBytes(32),
): TokenCipher & { key: Buffer } {
  return {
    strength,
    key,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const data = Buffer.from(sealed);
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
