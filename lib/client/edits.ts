// Turning what a person types or pastes into document updates: typed parsing, `+5`/`-3` adjustments in
// number cells, TSV for range copy and paste. Everything is validated before anything is written.
import type * as Y from 'yjs';
import { formatValue, parseAdjustment, parseInput } from '../cellValue';
import type { CellValue } from '../schema';
import { applyCellUpdates, insertRowsUndoable, type CellUpdate, type ColumnInfo, type Editor } from '../sheetDoc';

export interface TypedEntry {
  rowId: string;
  column: ColumnInfo;
  text: string;
}

export interface EditError {
  rowId: string | null;
  colId: string;
  message: string;
}

export type EditPlan = { ok: true; updates: CellUpdate[] } | { ok: false; errors: EditError[] };

/** Parses one typed text for a column: a set, an adjustment (number cells, "+5"/"-3"), or an error. */
export function parseTyped(text: string, column: ColumnInfo): { ok: true; update: { value: CellValue } | { adjust: number } } | { ok: false; message: string } {
  if (column.type === 'number') {
    const adjust = parseAdjustment(text);
    if (adjust !== null) return { ok: true, update: { adjust } };
  }
  const parsed = parseInput(text, column.type);
  if (!parsed.ok) return { ok: false, message: `${column.name}: ${parsed.message}` };
  return { ok: true, update: { value: parsed.value } };
}

export function planTypedEdits(entries: readonly TypedEntry[]): EditPlan {
  const updates: CellUpdate[] = [];
  const errors: EditError[] = [];
  for (const entry of entries) {
    const parsed = parseTyped(entry.text, entry.column);
    if (!parsed.ok) errors.push({ rowId: entry.rowId, colId: entry.column.id, message: parsed.message });
    else updates.push({ row: entry.rowId, col: entry.column.id, ...parsed.update } as CellUpdate);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, updates };
}

// ---------- TSV ----------

/** Parses tab-separated text as spreadsheets put it on the clipboard (quoted fields may hold tabs, newlines, ""). */
export function parseTsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let atFieldStart = true;
  const input = text.replace(/\r\n?/g, '\n').replace(/\n$/, '');
  if (input === '') return [['']];
  while (i < input.length) {
    const ch = input[i];
    if (atFieldStart && ch === '"') {
      // quoted field
      i++;
      let closed = false;
      while (i < input.length) {
        if (input[i] === '"') {
          if (input[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        field += input[i++];
      }
      if (!closed) field = `"${field}`;
      atFieldStart = false;
      continue;
    }
    atFieldStart = false;
    if (ch === '\t') {
      row.push(field);
      field = '';
      atFieldStart = true;
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      atFieldStart = true;
    } else {
      field += ch;
    }
    i++;
  }
  row.push(field);
  rows.push(row);
  return rows;
}

export function toTsv(matrix: readonly (readonly CellValue[])[]): string {
  return matrix
    .map((row) =>
      row
        .map((value) => {
          const text = formatValue(value);
          return /[\t\n"]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
        })
        .join('\t'),
    )
    .join('\n');
}

export interface PasteTarget {
  /** Row ids in display order (all live rows). */
  rowIds: readonly string[];
  columns: readonly ColumnInfo[];
  /** Top-left cell of the paste, as display indexes. */
  anchorRow: number;
  anchorCol: number;
}

export type PastePlan =
  | { ok: true; updates: CellUpdate[]; newRows: Record<string, CellValue>[]; truncatedColumns: number; cells: number }
  | { ok: false; errors: EditError[] };

/**
 * Plans a paste: cells beyond the last row become new rows; columns beyond the last are left out.
 * A single value pasted onto a larger selection fills it (`fill`, display indexes inclusive).
 */
export function planPaste(target: PasteTarget, grid: readonly (readonly string[])[], fill?: { rows: number; cols: number }): PastePlan {
  const { rowIds, columns, anchorRow, anchorCol } = target;
  let matrix = grid;
  if (fill && grid.length === 1 && grid[0].length === 1 && (fill.rows > 1 || fill.cols > 1)) {
    matrix = Array.from({ length: fill.rows }, () => Array.from({ length: fill.cols }, () => grid[0][0]));
  }
  const updates: CellUpdate[] = [];
  const newRows: Record<string, CellValue>[] = [];
  const errors: EditError[] = [];
  let truncatedColumns = 0;
  let cells = 0;
  matrix.forEach((line, r) => {
    const rowIndex = anchorRow + r;
    const rowId = rowIndex < rowIds.length ? rowIds[rowIndex] : null;
    const values: Record<string, CellValue> = {};
    line.forEach((text, c) => {
      const column = columns[anchorCol + c];
      if (!column) {
        truncatedColumns = Math.max(truncatedColumns, anchorCol + c - columns.length + 1);
        return;
      }
      cells++;
      if (rowId === null) {
        const parsed = parseInput(text, column.type);
        if (!parsed.ok) errors.push({ rowId: null, colId: column.id, message: `${column.name}: ${parsed.message}` });
        else values[column.id] = parsed.value;
        return;
      }
      const parsed = parseTyped(text, column);
      if (!parsed.ok) errors.push({ rowId, colId: column.id, message: parsed.message });
      else updates.push({ row: rowId, col: column.id, ...parsed.update } as CellUpdate);
    });
    if (rowId === null) newRows.push(values);
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, updates, newRows, truncatedColumns, cells };
}

/**
 * Writes a planned paste (new rows and cell updates) in one transaction with the editor's origin: one undo
 * step. New rows go through insertRowsUndoable, so with the editor's `untrackedOrigin` undo soft-deletes them.
 */
export function applyPaste(doc: Y.Doc, plan: Extract<PastePlan, { ok: true }>, editor: Editor): string[] {
  if (plan.newRows.length > 0) {
    return insertRowsUndoable(doc, plan.newRows, {}, editor, () => {
      if (plan.updates.length > 0) applyCellUpdates(doc, plan.updates, editor);
    });
  }
  if (plan.updates.length > 0) applyCellUpdates(doc, plan.updates, editor);
  return [];
}
