// Renaming and deleting sheets: rename writes the title into the live document (so it syncs and persists
// like any edit); delete moves the sheet to the trash (table sheet_trash) — it leaves the known sheets, so
// sockets get 4404 and reads 404, and the workspace views (insights) and the list leave it out — and
// restore brings it back within TRASH_DAYS. Older trash is purged (log, snapshot, tables) at start-up.
import type { DuckDBConnection } from '@duckdb/node-api';
import { renameSheetBody } from '../lib/apiSchemas';
import { rebuildTable, sheetTable } from '../lib/relationalViews';
import { isSheetId } from '../lib/schema';
import { metaMap } from '../lib/sheetDoc';
import type { Database } from './database';
import { HttpError, notFound } from './httpErrors';
import { parse, sheetParam, type Route } from './internalApi';
import { logger } from './logger';
import type { DocumentStore } from './documentStore';
import type { DuckDBSheetStore } from './duckdbSheetStore';
import { SERVER_ORIGIN } from './room';
import type { RoomManager } from './roomManager';

export const TRASH_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
export const CLOSE_SHEET_DELETED = 4404;

export interface TrashDeps {
  db: Database;
  rooms: RoomManager;
  documents: DocumentStore;
  sheets: DuckDBSheetStore;
  now?: () => number;
}

export interface TrashedSheet {
  id: string;
  title: string;
  template: string;
  deletedAt: string;
  restorableUntil: string;
}

/** Sheet ids in the trash (read at start-up, before the known sheets are handed to the rooms). */
export async function trashedSheetIds(db: Database): Promise<Set<string>> {
  return db.read(async (c) => new Set((await c.runAndReadAll('SELECT sheet_id FROM sheet_trash')).getRows().map((r) => String(r[0]))));
}

/** Purges sheets trashed longer than TRASH_DAYS ago: their log, snapshot, catalog rows and table. */
export async function purgeExpiredTrash(db: Database, now = Date.now()): Promise<string[]> {
  const connection = await db.instance.connect();
  try {
    const cutoff = now - TRASH_DAYS * DAY_MS;
    const expired = (await connection.runAndReadAll('SELECT sheet_id FROM sheet_trash WHERE deleted_at < $cutoff', { cutoff })).getRows().map((r) => String(r[0]));
    for (const id of expired) {
      if (!isSheetId(id)) continue;
      await connection.run('BEGIN');
      try {
        for (const table of ['doc_updates', 'doc_snapshots', 'sheet_columns', 'cell_history', 'conflict_log', 'sheets']) {
          await connection.run(`DELETE FROM ${table} WHERE ${table === 'sheets' ? 'id' : 'sheet_id'} = $id`, { id });
        }
        await connection.run(`DROP TABLE IF EXISTS ${sheetTable(id)}`);
        await connection.run(`DROP TABLE IF EXISTS ${rebuildTable(id)}`);
        await connection.run('DELETE FROM sheet_trash WHERE sheet_id = $id', { id });
        await connection.run('COMMIT');
      } catch (error) {
        await connection.run('ROLLBACK').catch(() => undefined);
        logger.error({ err: error, sheetId: id }, 'purging a trashed sheet failed; it stays in the trash');
      }
    }
    if (expired.length > 0) logger.info({ sheets: expired.length }, 'purged expired trash');
    return expired;
  } finally {
    connection.closeSync();
  }
}

export function sheetTrashRoutes(deps: TrashDeps): Route[] {
  const now = deps.now ?? Date.now;
  // Its own connection: the trash table is written only here, never inside another module's transaction.
  let connection: Promise<DuckDBConnection> | null = null;
  const writer = () => (connection ??= deps.db.instance.connect());

  const inTrash = async (id: string) =>
    deps.db.read(async (c) => (await c.runAndReadAll('SELECT deleted_at FROM sheet_trash WHERE sheet_id = $id', { id })).getRows()[0]?.[0]);

  return [
    {
      method: 'GET',
      pattern: /^\/internal\/trash$/,
      handle: () =>
        deps.db.read(async (c) => {
          const rows = (
            await c.runAndReadAll(
              `SELECT t.sheet_id, s.title, s.template, t.deleted_at FROM sheet_trash t LEFT JOIN sheets s ON s.id = t.sheet_id ORDER BY t.deleted_at DESC`,
            )
          ).getRows();
          const trash: TrashedSheet[] = rows.map(([id, title, template, deletedAt]) => ({
            id: String(id),
            title: String(title ?? id),
            template: String(template ?? 'blank'),
            deletedAt: new Date(Number(deletedAt)).toISOString(),
            restorableUntil: new Date(Number(deletedAt) + TRASH_DAYS * DAY_MS).toISOString(),
          }));
          return { trash };
        }),
    },
    {
      method: 'PATCH',
      pattern: /^\/internal\/sheets\/([^/]+)$/,
      handle: async ({ params, body }) => {
        const sheetId = sheetParam(deps, params[0]);
        const { title } = parse(renameSheetBody, await body());
        await deps.rooms.withRoom(sheetId, (room) => room.doc.transact(() => metaMap(room.doc).set('title', title), SERVER_ORIGIN));
        await deps.documents.flush();
        await deps.sheets.flush();
        return { id: sheetId, title };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/internal\/sheets\/([^/]+)$/,
      handle: async ({ params, editor }) => {
        const sheetId = sheetParam(deps, params[0]);
        const at = now();
        await (await writer()).run('INSERT OR REPLACE INTO sheet_trash VALUES ($id, $at, $by)', { id: sheetId, at, by: editor.userId });
        deps.rooms.knownSheets.delete(sheetId);
        // Everyone on it is told it is gone (y-websocket stops reconnecting on 44xx).
        const room = deps.rooms.loadedRooms.get(sheetId);
        if (room) for (const socket of room.sockets.keys()) socket.close(CLOSE_SHEET_DELETED, 'sheet deleted');
        await deps.sheets.materializer.refreshViews();
        return { id: sheetId, deletedAt: new Date(at).toISOString(), restorableUntil: new Date(at + TRASH_DAYS * DAY_MS).toISOString() };
      },
    },
    {
      method: 'POST',
      pattern: /^\/internal\/sheets\/([^/]+)\/restore$/,
      handle: async ({ params }) => {
        const sheetId = params[0];
        if (!isSheetId(sheetId)) throw notFound(`no sheet ${sheetId}`);
        const deletedAt = await inTrash(sheetId);
        if (deletedAt === undefined) {
          if (deps.rooms.knownSheets.has(sheetId)) throw new HttpError(409, 'not_deleted', `sheet ${sheetId} is not in the trash`);
          throw notFound(`no sheet ${sheetId} in the trash`);
        }
        if (Number(deletedAt) < now() - TRASH_DAYS * DAY_MS) throw new HttpError(410, 'expired', `sheet ${sheetId} was deleted more than ${TRASH_DAYS} days ago`);
        await (await writer()).run('DELETE FROM sheet_trash WHERE sheet_id = $id', { id: sheetId });
        deps.rooms.knownSheets.add(sheetId);
        await deps.sheets.materializer.refreshViews();
        return { id: sheetId, restored: true };
      },
    },
  ];
}
