import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { HybridLogicalClock } from './hlc';
import {
  applyCellUpdates,
  deleteRows,
  initSheet,
  insertColumn,
  insertRows,
  insertRowsUndoable,
  moveColumn,
  moveRow,
  readColumns,
  readRowOrder,
  readSheet,
  restoreRows,
  rowsMap,
  SheetError,
} from './sheetDoc';

const editor = (userId = 'alice') => ({ clock: new HybridLogicalClock(), userId });

function productsDoc() {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'Stock', template: 'products', createdAt: 1 });
  const byName = Object.fromEntries(readColumns(doc).map((c) => [c.name, c.id]));
  return { doc, byName };
}

test('a products sheet gets the template columns in order', () => {
  const { doc } = productsDoc();
  const sheet = readSheet(doc);
  assert.equal(sheet.meta.title, 'Stock');
  assert.equal(sheet.meta.template, 'products');
  assert.deepEqual(
    sheet.columns.map((c) => `${c.name}:${c.type}`),
    ['sku:text', 'name:text', 'brand:text', 'family:text', 'category:text', 'stock:number', 'reorder_level:number', 'unit_cost:number', 'price:number', 'plan_units:number'],
  );
});

test('rows insert in order, move by rewriting order, and soft-delete and restore', () => {
  const { doc, byName } = productsDoc();
  const me = editor();
  const [a, b] = insertRows(doc, [{ [byName.sku]: 'A' }, { [byName.sku]: 'B' }], {}, me);
  const [c] = insertRows(doc, [{ [byName.sku]: 'C' }], { after: null }, me);
  assert.deepEqual(readSheet(doc).rows.map((r) => r.values[byName.sku]), ['C', 'A', 'B']);
  moveRow(doc, c, b);
  assert.deepEqual(readSheet(doc).rows.map((r) => r.id), [a, b, c]);
  deleteRows(doc, [b]);
  assert.deepEqual(readSheet(doc).rows.map((r) => r.id), [a, c]);
  restoreRows(doc, [b]);
  assert.deepEqual(readSheet(doc).rows.map((r) => r.id), [a, b, c]);
});

test('cell updates are validated all or nothing', () => {
  const { doc, byName } = productsDoc();
  const me = editor();
  const [row] = insertRows(doc, [{ [byName.stock]: 10 }], {}, me);
  assert.throws(
    () => applyCellUpdates(doc, [{ row, col: byName.name, value: 'ok' }, { row, col: byName.stock, value: 'ten' }], me),
    (error: unknown) => error instanceof SheetError && error.code === 'invalid_value',
  );
  assert.throws(() => applyCellUpdates(doc, [{ row, col: 'nope', value: 1 }], me), (e: unknown) => e instanceof SheetError && e.code === 'not_found');
  assert.throws(() => applyCellUpdates(doc, [{ row: 'nope', col: byName.stock, value: 1 }], me), (e: unknown) => e instanceof SheetError && e.code === 'not_found');
  assert.equal(readSheet(doc).rows[0].values[byName.name], null);
  applyCellUpdates(doc, [{ row, col: byName.name, value: 'Widget' }], me);
  assert.equal(readSheet(doc).rows[0].values[byName.name], 'Widget');
});

test('adjustments add to the latest set, and a later set replaces them', () => {
  const { doc, byName } = productsDoc();
  const me = editor();
  const [row] = insertRows(doc, [{ [byName.stock]: 10 }], {}, me);
  applyCellUpdates(doc, [{ row, col: byName.stock, adjust: -1 }], me);
  applyCellUpdates(doc, [{ row, col: byName.stock, adjust: 5 }], me);
  assert.equal(readSheet(doc).rows[0].values[byName.stock], 14);
  applyCellUpdates(doc, [{ row, col: byName.stock, value: 3 }], me);
  assert.equal(readSheet(doc).rows[0].values[byName.stock], 3);
  assert.throws(() => applyCellUpdates(doc, [{ row, col: byName.name, adjust: 1 }], me), SheetError);
});

test('two replicas inserting rows concurrently keep both', () => {
  const { doc: a, byName } = productsDoc();
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  insertRows(a, [{ [byName.sku]: 'from-a' }], {}, editor('a'));
  insertRows(b, [{ [byName.sku]: 'from-b' }], {}, editor('b'));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  assert.deepEqual(readSheet(a).rows, readSheet(b).rows);
  assert.deepEqual(readSheet(a).rows.map((r) => r.values[byName.sku]).sort(), ['from-a', 'from-b']);
});

