// The sync server's limits (DESIGN "What the sync server refuses"): one table of values, used by every path
// that accepts data (the WebSocket schema guard, the REST schemas, cell validation, CSV import), so a value
// refused over one path is refused over all of them. The server sets them from the environment at start-up
// (`limitsFromEnv` in sync-server/main.ts); browsers get the per-sheet caps from the page (publicSyncSettings)
// and use the defaults for the rest.

export interface Limits {
  /** Characters of text in one cell. */
  cellTextChars: number;
  /** Characters of a sheet title. */
  titleChars: number;
  /** Characters of a column name. */
  columnNameChars: number;
  /** Characters of a row, column, adjustment or user id (`by`). */
  idChars: number;
  /** Characters of a fractional order key. */
  orderChars: number;
  /** Columns (live or deleted) of one sheet. */
  columnsPerSheet: number;
  /** Bytes of one awareness message. */
  awarenessBytes: number;
  /** Awareness messages one socket may send per second (the rest are dropped). */
  awarenessPerSecond: number;
  /** Awareness client ids one socket may control (a stock client has one). */
  awarenessClientsPerSocket: number;
  /** Sockets on one sheet, and in all. */
  socketsPerSheet: number;
  socketsTotal: number;
  /** Largest WebSocket message (larger: close 1009). */
  messageBytes: number;
  /** Updates (and their bytes) a socket may have waiting for a missing parent item. */
  heldUpdatesPerSocket: number;
  heldBytesPerSocket: number;
  /** CSV import body and rows. */
  csvImportBytes: number;
  csvImportRows: number;
  /**
   * CSV import cells (data rows × the file's columns). A sheet lives whole in one Y.Doc on the server and in
   * every browser that opens it: 2.5 million imported cells held a 2.5 GB server and stalled it for 0.4–1.1 s
   * (docs/PERFORMANCE.md), so an import is bounded by what a sheet can hold, not only by its rows.
   */
  csvImportCells: number;
  /**
   * Cells of one sheet, over every path that adds them (socket updates, REST, CSV import). The import limit
   * bounds one file; this bounds what repeated imports and inserts add up to, for the same reason.
   */
  cellsPerSheet: number;
  /** Rows of one sheet (ids ever used in it: a row removed outright keeps its entry), on every path. */
  rowsPerSheet: number;
  /**
   * Largest magnitude of a number in a cell or an adjustment: far beyond any real quantity, small enough that
   * no number of adjustments can add up to ±Infinity (which DuckDB would store as NULL).
   */
  numberMagnitude: number;
  /** A cell or adjustment time further ahead of the server's clock than this counts as the server's clock. */
  futureStampMs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  cellTextChars: 10_000,
  titleChars: 200,
  columnNameChars: 200,
  idChars: 64,
  orderChars: 4096,
  columnsPerSheet: 500,
  awarenessBytes: 64 * 1024,
  awarenessPerSecond: 20,
  awarenessClientsPerSocket: 4,
  socketsPerSheet: 500,
  socketsTotal: 10_000,
  messageBytes: 8 * 1024 * 1024,
  heldUpdatesPerSocket: 256,
  heldBytesPerSocket: 4 * 1024 * 1024,
  csvImportBytes: 50 * 1024 * 1024,
  csvImportRows: 500_000,
  csvImportCells: 1_000_000,
  cellsPerSheet: 2_000_000,
  rowsPerSheet: 500_000,
  numberMagnitude: 1e100,
  futureStampMs: 60_000,
});

const current: Limits = { ...DEFAULT_LIMITS };

/** The limits in force (read them at use, not at import: the server may configure them at start-up). */
export function limits(): Readonly<Limits> {
  return current;
}

/** Sets some limits (the sync server at start-up, from the environment); returns the limits in force. */
export function configureLimits(overrides: Partial<Limits>): Readonly<Limits> {
  for (const [key, value] of Object.entries(overrides) as Array<[keyof Limits, number | undefined]>) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) throw new Error(`limit ${key} must be a positive number, got ${value}`);
    current[key] = value;
  }
  return current;
}

/** Environment variable of each limit (README's configuration table lists them). */
export const LIMIT_VARIABLES: Readonly<Record<keyof Limits, string>> = Object.freeze({
  cellTextChars: 'CELLAR_MAX_CELL_TEXT',
  titleChars: 'CELLAR_MAX_TITLE',
  columnNameChars: 'CELLAR_MAX_COLUMN_NAME',
  idChars: 'CELLAR_MAX_ID',
  orderChars: 'CELLAR_MAX_ORDER_KEY',
  columnsPerSheet: 'CELLAR_MAX_COLUMNS',
  awarenessBytes: 'CELLAR_MAX_AWARENESS_BYTES',
  awarenessPerSecond: 'CELLAR_MAX_AWARENESS_PER_SECOND',
  awarenessClientsPerSocket: 'CELLAR_MAX_AWARENESS_CLIENTS',
  socketsPerSheet: 'CELLAR_MAX_SOCKETS_PER_SHEET',
  socketsTotal: 'CELLAR_MAX_SOCKETS',
  messageBytes: 'CELLAR_MAX_MESSAGE_BYTES',
  heldUpdatesPerSocket: 'CELLAR_MAX_HELD_UPDATES',
  heldBytesPerSocket: 'CELLAR_MAX_HELD_BYTES',
  csvImportBytes: 'CELLAR_MAX_IMPORT_BYTES',
  csvImportRows: 'CELLAR_MAX_IMPORT_ROWS',
  csvImportCells: 'CELLAR_MAX_IMPORT_CELLS',
  cellsPerSheet: 'CELLAR_MAX_SHEET_CELLS',
  rowsPerSheet: 'CELLAR_MAX_SHEET_ROWS',
  numberMagnitude: 'CELLAR_MAX_NUMBER',
  futureStampMs: 'CELLAR_MAX_FUTURE_MS',
});

/** Limits given in the environment (unset variables keep their defaults); throws on a bad value. */
export function limitsFromEnv(env: Record<string, string | undefined>): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const [key, name] of Object.entries(LIMIT_VARIABLES) as Array<[keyof Limits, string]>) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
    out[key] = value;
  }
  return out;
}
