import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../hlc';
import { applyCellUpdates, deleteRows, initSheet, insertRows, readColumns } from '../sheetDoc';
import { GridModel } from './gridModel';

function sheet(rows: number) {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'Stock', template: 'products', createdAt: 1 });
  const col = Object.fromEntries(readColumns(doc).map((c) => [c.name, c.id]));
  const editor = { clock: new HybridLogicalClock(), userId: 'alice' };
  const ids = insertRows(
    doc,
    Array.from({ length: rows }, (_, i) => ({ [col.sku]: `S${i}`, [col.stock]: i })),
    {},
    editor,
  );
  return { doc, col, ids, editor };
}

/** A second replica whose updates arrive as remote transactions. */
function remoteEdit(doc: Y.Doc, fn: (remote: Y.Doc) => void) {
  const remote = new Y.Doc();
  Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc));
  const before = Y.encodeStateVector(remote);
  fn(remote);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, before), 'provider');
}

test('the window holds only windowSize rows with real row labels', () => {
  const { doc } = sheet(500);
  const model = new GridModel(doc, { windowSize: 60 });
  assert.equal(model.rowCount, 500);
  assert.equal(model.data.length, 60);
  assert.equal(model.data[0].length, 10);
  model.setWindowStart(200);
  assert.equal(model.rowLabels[0], '201');
  assert.equal(model.data[0][0].value, 'S200');
  model.setWindowStart(10_000);
  assert.equal(model.windowStart, 440);
});

test('a remote edit outside the window keeps the data reference', () => {
  const { doc, col, ids } = sheet(300);
  const model = new GridModel(doc, { windowSize: 60 });
  const before = model.data;
  let notified = 0;
  model.subscribe(() => notified++);
  remoteEdit(doc, (remote) => applyCellUpdates(remote, [{ row: ids[250], col: col.stock, value: 99 }], { clock: new HybridLogicalClock(), userId: 'bob' }));
  assert.equal(notified, 1);
  assert.equal(model.data, before);
  assert.equal(model.valueAt(ids[250], col.stock), 99);
});

test('a remote edit inside the window copies only the changed row and cell', () => {
  const { doc, col, ids } = sheet(300);
  const isRemote = (t: Y.Transaction) => t.origin === 'provider';
  const model = new GridModel(doc, { windowSize: 60, isRemote });
  const before = model.data;
  remoteEdit(doc, (remote) => applyCellUpdates(remote, [{ row: ids[5], col: col.stock, value: 42 }], { clock: new HybridLogicalClock(), userId: 'bob' }));
  assert.notEqual(model.data, before);
  const stockIdx = model.indexOfColumn(col.stock);
  for (let r = 0; r < 60; r++) {
    if (r === 5) continue;
    assert.equal(model.data[r], before[r], `row ${r} keeps identity`);
  }
  assert.notEqual(model.data[5], before[5]);
  for (let c = 0; c < 10; c++) {
    if (c === stockIdx) continue;
    assert.equal(model.data[5][c], before[5][c], `cell ${c} keeps identity`);
  }
  assert.equal(model.data[5][stockIdx].value, 42);
  assert.ok(model.data[5][stockIdx].flash, 'remote edits flash');
});

test('adjustments resolve into cells and local edits do not flash', () => {
  const { doc, col, ids, editor } = sheet(10);
  const model = new GridModel(doc, { windowSize: 60, isRemote: (t) => t.origin === 'provider' });
  const stockIdx = model.indexOfColumn(col.stock);
  applyCellUpdates(doc, [{ row: ids[3], col: col.stock, adjust: 5 }], editor);
  assert.equal(model.data[3][stockIdx].value, 8);
  assert.equal(model.data[3][stockIdx].flash, undefined);
  applyCellUpdates(doc, [{ row: ids[3], col: col.stock, adjust: -2 }], editor);
  assert.equal(model.data[3][stockIdx].value, 6);
});

test('row deletes and inserts reorder the window; conflicts mark cells', () => {
  const { doc, col, ids, editor } = sheet(10);
  const model = new GridModel(doc, { windowSize: 60 });
  deleteRows(doc, [ids[0]]);
  assert.equal(model.rowCount, 9);
  assert.equal(model.data[0][0].value, 'S1');
  insertRows(doc, [{ [col.sku]: 'new' }], { after: null }, editor);
  assert.equal(model.data[0][0].value, 'new');
  doc.getArray('conflicts').push([{ row: ids[2], col: col.sku, kept: { v: 'a', t: 1, by: 'x' }, lost: { v: 'b', t: 1, by: 'y' } }]);
  const r = model.indexOfRow(ids[2]);
  assert.equal(model.data[r][0].conflict, true);
});

