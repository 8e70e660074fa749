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
  moveColumn,
  moveRow,
  readColumns,
  readSheet,
  restoreRows,
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

test('columns insert and move', () => {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'x', template: 'blank', createdAt: 0 });
  const [a, b, c] = readColumns(doc).map((col) => col.id);
  const d = insertColumn(doc, { name: 'D', type: 'number' }, a);
  assert.deepEqual(readColumns(doc).map((col) => col.id), [a, d, b, c]);
  moveColumn(doc, a, c);
  assert.deepEqual(readColumns(doc).map((col) => col.id), [d, b, c, a]);
});
