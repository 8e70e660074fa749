// The grid's view of a sheet document: ordered rows and columns, and a window of rows × columns as the
// matrix react-spreadsheet renders (its cost per change grows with the cells it is given, so the grid sizes
// the window to the viewport, both ways). Updates are incremental: an edit outside the window keeps the matrix
// reference; an edit inside it copies only the changed row array and cell object, so every other cell
// keeps its identity and does not re-render. Pure (no DOM), so it runs in node tests.
import * as Y from 'yjs';
import { cellKey, indexAdjustments, resolveCell, type AdjustmentIndex } from '../cellResolution';
import type { HybridLogicalClock } from '../hlc';
import type { Adjustment, Cell, CellValue, ConflictRecord } from '../schema';
import {
  adjustmentsArray,
  columnsMap,
  conflictsArray,
  readColumns,
  readRowOrder,
  rowCells,
  rowsMap,
  type ColumnInfo,
} from '../sheetDoc';
import { applyView, isEmptyView, viewColumns, type ViewSpec } from './sheetView';

/** One cell as react-spreadsheet sees it. `value` is the resolved typed value (adjustments applied). */
export interface GridCell {
  value: CellValue;
  className?: string;
  /** The cell has an unresolved entry in `conflicts`. */
  conflict?: boolean;
  /** Set (to a counter) when the last change to the cell came from another replica: the viewer flashes. */
  flash?: number;
  /** Who wrote the cell's current set, for tooltips. */
  by?: string;
}

export type GridMatrix = GridCell[][];

export interface GridModelOptions {
  windowSize?: number;
  /** Decides whether a transaction is someone else's edit (flash marks); default: not local. */
  isRemote?: (transaction: Y.Transaction) => boolean;
  /** Observed remote HLC times move this clock forward so local edits order after what the user saw. */
  clock?: HybridLogicalClock;
}

export interface GridChange {
  /** The window matrix reference changed. */
  data: boolean;
  /** Row order or count changed. */
  rows: boolean;
  columns: boolean;
  /** Cells that changed (any row, in or out of the window) as `rowId\u0001colId` keys. */
  cells: ReadonlySet<string>;
  /** Cells changed by a remote transaction. */
  remoteCells: ReadonlySet<string>;
}

/** Rows handed to react-spreadsheet: its cost per state change grows with the cells it renders. */
export const DEFAULT_WINDOW = 50;

export interface GridWindow {
  rowStart: number;
  rowCount: number;
  colStart: number;
  /** Columns in the window; Infinity: all. */
  colCount: number;
}

export class GridModel {
  readonly doc: Y.Doc;
  windowSize: number;
  columns: ColumnInfo[] = [];
  /** The rows of the view (this page's sort and filters), in its order: every index below is into this. */
  rowIds: string[] = [];
  /** Every live row, in the document's order. */
  docRowIds: string[] = [];
  /** This page's sort and filters (never written to the document); null: the document's order, every row. */
  view: ViewSpec | null = null;
  private viewCols = new Set<string>();
  windowStart = 0;
  /** First column of the window (an index into `columns`) and how many columns it may hold. */
  colStart = 0;
  colCount = Infinity;
  /** The columns in the window, in order: `data[r][c]` is a cell of `windowColumns[c]`. */
  windowColumns: ColumnInfo[] = [];
  data: GridMatrix = [];
  /** Real 1-based row numbers of the window, as react-spreadsheet row labels. */
  rowLabels: string[] = [];
  /** Names of the window's columns. */
  columnLabels: string[] = [];

  private colIndex = new Map<string, number>();
  private rowIndex = new Map<string, number>();
  private adjustments: AdjustmentIndex = new Map();
  private conflictKeys = new Set<string>();
  private windowRows = new Map<string, GridCell[]>();
  private flashCounter = 0;
  private listeners = new Set<(change: GridChange) => void>();
  private readonly isRemote: (transaction: Y.Transaction) => boolean;
  private readonly clock?: HybridLogicalClock;

  // Dirty state collected by observers, flushed once per transaction.
  private dirtyRows = false;
  private dirtyColumns = false;
  private dirtyCells = new Set<string>();
  private remoteCells = new Set<string>();