test('remote times move the local clock forward', () => {
  const { doc, col, ids } = sheet(3);
  const clock = new HybridLogicalClock(() => 1000);
  new GridModel(doc, { clock, isRemote: (t) => t.origin === 'provider' });
  const future = new HybridLogicalClock(() => 5_000_000_000_000);
  remoteEdit(doc, (remote) => applyCellUpdates(remote, [{ row: ids[0], col: col.sku, value: 'x' }], { clock: future, userId: 'bob' }));
  assert.ok(clock.tick() > 5_000_000_000_000);
});

test('a column window: the matrix holds only its columns, edits land in the right cell, outside edits keep the data', () => {
  const { doc, col, ids } = sheet(100);
  const isRemote = (t: Y.Transaction) => t.origin === 'provider';
  const model = new GridModel(doc, { windowSize: 20, isRemote });
  assert.equal(model.setWindow({ rowStart: 10, rowCount: 15, colStart: 4, colCount: 3 }), true);
  assert.equal(model.data.length, 15);
  assert.equal(model.data[0].length, 3);
  assert.deepEqual(model.windowColumns.map((c) => c.name), ['category', 'stock', 'reorder_level']);
  assert.deepEqual(model.columnLabels, ['category', 'stock', 'reorder_level']);
  assert.equal(model.data[0][1].value, 10, 'stock of row 10');
  assert.equal(model.setWindow({ rowStart: 10, rowCount: 15, colStart: 4, colCount: 3 }), false, 'same window: no change');

  const before = model.data;
  const editor = { clock: new HybridLogicalClock(), userId: 'bob' };
  remoteEdit(doc, (remote) => applyCellUpdates(remote, [{ row: ids[12], col: col.sku, value: 'outside' }], editor));
  assert.equal(model.data, before, 'an edit in a column outside the window keeps the reference');
  remoteEdit(doc, (remote) => applyCellUpdates(remote, [{ row: ids[12], col: col.stock, value: 77 }], editor));
  assert.notEqual(model.data, before);
  assert.equal(model.data[2][1].value, 77);
  assert.ok(model.data[2][1].flash);
  assert.equal(model.data[3], before[3], 'other rows keep identity');
  assert.equal(model.data[2][0], before[2][0], 'other cells keep identity');

  // Clamped at the right edge; Infinity shows every column again.
  model.setWindow({ rowStart: 0, rowCount: 15, colStart: 99, colCount: 3 });
  assert.equal(model.colStart, 7);
  model.setWindow({ rowStart: 0, rowCount: 15, colStart: 0, colCount: Infinity });
  assert.equal(model.data[0].length, 10);
});

test('a view sorts and filters this model only; the document order stays', () => {
  const { doc, col, ids } = sheet(300);
  const model = new GridModel(doc, { windowSize: 40 });
  assert.equal(model.setView({ sort: { col: col.stock, dir: 'desc' }, filters: [] }), true);
  assert.equal(model.data[0][0].value, 'S299');
  assert.equal(model.rowLabels[0], '1');
  assert.equal(model.totalRowCount, 300);
  const other = new GridModel(doc, { windowSize: 40 });
  assert.equal(other.data[0][0].value, 'S0');
  assert.deepEqual(other.rowIds, ids);

  model.setView({ sort: { col: col.stock, dir: 'asc' }, filters: [{ col: col.stock, op: 'between', min: 100, max: 199 }] });
  assert.equal(model.rowCount, 100);
  assert.equal(model.rowIdAt(0), ids[100]);
  assert.equal(model.indexOfRow(ids[5]), -1);
  model.setView(null);
  assert.equal(model.rowCount, 300);
});

test('while sorted: a remote edit outside the view columns keeps identity; one in the sort column re-sorts', () => {
  const { doc, col, ids } = sheet(300);
  const model = new GridModel(doc, { windowSize: 40 });
  model.setView({ sort: { col: col.stock, dir: 'desc' }, filters: [] });
  const before = model.data;
  const bob = { clock: new HybridLogicalClock(), userId: 'bob' };
  remoteEdit(doc, (remote) => applyCellUpdates(remote, [{ row: ids[298], col: col.name, value: 'renamed' }], bob));
  assert.notEqual(model.data, before);
  assert.equal(model.data[1][1].value, 'renamed');
  assert.equal(model.data[0], before[0], 'unchanged rows keep identity');
  assert.equal(model.data[2][0], before[2][0]);
  remoteEdit(doc, (remote) => applyCellUpdates(remote, [{ row: ids[3], col: col.stock, value: 1000 }], bob));
  assert.equal(model.rowIdAt(0), ids[3]);
  assert.equal(model.data[0][0].value, 'S3');
  assert.equal(model.data[1], before[0], 'rows that only moved keep identity');
  // Filtered: a row edited out of the filter leaves the view.
  model.setView({ sort: null, filters: [{ col: col.stock, op: 'between', max: 10 }] });
  assert.equal(model.rowCount, 10);
  remoteEdit(doc, (remote) => applyCellUpdates(remote, [{ row: ids[0], col: col.stock, value: 50 }], bob));
  assert.equal(model.rowCount, 9);
  assert.equal(model.indexOfRow(ids[0]), -1);
});
