// Random credentials (API tokens, session ids, invite codes) and how they are stored: as SHA-256 digests.
// They carry 256 bits of randomness, so a fast hash is enough (passwords use scrypt, see passwords.ts).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(digest(a));
  const y = Buffer.from(digest(b));
  return timingSafeEqual(x, y);
}
