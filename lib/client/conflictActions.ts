// Resolving a marked conflict from the grid (DESIGN "Merge semantics" 2): the popover lists the values that
// raced in a cell, and "keep this one" makes one of them the cell's value and closes every open record of
// the cell. One transaction with the editor's origin, so it syncs and undoes in one step like any edit.
import type * as Y from 'yjs';
import { conflictsForCell, removeConflictRecords, resolveConflict } from '../conflicts';
import { compareStamps } from '../hlc';
import type { Cell, ConflictRecord } from '../schema';
import { getCell, type Editor } from '../sheetDoc';

/** The open conflict records of one cell (deduplicated on the lost value). */
export function conflictsFor(doc: Y.Doc, rowId: string, colId: string): ConflictRecord[] {
  return conflictsForCell(doc, rowId, colId);
}

export interface ConflictCandidate {
  cell: Cell;
  /** The value the cell shows now (its latest set; adjustments are not counted here). */
  current: boolean;
  /** The record to resolve with, and which side of it this value is. */
  record: ConflictRecord;
  choice: 'kept' | 'lost';
}

/**
 * The distinct values that raced in a cell, latest first: each record's kept and lost values, once per stamp.
 * Usually two (the kept one and the one that lost), more when several people edited the cell concurrently.
 */
export function conflictCandidates(doc: Y.Doc, rowId: string, colId: string): ConflictCandidate[] {
  const shown = getCell(doc, rowId, colId);
  const byStamp = new Map<string, ConflictCandidate>();
  for (const record of conflictsFor(doc, rowId, colId)) {
    for (const choice of ['kept', 'lost'] as const) {
      const cell = record[choice];
      const key = `${cell.t}\u0001${cell.by}`;
      if (byStamp.has(key)) continue;
      byStamp.set(key, { cell, current: shown !== undefined && compareStamps(shown, cell) === 0, record, choice });
    }
  }
  return [...byStamp.values()].sort((a, b) => compareStamps(b.cell, a.cell));
}

/**
 * "Keep this one": makes `candidate`'s value the cell's value (a no-op write when it is already shown, so
 * concurrent adjustments are not overwritten) and removes every open conflict record of the cell, in one
 * transaction.
 */
export function keepConflictValue(doc: Y.Doc, rowId: string, colId: string, candidate: ConflictCandidate, editor: Editor): void {
  const origin = editor.origin ?? null;
  doc.transact(() => {
    resolveConflict(doc, candidate.record, candidate.choice, editor);
    for (const record of conflictsFor(doc, rowId, colId)) removeConflictRecords(doc, record, origin);
  }, origin);
}
