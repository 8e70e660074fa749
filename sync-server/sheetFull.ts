// The per-sheet caps on the server's own write paths (REST rows and cells, CSV import): the same counts and
// limits as the socket guard (lib/sheetCapacity.ts), refused as 413 `sheet_full` before anything is written.
import type * as Y from 'yjs';
import { sheetCapacityProblem } from '../lib/sheetCapacity';
import { HttpError } from './httpErrors';

/** Throws 413 `sheet_full` when adding these cells and rows would take the sheet past its caps. */
export function refuseWhenFull(doc: Y.Doc, growth: { cells: number; rows?: number }): void {
  const problem = sheetCapacityProblem(doc, growth);
  if (problem) throw new HttpError(413, 'sheet_full', problem);
}
