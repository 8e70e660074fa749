// The first rows of a materialized sheet, for the sheet page to render its first screen on the server
// before the browser has the document (app/sheets/[id]/page.tsx): `GET /internal/sheets/:id/window?rows=N`
// (1–200, default 60) → the materialized sheet's columns, its first N live rows in display order and
// `rowCount`. Authorized like every /internal/sheets/:id route (internalApi.ts authorizeRoute).
import { badRequest, notFound } from './httpErrors';
import { sheetParam, type Route } from './internalApi';
import type { SyncServer } from './syncServer';

export const MAX_WINDOW_ROWS = 200;
const DEFAULT_WINDOW_ROWS = 60;

export function sheetWindowRoutes(server: Pick<SyncServer, 'rooms' | 'sheets'>): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/internal\/sheets\/([^/]+)\/window$/,
      handle: async ({ params, query }) => {
        const sheetId = sheetParam(server, params[0]);
        const text = query.get('rows');
        const rows = text === null ? DEFAULT_WINDOW_ROWS : Number(text);
        if (!/^\d{1,3}$/.test(text ?? '60') || rows < 1 || rows > MAX_WINDOW_ROWS) throw badRequest(`rows must be an integer from 1 to ${MAX_WINDOW_ROWS}`, 'invalid_params');
        const sheet = await server.sheets.read(sheetId, { limit: rows });
        if (!sheet) throw notFound(`no sheet ${sheetId}`);
        return sheet;
      },
    },
  ];
}
