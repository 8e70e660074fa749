// Low-stock products (stock <= reorder_level), computed in the browser from the same Y.Doc the grid edits.
import type * as Y from 'yjs';
import { cellKey, resolveCell } from '../cellResolution';
import type { CellValue } from '../schema';
import { buildAdjustmentIndex, readColumns, readRowOrder, rowCells, rowsMap } from '../sheetDoc';

export interface LowStockItem {
  rowId: string;
  sku: string;
  name: string;
  stock: number;
  reorderLevel: number;
}

/** Rows whose stock is at or below their reorder level, lowest cover first (stock − reorder, then sku). */
export function computeLowStock(doc: Y.Doc): LowStockItem[] {
  const columns = readColumns(doc);
  const byName = new Map(columns.map((c) => [c.name, c.id]));
  const stockCol = byName.get('stock');
  const reorderCol = byName.get('reorder_level');
  if (!stockCol || !reorderCol) return [];
  const skuCol = byName.get('sku');
  const nameCol = byName.get('name');
  const index = buildAdjustmentIndex(doc);
  const rows = rowsMap(doc);
  const items: LowStockItem[] = [];
  const value = (rowId: string, colId: string | undefined): CellValue => {
    if (!colId) return null;
    const row = rows.get(rowId);
    return row ? resolveCell(rowCells(row).get(colId), index.get(cellKey(rowId, colId))) : null;
  };
  for (const { id } of readRowOrder(doc)) {
    const stock = value(id, stockCol);
    const reorderLevel = value(id, reorderCol);
    // As in SQL, an empty stock or reorder level is unknown, not low.
    if (typeof stock !== 'number' || typeof reorderLevel !== 'number' || stock > reorderLevel) continue;
    items.push({ rowId: id, sku: String(value(id, skuCol) ?? ''), name: String(value(id, nameCol) ?? ''), stock, reorderLevel });
  }
  return items.sort((a, b) => a.stock - a.reorderLevel - (b.stock - b.reorderLevel) || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}