test('a row whose order is missing (a move delivered out of order) neither breaks inserts and moves nor duplicates', () => {
  const { doc: a, byName } = productsDoc();
  const me = editor('a');
  const [r1, r2, r3] = insertRows(a, [{ [byName.sku]: '1' }, { [byName.sku]: '2' }, { [byName.sku]: '3' }], {}, me);
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  // A sets a cell (update 1), then moves r3 to the top (update 2). B gets update 2 first: its delete of
  // r3's old order key applies at once, its new key waits for update 1, so r3 has no order on B meanwhile.
  const updates: Uint8Array[] = [];
  a.on('update', (update: Uint8Array) => updates.push(update));
  applyCellUpdates(a, [{ row: r1, col: byName.name, value: 'first' }], me);
  moveRow(a, r3, null);
  assert.equal(updates.length, 2);
  Y.applyUpdate(b, updates[1]);
  const missing = readRowOrder(b, true).find((r) => r.id === r3);
  assert.equal(missing?.order, '', 'the moved row has no order until the earlier update arrives');
  assert.equal(readRowOrder(b)[0].id, r3, 'rows without order sort first (by id), as DuckDB sorts them');

  const other = editor('b');
  const appended = insertRows(b, [{ [byName.sku]: 'end' }], {}, other);
  const top = insertRows(b, [{ [byName.sku]: 'top' }], { after: null }, other);
  const afterMissing = insertRows(b, [{ [byName.sku]: 'after-missing' }], { after: r3 }, other);
  moveRow(b, r1, r3);
  moveRow(b, r3, r2);
  moveRow(b, r2, null);
  assert.equal(readRowOrder(b).length, 6);

  Y.applyUpdate(b, updates[0]);
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const ids = readSheet(a).rows.map((r) => r.id);
  assert.deepEqual(readSheet(b).rows, readSheet(a).rows);
  assert.equal(new Set(ids).size, 6, 'no row is duplicated');
  assert.deepEqual([...ids].sort(), [r1, r2, r3, ...appended, ...top, ...afterMissing].sort());
  assert.ok(readRowOrder(a, true).every((r) => r.order !== ''), 'every row has an order once all updates arrived');
});

test('undoing an insert made with insertRowsUndoable is a soft delete: edits others made in the row survive', () => {
  const { doc: a, byName } = productsDoc();
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const origin = { name: 'a-local' };
  const undo = new Y.UndoManager([rowsMap(a)], { trackedOrigins: new Set([origin]), captureTimeout: 0 });
  const alice = { ...editor('alice'), origin, untrackedOrigin: { name: 'a-untracked' } };
  const [row] = insertRowsUndoable(a, [{ [byName.sku]: 'NEW' }], {}, alice);
  assert.equal(undo.undoStack.length, 1, 'one undo step');
  assert.deepEqual(readSheet(a).rows.map((r) => r.id), [row]);
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  applyCellUpdates(b, [{ row, col: byName.name, value: 'named by bob' }], editor('bob'));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));

  undo.undo();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  for (const doc of [a, b]) {
    assert.deepEqual(readSheet(doc).rows, [], 'the row is hidden');
    assert.equal(rowsMap(doc).get(row)?.get('deleted'), true, 'soft-deleted, not removed');
  }
  restoreRows(b, [row]); // bob brings it back: his edit is still there
  assert.equal(readSheet(b).rows[0].values[byName.name], 'named by bob');
  assert.equal(readSheet(b).rows[0].values[byName.sku], 'NEW');

  undo.redo();
  assert.equal(readSheet(a).rows.length, 1, 'redo shows the row again');
});

test('columns insert and move', () => {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'x', template: 'blank', createdAt: 0 });
  const [a, b, c] = readColumns(doc).map((col) => col.id);
  const d = insertColumn(doc, { name: 'D', type: 'number' }, a);
  assert.deepEqual(readColumns(doc).map((col) => col.id), [a, d, b, c]);
  moveColumn(doc, a, c);
  assert.deepEqual(readColumns(doc).map((col) => col.id), [d, b, c, a]);
});
