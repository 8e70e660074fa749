// What the materializer must write, read from live documents: observers mark the rows, cells and
// conflicts a change touched, and `take` reads them synchronously from the document into a plain batch
// (values already coerced to their column's type) that the materializer writes to DuckDB. Pure Yjs, no
// DuckDB: it runs beside the room (in-process) or in the materializer worker on a replica of the room's
// document (materializerWorker.ts), so the relaying thread neither observes nor reads for it.
import * as Y from 'yjs';
import { CELL_ARBITER_ORIGIN } from '../lib/cellArbiter';
import { cellKey, indexAdjustments, resolveCell, type AdjustmentIndex } from '../lib/cellResolution';
import type { StoredColumn } from '../lib/relationalViews';
import type { Adjustment, Cell, CellValue, ConflictRecord } from '../lib/schema';
import { adjustmentsArray, columnsMap, conflictsArray, metaMap, readMeta, rowsMap } from '../lib/sheetDoc';

export type BatchColumn = StoredColumn & { order: string };
/** A value as written: of its column's type, or null. */
export type BatchValue = string | number | boolean | null;

export interface ChangedCell {
  row: string;
  col: string;
  identity: string | null;
}

/** One sheet's pending changes, read from one consistent state of its document. Structured-clonable. */
export interface SheetBatch {
  sheetId: string;
  /**
   * The table is being rewritten from every row (the schema changed, or a rebuild): rows go to a new table
   * (created by the first batch) that the last batch puts in place of the old, so readers never see a table
   * half-written; a big sheet is rewritten over several takes.
   */
  rebuild: { first: boolean; last: boolean } | null;
  columns: BatchColumn[];
  /** Every row id the batch covers (the rewrite's rows it copies, then dirty rows). */
  rowIds: string[];
  /**
   * Rows still in the document, as JSON chunks of at most `rowsPerChunk` rows, column-wise:
   * {"c0": [row ids], "c1": [ords], "c2": [deleted], "c3": [first column's values], …}. DuckDB parses
   * them (from_json) on its own threads: the thread that writes binds one string per chunk.
   */
  rowChunks: string[];
  rowCount: number;
  /** Rows the document no longer has at all (removed outright): they leave the table. */
  removedRows: string[];
  /** History rows as JSON chunks, column-wise: row, col, value (as JSON text), t, author, identity. */
  historyChunks: string[];
  /** The cells behind `history`, given back when the write fails. */
  changedCells: ChangedCell[];
  conflicts: Array<{ record: ConflictRecord; identity: string | null }>;
  meta: { title: string; template: string; createdAt: number };
  liveRows: number;
  /** Whether the batch holds everything that was pending (a batch cut at its deadline leaves the rest for the next). */
  complete: boolean;
  /** Log sequence the document had reached when it was read; NOT_MATERIALIZED_SEQ for a batch that is not complete. */
  seq: number;
}

/** The `materialized_seq` of a sheet whose changes are only partly written: never a log sequence, so a crash rebuilds it. */
export const NOT_MATERIALIZED_SEQ = -1;

interface TrackedSheet {
  sheetId: string;
  doc: Y.Doc;
  dirtyRows: Set<string>;
  changedCells: Map<string, ChangedCell>;
  newConflicts: Array<{ record: ConflictRecord; identity: string | null }>;
  /** The authenticated identity behind each cell's latest change (the arbiter re-asserts keep it). */
  cellWriters: Map<string, string | null>;
  /**
   * The identity that created each row, for its cells not changed since (not in cellWriters): an import of
   * 250,000 rows kept 2.5 million entries in cellWriters for as long as the room was loaded.
   */
  rowWriters: Map<string, string | null>;
  /**
   * Rows added since the last take, with who added them: their cells become history when taken, read from
   * the row then. One entry per row, not one per cell: an import's million cells cost a million keys, objects
   * and map entries on the thread that applies updates, which showed as a fifth of a 100,000-row import.
   */
  addedRows: Map<string, string | null>;
  addedCursor: Iterator<[string, string | null]> | null;
  /**
   * Where the last cut take stopped in dirtyRows and changedCells: the next take goes on from there. Starting
   * a new iteration each take walked again past every entry deleted so far (a JS Set or Map keeps deleted
   * entries' slots until it shrinks), which made a big import's takes slower and slower.
   */
  dirtyCursor: Iterator<string> | null;
  cellsCursor: Iterator<[string, ChangedCell]> | null;
  schemaDirty: boolean;
  /** A rewrite of the table in progress: the rows still to copy (ids as the rewrite started), and how far it is. */
  rebuild: { queue: string[]; at: number; first: boolean } | null;
  metaDirty: boolean;
  adjustmentIndex: AdjustmentIndex | null;
  /** Rows not soft-deleted, as last counted (null: never counted); stale once rows come, go or are (un)deleted. */
  liveRows: number | null;
  liveRowsStale: boolean;
  seqSource: () => number;
  detach: () => void;
}

