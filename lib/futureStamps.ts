// Adjustments stamped too far ahead of the server's clock (DESIGN "limits": more than a minute) count as
// stamped now: the server replaces each, in its own transaction, by a copy with its clock's time, so it
// cannot outlast later real sets (a cell's value is its latest set plus the adjustments after it). Cells
// are clamped by the cell arbiter (cellArbiter.ts, `futureStamps`).
import * as Y from 'yjs';
import { forEachNewItem, readAdjustmentItem } from './cellItems';
import type { Adjustment } from './schema';
import { adjustmentsArray } from './sheetDoc';

export function clampFutureAdjustments(doc: Y.Doc, options: { now: () => number; aheadMs: () => number; origin: unknown }): () => void {
  const onTransaction = (transaction: Y.Transaction) => {
    const now = options.now();
    const latest = now + options.aheadMs();
    const ahead = new Set<string>();
    forEachNewItem(transaction, (item) => {
      if (item.deleted) return;
      for (const adjustment of readAdjustmentItem(doc, item)) if (adjustment.t > latest) ahead.add(adjustment.id);
    });
    if (ahead.size === 0) return;
    doc.transact(() => {
      const list = adjustmentsArray(doc);
      const entries = list.toArray();
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry: Adjustment = entries[i];
        if (!ahead.has(entry.id) || entry.t <= latest) continue;
        list.delete(i, 1);
        list.insert(i, [{ ...entry, t: now }]);
      }
    }, options.origin);
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}
