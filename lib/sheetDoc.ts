// The sheet document model (schema v1) over a Y.Doc: pure, shared by browser, server and tests.
import * as Y from 'yjs';
import { checkValue } from './cellValue';
import { numberProblem } from './schemaRules';
import { indexAdjustments, resolveCell, cellKey, type AdjustmentIndex } from './cellResolution';
import type { HybridLogicalClock } from './hlc';
import { newId } from './ids';
import { compareOrder, orderBetween, ordersBetween } from './order';
import { cellsCreatedBy, cellsInNewRows, sheetCapacityProblem } from './sheetCapacity';
import {
  ADJUSTMENTS,
  COLUMN_WIDTH_MAX,
  COLUMN_WIDTH_MIN,
  COLUMNS,
  CONFLICTS,
  META,
  ROWS,
  TEMPLATE_COLUMNS,
  USER_NAME_MAX,
  USERS,
  type Adjustment,
  type Cell,
  type CellValue,
  type ColumnSpec,
  type ColumnType,
  type ConflictRecord,
  type SheetMeta,
} from './schema';

/** Who is writing: their clock stamps every edit; `origin` marks the transaction (UndoManager tracks it). */
export interface Editor {
  clock: HybridLogicalClock;
  userId: string;
  origin?: unknown;
  /**
   * An origin the editor's undo manager does not track. When given, row inserts that go through
   * `insertRowsUndoable` undo as soft deletes.
   */
  untrackedOrigin?: unknown;
}

export interface ColumnInfo {
  id: string;
  name: string;
  type: ColumnType;
  order: string;
  /** Width in CSS pixels when someone resized the column (shared, like Sheets); absent: the default. */
  width?: number;
}

export interface RowInfo {
  id: string;
  order: string;
}

export interface SheetRow {
  id: string;
  values: Record<string, CellValue>;
}

export interface SheetSnapshot {
  meta: SheetMeta;
  columns: ColumnInfo[];
  rows: SheetRow[];
}

export class SheetError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_value' | 'invalid_request' | 'sheet_full',
    message: string,
  ) {
    super(message);
  }
}

export const metaMap = (doc: Y.Doc) => doc.getMap<unknown>(META);
export const columnsMap = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(COLUMNS);
export const rowsMap = (doc: Y.Doc) => doc.getMap<Y.Map<unknown>>(ROWS);
export const adjustmentsArray = (doc: Y.Doc) => doc.getArray<Adjustment>(ADJUSTMENTS);
export const conflictsArray = (doc: Y.Doc) => doc.getArray<ConflictRecord>(CONFLICTS);
export const usersMap = (doc: Y.Doc) => doc.getMap<{ name: string }>(USERS);

/** The display name the document knows for a user id, if any. */
export function userName(doc: Y.Doc, userId: string): string | undefined {
  const entry = usersMap(doc).get(userId);
  return entry && typeof entry.name === 'string' ? entry.name : undefined;
}

/** Records (or updates) a user's display name; no transaction when it is already known. */
export function recordUserName(doc: Y.Doc, userId: string, name: string, origin: unknown = null): void {
  const trimmed = name.trim().slice(0, USER_NAME_MAX);
  if (!trimmed || userName(doc, userId) === trimmed) return;
  doc.transact(() => usersMap(doc).set(userId, { name: trimmed }), origin);
}

export function readMeta(doc: Y.Doc): SheetMeta {
  const meta = metaMap(doc);
  return {
    title: String(meta.get('title') ?? ''),
    template: (meta.get('template') as SheetMeta['template']) ?? 'blank',
    createdAt: Number(meta.get('createdAt') ?? 0),
  };
}

/** Writes meta and the template's columns. Only the server does this, once, when a sheet is created. */
export function initSheet(doc: Y.Doc, meta: SheetMeta, origin: unknown = null): string[] {
  const ids: string[] = [];
  doc.transact(() => {
    const m = metaMap(doc);
    m.set('title', meta.title);
    m.set('template', meta.template);
    m.set('createdAt', meta.createdAt);
    const orders = ordersBetween(null, null, TEMPLATE_COLUMNS[meta.template].length);
    TEMPLATE_COLUMNS[meta.template].forEach((spec, i) => {
      const id = newId(8);
      columnsMap(doc).set(id, columnEntry(spec, orders[i]));
      ids.push(id);
    });
  }, origin);
  return ids;
}

