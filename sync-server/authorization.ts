// Whether a socket may join a sheet, decided at the upgrade: what the socket handler, the room parts'
// authenticate hooks and access control's socket authorizer share.
import type { IncomingMessage } from 'node:http';
import type { CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED } from '../lib/protocol';
import type { Identity } from './auth/identity';

export type Authorization =
  | { ok: true; userId: string | null; readOnly?: boolean; identity?: Identity }
  | { ok: false; code: typeof CLOSE_UNAUTHORIZED | typeof CLOSE_FORBIDDEN; reason: string };

/** Decides at the upgrade whether a request may join a sheet (the sync server's: auth/socketAuthorizer.ts). */
export type Authorize = (request: IncomingMessage, sheetId: string) => Promise<Authorization> | Authorization;
