// Compaction of the adjustments log: an adjustment stamped before its cell's current set no longer
// changes the value (DESIGN "Merge semantics" 3), so it can go.
import type * as Y from 'yjs';
import { adjustmentApplies, cellKey } from './cellResolution';
import type { Adjustment } from './schema';
import { adjustmentsArray, conflictsArray, getCell } from './sheetDoc';

/**
 * Removes adjustments that a later set has overridden and returns how many went. Adjustments of cells with
 * an open conflict stay: resolving it in favour of the lost value counts them. Run it where no undo can
 * bring an older set back (an undo restores the older stamp, under which a pruned adjustment would count).
 */
export function pruneStaleAdjustments(doc: Y.Doc, origin: unknown = null): number {
  const adjustments = adjustmentsArray(doc);
  const contested = new Set(conflictsArray(doc).toArray().map((record) => cellKey(record.row, record.col)));
  let removed = 0;
  doc.transact(() => {
    const entries = adjustments.toArray();
    // Delete from the end so earlier indexes stay valid; runs of stale entries go in one delete.
    let runEnd = -1;
    for (let i = entries.length - 1; i >= -1; i--) {
      const stale = i >= 0 && isStale(doc, entries[i], contested);
      if (stale && runEnd < 0) runEnd = i;
      if (!stale && runEnd >= 0) {
        adjustments.delete(i + 1, runEnd - i);
        removed += runEnd - i;
        runEnd = -1;
      }
    }
  }, origin);
  return removed;
}

function isStale(doc: Y.Doc, adjustment: Adjustment, contested: Set<string>): boolean {
  if (contested.has(cellKey(adjustment.row, adjustment.col))) return false;
  const cell = getCell(doc, adjustment.row, adjustment.col);
  return cell !== undefined && !adjustmentApplies(adjustment, cell);
}