function columnEntry(spec: ColumnSpec, order: string): Y.Map<unknown> {
  const column = new Y.Map<unknown>();
  column.set('name', spec.name);
  column.set('type', spec.type);
  column.set('order', order);
  return column;
}

// ---------- columns ----------

export function readColumns(doc: Y.Doc, includeDeleted = false): ColumnInfo[] {
  const columns: ColumnInfo[] = [];
  columnsMap(doc).forEach((column, id) => {
    if (!includeDeleted && column.get('deleted') === true) return;
    columns.push({
      id,
      name: String(column.get('name') ?? ''),
      type: (column.get('type') as ColumnType) ?? 'text',
      order: orderKey(column),
      ...widthOf(column),
    });
  });
  return columns.sort(compareOrder);
}

function widthOf(column: Y.Map<unknown>): { width?: number } {
  const width = column.get('width');
  return typeof width === 'number' && width >= COLUMN_WIDTH_MIN && width <= COLUMN_WIDTH_MAX ? { width } : {};
}

/** Sets a column's shared width (clamped to whole pixels in range), one transaction. */
export function setColumnWidth(doc: Y.Doc, colId: string, width: number, origin: unknown = null): void {
  if (!Number.isFinite(width)) throw new SheetError('invalid_value', 'a column width must be a number');
  const column = columnsMap(doc).get(colId);
  if (!column || column.get('deleted') === true) throw new SheetError('not_found', `no column ${colId}`);
  const clamped = Math.round(Math.min(COLUMN_WIDTH_MAX, Math.max(COLUMN_WIDTH_MIN, width)));
  if (column.get('width') === clamped) return;
  doc.transact(() => column.set('width', clamped), origin);
}

export function getColumn(doc: Y.Doc, colId: string): ColumnInfo | undefined {
  const column = columnsMap(doc).get(colId);
  if (!column || column.get('deleted') === true) return undefined;
  return { id: colId, name: String(column.get('name')), type: column.get('type') as ColumnType, order: orderKey(column) };
}

/** Inserts a column after `afterId` (null: first; undefined: last). */
export function insertColumn(doc: Y.Doc, spec: ColumnSpec, afterId: string | null | undefined, origin: unknown = null): string {
  const id = newId(8);
  doc.transact(() => {
    columnsMap(doc).set(id, columnEntry(spec, positionAfter(readColumns(doc), afterId)));
  }, origin);
  return id;
}

export function renameColumn(doc: Y.Doc, colId: string, name: string, origin: unknown = null): void {
  doc.transact(() => requireColumnMap(doc, colId).set('name', name), origin);
}

export function retypeColumn(doc: Y.Doc, colId: string, type: ColumnType, origin: unknown = null): void {
  doc.transact(() => requireColumnMap(doc, colId).set('type', type), origin);
}

export function deleteColumn(doc: Y.Doc, colId: string, origin: unknown = null): void {
  doc.transact(() => requireColumnMap(doc, colId, true).set('deleted', true), origin);
}

export function restoreColumn(doc: Y.Doc, colId: string, origin: unknown = null): void {
  doc.transact(() => requireColumnMap(doc, colId, true).delete('deleted'), origin);
}

export function moveColumn(doc: Y.Doc, colId: string, afterId: string | null, origin: unknown = null): void {
  doc.transact(() => {
    const others = readColumns(doc).filter((c) => c.id !== colId);
    requireColumnMap(doc, colId).set('order', positionAfter(others, afterId));
  }, origin);
}

function requireColumnMap(doc: Y.Doc, colId: string, includeDeleted = false): Y.Map<unknown> {
  const column = columnsMap(doc).get(colId);
  if (!column || (!includeDeleted && column.get('deleted') === true)) throw new SheetError('not_found', `no column ${colId}`);
  return column;
}

