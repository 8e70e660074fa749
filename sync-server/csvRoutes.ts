// CSV export and import of a sheet (internal API; the web server relays `GET /api/sheets/:id/export.csv` and
// `POST /api/sheets/:id/import`).
//
// Export reads the materialized sheet from DuckDB (columns and rows in display order, deleted rows left out)
// and answers `{ id, title, csv }` as JSON, like every internal route; the web server turns it into a
// text/csv download. Import parses a CSV body against the live document's columns and appends every row in
// one transaction, or refuses the whole file.
import type { IncomingMessage } from 'node:http';
import { parseInput } from '../lib/cellValue';
import { parseCsvTable, toCsv, unescapeCsvText, type CsvValue } from '../lib/csv';
import type { CellValue } from '../lib/schema';
import { insertRows, readColumns, type ColumnInfo } from '../lib/sheetDoc';
import { badRequest, HttpError } from './httpErrors';
import { MAX_BODY_BYTES, readMaterializedSheet, sheetParam, type Route } from './internalApi';
import type { SyncServer } from './syncServer';

/** How many bad cells one refusal lists (the rest are counted). */
const MAX_REPORTED_ERRORS = 10;

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

/** Matches header names to columns (case-insensitively) and parses every cell for its column's type. */
export function csvRowsToValues(
  header: readonly string[],
  records: ReadonlyArray<{ row: number; fields: readonly string[] }>,
  columns: readonly ColumnInfo[],
): Array<Record<string, CellValue>> {
  const byName = new Map<string, ColumnInfo[]>();
  for (const column of columns) {
    const key = column.name.trim().toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), column]);
  }
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  const seen = new Map<string, number>();
  const targets = header.map((name, i) => {
    const key = name.toLowerCase();
    const matches = byName.get(key) ?? [];
    if (matches.length === 0) unknown.push(name === '' ? `(empty header in column ${i + 1})` : quote(name));
    else if (matches.length > 1) ambiguous.push(quote(name));
    seen.set(key, (seen.get(key) ?? 0) + 1);
    return matches[0];
  });
  if (unknown.length > 0) {
    const known = columns.map((c) => quote(c.name)).join(', ');
    throw badRequest(`unknown column${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; this sheet's columns are ${known}`, 'unknown_columns');
  }
  if (ambiguous.length > 0) throw badRequest(`header ${ambiguous.join(', ')} matches more than one column of this sheet`, 'ambiguous_columns');
  const repeated = [...seen].filter(([, count]) => count > 1).map(([key]) => quote(header.find((h) => h.toLowerCase() === key)!));
  if (repeated.length > 0) throw badRequest(`column${repeated.length === 1 ? '' : 's'} ${repeated.join(', ')} appear more than once in the header`, 'duplicate_columns');

  const errors: string[] = [];
  let errorCount = 0;
  const rows = records.map(({ row, fields }) => {
    const values: Record<string, CellValue> = {};
    fields.forEach((field, i) => {
      const column = targets[i]!;
      const check = parseInput(column.type === 'text' ? unescapeCsvText(field) : field, column.type);
      if (check.ok) values[column.id] = check.value;
      else if (++errorCount <= MAX_REPORTED_ERRORS) errors.push(`row ${row}, column ${quote(column.name)}: ${check.message}`);
    });
    return values;
  });
  if (errorCount > 0) {
    const more = errorCount > errors.length ? `; and ${errorCount - errors.length} more` : '';
    throw badRequest(`nothing was imported: ${errors.join('; ')}${more}`, 'invalid_value');
  }
  return rows;
}

function quote(name: string): string {
  return JSON.stringify(name.length > 60 ? `${name.slice(0, 57)}...` : name);
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
