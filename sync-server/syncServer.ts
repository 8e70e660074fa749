// Composes the sync server: DuckDB, the update log, the materializer, rooms, the WebSocket endpoint and
// the internal HTTP API, on one port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { MAX_MESSAGE_BYTES } from '../lib/protocol';
import { openDatabase, type Database } from './database';
import { createInternalApi, type Route } from './internalApi';
import { logger } from './logger';
import { Materializer, type MaterializedChange } from './materializer';
import type { Room } from './room';
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
  extensions?: Array<(room: Room) => () => void>;
  routes?: (server: Omit<SyncServer, 'close' | 'url'>) => Route[];
}

export interface SyncServer {
  db: Database;
  log: UpdateLog;
  materializer: Materializer;
  rooms: RoomManager;
  http: Server;
  /** http://host:port of the listening server. */
  url: string;
  close(): Promise<void>;
}

export async function startSyncServer(options: SyncServerOptions): Promise<SyncServer> {
  const db = await openDatabase(options.databaseFile);
  const listeners = new Set<(change: MaterializedChange) => void>();
  const materializer = new Materializer(db.materializer, {
    intervalMs: options.materializeIntervalMs,
    onMaterialized: (change) => {
      for (const listener of listeners) listener(change);
    },
  });
  // eslint-disable-next-line prefer-const
  let rooms: RoomManager;
  const log = new UpdateLog(db.log, {
    beforeCommit: (sheetId) => rooms?.loadedRooms.get(sheetId)?.stateVector(),
    onCommitted: (batch) => {
      if (batch.context instanceof Map) rooms?.loadedRooms.get(batch.sheetId)?.markDurable(batch.context);
    },
  });
  const known = await db.read(async (c) => {
    const reader = await c.runAndReadAll('SELECT id FROM sheets UNION SELECT DISTINCT sheet_id FROM doc_updates UNION SELECT sheet_id FROM doc_snapshots');
    return new Set(reader.getRows().map((row) => String(row[0])));
  });
  rooms = new RoomManager(log, materializer, known, { idleUnloadMs: options.idleUnloadMs, extensions: options.extensions });
  await rebuildLaggingSheets(db, log, rooms);
  await materializer.refreshWorkspaceViews();
  materializer.start();

  const parts = { db, log, materializer, rooms };
  const http = createServer();
  const api = createInternalApi({
    secret: options.secret,
    db,
    rooms,
    log,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    routes: options.routes?.({ ...parts, http }),
  });
  http.on('request', (request, response) => void api(request, response));
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

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = http.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url }, 'sync server listening');

  let closing: Promise<void> | null = null;
  return {
    ...parts,
    http,
    url,
    close() {
      closing ??= (async () => {
        for (const client of wss.clients) client.close(1001, 'server shutting down');
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
        materializer.stop();
        await rooms.closeAll();
        await db.close();
        logger.info('sync server stopped; everything flushed');
      })();
      return closing;
    },
  };
}

/** After a crash the materialized tables may lag (or lead) the durable log: rebuild those sheets. */
async function rebuildLaggingSheets(db: Database, log: UpdateLog, rooms: RoomManager): Promise<void> {
  const stored = await log.storedSeqs();
  const materialized = await db.read(async (c) => {
    const reader = await c.runAndReadAll('SELECT id, materialized_seq FROM sheets');
    return new Map(reader.getRows().map((row) => [String(row[0]), Number(row[1])]));
  });
  const lagging = [...stored].filter(([id, seq]) => materialized.get(id) !== seq).map(([id]) => id);
  for (const sheetId of lagging) {
    rooms.needsRebuild.add(sheetId);
    await rooms.withRoom(sheetId, () => undefined);
  }
  if (lagging.length > 0) logger.info({ sheets: lagging.length }, 'rebuilt materialized sheets that lagged the log');
}
