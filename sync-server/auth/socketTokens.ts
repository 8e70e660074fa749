// Short-lived socket tokens for signed-in members (DESIGN "Access control": verifiable by any sync-server
// instance without a lookup): HS256 JWTs signed with a key derived from the server secret.
import { hkdfSync } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { isRole, type Identity } from './identity';

export const DEFAULT_SOCKET_TOKEN_TTL_S = 600;
const ISSUER = 'cellar';
const AUDIENCE = 'cellar-socket';

export interface SocketClaims {
  identity: Identity;
  sheetId: string;
  issuedAtMs: number;
}

export class SocketTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly ttlSeconds = DEFAULT_SOCKET_TOKEN_TTL_S,
  ) {
    this.key = new Uint8Array(hkdfSync('sha256', secret, 'cellar-socket-token', 'socket token signing key', 32));
  }

  async issue(identity: Identity, sheetId: string): Promise<{ token: string; expiresAt: string }> {
    const now = Date.now();
    const exp = Math.floor(now / 1000) + this.ttlSeconds;
    const token = await new SignJWT({ role: identity.role, kind: identity.kind, name: identity.name, sheet: sheetId, iatMs: now })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(identity.id)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /** The claims of a valid, unexpired token; null for anything else. */
  async verify(token: string): Promise<SocketClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE });
      const { sub, role, kind, name, sheet, iatMs } = payload as Record<string, unknown>;
      if (typeof sub !== 'string' || !isRole(role) || typeof sheet !== 'string' || typeof iatMs !== 'number') return null;
      if (kind !== 'member' && kind !== 'token' && kind !== 'admin') return null;
      return { identity: { id: sub, kind, name: typeof name === 'string' ? name : sub, role, sheets: [sheet] }, sheetId: sheet, issuedAtMs: iatMs };
    } catch {
      return null;
    }
  }
}

/** JWTs have three dot-separated parts; API tokens never contain a dot. */
export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}