// ---------- rows ----------

export function readRowOrder(doc: Y.Doc, includeDeleted = false): RowInfo[] {
  const rows: RowInfo[] = [];
  rowsMap(doc).forEach((row, id) => {
    if (!includeDeleted && row.get('deleted') === true) return;
    rows.push({ id, order: orderKey(row) });
  });
  return rows.sort(compareOrder);
}

/**
 * Order keys for `count` rows appended after every row (live or deleted), as insertRows would choose them:
 * for a caller that appends in many transactions (CSV import) without sorting the sheet for each.
 */
export function appendOrders(doc: Y.Doc, count: number): string[] {
  let last: string | null = null;
  rowsMap(doc).forEach((row) => {
    const order = orderKey(row);
    if (order !== '' && (last === null || order > last)) last = order;
  });
  return ordersBetween(last, null, count);
}

export function rowCells(row: Y.Map<unknown>): Y.Map<Cell> {
  return row.get('cells') as Y.Map<Cell>;
}

export function isLiveRow(doc: Y.Doc, rowId: string): boolean {
  const row = rowsMap(doc).get(rowId);
  return row !== undefined && row.get('deleted') !== true;
}

export interface RowPosition {
  /** Insert after this row; null inserts first; undefined appends at the end. */
  after?: string | null;
}

/**
 * Inserts rows, each with its `cells` map created in the same transaction (never lazily: two clients
 * creating one nested map concurrently would lose one). Values are keyed by column id and validated.
 */
export function insertRows(
  doc: Y.Doc,
  rows: ReadonlyArray<Record<string, CellValue>>,
  position: RowPosition,
  editor: Editor,
  options: { hidden?: boolean; orders?: readonly string[]; capsChecked?: boolean } = {},
): string[] {
  const columns = new Map(readColumns(doc).map((c) => [c.id, c]));
  for (const values of rows) for (const [colId, value] of Object.entries(values)) validateCell(columns, colId, value);
  const ids: string[] = [];
  if (rows.length === 0) return ids;
  // A caller that writes one batch in many calls (CSV import) checks the caps once for all of it.
  if (!options.capsChecked) assertRoomFor(doc, { cells: cellsInNewRows(rows), rows: rows.length });
  if (options.orders && options.orders.length !== rows.length) throw new Error('insertRows: one order key per row');
  doc.transact(() => {
    let orders = options.orders;
    if (!orders) {
      const { before, after } = neighbours(readRowOrder(doc, true), position.after);
      orders = ordersBetween(before, after, rows.length);
    }
    const t = editor.clock.tick();
    rows.forEach((values, i) => {
      const id = newId(10);
      const row = new Y.Map<unknown>();
      const cells = new Y.Map<Cell>();
      for (const [colId, value] of Object.entries(values)) {
        if (value !== null) cells.set(colId, { v: value, t, by: editor.userId });
      }
      row.set('order', orders![i]);
      if (options.hidden) row.set('deleted', true);
      row.set('cells', cells);
      rowsMap(doc).set(id, row);
      ids.push(id);
    });
  }, editor.origin ?? null);
  return ids;
}

/**
 * Inserts rows so that undoing the insert is a soft delete. A Y.UndoManager undoes an insertion by deleting
 * the row's map outright, and with it every edit someone else made in the row meanwhile (DESIGN "Merge
 * semantics" 4 wants those to survive). So, when the editor names an `untrackedOrigin`, the rows are created
 * hidden (`deleted: true`) in a transaction with that origin, which its undo manager must not track, and
 * revealed in one transaction with the editor's (tracked) origin, together with whatever `alsoWrite` writes:
 * undo hides the rows again, redo shows them. Hidden rows are invisible everywhere until revealed. Without
 * `untrackedOrigin` it is a plain insert plus `alsoWrite` in one transaction.
 */
