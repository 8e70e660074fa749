// Turns credentials into identities, the same way for every path: the internal API's forwarded
// credential (`Bearer <token>` or `Session <id>`) and a socket's `?token=`. Kept behind this small
// interface so cluster relays can verify socket tokens locally and ask the persister for the rest.
import { ADMIN_IDENTITY, mayOpenSheet, type Identity } from './identity';
import { Revocations } from './revocations';
import { digest, sameSecret } from './secrets';
import { looksLikeJwt, type SocketTokens } from './socketTokens';

/** Stored credentials, looked up by their SHA-256 digest (see AccessStore). */
export interface CredentialLookup {
  apiToken(tokenDigest: string): Promise<Identity | null>;
  session(sessionDigest: string): Promise<Identity | null>;
}

export interface CredentialVerifier {
  /** The identity behind a forwarded credential header value, or null. */
  fromHeader(value: string | undefined): Promise<Identity | null>;
  /** The identity a socket token (JWT or API token) admits to `sheetId`; `forbidden` if not that sheet. */
  fromSocketToken(token: string, sheetId: string): Promise<Identity | 'forbidden' | null>;
}

const MAX_CREDENTIAL_LENGTH = 4096;

export class Authenticator implements CredentialVerifier {
  constructor(
    private readonly options: { adminToken: string | null; socketTokens: SocketTokens; lookup?: CredentialLookup; revocations?: Revocations },
  ) {}

  get revocations(): Revocations | undefined {
    return this.options.revocations;
  }

  async bearer(token: string): Promise<Identity | null> {
    if (!token || token.length > MAX_CREDENTIAL_LENGTH) return null;
    if (this.options.adminToken && sameSecret(token, this.options.adminToken)) return ADMIN_IDENTITY;
    return (await this.options.lookup?.apiToken(digest(token))) ?? null;
  }

  async session(sessionId: string): Promise<Identity | null> {
    if (!sessionId || sessionId.length > MAX_CREDENTIAL_LENGTH) return null;
    return (await this.options.lookup?.session(digest(sessionId))) ?? null;
  }

  async fromHeader(value: string | undefined): Promise<Identity | null> {
    const match = /^(Bearer|Session) (\S+)$/.exec(value ?? '');
    if (!match) return null;
    return match[1] === 'Bearer' ? this.bearer(match[2]) : this.session(match[2]);
  }

  async fromSocketToken(token: string, sheetId: string): Promise<Identity | 'forbidden' | null> {
    if (!token || token.length > MAX_CREDENTIAL_LENGTH) return null;
    if (looksLikeJwt(token)) {
      const claims = await this.options.socketTokens.verify(token);
      if (!claims) return null;
      if (this.options.revocations?.revokedSince(claims.identity.id, claims.issuedAtMs)) return null;
      return claims.sheetId === sheetId ? claims.identity : 'forbidden';
    }
    const identity = await this.bearer(token);
    if (!identity) return null;
    return mayOpenSheet(identity, sheetId) ? identity : 'forbidden';
  }
}
