// Resolving a marked conflict from the grid: keep the current value or take the one that lost. One
// transaction with the editor's origin, so it syncs and undoes like any edit.
import type * as Y from 'yjs';
import type { ConflictRecord } from '../schema';
import { applyCellUpdates, conflictsArray, type Editor } from '../sheetDoc';

export function conflictsFor(doc: Y.Doc, rowId: string, colId: string): ConflictRecord[] {
  return conflictsArray(doc)
    .toArray()
    .filter((c) => c && c.row === rowId && c.col === colId);
}

export function resolveCellConflict(doc: Y.Doc, rowId: string, colId: string, choice: 'kept' | 'lost', editor: Editor): void {
  doc.transact(() => {
    const array = conflictsArray(doc);
    const records = array.toArray();
    let lost: ConflictRecord | undefined;
    for (let i = records.length - 1; i >= 0; i--) {
      const record = records[i];
      if (record && record.row === rowId && record.col === colId) {
        lost ??= record;
        array.delete(i, 1);
      }
    }
    if (choice === 'lost' && lost) applyCellUpdates(doc, [{ row: rowId, col: colId, value: lost.lost.v }], editor);
  }, editor.origin ?? null);
}