  private readonly onRows = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
    const remote = this.isRemote(transaction);
    for (const event of events) {
      const depth = event.path.length;
      if (depth === 0) {
        this.dirtyRows = true; // rows added or removed
      } else if (depth === 1) {
        // a row's own keys: order, deleted (cells is created with the row)
        this.dirtyRows = true;
      } else if (depth === 2) {
        const rowId = String(event.path[0]);
        const cells = event.target as Y.Map<Cell>;
        for (const colId of (event as Y.YMapEvent<Cell>).keysChanged) {
          const key = cellKey(rowId, colId);
          this.dirtyCells.add(key);
          if (remote) {
            this.remoteCells.add(key);
            const cell = cells.get(colId);
            if (cell && this.clock) this.clock.observe(cell.t);
          }
        }
      }
    }
  };

  private readonly onColumns = () => {
    this.dirtyColumns = true;
  };

  private readonly onAdjustments = (event: Y.YArrayEvent<Adjustment>, transaction: Y.Transaction) => {
    const remote = this.isRemote(transaction);
    let deleted = false;
    for (const item of event.changes.added) {
      for (const adjustment of item.content.getContent() as Adjustment[]) {
        const key = cellKey(adjustment.row, adjustment.col);
        this.dirtyCells.add(key);
        if (remote) {
          this.remoteCells.add(key);
          this.clock?.observe(adjustment.t);
        }
      }
    }
    for (const item of event.changes.deleted) {
      deleted = true;
      for (const adjustment of item.content.getContent() as Adjustment[]) this.dirtyCells.add(cellKey(adjustment.row, adjustment.col));
    }
    if (deleted) {
      this.adjustments = indexAdjustments(adjustmentsArray(this.doc).toArray());
    } else {
      for (const item of event.changes.added) {
        const added = item.content.getContent() as Adjustment[];
        const touched = new Set<string>();
        for (const adjustment of added) {
          const key = cellKey(adjustment.row, adjustment.col);
          const list = this.adjustments.get(key);
          if (list) list.push(adjustment);
          else this.adjustments.set(key, [adjustment]);
          touched.add(key);
        }
        for (const key of touched) {
          const list = this.adjustments.get(key)!;
          if (list.length > 1) this.adjustments.set(key, indexAdjustments(list).get(key)!);
        }
      }
    }
  };

  private readonly onConflicts = () => {
    const next = conflictKeySet(conflictsArray(this.doc).toArray());
    for (const key of next) if (!this.conflictKeys.has(key)) this.dirtyCells.add(key);
    for (const key of this.conflictKeys) if (!next.has(key)) this.dirtyCells.add(key);
    this.conflictKeys = next;
  };

  private readonly afterTransaction = () => {
    this.flush();
  };

  constructor(doc: Y.Doc, options: GridModelOptions = {}) {
    this.doc = doc;
    this.windowSize = options.windowSize ?? DEFAULT_WINDOW;
    this.isRemote = options.isRemote ?? ((transaction) => !transaction.local);
    this.clock = options.clock;
    this.rebuildAll();
    rowsMap(doc).observeDeep(this.onRows);
    columnsMap(doc).observeDeep(this.onColumns);
    adjustmentsArray(doc).observe(this.onAdjustments);
    conflictsArray(doc).observe(this.onConflicts);
    doc.on('afterTransaction', this.afterTransaction);
  }

  destroy(): void {
    rowsMap(this.doc).unobserveDeep(this.onRows);
    columnsMap(this.doc).unobserveDeep(this.onColumns);
    adjustmentsArray(this.doc).unobserve(this.onAdjustments);
    conflictsArray(this.doc).unobserve(this.onConflicts);
    this.doc.off('afterTransaction', this.afterTransaction);
    this.listeners.clear();
  }

  subscribe(listener: (change: GridChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get rowCount(): number {
    return this.rowIds.length;
  }

  /** Rows in the sheet, whatever the view hides. */
  get totalRowCount(): number {
    return this.docRowIds.length;
  }

  /** Sorts and filters this page's view; returns true when the rows shown changed. */
  setView(spec: ViewSpec | null): boolean {
    this.view = isEmptyView(spec) ? null : spec;
    this.viewCols = this.view ? viewColumns(this.view) : new Set();
    const before = this.rowIds;
    this.applyViewNow();
    if (sameStrings(before, this.rowIds)) return false;
    this.windowStart = this.clampStart(this.windowStart);
    this.rebuildWindow(new Set());
    return true;
  }

  private applyViewNow(): void {
    this.rowIds = this.view ? applyView(this.docRowIds, this, this.view) : this.docRowIds;
    this.rowIndex = new Map(this.rowIds.map((id, i) => [id, i]));
  }

  rowIdAt(index: number): string | undefined {
    return this.rowIds[index];
  }

  indexOfRow(rowId: string): number {
    return this.rowIndex.get(rowId) ?? -1;
  }

  indexOfColumn(colId: string): number {
    return this.colIndex.get(colId) ?? -1;
  }

  hasConflict(rowId: string, colId: string): boolean {
    return this.conflictKeys.has(cellKey(rowId, colId));
  }

  /** The resolved value of any cell, in or out of the window. */
  valueAt(rowId: string, colId: string): CellValue {
    const row = rowsMap(this.doc).get(rowId);
    if (!row) return null;
    return resolveCell(rowCells(row).get(colId), this.adjustments.get(cellKey(rowId, colId)));
  }

  /** Moves the window so it starts at `start` (clamped). Returns true when the matrix changed. */
  setWindowStart(start: number): boolean {
    return this.setWindow({ rowStart: start, rowCount: this.windowSize, colStart: this.colStart, colCount: this.colCount });
  }

  /** Moves and resizes the window (clamped). Returns true when the matrix changed. */
  setWindow(window: GridWindow): boolean {
    const rowCount = Math.max(1, Math.floor(window.rowCount));
    const colCount = window.colCount === Infinity ? Infinity : Math.max(1, Math.floor(window.colCount));
    const sizeChanged = rowCount !== this.windowSize || colCount !== this.colCount;
    this.windowSize = rowCount;
    this.colCount = colCount;
    const rowStart = this.clampStart(window.rowStart);
    const colStart = this.clampColStart(window.colStart);
    const columnsChanged = colStart !== this.colStart || sizeChanged;
    if (!columnsChanged && rowStart === this.windowStart && this.data.length === Math.min(this.windowSize, this.rowIds.length - rowStart)) return false;
    this.windowStart = rowStart;
    this.colStart = colStart;
    if (columnsChanged && this.setWindowColumns()) this.windowRows.clear();
    this.rebuildWindow(new Set());
    return true;
  }

  private clampStart(start: number): number {
    return Math.max(0, Math.min(Math.floor(start), Math.max(0, this.rowIds.length - this.windowSize)));
  }

  private clampColStart(start: number): number {
    if (this.colCount === Infinity) return 0;
    return Math.max(0, Math.min(Math.floor(start), Math.max(0, this.columns.length - this.colCount)));
  }

  /** Recomputes the window's columns; true when they changed. */
  private setWindowColumns(): boolean {
    const next = this.colCount === Infinity ? this.columns : this.columns.slice(this.colStart, this.colStart + this.colCount);
    if (sameColumns(next, this.windowColumns) && next.length === this.windowColumns.length) {
      this.windowColumns = next;
      return false;
    }
    this.windowColumns = next;
    this.columnLabels = next.map((c) => c.name);
    return true;
  }

  private rebuildAll(): void {
    this.readColumnsNow();
    this.readRowsNow();
    this.adjustments = indexAdjustments(adjustmentsArray(this.doc).toArray());
    this.conflictKeys = conflictKeySet(conflictsArray(this.doc).toArray());
    this.windowRows.clear();
    this.rebuildWindow(new Set());
  }

  private readColumnsNow(): void {
    this.columns = readColumns(this.doc);
    this.colIndex = new Map(this.columns.map((c, i) => [c.id, i]));
    this.colStart = this.clampColStart(this.colStart);
    this.windowColumns = [];
    this.setWindowColumns();
  }

  private readRowsNow(): void {
    this.docRowIds = readRowOrder(this.doc).map((r) => r.id);
    this.applyViewNow();
  }

  private makeCell(rowId: string, column: ColumnInfo, flash: boolean): GridCell {
    const row = rowsMap(this.doc).get(rowId);
    const raw = row ? rowCells(row).get(column.id) : undefined;
    const key = cellKey(rowId, column.id);
    const value = resolveCell(raw, this.adjustments.get(key));
    const conflict = this.conflictKeys.has(key);
    const cell: GridCell = { value, className: conflict ? `cell-${column.type} cell-conflict` : `cell-${column.type}` };
    if (conflict) cell.conflict = true;
    if (raw) cell.by = raw.by;
    if (flash) cell.flash = ++this.flashCounter;
    return cell;
  }

  private makeRow(rowId: string): GridCell[] {
    return this.windowColumns.map((column) => this.makeCell(rowId, column, false));
  }

  /** Rebuilds the window matrix, reusing cached row arrays except for rows listed in `stale`. */
  private rebuildWindow(stale: ReadonlySet<string>): void {
    const end = Math.min(this.rowIds.length, this.windowStart + this.windowSize);
    const next = new Map<string, GridCell[]>();
    const data: GridMatrix = [];
    const labels: string[] = [];
    for (let i = this.windowStart; i < end; i++) {
      const rowId = this.rowIds[i];
      let row = stale.has(rowId) ? undefined : this.windowRows.get(rowId);
      if (!row) row = this.makeRow(rowId);
      next.set(rowId, row);
      data.push(row);
      labels.push(String(i + 1));
    }
    this.windowRows = next;
    this.data = data;
    this.rowLabels = sameStrings(this.rowLabels, labels) ? this.rowLabels : labels;
  }

  private touchesView(cells: ReadonlySet<string>): boolean {
    for (const key of cells) if (this.viewCols.has(columnOfKey(key))) return true;
    return false;
  }

  /** Applies collected changes; called after every transaction (and directly by tests). */
  flush(): void {
    if (!this.dirtyRows && !this.dirtyColumns && this.dirtyCells.size === 0) return;
    const cells = this.dirtyCells;
    const remoteCells = this.remoteCells;
    let rowsChanged = this.dirtyRows;
    const columnsChanged = this.dirtyColumns;
    this.dirtyCells = new Set();
    this.remoteCells = new Set();
    this.dirtyRows = false;
    this.dirtyColumns = false;

    let dataChanged = false;
    if (columnsChanged) {
      const before = this.columns;
      this.readColumnsNow();
      if (!sameColumns(before, this.columns)) {
        this.windowRows.clear();
        dataChanged = true;
      }
    }
    if (rowsChanged) {
      const before = this.rowIds;
      this.readRowsNow();
      if (!sameStrings(before, this.rowIds)) {
        this.windowStart = this.clampStart(this.windowStart);
        dataChanged = true;
      }
    }
    // A change to a column the view sorts or filters by can move or hide rows: apply the view again.
    if (this.view && !rowsChanged && (columnsChanged || this.touchesView(cells))) {
      const before = this.rowIds;
      this.applyViewNow();
      if (!sameStrings(before, this.rowIds)) {
        this.windowStart = this.clampStart(this.windowStart);
        rowsChanged = true;
        dataChanged = true;
      }
    }
    if (dataChanged) this.rebuildWindow(new Set());

    // Cell changes inside the window: copy the row once, replace only the changed cells.
    const copiedRows = new Map<string, GridCell[]>();
    for (const key of cells) {
      const sep = key.indexOf('\u0001');
      const rowId = key.slice(0, sep);
      const colId = key.slice(sep + 1);
      const row = this.windowRows.get(rowId);
      const absolute = this.colIndex.get(colId);
      if (!row || absolute === undefined) continue;
      const colIdx = absolute - this.colStart;
      if (colIdx < 0 || colIdx >= row.length) continue;
      let copy = copiedRows.get(rowId);
      if (!copy) {
        copy = row.slice();
        copiedRows.set(rowId, copy);
      }
      copy[colIdx] = this.makeCell(rowId, this.columns[absolute], remoteCells.has(key));
    }
    if (copiedRows.size > 0) {
      const copiedData = this.data.slice();
      for (const [rowId, copy] of copiedRows) {
        this.windowRows.set(rowId, copy);
        const index = (this.rowIndex.get(rowId) ?? -1) - this.windowStart;
        if (index >= 0 && index < copiedData.length) copiedData[index] = copy;
      }
      this.data = copiedData;
      dataChanged = true;
    }

    const change: GridChange = { data: dataChanged, rows: rowsChanged, columns: columnsChanged, cells, remoteCells };
    for (const listener of this.listeners) listener(change);
  }
}

function columnOfKey(key: string): string {
  return key.slice(key.indexOf('\u0001') + 1);
}

function conflictKeySet(records: readonly ConflictRecord[]): Set<string> {
  const keys = new Set<string>();
  for (const record of records) if (record && typeof record.row === 'string') keys.add(cellKey(record.row, record.col));
  return keys;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameColumns(a: readonly ColumnInfo[], b: readonly ColumnInfo[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i].id !== b[i].id || a[i].name !== b[i].name || a[i].type !== b[i].type) return false;
  }
  return true;
}
