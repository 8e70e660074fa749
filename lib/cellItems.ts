// Reading Yjs's internal items for sheet cells: which items a transaction added and which cell an item
// belongs to. Cell-level merge rules (arbiter, clock observer) need the items themselves, not the map view:
// a Y.Map shows one value per key, while concurrent writes to that key live on as a list of items.
import * as Y from 'yjs';
import { ADJUSTMENTS, ROWS, type Adjustment, type Cell } from './schema';

/** True when the item was integrated by this transaction (its clock is past the client's state before it). */
export function isNewItem(transaction: Y.Transaction, item: Y.Item): boolean {
  return item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
}

/** Calls `visit` for every item the transaction integrated, local or remote. */
export function forEachNewItem(transaction: Y.Transaction, visit: (item: Y.Item) => void): void {
  const clients = transaction.doc.store.clients;
  transaction.afterState.forEach((after, client) => {
    const before = transaction.beforeState.get(client) ?? 0;
    const structs = clients.get(client);
    if (after <= before || !structs) return;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i];
      if (struct instanceof Y.Item) visit(struct);
    }
  });
}

export interface CellLocation {
  row: string;
  col: string;
  cells: Y.Map<Cell>;
}

/** Where a map item sits if it is a cell value (`rows[row].cells[col]`), else null. */
export function cellLocation(doc: Y.Doc, item: Y.Item): CellLocation | null {
  const col = item.parentSub;
  const cells = item.parent;
  if (col === null || !(cells instanceof Y.Map)) return null;
  const cellsItem = cells._item;
  if (cellsItem === null || cellsItem.parentSub !== 'cells') return null;
  const row = cellsItem.parent;
  if (!(row instanceof Y.Map) || row._item === null || row._item.parent !== doc.getMap(ROWS)) return null;
  const rowId = row._item.parentSub;
  if (rowId === null) return null;
  return { row: rowId, col, cells: cells as Y.Map<Cell> };
}

/** True when the cells map or its row map was itself removed (not soft-deleted): its values are gone for good. */
export function isCellsMapRemoved(cells: Y.Map<Cell>): boolean {
  const cellsItem = cells._item;
  return cellsItem === null || cellsItem.deleted || (cellsItem.parent as Y.Map<unknown>)._item?.deleted === true;
}

/**
 * The cell an item holds, or undefined when its content was garbage-collected or is not a cell. One item can
 * hold several values: Yjs merges a run of one client's successive sets of a key (each written over the one
 * before, so with consecutive clocks) into one item once they are all deleted, keeping the content when the
 * gcFilter retains it (cellRetention). The run stands for its last value, as Y.Map reads it; the earlier ones
 * were overwritten by their own writer. (Reading the first made a retained loser's first value win over its
 * writer's later one: the fuzz's rare "set lost silently".)
 */
export function readCellItem(item: Y.Item): Cell | undefined {
  if (!(item.content instanceof Y.ContentAny)) return undefined;
  const content = item.content.getContent();
  const value = content[content.length - 1];
  return isCell(value) ? value : undefined;
}

export function isCell(value: unknown): value is Cell {
  if (typeof value !== 'object' || value === null) return false;
  const cell = value as Partial<Cell>;
  return typeof cell.t === 'number' && typeof cell.by === 'string' && 'v' in cell;
}

/** The adjustments an item holds if it is part of `doc.getArray('adjustments')`, else none. */
export function readAdjustmentItem(doc: Y.Doc, item: Y.Item): Adjustment[] {
  if (item.parent !== doc.getArray(ADJUSTMENTS) || !(item.content instanceof Y.ContentAny)) return [];
  return item.content.getContent().filter((value): value is Adjustment => typeof (value as Adjustment)?.t === 'number');
}
