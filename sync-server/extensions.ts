// What the sync server adds to every room and to the internal API beyond the spine: merge arbitration
// (DESIGN "Merge semantics" 2), insights and top-down spreading.
import { spreadBody } from '../lib/apiSchemas';
import { attachCellArbiter, CELL_ARBITER_ORIGIN } from '../lib/cellArbiter';
import { repairDocument } from '../lib/documentRepair';
import { clampFutureAdjustments } from '../lib/futureStamps';
import { limits } from '../lib/limits';
import { applySpread } from '../lib/sheetSpread';
import { csvRoutes } from './csvRoutes';
import { insightRoutes } from './insightRoutes';
import { sheetWindowRoutes } from './sheetWindowRoute';
import { parse, sheetParam, type Route } from './internalApi';
import { logger } from './logger';
import { SERVER_ORIGIN } from './room';
import type { RoomPart } from './roomPart';
import type { SyncServer } from './syncServer';

export function serverParts(): RoomPart[] {
  return [documentRepairPart(), cellArbiterPart(), futureAdjustmentsPart()];
}

/**
 * Repairs a loaded document that breaks the schema (lib/documentRepair.ts: written before the guard was
 * complete, or by a bug) in a server transaction, logged and synced like any edit. The materializer
 * already tracks the document (its part runs first), so what the repair removes leaves DuckDB too.
 */
export function documentRepairPart(): RoomPart {
  return {
    afterLoad: (room) => {
      try {
        const actions = repairDocument(room.doc, { origin: SERVER_ORIGIN });
        if (actions.length > 0) logger.warn({ sheetId: room.sheetId, repaired: actions.slice(0, 20), count: actions.length }, 'repaired a document that broke the schema');
      } catch (err) {
        logger.error({ err, sheetId: room.sheetId }, 'repairing the document failed');
      }
    },
  };
}

/** Adjustments stamped more than a minute ahead of the server's clock are re-stamped now (lib/futureStamps.ts). */
export function futureAdjustmentsPart(): RoomPart {
  return {
    afterLoad: (room) => clampFutureAdjustments(room.doc, { now: Date.now, aheadMs: () => limits().futureStampMs, origin: CELL_ARBITER_ORIGIN }),
  };
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
        // A cell stamped more than a minute ahead of the server's clock counts as stamped now.
        futureStamps: { now: Date.now, aheadMs: () => limits().futureStampMs },
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
