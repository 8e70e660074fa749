// Client side of the HLC contract: every remote stamp a user could have seen moves the local clock past it,
// so an edit made after seeing a value is stamped later than that value and wins against it.
import type * as Y from 'yjs';
import { forEachNewItem, readAdjustmentItem, readCellItem, cellLocation } from './cellItems';
import type { HybridLogicalClock } from './hlc';
import { adjustmentsArray, rowCells, rowsMap } from './sheetDoc';

/** Observes the stamps already in `doc` and every remote cell or adjustment from now on; returns the detach function. */
export function observeRemoteClock(doc: Y.Doc, clock: HybridLogicalClock): () => void {
  rowsMap(doc).forEach((row) => rowCells(row)?.forEach((cell) => clock.observe(cell.t)));
  for (const adjustment of adjustmentsArray(doc)) clock.observe(adjustment.t);

  const onTransaction = (transaction: Y.Transaction) => {
    if (transaction.local) return; // local edits were stamped by this clock already
    forEachNewItem(transaction, (item) => {
      if (cellLocation(doc, item)) {
        const cell = readCellItem(item);
        if (cell) clock.observe(cell.t);
        return;
      }
      for (const adjustment of readAdjustmentItem(doc, item)) clock.observe(adjustment.t);
    });
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}
