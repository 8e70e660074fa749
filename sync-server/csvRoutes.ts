// CSV export and import of a sheet (internal API; the web server relays `GET /api/sheets/:id/export.csv` and
// `POST /api/sheets/:id/import`).
//
// Export reads the materialized sheet from DuckDB (columns and rows in display order, deleted rows left out)
// and answers `{ id, title, csv }` as JSON, like every internal route; the web server turns it into a
// text/csv download. Import (csvImportJob.ts) checks every cell of a CSV body against the live document's
// columns and appends the rows in chunks, or refuses the whole file; its progress is polled by job id.
import { toCsv, type CsvValue } from '../lib/csv';
import { planCsvImport } from '../lib/csvImport';
import type { CellValue } from '../lib/schema';
import type { ColumnInfo } from '../lib/sheetDoc';
import { ImportJobs, JOB_ID, runCsvImport } from './csvImportJob';
import { badRequest, notFound } from './httpErrors';
import { readMaterializedSheet, sheetParam, type Route } from './internalApi';
import type { SyncServer } from './syncServer';

export function csvRoutes(server: Omit<SyncServer, 'close' | 'url'>): Route[] {
  const jobs = new ImportJobs();
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
      handle: async ({ params, query, request, editor, response, identity }) => {
        const sheetId = sheetParam(server, params[0]);
        const job = query.get('job');
        if (job !== null && !JOB_ID.test(job)) throw badRequest('job must be 8–64 letters, digits, _ or -', 'invalid_params');
        const progress = jobs.begin(job ?? `import-${Date.now()}-${Math.random().toString(36).slice(2)}`, sheetId, identity?.id ?? null);
        try {
          const ids = await runCsvImport(server, sheetId, request, editor, (change) => jobs.touch(progress, change));
          jobs.touch(progress, { state: 'done' });
          response.statusCode = 201;
          return { ids, count: ids.length, job: progress.job };
        } catch (error) {
          const e = error as { code?: string; message?: string };
          jobs.touch(progress, { state: 'failed', error: { code: String(e.code ?? 'internal_error'), message: String(e.message ?? error) } });
          throw error;
        }
      },
    },
    {
      method: 'GET',
      pattern: /^\/internal\/sheets\/([^/]+)\/imports\/([^/]+)$/,
      handle: async ({ params, identity }) => {
        const sheetId = sheetParam(server, params[0]);
        const progress = jobs.get(params[1], sheetId, identity?.id ?? null);
        if (!progress) throw notFound(`no import ${params[1].slice(0, 64)} on this sheet`);
        return progress;
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
