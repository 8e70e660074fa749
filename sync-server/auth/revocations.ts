// Live revocation: when a member or token is removed or its role lowered, socket tokens issued to it
// before then stop being accepted, and listeners (the rooms) close its open sockets.
import type { CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED } from '../../lib/protocol';

export type RevocationCode = typeof CLOSE_UNAUTHORIZED | typeof CLOSE_FORBIDDEN;
export type RevocationListener = (identityId: string, code: RevocationCode, reason: string) => void;

export class Revocations {
  private readonly revokedAt = new Map<string, number>();
  private readonly listeners = new Set<RevocationListener>();

  revoke(identityId: string, code: RevocationCode, reason: string): void {
    this.revokedAt.set(identityId, Date.now());
    for (const listener of this.listeners) listener(identityId, code, reason);
  }

  /** Whether a credential for `identityId` issued at `issuedAtMs` was revoked since. */
  revokedSince(identityId: string, issuedAtMs: number): boolean {
    const at = this.revokedAt.get(identityId);
    return at !== undefined && issuedAtMs <= at;
  }

  onRevoke(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
