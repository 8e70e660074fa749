// A CSV import at scale (DESIGN "limits": 50 MiB and 500,000 rows, parsed and written in chunks, never
// stalling the server). The body is read with its limit (413 beyond), then parsed once in chunks of 32 KiB
// with the event loop free between chunks, every cell checked and kept as its value (nothing is written
// unless every cell is valid: one refusal names the first bad cells); then the rows are appended slice by
// slice, each slice one transaction (sized to ~15 ms) that syncs and persists like any edit. Progress is
// kept per import job (`?job=<id>` chosen by the importer), which the importer polls at GET …/imports/:job.
import type { IncomingMessage } from 'node:http';
import { parseCsvInChunks } from '../lib/csv';
import { limits } from '../lib/limits';
import type { CellValue } from '../lib/schema';
import { appendOrders, assertRoomFor, insertRows, readColumns, type ColumnInfo, type Editor } from '../lib/sheetDoc';
import { csvHeaderTargets, csvRecordValues, CsvErrors } from '../lib/csvImport';
import { cellsInNewRows } from '../lib/sheetCapacity';
import { badRequest, HttpError } from './httpErrors';
import type { RoomManager } from './roomManager';
import type { DocumentStore } from './documentStore';

export type ImportState = 'receiving' | 'checking' | 'writing' | 'done' | 'failed';

export interface ImportProgress {
  job: string;
  sheetId: string;
  state: ImportState;
  /** Body bytes received so far. */
  bytes: number;
  /** Data rows checked so far (the total once checking is done). */
  rowsChecked: number;
  /** Data rows in the file, once known (after checking). */
  rows: number | null;
  rowsWritten: number;
  error: { code: string; message: string } | null;
  startedAt: string;
  updatedAt: string;
}

export const JOB_ID = /^[A-Za-z0-9_-]{8,64}$/;
const KEEP_JOBS = 200;
const KEEP_MS = 10 * 60_000;

/** The progress of recent imports, visible only to the identity that started each. */
export class ImportJobs {
  private readonly jobs = new Map<string, { progress: ImportProgress; owner: string | null; touched: number }>();

  begin(job: string, sheetId: string, owner: string | null): ImportProgress {
    this.prune();
    if (this.jobs.has(job)) throw new HttpError(409, 'job_exists', 'an import with this job id exists; choose another');
    const now = new Date().toISOString();
    const progress: ImportProgress = { job, sheetId, state: 'receiving', bytes: 0, rowsChecked: 0, rows: null, rowsWritten: 0, error: null, startedAt: now, updatedAt: now };
    this.jobs.set(job, { progress, owner, touched: Date.now() });
    return progress;
  }

  touch(progress: ImportProgress, change: Partial<ImportProgress>): void {
    Object.assign(progress, change, { updatedAt: new Date().toISOString() });
    const entry = this.jobs.get(progress.job);
    if (entry) entry.touched = Date.now();
  }

  get(job: string, sheetId: string, owner: string | null): ImportProgress | null {
    const entry = this.jobs.get(job);
    return entry && entry.progress.sheetId === sheetId && entry.owner === owner ? entry.progress : null;
  }

  private prune(): void {
    const cutoff = Date.now() - KEEP_MS;
    for (const [job, entry] of this.jobs) if (entry.touched < cutoff && (entry.progress.state === 'done' || entry.progress.state === 'failed')) this.jobs.delete(job);
    while (this.jobs.size >= KEEP_JOBS) this.jobs.delete(this.jobs.keys().next().value!);
  }
}

/** CSV text parsed per turn of the event loop (~5–10 ms of papaparse and cell checks). */
const PARSE_CHUNK_BYTES = 32 * 1024;

const CSV_CONTENT_TYPES = new Set(['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values']);

export interface CsvImportDeps {
  rooms: RoomManager;
  documents: Pick<DocumentStore, 'flush'>;
}

/** Rows written per transaction at first; then sized so one slice takes about WRITE_SLICE_MS. */
const FIRST_WRITE_SLICE = 200;
/** A file this small is written in one transaction (clients get it as one update), as it always was. */
const ONE_TRANSACTION_BYTES = 64 * 1024;
const WRITE_SLICE_MS = 15;
/** The update log commits as the rows go in (every this many rows), so memory stays bounded. */
const FLUSH_EVERY_ROWS = 20_000;

