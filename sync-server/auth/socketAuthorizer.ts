// The sync server's socket check: `?token=` (the stock client's `params`) must be a valid socket token
// for this sheet or an API token allowed on it. Viewers get read-only sockets.
import type { IncomingMessage } from 'node:http';
import { CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED } from '../../lib/protocol';
import type { Authorize } from '../socketHandler';
import type { CredentialVerifier } from './authenticator';
import { hasRole } from './identity';

export function tokenFromUrl(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').searchParams.get('token') ?? '';
}

export function socketAuthorizer(verifier: CredentialVerifier): Authorize {
  return async (request, sheetId) => {
    const token = tokenFromUrl(request);
    if (!token) return { ok: false, code: CLOSE_UNAUTHORIZED, reason: 'a token is required' };
    const identity = await verifier.fromSocketToken(token, sheetId);
    if (identity === null) return { ok: false, code: CLOSE_UNAUTHORIZED, reason: 'invalid or expired token' };
    if (identity === 'forbidden') return { ok: false, code: CLOSE_FORBIDDEN, reason: 'not allowed on this sheet' };
    return { ok: true, userId: identity.id, identity, readOnly: !hasRole(identity, 'editor') };
  };
}