export class MaterializationTracker {
  private readonly sheets = new Map<string, TrackedSheet>();

  /** `rowsPerChunk`: rows per JSON chunk (one INSERT each); history chunks hold ten times as many. */
  constructor(private readonly rowsPerChunk = 2000) {}

  /** Starts tracking a document. `rebuild` takes the whole sheet in the first batch. */
  track(sheetId: string, doc: Y.Doc, seqSource: () => number, rebuild: boolean, currentWriter: () => string | null = () => null): void {
    this.detach(sheetId);
    const tracked: TrackedSheet = {
      sheetId,
      doc,
      dirtyRows: new Set(),
      changedCells: new Map(),
      newConflicts: [],
      cellWriters: new Map(),
      rowWriters: new Map(),
      addedRows: new Map(),
      addedCursor: null,
      dirtyCursor: null,
      cellsCursor: null,
      schemaDirty: rebuild,
      rebuild: null,
      metaDirty: rebuild,
      adjustmentIndex: null,
      liveRows: null,
      liveRowsStale: true,
      seqSource,
      detach: () => undefined,
    };
    // Attribution: the identity whose update is being applied; a re-assert by the cell arbiter restores
    // an earlier value, so that cell keeps the identity recorded for it.
    const changed = (row: string, col: string, origin: unknown) => {
      const key = cellKey(row, col);
      let identity: string | null;
      if (origin !== CELL_ARBITER_ORIGIN) identity = currentWriter();
      else if (tracked.cellWriters.has(key)) identity = tracked.cellWriters.get(key)!;
      else if (tracked.rowWriters.has(row)) identity = tracked.rowWriters.get(row)!;
      else identity = currentWriter();
      tracked.cellWriters.set(key, identity);
      tracked.changedCells.set(key, { row, col, identity });
    };
    /** A new row's cells: written by whoever created the row (rowWriters), each a change for history once taken. */
    const rowAdded = (row: string, cells: Y.Map<unknown>) => {
      const identity = currentWriter();
      tracked.rowWriters.set(row, identity);
      // A row id seen before (removed outright, then added again): its old cells' writers and pending changes
      // no longer apply (the maps are empty during most imports, so this costs nothing there).
      if (tracked.cellWriters.size > 0 || tracked.changedCells.size > 0) {
        for (const col of cells.keys()) {
          const key = cellKey(row, col);
          tracked.cellWriters.delete(key);
          tracked.changedCells.delete(key);
        }
      }
      tracked.addedRows.set(row, identity);
    };
    const onRows = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, transaction: Y.Transaction) => {
      for (const event of events) {
        if (event.target === rowsMap(doc)) {
          tracked.liveRowsStale = true;
          for (const key of (event as Y.YMapEvent<unknown>).keysChanged) {
            tracked.dirtyRows.add(key);
            // A new row arrives with its cells: they start its cells' history.
            const row = rowsMap(doc).get(key);
            const cells = row instanceof Y.Map ? row.get('cells') : undefined;
            if (event.changes.keys.get(key)?.action === 'add' && cells instanceof Y.Map) {
              if (transaction.origin === CELL_ARBITER_ORIGIN) for (const col of cells.keys()) changed(key, col, transaction.origin);
              else rowAdded(key, cells);
            }
          }
          continue;
        }
        const path = event.path; // computed on each access: read once
        const rowId = String(path[0]);
        tracked.dirtyRows.add(rowId);
        if (path.length === 1 && (event as Y.YMapEvent<unknown>).keysChanged.has('deleted')) tracked.liveRowsStale = true;
        if (path.length === 2 && path[1] === 'cells') {
          for (const col of (event as Y.YMapEvent<unknown>).keysChanged) changed(rowId, col, transaction.origin);
        }
      }
    };
    const onColumns = () => {
      tracked.schemaDirty = true;
    };
    const onAdjustments = (event: Y.YArrayEvent<Adjustment>) => {
      tracked.adjustmentIndex = null;
      for (const item of event.changes.added) {
        for (const adjustment of item.content.getContent() as Adjustment[]) {
          if (!adjustment || typeof adjustment.row !== 'string' || typeof adjustment.col !== 'string') continue;
          tracked.dirtyRows.add(adjustment.row);
          changed(adjustment.row, adjustment.col, event.transaction.origin);
        }
      }
    };
    const onConflicts = (event: Y.YArrayEvent<ConflictRecord>) => {
      const identity = currentWriter();
      for (const item of event.changes.added) for (const record of item.content.getContent() as ConflictRecord[]) tracked.newConflicts.push({ record, identity });
    };
    const onMeta = () => {
      tracked.metaDirty = true;
    };
    rowsMap(doc).observeDeep(onRows);
    columnsMap(doc).observeDeep(onColumns);
    adjustmentsArray(doc).observe(onAdjustments);
    conflictsArray(doc).observe(onConflicts);
    metaMap(doc).observe(onMeta);
    tracked.detach = () => {
      rowsMap(doc).unobserveDeep(onRows);
      columnsMap(doc).unobserveDeep(onColumns);
      adjustmentsArray(doc).unobserve(onAdjustments);
      conflictsArray(doc).unobserve(onConflicts);
      metaMap(doc).unobserve(onMeta);
    };
    this.sheets.set(sheetId, tracked);
  }

  /** Stops tracking a sheet at once (anything still pending is dropped). */
  detach(sheetId: string): void {
    this.sheets.get(sheetId)?.detach();
    this.sheets.delete(sheetId);
  }

  isTracked(sheetId: string): boolean {
    return this.sheets.has(sheetId);
  }

  isDirty(sheetId: string): boolean {
    const t = this.sheets.get(sheetId);
    return !!t && (t.dirtyRows.size > 0 || t.changedCells.size > 0 || t.addedRows.size > 0 || t.schemaDirty || t.rebuild !== null || t.metaDirty || t.newConflicts.length > 0);
  }

  /** The tracked sheets with something to write. */
  dirtySheets(): string[] {
    return [...this.sheets.keys()].filter((id) => this.isDirty(id));
  }

  /**
   * Reads the sheet's pending changes into a batch and clears what it read; null when nothing is pending.
   * With a `deadline` (a performance.now() time) it stops reading dirty rows and changed cells once past it
   * and leaves the rest pending: a big change (a 100,000-row import) is written over several flushes, each
   * read in a few milliseconds, instead of holding the thread for hundreds. Such a batch is not `complete`
   * and does not mark the log sequence as materialized (crash recovery then rebuilds the sheet).
   */
  take(sheetId: string, deadline = Infinity): SheetBatch | null {
    const tracked = this.sheets.get(sheetId);
    if (!tracked || !this.isDirty(sheetId)) return null;
    const { doc } = tracked;
    // Everything below is read synchronously from the document, so each row is one consistent state.
    const columns = storedColumns(doc);
    const rows = rowsMap(doc);
    const conflicts = tracked.newConflicts;
    const meta = readMeta(doc);
    // A changed schema (again, if a rewrite was under way) starts a rewrite of the table from every row.
    if (tracked.schemaDirty) tracked.rebuild = { queue: [...rows.keys()], at: 0, first: true };
    tracked.newConflicts = [];
    tracked.schemaDirty = false;
    tracked.metaDirty = false;
    tracked.adjustmentIndex ??= indexAdjustments(adjustmentsArray(doc).toArray().filter(isAdjustment));
    const index = tracked.adjustmentIndex;
    // Rows get the first half of the time left (a rewrite's rows first, then rows changed meanwhile), history the rest.
    const started = performance.now();
    const rowDeadline = started + (deadline - started) / 2;
    const rowIds: string[] = [];
    const removedRows: string[] = [];
    const rowChunks = new ColumnChunks(3 + columns.length, this.rowsPerChunk);
    const readRow = (rowId: string): boolean => {
      rowIds.push(rowId);
      const row = rows.get(rowId);
      if (!(row instanceof Y.Map)) return false;
      const cells = row.get('cells');
      const values: BatchValue[] = [rowId, textOf(row.get('order')), row.get('deleted') === true];
      for (const column of columns) {
        const cell = cells instanceof Y.Map ? asCell(cells.get(column.id)) : undefined;
        values.push(typed(column.type, resolveCell(cell, index.get(cellKey(rowId, column.id)))));
      }
      rowChunks.push(values);
      return true;
    };
    const rebuild = tracked.rebuild;
    const first = rebuild?.first ?? false;
    if (rebuild) {
      rebuild.first = false;
      while (rebuild.at < rebuild.queue.length) {
        const rowId = rebuild.queue[rebuild.at++];
        // Read now, so a change waiting for it is in this read too. A row gone since is simply not copied.
        tracked.dirtyRows.delete(rowId);
        readRow(rowId);
        if ((rowIds.length & 31) === 0 && performance.now() > rowDeadline) break;
      }
    }
    const dirty = tracked.dirtyCursor ?? tracked.dirtyRows.values();
    tracked.dirtyCursor = null;
    for (let next = dirty.next(); !next.done; next = dirty.next()) {
      const rowId = next.value;
      tracked.dirtyRows.delete(rowId);
      if (!readRow(rowId)) removedRows.push(rowId);
      if ((rowIds.length & 31) === 0 && performance.now() > rowDeadline) {
        tracked.dirtyCursor = dirty;
        break;
      }
    }
    const last = rebuild !== null && rebuild.at >= rebuild.queue.length;
    if (last) tracked.rebuild = null;
    const changedCells: ChangedCell[] = [];
    const history = new ColumnChunks(6, this.rowsPerChunk * 10);
    /** One cell's history entry; `key` is its cellKey. */
    const record = (changed: ChangedCell, cells: unknown, key: string) => {
      changedCells.push(changed);
      const { row, col, identity } = changed;
      const cell = cells instanceof Y.Map ? asCell(cells.get(col)) : undefined;
      const adjustments = index.get(key);
      const latestAdjustment = adjustments?.at(-1);
      const stamp = latestAdjustment && (!cell || latestAdjustment.t > cell.t) ? latestAdjustment : cell;
      history.push([row, col, JSON.stringify(resolveCell(cell, adjustments)) ?? null, stamp && Number.isFinite(stamp.t) ? stamp.t : null, stamp ? textOf(stamp.by) : null, identity]);
    };
    const cellsOf = (row: string) => {
      const rowMap = rows.get(row);
      return rowMap instanceof Y.Map ? rowMap.get('cells') : undefined;
    };
    // New rows' cells first (a cell changed since its row came is in changedCells, with its own writer).
    const added = tracked.addedCursor ?? tracked.addedRows.entries();
    tracked.addedCursor = null;
    let pastDeadline = false;
    let rowsRead = 0;
    for (let next = added.next(); !next.done; next = added.next()) {
      const [row, identity] = next.value;
      tracked.addedRows.delete(row);
      const cells = cellsOf(row);
      if (cells instanceof Y.Map) {
        for (const col of cells.keys()) {
          const key = cellKey(row, col);
          if (!tracked.changedCells.has(key)) record({ row, col, identity }, cells, key);
        }
      }
      if ((++rowsRead & 15) === 0 && performance.now() > deadline) {
        tracked.addedCursor = added;
        pastDeadline = true;
        break;
      }
    }
    const pendingCells = tracked.cellsCursor ?? tracked.changedCells.entries();
    tracked.cellsCursor = null;
    for (let next = pastDeadline ? null : pendingCells.next(); next && !next.done; next = pendingCells.next()) {
      const [key, changed] = next.value;
      tracked.changedCells.delete(key);
      record(changed, cellsOf(changed.row), key);
      if ((changedCells.length & 127) === 0 && performance.now() > deadline) {
        tracked.cellsCursor = pendingCells;
        break;
      }
    }
    if (pastDeadline && tracked.cellsCursor === null) tracked.cellsCursor = pendingCells;
    const complete = tracked.dirtyRows.size === 0 && tracked.changedCells.size === 0 && tracked.addedRows.size === 0 && tracked.rebuild === null;
    // Counting live rows walks every row (~30 ms at 100,000): only when rows came, went or were (un)deleted,
    // and not for a cut batch (its count may lag; the complete batch that follows has it right).
    if (tracked.liveRows === null || (tracked.liveRowsStale && complete)) {
      let live = 0;
      rows.forEach((row) => {
        if (row.get('deleted') !== true) live++;
      });
      tracked.liveRows = live;
      tracked.liveRowsStale = false;
    }
    const liveRows = tracked.liveRows;
    const rowCount = rowChunks.count;
    return {
      sheetId,
      rebuild: rebuild ? { first, last } : null,
      columns,
      rowIds,
      rowChunks: rowChunks.finish(),
      rowCount,
      removedRows,
      historyChunks: history.finish(),
      changedCells,
      conflicts,
      meta: { title: textOf(meta.title), template: textOf(meta.template), createdAt: meta.createdAt },
      liveRows,
      complete,
      seq: complete ? tracked.seqSource() : NOT_MATERIALIZED_SEQ,
    };
  }

  /**
   * A batch that failed to write comes back: the next one rewrites the sheet whole from the document
   * (which also heals a table left in a bad state) with the batch's history and conflicts.
   */
  giveBack(batch: Pick<SheetBatch, 'sheetId' | 'rowIds' | 'changedCells' | 'conflicts'>): void {
    const tracked = this.sheets.get(batch.sheetId);
    if (!tracked) return;
    tracked.schemaDirty = true;
    tracked.metaDirty = true;
    tracked.liveRowsStale = true;
    for (const id of batch.rowIds) tracked.dirtyRows.add(id);
    // A cell changed again since keeps its newer identity.
    for (const cell of batch.changedCells) {
      const key = cellKey(cell.row, cell.col);
      if (!tracked.changedCells.has(key)) tracked.changedCells.set(key, cell);
    }
    tracked.newConflicts.unshift(...batch.conflicts);
  }
}

