import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { pruneStaleAdjustments } from './adjustmentPruning';
import { HybridLogicalClock } from './hlc';
import { adjustCell, adjustmentsArray, conflictsArray, initSheet, insertColumn, insertRows, readSheet, setCell } from './sheetDoc';

function stockSheet() {
  const doc = new Y.Doc();
  let now = 1_000;
  const editor = { clock: new HybridLogicalClock(() => (now += 10)), userId: 'clerk' };
  initSheet(doc, { title: 't', template: 'blank', createdAt: 0 });
  const stock = insertColumn(doc, { name: 'stock', type: 'number' }, undefined);
  const rows = insertRows(doc, [{ [stock]: 10 }, { [stock]: 5 }, {}], {}, editor);
  return { doc, stock, rows, editor };
}

test('adjustments overridden by a later set are removed and every value stays the same', () => {
  const { doc, stock, rows, editor } = stockSheet();
  const [a, b, c] = rows;
  adjustCell(doc, a, stock, -1, editor); // overridden by the set below
  adjustCell(doc, a, stock, -2, editor); // overridden too
  setCell(doc, a, stock, 20, editor);
  adjustCell(doc, a, stock, -3, editor); // applies: stays
  adjustCell(doc, b, stock, 4, editor); // applies: stays
  adjustCell(doc, c, stock, 1, editor); // a cell with no set: stays
  const before = readSheet(doc);
  assert.equal(pruneStaleAdjustments(doc), 2);
  assert.deepEqual(readSheet(doc), before);
  assert.deepEqual(adjustmentsArray(doc).map((x) => x.d), [-3, 4, 1]);
  assert.deepEqual(before.rows.map((r) => r.values[stock]), [17, 9, 1]);
  assert.equal(pruneStaleAdjustments(doc), 0);
});

test('adjustments of a cell with an open conflict stay: resolving to the lost value counts them', () => {
  const { doc, stock, rows, editor } = stockSheet();
  const [a] = rows;
  adjustCell(doc, a, stock, -1, editor);
  setCell(doc, a, stock, 20, editor);
  conflictsArray(doc).push([{ row: a, col: stock, kept: { v: 20, t: 2_000, by: 'x' }, lost: { v: 10, t: 1_500, by: 'y' } }]);
  assert.equal(pruneStaleAdjustments(doc), 0);
  assert.equal(adjustmentsArray(doc).length, 1);
});

test('pruning is one transaction with the given origin', () => {
  const { doc, stock, rows, editor } = stockSheet();
  adjustCell(doc, rows[0], stock, -1, editor);
  setCell(doc, rows[0], stock, 3, editor);
  conflictsArray(doc); // first access of a root type runs an empty transaction of its own
  const origins: unknown[] = [];
  doc.on('afterTransaction', (transaction: Y.Transaction) => origins.push(transaction.origin));
  const origin = { name: 'compaction' };
  pruneStaleAdjustments(doc, origin);
  assert.deepEqual(origins, [origin]);
});
