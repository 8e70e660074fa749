// Composes the sync server from its parts: the document store (DuckDB update log), the sheet store
// (DuckDB materializer and reads), rooms with their parts, the WebSocket endpoint and the internal HTTP
// API, on one port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { perMessageDeflate } from './messageCompression';
import { CLOSE_FORBIDDEN, MAX_MESSAGE_BYTES } from '../lib/protocol';
import { accessRoutes } from './auth/accessRoutes';
import { AccessStore } from './auth/accessStore';
import { Authenticator } from './auth/authenticator';
import { LoginLimiter } from './auth/loginLimiter';
import { Revocations } from './auth/revocations';
import { socketAuthorizer } from './auth/socketAuthorizer';
import { socketTokenRoute } from './auth/socketTokenRoute';
import { SocketTokens } from './auth/socketTokens';
import { openDatabase, type Database } from './database';
import { DuckDBSheetStore } from './duckdbSheetStore';
import { createInternalApi, type Route } from './internalApi';
import { purgeExpiredTrash, sheetTrashRoutes, trashedSheetIds } from './sheetTrash';
import { logger } from './logger';
import type { Materializer } from './materializer';
import type { RoomPart } from './roomPart';
import { RoomManager } from './roomManager';
import { handleSocket, type Authorize } from './socketHandler';
import { UpdateLog } from './updateLog';

export interface SyncServerOptions {
  databaseFile: string;
  secret: string;
  /** CELLAR_ADMIN_TOKEN: an owner API token (automation, tests, recovery); null for none. */
  adminToken?: string | null;
  /** Lifetime of the socket tokens issued to signed-in members. */
  socketTokenTtlSeconds?: number;
  host?: string;
  port?: number;
  /** Replaces the socket check (default: auth/socketAuthorizer.ts with this server's credentials). */
  authorize?: Authorize;
  maxMessageBytes?: number;
  idleUnloadMs?: number;
  materializeIntervalMs?: number;
  /** Parts attached to every room (merge arbitration, cluster streams). */
  parts?: RoomPart[];
  routes?: (server: Omit<SyncServer, 'close' | 'url'>) => Route[];
}

export interface SyncServer {
  db: Database;
  log: UpdateLog;
  /** The document store (the update log in DuckDB). */
  documents: UpdateLog;
  sheets: DuckDBSheetStore;
  materializer: Materializer;
  rooms: RoomManager;
  auth: AccessControl;
  http: Server;
  /** http://host:port of the listening server. */
  url: string;
  close(): Promise<void>;
}

/** Access control's parts, for routes and (in cluster mode) relays that verify credentials the same way. */
export interface AccessControl {
  authenticator: Authenticator;
  socketTokens: SocketTokens;
  revocations: Revocations;
  store: AccessStore;
}

/** Members, sessions and tokens in the DuckDB file; revocations close the identity's open sockets. */
async function startAccessControl(db: Database, rooms: RoomManager, options: SyncServerOptions): Promise<AccessControl> {
  const socketTokens = new SocketTokens(options.secret, options.socketTokenTtlSeconds);
  const revocations = new Revocations();
  const store = await AccessStore.open(db.instance);
  const authenticator = new Authenticator({ adminToken: options.adminToken ?? null, socketTokens, lookup: store, revocations });
  revocations.onRevoke((identityId, code, reason) => {
    const closed = rooms.closeIdentity(identityId, code, reason);
    if (closed > 0) logger.info({ identityId, closed, code }, code === CLOSE_FORBIDDEN ? 'role changed: sockets closed' : 'access revoked: sockets closed');
  });
  return { authenticator, socketTokens, revocations, store };
}

export async function startSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const db = await openDatabase(options.databaseFile);
  const sheets = new DuckDBSheetStore(db, { intervalMs: options.materializeIntervalMs });
  const log = new UpdateLog(db.log);
  // Trashed sheets are not known (sockets 4404, reads 404) until restored; expired trash goes for good.
  await purgeExpiredTrash(db);
  const known = await sheets.known();
  for (const id of await trashedSheetIds(db)) known.delete(id);
  const rooms = new RoomManager(log, sheets, known, { idleUnloadMs: options.idleUnloadMs, parts: options.parts });
  await rebuildLaggingSheets(log, sheets, rooms);
  await sheets.materializer.refreshWorkspaceViews();
  sheets.start();

  const auth = await startAccessControl(db, rooms, options);
  const parts = { db, log, documents: log, sheets, materializer: sheets.materializer, rooms, auth };
  const http = createServer();
  const api = createInternalApi({
    secret: options.secret,
    authenticator: auth.authenticator,
    rooms,
    documents: log,
    sheets,
    routes: [
      socketTokenRoute({ rooms, socketTokens: auth.socketTokens }),
      ...accessRoutes({ store: auth.store, limiter: new LoginLimiter(), revocations: auth.revocations, knownSheets: rooms.knownSheets }),
      ...sheetTrashRoutes({ db, rooms, documents: log, sheets }),
      ...(options.routes?.({ ...parts, http }) ?? []),
    ],
  });
  http.on('request', (request, response) => void api(request, response));
  const closeSockets = serveSockets(http, rooms, { ...options, authorize: options.authorize ?? socketAuthorizer(auth.authenticator) });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const url = listeningUrl(http);
  logger.info({ url }, 'sync server listening');

  let closing: Promise<void> | null = null;
  return {
    ...parts,
    http,
    url,
    close() {
      closing ??= (async () => {
        closeSockets();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
        sheets.stop();
        await rooms.closeAll();
        auth.store.close();
        await db.close();
        logger.info('sync server stopped; everything flushed');
      })();
      return closing;
    },
  };
}

/** Accepts y-websocket connections on the server's upgrade requests; returns what closes them all. */
export function serveSockets(http: Server, rooms: RoomManager, options: { maxMessageBytes?: number; authorize: Authorize }): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? MAX_MESSAGE_BYTES, perMessageDeflate: perMessageDeflate() });
  const authorize = options.authorize;
  http.on('upgrade', (request, socket, head) => {
    wss.handleUpgrade(request, socket, head, (ws) =>
      handleSocket(ws, request, rooms, authorize).catch((err) => {
        logger.error({ err }, 'socket setup failed');
        ws.close(1011, 'internal error');
      }),
    );
  });
  return () => {
    for (const client of wss.clients) client.close(1001, 'server shutting down');
  };
}

export function listeningUrl(http: Server): string {
  const address = http.address() as AddressInfo;
  return `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
}

/** After a crash the materialized tables may lag (or lead) the durable log: rebuild those sheets. */
async function rebuildLaggingSheets(log: UpdateLog, sheets: DuckDBSheetStore, rooms: RoomManager): Promise<void> {
  const lagging = (await sheets.lagging(await log.storedSeqs())).filter((id) => rooms.knownSheets.has(id)); // not the trash
  for (const sheetId of lagging) {
    rooms.needsRebuild.add(sheetId);
    await rooms.withRoom(sheetId, () => undefined);
  }
  if (lagging.length > 0) logger.info({ sheets: lagging.length }, 'rebuilt materialized sheets that lagged the log');
}
