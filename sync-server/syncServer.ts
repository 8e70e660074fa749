// Composes the sync server from its parts: the document store (DuckDB update log), the sheet store
// (DuckDB materializer and reads), rooms with their parts, the WebSocket endpoint and the internal HTTP
// API, on one port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { perMessageDeflate } from './messageCompression';
import { limits } from '../lib/limits';
import { CLOSE_FORBIDDEN } from '../lib/protocol';
import { MATERIALIZED_LAYOUT } from '../lib/relationalViews';
import { accessRoutes } from './auth/accessRoutes';
import { AccessStore } from './auth/accessStore';
import { Authenticator } from './auth/authenticator';
import { LoginLimiter } from './auth/loginLimiter';
import { Revocations } from './auth/revocations';
import { socketAuthorizer } from './auth/socketAuthorizer';
import { socketTokenRoute } from './auth/socketTokenRoute';
import { SocketTokens } from './auth/socketTokens';
import { AcceptPacer, ConnectionLimits, CLOSE_TRY_AGAIN_LATER } from './connectionLimits';
import { openDatabase, type Database } from './database';
import { DuckDBSheetStore } from './duckdbSheetStore';
import { createInternalApi, type Route } from './internalApi';
import { purgeExpiredTrash, sheetTrashRoutes, trashedSheetIds } from './sheetTrash';
import { logger } from './logger';
import type { Materializer } from './materializer';
import type { RoomPart } from './roomPart';
import { RoomManager } from './roomManager';
import { handleSocket, sheetIdFromUrl, type Authorize } from './socketHandler';
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
  /** Read documents for the materializer in a worker thread with replicas (default: CELLAR_MATERIALIZER_WORKER=1, off otherwise). */
  materializerWorker?: boolean;
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
  const sheets = new DuckDBSheetStore(db, {
    intervalMs: options.materializeIntervalMs,
    // Off by default: measured on the relay workload it saved the relaying thread no CPU worth a second copy
    // of every loaded document (docs/PERFORMANCE.md); CELLAR_MATERIALIZER_WORKER=1 turns it on.
    worker: options.materializerWorker ?? process.env.CELLAR_MATERIALIZER_WORKER === '1',
  });
  const log = new UpdateLog(db.log);
  await sheets.ready();
  // Trashed sheets are not known (sockets 4404, reads 404) until restored; expired trash goes for good.
  await purgeExpiredTrash(db);
  const known = await sheets.known();
  for (const id of await trashedSheetIds(db)) known.delete(id);
  const rooms = new RoomManager(log, sheets, known, { idleUnloadMs: options.idleUnloadMs, parts: options.parts });
  await rebuildLaggingSheets(db, log, sheets, rooms);
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
    health: () => sheets.materializer.healthReport(),
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
        await sheets.close();
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
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? limits().messageBytes, perMessageDeflate: perMessageDeflate() });
  const authorize = options.authorize;
  // Every accepted socket counts against the caps until it closes, authenticated or not (connectionLimits.ts).
  const connections = new ConnectionLimits();
  // A burst of sockets is accepted a batch per turn of the event loop (connectionLimits.ts AcceptPacer).
  const pacer = new AcceptPacer();
  http.on('upgrade', (request, socket, head) =>
    pacer.run(socket, () => {
      const sheetKey = sheetIdFromUrl(request.url) ?? '';
      const refusal = connections.admit(sheetKey);
      wss.handleUpgrade(request, socket, head, (ws) => {
        if (refusal) return ws.close(CLOSE_TRY_AGAIN_LATER, refusal);
        ws.once('close', () => connections.release(sheetKey));
        handleSocket(ws, request, rooms, authorize).catch((err) => {
          logger.error({ err }, 'socket setup failed');
          ws.close(1011, 'internal error');
        });
      });
    }),
  );
  return () => {
    for (const client of wss.clients) client.close(1001, 'server shutting down');
  };
}

export function listeningUrl(http: Server): string {
  const address = http.address() as AddressInfo;
  return `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
}

/**
 * After a crash the materialized tables may lag (or lead) the durable log: rebuild those sheets. Tables
 * written in an older physical layout (MATERIALIZED_LAYOUT) are all rebuilt once. A sheet that fails to
 * load or materialize is logged and left degraded; the others and the start-up go on.
 */
async function rebuildLaggingSheets(db: Database, log: UpdateLog, sheets: DuckDBSheetStore, rooms: RoomManager): Promise<void> {
  const stored = await log.storedSeqs();
  const layout = await db.read(async (c) => {
    const setting = (await c.runAndReadAll("SELECT value FROM cellar_settings WHERE key = 'materialized_layout'")).getRows()[0]?.[0];
    const anySheet = (await c.runAndReadAll('SELECT count(*) FROM sheets')).getRows()[0][0];
    return setting === undefined || setting === null ? (Number(anySheet) === 0 ? MATERIALIZED_LAYOUT : null) : String(setting);
  });
  const relayout = layout !== MATERIALIZED_LAYOUT;
  const lagging = (relayout ? [...stored.keys()] : await sheets.lagging(stored)).filter((id) => rooms.knownSheets.has(id)); // not the trash
  for (const sheetId of lagging) {
    rooms.needsRebuild.add(sheetId);
    try {
      await rooms.withRoom(sheetId, () => undefined);
    } catch (err) {
      logger.error({ err, sheetId }, 'the sheet failed to load for its rebuild; the others go on');
    }
  }
  if (lagging.length > 0) {
    await sheets.flush();
    logger.info({ sheets: lagging.length, relayout }, 'rebuilt materialized sheets that lagged the log');
  }
  if (layout !== MATERIALIZED_LAYOUT || layout === null) {
    await db.log.run(
      "INSERT INTO cellar_settings VALUES ('materialized_layout', $layout) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      { layout: MATERIALIZED_LAYOUT },
    );
  }
}
