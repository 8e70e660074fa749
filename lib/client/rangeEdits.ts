// Edits over a selected range, as updates for one transaction (so one undo step): clearing it (Delete),
// filling down from its top row (Ctrl+D) and filling it with one typed value (Ctrl+Enter). Ranges use
// display indexes (the view's rows), resolved to row ids here. Pure: node tests run it.
import type { CellValue } from '../schema';
import type { CellUpdate, ColumnInfo } from '../sheetDoc';
import { planTypedEdits, type EditPlan, type TypedEntry } from './edits';

export interface CellRange {
  /** Display indexes, inclusive. */
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface RangeSource {
  rowIds: readonly string[];
  columns: readonly ColumnInfo[];
  valueAt: (rowId: string, colId: string) => CellValue;
}

function* cellsOf(range: CellRange, source: RangeSource): Generator<{ rowId: string; column: ColumnInfo; r: number }> {
  for (let r = Math.max(0, range.top); r <= Math.min(range.bottom, source.rowIds.length - 1); r++) {
    const rowId = source.rowIds[r];
    for (let c = Math.max(0, range.left); c <= Math.min(range.right, source.columns.length - 1); c++) {
      yield { rowId, column: source.columns[c], r };
    }
  }
}

/** Empties every non-empty cell of the range. */
export function planClearRange(range: CellRange, source: RangeSource): CellUpdate[] {
  const updates: CellUpdate[] = [];
  for (const { rowId, column } of cellsOf(range, source)) {
    if (source.valueAt(rowId, column.id) !== null) updates.push({ row: rowId, col: column.id, value: null });
  }
  return updates;
}

/**
 * Ctrl+D: copies the range's top row into the rows below it; a single row takes the values of the row above
 * it (as Sheets does). Cells that already hold the value are left alone.
 */
export function planFillDown(range: CellRange, source: RangeSource): CellUpdate[] {
  const single = range.top === range.bottom;
  const sourceRow = single ? range.top - 1 : range.top;
  if (sourceRow < 0 || sourceRow >= source.rowIds.length) return [];
  const from = source.rowIds[sourceRow];
  const updates: CellUpdate[] = [];
  const targets: CellRange = { ...range, top: single ? range.top : range.top + 1 };
  for (const { rowId, column } of cellsOf(targets, source)) {
    const value = source.valueAt(from, column.id);
    if (source.valueAt(rowId, column.id) !== value) updates.push({ row: rowId, col: column.id, value });
  }
  return updates;
}

/** Ctrl+Enter: the same typed text into every cell of the range, validated per column. */
export function planFillText(range: CellRange, source: RangeSource, text: string): EditPlan {
  const entries: TypedEntry[] = [];
  for (const { rowId, column } of cellsOf(range, source)) entries.push({ rowId, column, text });
  return planTypedEdits(entries);
}