export function insertRowsUndoable(
  doc: Y.Doc,
  rows: ReadonlyArray<Record<string, CellValue>>,
  position: RowPosition,
  editor: Editor,
  alsoWrite?: (ids: string[]) => void,
): string[] {
  let ids: string[] = [];
  if (editor.untrackedOrigin === undefined || rows.length === 0) {
    doc.transact(() => {
      ids = insertRows(doc, rows, position, editor);
      alsoWrite?.(ids);
    }, editor.origin ?? null);
    return ids;
  }
  ids = insertRows(doc, rows, position, { ...editor, origin: editor.untrackedOrigin }, { hidden: true });
  doc.transact(() => {
    for (const id of ids) rowsMap(doc).get(id)!.delete('deleted');
    alsoWrite?.(ids);
  }, editor.origin ?? null);
  return ids;
}

export function insertRow(doc: Y.Doc, values: Record<string, CellValue>, position: RowPosition, editor: Editor): string {
  return insertRows(doc, [values], position, editor)[0];
}

export function deleteRows(doc: Y.Doc, rowIds: readonly string[], origin: unknown = null): void {
  doc.transact(() => {
    for (const id of rowIds) requireRowMap(doc, id, true).set('deleted', true);
  }, origin);
}

export function restoreRows(doc: Y.Doc, rowIds: readonly string[], origin: unknown = null): void {
  doc.transact(() => {
    for (const id of rowIds) requireRowMap(doc, id, true).delete('deleted');
  }, origin);
}

/** Moves a row after `afterId` (null: to the top) by rewriting its order key. */
export function moveRow(doc: Y.Doc, rowId: string, afterId: string | null, origin: unknown = null): void {
  doc.transact(() => {
    const others = readRowOrder(doc, true).filter((r) => r.id !== rowId);
    requireRowMap(doc, rowId, true).set('order', positionAfter(others, afterId));
  }, origin);
}

function requireRowMap(doc: Y.Doc, rowId: string, includeDeleted = false): Y.Map<unknown> {
  const row = rowsMap(doc).get(rowId);
  if (!row || (!includeDeleted && row.get('deleted') === true)) throw new SheetError('not_found', `no row ${rowId}`);
  return row;
}

// ---------- cells ----------

export type CellUpdate = { row: string; col: string; value: CellValue } | { row: string; col: string; adjust: number };

/**
 * Applies sets and adjustments in one transaction with one clock tick, all or nothing: every update is
 * checked (row, column, type) before anything is written. Edits to soft-deleted rows are allowed (they
 * survive and come back with the row); unknown rows are not.
 */
export function applyCellUpdates(doc: Y.Doc, updates: readonly CellUpdate[], editor: Editor): void {
  const columns = new Map(readColumns(doc).map((c) => [c.id, c]));
  for (const update of updates) {
    if (!rowsMap(doc).has(update.row)) throw new SheetError('not_found', `no row ${update.row}`);
    if ('adjust' in update) {
      const column = columns.get(update.col);
      if (!column) throw new SheetError('not_found', `no column ${update.col}`);
      if (column.type !== 'number') throw new SheetError('invalid_value', `column ${column.name} is ${column.type}; only number cells can be adjusted`);
      const problem = numberProblem(update.adjust);
      if (problem) throw new SheetError('invalid_value', `adjust: ${problem}`);
    } else {
      validateCell(columns, update.col, update.value);
    }
  }
  if (updates.length === 0) return;
  assertRoomFor(doc, { cells: cellsCreatedBy(doc, updates.filter((update) => !('adjust' in update))) });
  doc.transact(() => {
    const t = editor.clock.tick();
    for (const update of updates) {
      if ('adjust' in update) {
        adjustmentsArray(doc).push([{ row: update.row, col: update.col, d: update.adjust, t, by: editor.userId, id: newId(10) }]);
      } else {
        rowCells(rowsMap(doc).get(update.row)!).set(update.col, { v: update.value, t, by: editor.userId });
      }
    }
  }, editor.origin ?? null);
}

export function setCell(doc: Y.Doc, row: string, col: string, value: CellValue, editor: Editor): void {
  applyCellUpdates(doc, [{ row, col, value }], editor);
}

