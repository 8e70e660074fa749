// How much a sheet holds, for the per-sheet caps (limits.cellsPerSheet and rowsPerSheet, DESIGN "limits"): a
// sheet lives whole in one Y.Doc on the server and in every browser that opens it, so repeated imports or
// inserts must not grow it past what those hold. Every path that adds cells or rows checks against the same
// counts: the socket guard (lib/updateGuard.ts), REST rows and cells, CSV import.
//
// A cell counts once its key exists in its row's `cells` map, whatever its value (a cleared cell is still an
// item). The count is taken once per document (a pass over the rows: each row's cells map knows its size) and
// then kept by adding the keys each transaction creates; rows removed outright give their cells back only when
// the sheet is next loaded (the count errs on the high side meanwhile). A row counts once its id is a key of
// `rows`, removed or not: a removed row's entry stays in the map.
import * as Y from 'yjs';
import { cellLocation, forEachNewItem, isCellsMapRemoved, isNewItem } from './cellItems';
import { limits } from './limits';
import { ROWS } from './schema';

// Not sheetDoc's rowsMap: sheetDoc checks its writes against these caps.
const rowsMap = (doc: Y.Doc) => doc.getMap<unknown>(ROWS);

const counts = new WeakMap<Y.Doc, { cells: number }>();

/** The cells of the sheet (see above); the first call for a document counts them and starts keeping the count. */
export function sheetCellCount(doc: Y.Doc): number {
  let count = counts.get(doc);
  if (!count) {
    const kept = { cells: countCells(doc) };
    counts.set(doc, kept);
    doc.on('afterTransaction', (transaction: Y.Transaction) => (kept.cells += cellKeysCreated(transaction)));
    doc.on('destroy', () => counts.delete(doc));
    count = kept;
  }
  return count.cells;
}

/** The cells of a sheet, counted from scratch: for each live row, the keys of its cells map. */
export function countCells(doc: Y.Doc): number {
  let cells = 0;
  for (const item of rowsMap(doc)._map.values()) {
    if (item.deleted) continue;
    cells += cellsMapOf(item)?._map.size ?? 0;
  }
  return cells;
}

/** Whether `rows[row].cells[col]` exists in the document (set at some time, whatever its value now). */
export function hasCell(doc: Y.Doc, row: string, col: string): boolean {
  const item = rowsMap(doc)._map.get(row);
  return item !== undefined && !item.deleted && (cellsMapOf(item)?._map.has(col) ?? false);
}

function cellsMapOf(rowItem: Y.Item): Y.Map<unknown> | null {
  const row = rowItem.content instanceof Y.ContentType ? rowItem.content.type : null;
  if (!(row instanceof Y.Map)) return null;
  const cellsItem = row._map.get('cells');
  if (!cellsItem || cellsItem.deleted || !(cellsItem.content instanceof Y.ContentType)) return null;
  const cells = cellsItem.content.type;
  return cells instanceof Y.Map ? cells : null;
}

/**
 * Cell keys the transaction created: for each key a new item now shows, the key is new when every item before
 * it in the key's list is new too (an earlier item means the key existed, whatever this transaction wrote).
 */
function cellKeysCreated(transaction: Y.Transaction): number {
  let created = 0;
  forEachNewItem(transaction, (item) => {
    if (item.parentSub === null || !(item.parent instanceof Y.Map)) return;
    if ((item.parent as Y.Map<unknown>)._map.get(item.parentSub) !== item) return;
    const location = cellLocation(transaction.doc, item);
    if (!location || isCellsMapRemoved(location.cells)) return;
    for (let left = item.left; left !== null; left = left.left) if (!isNewItem(transaction, left)) return;
    created++;
  });
  return created;
}

/** Rows of the sheet: every id in `rows`, live, soft-deleted or removed (its entry stays in the map). */
export function sheetRowCount(doc: Y.Doc): number {
  return rowsMap(doc)._map.size;
}

/** Why adding `cells` cells and `rows` rows to the sheet is refused (past its caps), or null. */
export function sheetCapacityProblem(doc: Y.Doc, { cells, rows = 0 }: { cells: number; rows?: number }): string | null {
  const { cellsPerSheet, rowsPerSheet } = limits();
  const split = ': split the data over several sheets';
  if (rows > 0 && sheetRowCount(doc) + rows > rowsPerSheet) {
    return `This sheet is full: a sheet has at most ${rowsPerSheet.toLocaleString('en-US')} rows; this one has ${sheetRowCount(doc).toLocaleString('en-US')} and this would add ${rows.toLocaleString('en-US')}${split}`;
  }
  if (cells > 0 && sheetCellCount(doc) + cells > cellsPerSheet) {
    return `This sheet is full: a sheet has at most ${cellsPerSheet.toLocaleString('en-US')} cells; this one has ${sheetCellCount(doc).toLocaleString('en-US')} and this would add ${cells.toLocaleString('en-US')}${split}`;
  }
  return null;
}

/**
 * Cells that writing these (row, column) pairs would create: the pairs not in the sheet yet, each once. A row
 * the sheet does not have creates nothing here: the write is refused for it (404), not for the cap.
 */
export function cellsCreatedBy(doc: Y.Doc, writes: Iterable<{ row: string; col: string }>): number {
  const rows = rowsMap(doc);
  const created = new Set<string>();
  for (const { row, col } of writes) if (rows.has(row) && !hasCell(doc, row, col)) created.add(`${row}\u0000${col}`);
  return created.size;
}

/** Cells that inserting these rows creates (insertRows writes no cell for a null value). */
export function cellsInNewRows(rows: ReadonlyArray<Record<string, unknown>>): number {
  let cells = 0;
  for (const values of rows) for (const value of Object.values(values)) if (value !== null) cells++;
  return cells;
}
