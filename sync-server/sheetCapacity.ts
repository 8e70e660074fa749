// The per-sheet cell cap on the server's own write paths (REST rows and cells, CSV import): the same count and
// limit as the socket guard (lib/sheetCells.ts), refused as 413 `sheet_full` before anything is written.
import type * as Y from 'yjs';
import { sheetCapacityProblem } from '../lib/sheetCells';
import { HttpError } from './httpErrors';

/** Throws 413 `sheet_full` when adding `cells` cells would take the sheet past its cap. */
export function refuseOverCapacity(doc: Y.Doc, cells: number): void {
  const problem = sheetCapacityProblem(doc, cells);
  if (problem) throw new HttpError(413, 'sheet_full', problem);
}
