// A relay (CELLAR_ROLE=relay): WebSocket rooms only, no DuckDB. Updates its sockets send go to the
// sheet's Redis stream; what other relays and the persister append comes back through the follower.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import * as Y from 'yjs';
import { socketAuthorizer } from '../auth/socketAuthorizer';
import { logger } from '../logger';
import { relayAccess } from './clusterAccess';
import { RoomManager } from '../roomManager';
import type { RoomPart } from '../roomPart';
import type { Authorize } from '../socketHandler';
import { listeningUrl, serveSockets } from '../syncServer';
import { connectRedis } from './redisConnection';
import { RelayDocumentStore, type PersisterEndpoint } from './relayDocumentStore';
import { relayPart, resyncRooms } from './relayPart';
import { StreamFollower } from './streamFollower';
import { STREAM_ORIGIN } from './streamKeys';

export interface RelayOptions {
  redisUrl: string;
  persister: PersisterEndpoint;
  host?: string;
  port?: number;
  /** CELLAR_ADMIN_TOKEN, accepted on sockets as on the persister. */
  adminToken?: string | null;
  socketTokenTtlSeconds?: number;
  /** Replaces the socket check (default: tokens verified as the persister does, see clusterAccess.ts). */
  authorize?: Authorize;
  maxMessageBytes?: number;
  idleUnloadMs?: number;
  parts?: RoomPart[];
}

export interface Relay {
  id: string;
  rooms: RoomManager;
  http: Server;
  url: string;
  close(): Promise<void>;
}

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const id = `relay-${randomBytes(6).toString('hex')}`;
  const redis = connectRedis(options.redisUrl, id);
  const subscriber = connectRedis(options.redisUrl, `${id}-sub`);
  const store = new RelayDocumentStore(redis, options.persister, id);
  const follower = new StreamFollower(connectRedis(options.redisUrl, `${id}-reader`, { blocking: true }), id, (sheetId, _entryId, update) => {
    const room = part.room(sheetId);
    if (room) Y.applyUpdate(room.doc, update, STREAM_ORIGIN);
  });
  const part = relayPart({ redis, subscriber, store, follower, relayId: id });
  const rooms = new RoomManager(store, null, new Set(), {
    idleUnloadMs: options.idleUnloadMs,
    parts: [part, ...(options.parts ?? [])],
    unlogged: (origin) => origin === STREAM_ORIGIN,
    openUnknown: true,
  });
  let wasReady = false;
  redis.on('ready', () => {
    if (wasReady) {
      logger.info({ rooms: rooms.loadedRooms.size }, 'redis is back: resynchronizing rooms');
      resyncRooms(redis, id, rooms.loadedRooms);
    }
    wasReady = true;
  });

  const http = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const [status, body] = path === '/health' ? [200, { ok: true, role: 'relay', id, rooms: rooms.loadedRooms.size }] : [404, { error: { code: 'not_found', message: 'a relay serves WebSockets and /health only' } }];
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  });
  const access = relayAccess({ persister: options.persister, adminToken: options.adminToken ?? null, socketTokenTtlSeconds: options.socketTokenTtlSeconds, subscriber });
  access.revocations.onRevoke((identityId, code, reason) => {
    const closed = rooms.closeIdentity(identityId, code, reason);
    if (closed > 0) logger.info({ identityId, closed, code }, 'access revoked: sockets closed');
  });
  const closeSockets = serveSockets(http, rooms, { ...options, authorize: options.authorize ?? socketAuthorizer(access.authenticator) });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const url = listeningUrl(http);
  logger.info({ url, id }, 'relay listening');
  return {
    id,
    rooms,
    http,
    url,
    async close() {
      closeSockets();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await rooms.closeAll();
      await follower.close();
      subscriber.disconnect();
      await redis.quit().catch(() => undefined);
    },
  };
}