/** Runs one import; resolves with the new rows' ids, or throws (HttpError 400, 413, 415; SheetError sheet_full, 413) having written nothing. */
export async function runCsvImport(
  deps: CsvImportDeps,
  sheetId: string,
  request: IncomingMessage,
  editor: Editor,
  report: (change: Partial<ImportProgress>) => void,
): Promise<string[]> {
  const text = await readCsvBody(request, (bytes) => report({ bytes }));
  report({ state: 'checking' });
  const columns = await deps.rooms.withRoom(sheetId, (room) => readColumns(room.doc), editor.userId);

  // One parse, in chunks with the event loop free between them: every cell checked and kept as its value;
  // nothing is written unless every cell is valid (one refusal names the first bad cells).
  let targets: ColumnInfo[] = [];
  const errors = new CsvErrors();
  const rows: Array<Record<string, CellValue>> = [];
  const checked = await parseCsvInChunks(
    text,
    {
      onHeader: (header) => {
        const matched = csvHeaderTargets(header, columns);
        if (!matched.ok) throw badRequest(matched.message, matched.code);
        targets = matched.targets;
      },
      onRecords: (records) => {
        const rowsSoFar = rows.length + records.length;
        if (rowsSoFar > limits().csvImportRows) throw new HttpError(413, 'too_many_rows', `a CSV import has at most ${limits().csvImportRows.toLocaleString('en-US')} rows`);
        if (rowsSoFar * targets.length > limits().csvImportCells) {
          throw new HttpError(
            413,
            'too_many_cells',
            `a CSV import has at most ${limits().csvImportCells.toLocaleString('en-US')} cells (rows × columns); this file has at least ${rowsSoFar.toLocaleString('en-US')} rows of ${targets.length} columns: split it over several sheets`,
          );
        }
        for (const record of records) {
          const values = csvRecordValues(record, targets, errors.add);
          // After the first error only the errors matter: the file is refused.
          if (errors.count === 0) rows.push(values);
        }
        report({ rowsChecked: rows.length + errors.count });
        return true;
      },
    },
    PARSE_CHUNK_BYTES,
  );
  if (!checked.ok) throw badRequest(checked.message, 'invalid_csv');
  const refusal = errors.message();
  if (refusal) throw badRequest(refusal, 'invalid_value');
  report({ state: 'writing', rows: rows.length });

  // The rows appended slice by slice, each slice one transaction (synced and logged like any edit), sized by
  // time so the event loop is never held for long; order keys chosen once for the whole file.
  const ids: string[] = [];
  await deps.rooms.withRoom(
    sheetId,
    async (room) => {
      // The columns may have changed while the file was checked: the rows are checked again as they go in.
      const now = new Map(readColumns(room.doc).map((c) => [c.id, c]));
      for (const target of targets) {
        const column = now.get(target.id);
        if (!column || column.type !== target.type) throw badRequest(`the sheet changed during the import: column ${JSON.stringify(target.name)} was removed or retyped; nothing was imported`, 'invalid_value');
      }
      // Checked once for the whole file, so it is written whole even if others add cells meanwhile.
      assertRoomFor(room.doc, { cells: cellsInNewRows(rows), rows: rows.length });
      const orders = appendOrders(room.doc, rows.length);
      let size = text.length <= ONE_TRANSACTION_BYTES ? rows.length : FIRST_WRITE_SLICE;
      let sinceFlush = 0;
      for (let at = 0; at < rows.length; ) {
        const started = performance.now();
        const end = Math.min(rows.length, at + size);
        for (const id of insertRows(room.doc, rows.slice(at, end), {}, editor, { orders: orders.slice(at, end), capsChecked: true })) ids.push(id);
        sinceFlush += end - at;
        at = end;
        const took = performance.now() - started;
        size = Math.max(20, Math.min(5000, Math.round((size * WRITE_SLICE_MS) / Math.max(took, 1))));
        report({ rowsWritten: ids.length });
        if (sinceFlush >= FLUSH_EVERY_ROWS) {
          sinceFlush = 0;
          await deps.documents.flush();
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    editor.userId,
  );
  await deps.documents.flush();
  return ids;
}

/** The request body as UTF-8 text, refused beyond the import limit (413) or when not CSV (415). */
async function readCsvBody(request: IncomingMessage, onBytes: (bytes: number) => void): Promise<string> {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== '' && !CSV_CONTENT_TYPES.has(type)) throw new HttpError(415, 'unsupported_media_type', `send the CSV as text/csv, not ${type.slice(0, 80)}`);
  const max = limits().csvImportBytes;
  const tooLarge = () => {
    // Read and drop the rest, so the client gets the answer instead of a reset connection.
    request.resume();
    return new HttpError(413, 'body_too_large', `a CSV import is limited to ${max.toLocaleString('en-US')} bytes`);
  };
  if (Number(request.headers['content-length'] ?? 0) > max) throw tooLarge();
  // Not `for await`: leaving that loop early destroys the request, and the client would see a reset.
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const received: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        request.off('data', onData);
        return reject(tooLarge());
      }
      received.push(chunk);
      onBytes(size);
    };
    request.on('data', onData);
    request.once('end', () => resolve(received));
    request.once('error', reject);
  });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw badRequest('the CSV is not valid UTF-8 text', 'invalid_csv');
  }
}
