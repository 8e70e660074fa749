// What the sync server adds to every room and to the internal API beyond the spine: merge arbitration
// (DESIGN "Merge semantics" 2), insights and top-down spreading.
import { spreadBody } from '../lib/apiSchemas';
import { attachCellArbiter, CELL_ARBITER_ORIGIN } from '../lib/cellArbiter';
import { applySpread } from '../lib/sheetSpread';
import { HttpError, notFound, badRequest } from './httpErrors';
import { csvRoutes } from './csvRoutes';
import { InsightError, runInsightJson } from './insightRunner';
import { parse, SerializedJson, sheetParam, type Route } from './internalApi';
import { logger } from './logger';
import type { RoomPart } from './roomPart';
import type { SyncServer } from './syncServer';

/** Longest an insight query may run before it is interrupted. */
const INSIGHT_TIME_LIMIT_MS = 10_000;

export function serverParts(): RoomPart[] {
  return [cellArbiterPart()];
}

/**
 * The cell arbiter on a room's document: when Yjs shows the older of two concurrent sets, the arbiter
 * sets the later one again and records the loser in `conflicts`. Its transactions carry
 * CELL_ARBITER_ORIGIN, which is no socket, so the room relays them to every socket (the one whose update
 * caused the re-assert included: its replica shows the loser until then) and appends them to the log.
 */
export function cellArbiterPart(): RoomPart {
  return {
    afterLoad: (room) =>
      attachCellArbiter(room.doc, {
        origin: CELL_ARBITER_ORIGIN,
        onConflict: (record) => logger.debug({ sheetId: room.sheetId, row: record.row, col: record.col, kept: record.kept, lost: record.lost }, 'concurrent cell edits: later one kept'),
      }),
  };
}

export function serverRoutes(server: Omit<SyncServer, 'close' | 'url'>): Route[] {
  return [
    ...csvRoutes(server),
    {
      method: 'GET',
      pattern: /^\/internal\/insights\/([^/]+)$/,
      handle: ({ params, query }) =>
        server.db.read(async (connection) => {
          const timer = setTimeout(() => connection.interrupt(), INSIGHT_TIME_LIMIT_MS);
          try {
            return new SerializedJson(await runInsightJson(connection, params[0], query));
          } catch (error) {
            if (error instanceof InsightError) throw error.code === 'not_found' ? notFound(error.message) : badRequest(error.message, 'invalid_params');
            if (/interrupt/i.test(String((error as Error).message))) throw new HttpError(503, 'timeout', `the insight took longer than ${INSIGHT_TIME_LIMIT_MS / 1000} s`);
            throw error;
          } finally {
            clearTimeout(timer);
          }
        }),
    },
    {
      method: 'POST',
      pattern: /^\/internal\/sheets\/([^/]+)\/spread$/,
      handle: async ({ params, body, editor }) => {
        const sheetId = sheetParam(server, params[0]);
        const input = parse(spreadBody, await body());
        const outcome = await server.rooms.withRoom(sheetId, (room) => applySpread(room.doc, input, editor));
        await server.documents.flush();
        return outcome;
      },
    },
  ];
}
