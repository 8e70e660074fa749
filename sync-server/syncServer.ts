// Composes the sync server from its parts: the document store (DuckDB update log), the sheet store
// (DuckDB materializer and reads), rooms with their parts, the WebSocket endpoint and the internal HTTP
// API, on one port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { MAX_MESSAGE_BYTES } from '../lib/protocol';
import { openDatabase, type Database } from './database';
import { DuckDBSheetStore } from './duckdbSheetStore';
import { createInternalApi, type Route } from './internalApi';
import { purgeExpiredTrash, sheetTrashRoutes, trashedSheetIds } from './sheetTrash';
import { logger } from './logger';
import type { Materializer } from './materializer';
import type { RoomPart } from './roomPart';
import { RoomManager } from './roomManager';
import { allowEveryone, handleSocket, type Authorize } from './socketHandler';
import { UpdateLog } from './updateLog';

export interface SyncServerOptions {
  databaseFile: string;
  secret: string;
  host?: string;
  port?: number;
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
  http: Server;
  /** http://host:port of the listening server. */
  url: string;
  close(): Promise<void>;
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

  const parts = { db, log, documents: log, sheets, materializer: sheets.materializer, rooms };
  const http = createServer();
  const api = createInternalApi({
    secret: options.secret,
    rooms,
    documents: log,
    sheets,
    routes: [...sheetTrashRoutes({ db, rooms, documents: log, sheets }), ...(options.routes?.({ ...parts, http }) ?? [])],
  });
  http.on('request', (request, response) => void api(request, response));
  const closeSockets = serveSockets(http, rooms, options);

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
        await db.close();
        logger.info('sync server stopped; everything flushed');
      })();
      return closing;
    },
  };
}

/** Accepts y-websocket connections on the server's upgrade requests; returns what closes them all. */
export function serveSockets(http: Server, rooms: RoomManager, options: { maxMessageBytes?: number; authorize?: Authorize }): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? MAX_MESSAGE_BYTES });
  const authorize = options.authorize ?? allowEveryone;
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