/** Values gathered column-wise into JSON chunks of at most `size` rows. */
class ColumnChunks {
  private readonly chunks: string[] = [];
  private columns: BatchValue[][];
  private rows = 0;
  count = 0;

  constructor(
    private readonly width: number,
    private readonly size: number,
  ) {
    this.columns = this.empty();
  }

  push(values: BatchValue[]): void {
    for (let i = 0; i < this.width; i++) this.columns[i].push(values[i] ?? null);
    this.count++;
    if (++this.rows >= this.size) this.cut();
  }

  finish(): string[] {
    if (this.rows > 0) this.cut();
    return this.chunks;
  }

  private cut(): void {
    const object: Record<string, BatchValue[]> = {};
    this.columns.forEach((values, i) => (object[`c${i}`] = values));
    this.chunks.push(wellFormedJson(object));
    this.columns = this.empty();
    this.rows = 0;
  }

  private empty(): BatchValue[][] {
    return Array.from({ length: this.width }, () => []);
  }
}

/**
 * JSON whose strings hold no lone surrogate: DuckDB's JSON reader refuses them, and its string conversion
 * makes each U+FFFD, so that is what they become. JSON.stringify escapes exactly the lone ones (\\udXXX,
 * paired ones stay raw), so every such escape not itself escaped is one.
 */
function wellFormedJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!json.includes('\\ud')) return json;
  return json.replace(/\\ud[89a-f][0-9a-f]{2}/g, (match, offset: number) => (precededByEscape(json, offset) ? match : '\\ufffd'));
}

/** Whether the backslash at `offset` is itself escaped (an odd run of backslashes before it). */
function precededByEscape(text: string, offset: number): boolean {
  let backslashes = 0;
  for (let i = offset - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

function storedColumns(doc: Y.Doc): BatchColumn[] {
  const columns: BatchColumn[] = [];
  columnsMap(doc).forEach((column, id) => {
    if (!(column instanceof Y.Map)) return;
    const type = column.get('type');
    columns.push({
      id,
      name: textOf(column.get('name')),
      type: type === 'number' || type === 'boolean' || type === 'date' ? type : 'text',
      order: textOf(column.get('order')),
      deleted: column.get('deleted') === true,
    });
  });
  return columns.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : 1));
}

/** A cell as stored, or undefined when the value is not one (a hostile or stale write): its fields are checked, not trusted. */
function asCell(value: unknown): Cell | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { v, t, by } = value as Record<string, unknown>;
  if (typeof t !== 'number' || !Number.isFinite(t)) return undefined;
  const scalar = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  return { v: scalar ? (v as CellValue) : null, t, by: textOf(by) };
}

/** Text of a value that should be a string; anything else (a hostile write) becomes '' (numbers and booleans their text). */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

function isAdjustment(value: unknown): value is Adjustment {
  const a = value as Adjustment;
  return !!a && typeof a.row === 'string' && typeof a.col === 'string' && typeof a.d === 'number' && Number.isFinite(a.d) && typeof a.t === 'number';
}

/** A value of the column's type; a value of another type (a hostile or stale write) is null. */
function typed(type: StoredColumn['type'], value: CellValue): BatchValue {
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value) ? value : null;
  if (type === 'boolean') return typeof value === 'boolean' ? value : null;
  return typeof value === 'string' ? value : null;
}
