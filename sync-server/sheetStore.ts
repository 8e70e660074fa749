// Where the merged state of sheets is kept for reading: materialized from the live documents, read
// back whole, with each cell's history. The DuckDB implementation is duckdbSheetStore.ts; the
// in-memory one (memorySheetStore.ts) serves fast unit tests.
import type * as Y from 'yjs';
import type { MaterializedChange } from './materializer';

export interface SheetSummary {
  id: string;
  title: string;
  template: string;
  rowCount: number;
  columnCount: number;
  updatedAt: string;
  createdAt: string;
}

export interface MaterializedSheet {
  id: string;
  title: string;
  template: string;
  updatedAt: string;
  columns: Array<{ id: string; name: string; type: string }>;
  rows: Array<{ id: string; values: Record<string, unknown> }>;
  /** Live rows in all (more than `rows` when read with a limit). */
  rowCount?: number;
}

export interface CellHistory {
  sheetId: string;
  row: string;
  col: string;
  /** `by`: what the writer put in the cell; `identity`: who sent it, as the server authenticated them. */
  changes: Array<{ value: unknown; t: number | null; by: unknown; identity?: string | null; recordedAt: string }>;
  conflicts: Array<{ kept: unknown; lost: unknown; identity?: string | null; recordedAt: string }>;
}

export interface SheetStore {
  /** Every sheet stored so far (materialized or with a stored document). */
  known(): Promise<Set<string>>;
  /** Sheets whose materialized state lags (or leads) their stored log: they are rebuilt when loaded. */
  lagging(storedSeqs: Map<string, number>): Promise<string[]>;
  /** Starts materializing a loaded document. `rebuild` rewrites the sheet from the document. */
  /** `currentWriter`: the authenticated identity behind the change being applied (history attribution). */
  track(sheetId: string, doc: Y.Doc, seqSource: () => number, rebuild: boolean, currentWriter?: () => string | null): void;
  /** Stops materializing (call after flush). */
  detach(sheetId: string): void;
  /** Writes every tracked sheet's pending changes. */
  flush(): Promise<void>;
  list(): Promise<{ sheets: SheetSummary[] }>;
  /** The materialized sheet (its first `limit` rows when given); null when there is none. */
  read(sheetId: string, options?: { limit?: number }): Promise<MaterializedSheet | null>;
  history(sheetId: string, row: string, col: string): Promise<CellHistory>;
  /** Subscribes to materialized changes (the change feed); returns an unsubscribe function. */
  subscribe(listener: (change: MaterializedChange) => void): () => void;
  start(): void;
  stop(): void;
}
