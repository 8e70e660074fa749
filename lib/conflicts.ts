// Reading and resolving the conflict records the arbiter keeps (DESIGN "Merge semantics" 2).
import type * as Y from 'yjs';
import { conflictKey } from './cellArbiter';
import { cellKey, resolveCell } from './cellResolution';
import { compareStamps } from './hlc';
import type { CellValue, ConflictRecord } from './schema';
import { buildAdjustmentIndex, conflictsArray, getCell, setCell, type Editor } from './sheetDoc';

/** Every open conflict, one per (row, col, lost stamp) even if a record was written twice. */
export function readConflicts(doc: Y.Doc): ConflictRecord[] {
  const seen = new Set<string>();
  const records: ConflictRecord[] = [];
  for (const record of conflictsArray(doc)) {
    const key = conflictKey(record.row, record.col, record.lost);
    if (seen.has(key)) continue;
    seen.add(key);
    records.push(record);
  }
  return records;
}

export function conflictsForCell(doc: Y.Doc, row: string, col: string): ConflictRecord[] {
  return readConflicts(doc).filter((record) => record.row === row && record.col === col);
}

/** Open conflicts grouped by cell (`cellKey(row, col)`), for marking cells in the grid. */
export function conflictsByCell(doc: Y.Doc): Map<string, ConflictRecord[]> {
  const byCell = new Map<string, ConflictRecord[]>();
  for (const record of readConflicts(doc)) {
    const key = cellKey(record.row, record.col);
    const list = byCell.get(key);
    if (list) list.push(record);
    else byCell.set(key, [record]);
  }
  return byCell;
}

/**
 * Settles a conflict in one transaction (one undo step): removes its record(s) and makes the chosen value
 * the cell's value. The chosen value counts the adjustments stamped after it, so picking the lost stock
 * figure still subtracts the sales made since. Keeping the value that is still shown only dismisses the
 * record: writing it again would drop concurrent adjustments that have not arrived yet.
 */
export function resolveConflict(doc: Y.Doc, conflict: ConflictRecord, choice: 'kept' | 'lost', editor: Editor): void {
  const chosen = conflict[choice];
  const current = getCell(doc, conflict.row, conflict.col);
  const alreadyShown = current !== undefined && compareStamps(current, chosen) === 0;
  const value: CellValue = resolveCell(chosen, buildAdjustmentIndex(doc).get(cellKey(conflict.row, conflict.col)));
  doc.transact(() => {
    if (!alreadyShown) setCell(doc, conflict.row, conflict.col, value, editor);
    removeConflictRecords(doc, conflict, editor.origin ?? null);
  }, editor.origin ?? null);
}

/** Deletes every record of this conflict (same cell and same lost stamp). */
export function removeConflictRecords(doc: Y.Doc, conflict: ConflictRecord, origin: unknown = null): void {
  const key = conflictKey(conflict.row, conflict.col, conflict.lost);
  const conflicts = conflictsArray(doc);
  doc.transact(() => {
    const records = conflicts.toArray();
    for (let i = records.length - 1; i >= 0; i--) {
      if (conflictKey(records[i].row, records[i].col, records[i].lost) === key) conflicts.delete(i, 1);
    }
  }, origin);
}
