// CSV export and import of a sheet (internal API; the web server relays `GET /api/sheets/:id/export.csv` and
// `POST /api/sheets/:id/import`).
//
// Export reads the materialized sheet from DuckDB (columns and rows in display order, deleted rows left out)
// and answers `{ id, title, csv }` as JSON, like every internal route; the web server turns it into a
// text/csv download. Import parses a CSV body against the live document's columns and appends every row in
// one transaction, or refuses the whole file.
import type { IncomingMessage } from 'node:http';
import { parseCsvTable, toCsv, type CsvValue } from '../lib/csv';
import { planCsvImport } from '../lib/csvImport';
import type { CellValue } from '../lib/schema';
import { insertRows, readColumns, type ColumnInfo } from '../lib/sheetDoc';
import { badRequest, HttpError } from './httpErrors';
import { MAX_BODY_BYTES, readMaterializedSheet, sheetParam, type Route } from './internalApi';
import type { SyncServer } from './syncServer';

const CSV_CONTENT_TYPES = new Set(['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values']);

export function csvRoutes(server: Omit<SyncServer, 'close' | 'url'>): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/internal\/sheets\/([^/]+)\/export\.csv$/,
      handle: async ({ params }) => {
        const sheet = await readMaterializedSheet(server.sheets, sheetParam(server, params[0]));
        const csv = toCsv(
          sheet.columns.map((c) => c.name),
          sheet.rows.map((row) => sheet.columns.map((c) => row.values[c.id] as CsvValue)),
        );
        return { id: sheet.id, title: sheet.title, csv };
      },
    },
    {
      method: 'POST',
      pattern: /^\/internal\/sheets\/([^/]+)\/import$/,
      handle: async ({ params, request, editor, response }) => {
        const sheetId = sheetParam(server, params[0]);
        const text = await readCsvBody(request);
        const table = parseCsvTable(text);
        if (!table.ok) throw badRequest(table.message, 'invalid_csv');
        const ids = await server.rooms.withRoom(sheetId, (room) => {
          const rows = csvRowsToValues(table.header, table.records, readColumns(room.doc));
          return insertRows(room.doc, rows, {}, editor);
        }, editor.userId);
        await server.documents.flush();
        response.statusCode = 201;
        return { ids, count: ids.length };
      },
    },
  ];
}

/** Matches header names to columns and parses every cell (lib/csvImport.ts); a refusal is a 400. */
export function csvRowsToValues(
  header: readonly string[],
  records: ReadonlyArray<{ row: number; fields: readonly string[] }>,
  columns: readonly ColumnInfo[],
): Array<Record<string, CellValue>> {
  const plan = planCsvImport(header, records, columns);
  if (!plan.ok) throw badRequest(plan.message, plan.code);
  return plan.rows;
}

/** The request body as UTF-8 text, refused beyond the internal API's body limit or when not CSV. */
async function readCsvBody(request: IncomingMessage): Promise<string> {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== '' && !CSV_CONTENT_TYPES.has(type)) throw new HttpError(415, 'unsupported_media_type', `send the CSV as text/csv, not ${type.slice(0, 80)}`);
  const tooLarge = () => new HttpError(413, 'body_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw badRequest('the CSV is not valid UTF-8 text', 'invalid_csv');
  }
}
