import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../hlc';
import { initSheet, insertRows, readColumns, readSheet } from '../sheetDoc';
import { applyPaste, parseTsv, planPaste, planTypedEdits, toTsv } from './edits';

test('TSV round-trips quoted tabs, newlines and quotes', () => {
  const matrix = [['a', 'b\tc', 'say "hi"'], ['line\nbreak', '', '3']];
  assert.deepEqual(parseTsv(toTsv(matrix)), matrix);
  assert.deepEqual(parseTsv('1\t2\n3\t4\n'), [['1', '2'], ['3', '4']]);
  assert.deepEqual(parseTsv('x'), [['x']]);
});

test('typed edits: wrong type refused, +5 becomes an adjustment', () => {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'P', template: 'products', createdAt: 1 });
  const cols = readColumns(doc);
  const stock = cols.find((c) => c.name === 'stock')!;
  const bad = planTypedEdits([{ rowId: 'r', column: stock, text: 'abc' }]);
  assert.equal(bad.ok, false);
  const adj = planTypedEdits([{ rowId: 'r', column: stock, text: '+5' }]);
  assert.deepEqual(adj, { ok: true, updates: [{ row: 'r', col: stock.id, adjust: 5 }] });
});

test('a 3x3 paste is one transaction and extends the sheet with new rows', () => {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'P', template: 'products', createdAt: 1 });
  const origin = {};
  const editor = { clock: new HybridLogicalClock(), userId: 'a', origin };
  const cols = readColumns(doc);
  const ids = insertRows(doc, [{}, {}], {}, editor);
  const um = new Y.UndoManager([doc.getMap('rows'), doc.getArray('adjustments')], { trackedOrigins: new Set([origin]), captureTimeout: 0 });
  const plan = planPaste({ rowIds: ids, columns: cols, anchorRow: 0, anchorCol: 0 }, parseTsv('a\tb\tc\nd\te\tf\ng\th\ti'));
  assert.ok(plan.ok);
  if (!plan.ok) return;
  assert.equal(plan.newRows.length, 1);
  let transactions = 0;
  doc.on('afterTransaction', () => transactions++);
  applyPaste(doc, plan, editor);
  assert.equal(transactions, 1);
  assert.deepEqual(readSheet(doc).rows.map((r) => r.values[cols[1].id]), ['b', 'e', 'h']);
  um.undo();
  assert.deepEqual(readSheet(doc).rows.map((r) => r.values[cols[1].id]), [null, null]);
  const badPlan = planPaste({ rowIds: ids, columns: cols, anchorRow: 0, anchorCol: 5 }, [['1', 'x']]);
  assert.equal(badPlan.ok, false);
});
