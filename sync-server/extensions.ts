// What the sync server adds to every room and to the internal API beyond the spine: merge arbitration
// (DESIGN "Merge semantics" 2), insights and top-down spreading.
import { spreadBody } from '../lib/apiSchemas';
import { attachCellArbiter, CELL_ARBITER_ORIGIN } from '../lib/cellArbiter';
import { applySpread } from '../lib/sheetSpread';
import { csvRoutes } from './csvRoutes';
import { insightRoutes } from './insightRoutes';
import { sheetWindowRoutes } from './sheetWindowRoute';
import { parse, sheetParam, type Route } from './internalApi';
import { logger } from './logger';
import type { RoomPart } from './roomPart';
import type { SyncServer } from './syncServer';

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
    ...insightRoutes(server),
    ...sheetWindowRoutes(server),
    {
      method: 'POST',
      pattern: /^\/internal\/sheets\/([^/]+)\/spread$/,
      handle: async ({ params, body, editor }) => {
        const sheetId = sheetParam(server, params[0]);
        const input = parse(spreadBody, await body());
        const outcome = await server.rooms.withRoom(sheetId, (room) => applySpread(room.doc, input, editor), editor.userId);
        await server.documents.flush();
        return outcome;
      },
    },
  ];
}
