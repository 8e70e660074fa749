// A CSV import at scale (DESIGN "limits": 50 MiB and 500,000 rows, parsed and written in chunks, never
// stalling the server). The body is read with its limit (413 beyond), then parsed twice in chunks of 64 KiB
// with the event loop free between chunks: the first pass checks every cell (nothing is written unless
// every cell is valid: one refusal names the first bad cells), the second appends the rows slice by slice,
// each slice one transaction that syncs and persists like any edit. Progress is kept per import job
// (`?job=<id>` chosen by the importer), which the importer polls at GET …/imports/:job.
import type { IncomingMessage } from 'node:http';
import { parseCsvInChunks } from '../lib/csv';
import { limits } from '../lib/limits';
import type { CellValue } from '../lib/schema';
import { insertRows, readColumns, type ColumnInfo, type Editor } from '../lib/sheetDoc';
import { csvHeaderTargets, csvRecordValues, CsvErrors } from '../lib/csvImport';
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

const CSV_CONTENT_TYPES = new Set(['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values']);

export interface CsvImportDeps {
  rooms: RoomManager;
  documents: Pick<DocumentStore, 'flush'>;
}

/** Runs one import; resolves with the new rows' ids, or throws an HttpError (400, 413, 415) having written nothing. */
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

  // Pass 1: every cell checked, nothing kept but the first errors.
  let targets: ColumnInfo[] = [];
  const errors = new CsvErrors();
  let rows = 0;
  const checked = await parseCsvInChunks(text, {
    onHeader: (header) => {
      const matched = csvHeaderTargets(header, columns);
      if (!matched.ok) throw badRequest(matched.message, matched.code);
      targets = matched.targets;
    },
    onRecords: (records) => {
      rows += records.length;
      if (rows > limits().csvImportRows) throw new HttpError(413, 'too_many_rows', `a CSV import has at most ${limits().csvImportRows.toLocaleString('en-US')} rows`);
      for (const record of records) csvRecordValues(record, targets, errors.add);
      report({ rowsChecked: rows });
      return true;
    },
  });
  if (!checked.ok) throw badRequest(checked.message, 'invalid_csv');
  const refusal = errors.message();
  if (refusal) throw badRequest(refusal, 'invalid_value');
  report({ state: 'writing', rows });

  // Pass 2: the rows appended chunk by chunk, each chunk one transaction.
  const ids: string[] = [];
  await deps.rooms.withRoom(
    sheetId,
    async (room) => {
      const written = await parseCsvInChunks(text, {
        onHeader: () => undefined,
        onRecords: async (records) => {
          const values: Array<Record<string, CellValue>> = records.map((record) =>
            csvRecordValues(record, targets, (message) => {
              throw badRequest(`the sheet changed during the import: ${message}`, 'invalid_value');
            }),
          );
          for (const id of insertRows(room.doc, values, {}, editor)) ids.push(id);
          report({ rowsWritten: ids.length });
          // Let the update log commit as the rows go in, so memory stays bounded.
          if (ids.length % 20_000 < values.length) await deps.documents.flush();
          return true;
        },
      });
      if (!written.ok) throw badRequest(written.message, 'invalid_csv');
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
