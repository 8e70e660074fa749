// CSV in and out (RFC 4180 via papaparse): sheet export, sheet import and the insight pages' downloads.
//
// Formula-looking text is neutralised on the way out, as OWASP recommends for CSV files that may be opened
// in a spreadsheet program: a text value starting with = + - @ TAB or CR (after any number of leading
// apostrophes) gets one more apostrophe in front, and import removes exactly one apostrophe from such a
// value. The mapping is one-to-one, so every text value survives an export → import round trip unchanged,
// while a file written by another program ("=SUM(A1)" without an apostrophe) is imported as it reads.
import Papa from 'papaparse';

const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA = /^'+[=+\-@\t\r]/;

/** A text value as written to a CSV file (formula-looking text gets a leading apostrophe). */
export function escapeCsvText(text: string): string {
  return FORMULA_LIKE.test(text) ? `'${text}` : text;
}

/** The inverse of escapeCsvText, applied to text read from a CSV file. */
export function unescapeCsvText(text: string): string {
  return ESCAPED_FORMULA.test(text) ? text.slice(1) : text;
}

export type CsvValue = string | number | boolean | null | undefined;

/** Formats one value: numbers as JavaScript writes them (round-trip exact), booleans TRUE/FALSE, text escaped. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return escapeCsvText(value);
}

/** A whole CSV document: the header row, then one line per row; CRLF line ends, quoted only where needed. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  const data = [header.map((name) => escapeCsvText(name)), ...rows.map((row) => row.map(csvField))];
  return `${Papa.unparse(data, { newline: '\r\n', header: false })}\r\n`;
}

export type CsvTable = { ok: true; header: string[]; records: Array<{ row: number; fields: string[] }> } | { ok: false; message: string };

/**
 * Parses CSV text into a header (the first record that is not blank; names apostrophe-unescaped and trimmed)
 * and data records numbered from 1, the record after the header (blank records count but are skipped). A
 * byte-order mark is ignored; every other record must have as many fields as the header.
 */
export function parseCsvTable(text: string): CsvTable {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const parsed = Papa.parse<string[]>(source, { delimiter: ',', header: false, skipEmptyLines: false, dynamicTyping: false });
  const quoteError = parsed.errors.find((error) => error.type === 'Quotes');
  if (quoteError) return { ok: false, message: `the CSV is malformed near record ${(quoteError.row ?? 0) + 1}: ${quoteError.message.toLowerCase()}` };
  const headerIndex = parsed.data.findIndex((fields) => !isBlank(fields));
  if (headerIndex < 0) return { ok: false, message: 'the CSV is empty: its first line must name the columns' };
  const header = parsed.data[headerIndex].map((name) => unescapeCsvText(name).trim());
  const records: Array<{ row: number; fields: string[] }> = [];
  for (let i = headerIndex + 1; i < parsed.data.length; i++) {
    const fields = parsed.data[i];
    const row = i - headerIndex;
    if (isBlank(fields)) continue;
    if (fields.length !== header.length) {
      return { ok: false, message: `row ${row} has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${header.length}` };
    }
    records.push({ row, fields });
  }
  return { ok: true, header, records };
}

export type CsvChunkOutcome = { ok: true; header: string[]; records: number } | { ok: false; message: string };

/**
 * Parses CSV text as parseCsvTable does, but in chunks of about `chunkBytes`: `onRecords` gets each chunk's
 * data records (numbered as parseCsvTable numbers them) and may be async; the next chunk is parsed only after
 * it resolves and the event loop has had a turn, so a big file never stalls the process. `onHeader` runs once,
 * before the first records; returning false from `onRecords` stops the parse.
 */
export function parseCsvInChunks(
  text: string,
  handlers: {
    onHeader: (header: string[]) => void;
    onRecords: (records: Array<{ row: number; fields: string[] }>) => boolean | Promise<boolean>;
  },
  chunkBytes = 64 * 1024,
): Promise<CsvChunkOutcome> {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let index = 0;
  let headerIndex = -1;
  let header: string[] | null = null;
  let records = 0;
  let failure: string | null = null;
  return new Promise((resolve, reject) => {
    Papa.parse<string[]>(source, {
      delimiter: ',',
      header: false,
      skipEmptyLines: false,
      dynamicTyping: false,
      chunkSize: chunkBytes,
      chunk(results: Papa.ParseResult<string[]>, parser: Papa.Parser) {
        parser.pause();
        const quoteError = results.errors.find((error) => error.type === 'Quotes');
        if (quoteError) {
          failure = `the CSV is malformed near record ${index + (quoteError.row ?? 0) + 1}: ${quoteError.message.toLowerCase()}`;
          return parser.abort();
        }
        const batch: Array<{ row: number; fields: string[] }> = [];
        for (const fields of results.data) {
          const i = index++;
          if (header === null) {
            if (isBlank(fields)) continue;
            headerIndex = i;
            const names = fields.map((name) => unescapeCsvText(name).trim());
            header = names;
            handlers.onHeader(names);
            continue;
          }
          if (isBlank(fields)) continue;
          const row = i - headerIndex;
          if (fields.length !== header.length) {
            failure = `row ${row} has ${fields.length} field${fields.length === 1 ? '' : 's'} but the header has ${header.length}`;
            return parser.abort();
          }
          batch.push({ row, fields });
        }
        records += batch.length;
        // Through a promise, so a handler that throws rejects the parse instead of escaping into papaparse.
        Promise.resolve()
          .then(() => (batch.length > 0 ? handlers.onRecords(batch) : true))
          .then(
          (go) => setImmediate(() => (go ? parser.resume() : parser.abort())),
          (error) => {
            reject(error); // before abort(), which completes the parse
            parser.abort();
          },
        );
      },
      complete() {
        if (failure) resolve({ ok: false, message: failure });
        else if (header === null) resolve({ ok: false, message: 'the CSV is empty: its first line must name the columns' });
        else resolve({ ok: true, header, records });
      },
    });
  });
}

function isBlank(fields: readonly string[]): boolean {
  return fields.every((field) => field.trim() === '');
}

/** An ASCII file name for a Content-Disposition header (letters, digits, space, dot, dash, underscore). */
export function safeFileName(title: string, fallback: string, extension = 'csv'): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s*[^A-Za-z0-9 ._-]+\s*/g, '-')
    .replace(/\s*-[\s-]*/g, '-')
    .replace(/^[\s.-]+|[\s.-]+$/g, '')
    .slice(0, 80);
  const safeFallback = fallback.replace(/[^A-Za-z0-9_-]+/g, '') || 'export';
  return `${base || safeFallback}.${extension}`;
}

/** `attachment` with an ASCII fallback name and the exact (UTF-8, RFC 5987) name beside it. */
export function attachmentDisposition(title: string, fallback: string, extension = 'csv'): string {
  const ascii = safeFileName(title, fallback, extension);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach a header
  const exact = `${title.replace(/[\u0000-\u001f\u007f/\\]+/g, '-').trim().slice(0, 120) || fallback}.${extension}`;
  const encoded = encodeURIComponent(exact).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