export function adjustCell(doc: Y.Doc, row: string, col: string, delta: number, editor: Editor): void {
  applyCellUpdates(doc, [{ row, col, adjust: delta }], editor);
}

/**
 * The sheet's caps (lib/sheetCapacity.ts), checked by every writer of rows and cells: browser, REST, import.
 * Throws SheetError `sheet_full` (REST answers 413).
 */
export function assertRoomFor(doc: Y.Doc, growth: { cells: number; rows?: number }): void {
  const problem = sheetCapacityProblem(doc, growth);
  if (problem) throw new SheetError('sheet_full', problem);
}

function validateCell(columns: Map<string, ColumnInfo>, colId: string, value: unknown): void {
  const column = columns.get(colId);
  if (!column) throw new SheetError('not_found', `no column ${colId}`);
  const check = checkValue(value, column.type);
  if (!check.ok) throw new SheetError('invalid_value', `column ${column.name}: ${check.message}`);
}

export function getCell(doc: Y.Doc, row: string, col: string): Cell | undefined {
  const rowMap = rowsMap(doc).get(row);
  return rowMap ? rowCells(rowMap).get(col) : undefined;
}

export function buildAdjustmentIndex(doc: Y.Doc): AdjustmentIndex {
  return indexAdjustments(adjustmentsArray(doc).toArray());
}

export function readCellValue(doc: Y.Doc, row: string, col: string, index = buildAdjustmentIndex(doc)): CellValue {
  return resolveCell(getCell(doc, row, col), index.get(cellKey(row, col)));
}

/** The sheet as ordered, typed rows with adjustments applied; deleted rows and columns left out. */
export function readSheet(doc: Y.Doc): SheetSnapshot {
  const columns = readColumns(doc);
  const index = buildAdjustmentIndex(doc);
  const rows = readRowOrder(doc).map(({ id }) => {
    const cells = rowCells(rowsMap(doc).get(id)!);
    const values: Record<string, CellValue> = {};
    for (const column of columns) values[column.id] = resolveCell(cells.get(column.id), index.get(cellKey(id, column.id)));
    return { id, values };
  });
  return { meta: readMeta(doc), columns, rows };
}

// ---------- ordering helpers ----------

/**
 * The order keys a new key goes between. An empty key is a missing one: delivered out of order, a move's
 * delete of the old `order` value can arrive before the new value (Yjs applies delete sets at once but holds
 * structs until the writer's earlier updates arrive), so a row briefly has no order. Such rows sort first (by
 * id, as DuckDB's `ORDER BY ord, row_id` does) and never bound a new key: placing after one places before
 * the first keyed row.
 */
function neighbours(ordered: readonly { id: string; order: string }[], afterId: string | null | undefined) {
  const firstKeyedFrom = (start: number) => {
    for (let i = start; i < ordered.length; i++) if (hasOrder(ordered[i])) return ordered[i].order;
    return null;
  };
  if (afterId === undefined) {
    for (let i = ordered.length - 1; i >= 0; i--) if (hasOrder(ordered[i])) return { before: ordered[i].order, after: null };
    return { before: null, after: null };
  }
  if (afterId === null) return { before: null, after: firstKeyedFrom(0) };
  const index = ordered.findIndex((item) => item.id === afterId);
  if (index < 0) throw new SheetError('not_found', `no row or column ${afterId}`);
  return { before: hasOrder(ordered[index]) ? ordered[index].order : null, after: firstKeyedFrom(index + 1) };
}

function hasOrder(item: { order: string }): boolean {
  return item.order !== '';
}

/** A row's or column's order key; '' when it is (transiently) missing or not a string. */
function orderKey(map: Y.Map<unknown>): string {
  const order = map.get('order');
  return typeof order === 'string' ? order : '';
}

function positionAfter(ordered: readonly { id: string; order: string }[], afterId: string | null | undefined): string {
  const { before, after } = neighbours(ordered, afterId);
  return orderBetween(before, after);
}
