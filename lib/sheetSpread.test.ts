import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { HybridLogicalClock } from './hlc';
import { adjustCell, applyCellUpdates, deleteRows, initSheet, insertColumn, insertRows, readColumns, readSheet, SheetError } from './sheetDoc';
import { applySpread, buildPlanTree } from './sheetSpread';

const editor = (userId = 'planner', origin?: unknown) => ({ clock: new HybridLogicalClock(), userId, origin });

function plannedSheet() {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'Plan', template: 'products', createdAt: 1 });
  const col = Object.fromEntries(readColumns(doc).map((c) => [c.name, c.id]));
  const product = (sku: string, brand: string | null, family: string | null, plan: number | null) => ({
    [col.sku]: sku,
    [col.name]: `Product ${sku}`,
    [col.brand]: brand,
    [col.family]: family,
    [col.plan_units]: plan,
  });
  const ids = insertRows(
    doc,
    [
      product('X1', 'Brand X', 'Shoes', 10),
      product('X2', 'Brand X', 'Shoes', 30),
      product('X3', 'Brand X', 'Socks', 60),
      product('Y1', 'Brand Y', 'Shoes', 5),
      product('Z1', null, null, 7),
    ],
    {},
    editor('seed'),
  );
  const [x1, x2, x3, y1, z1] = ids;
  return { doc, col, x1, x2, x3, y1, z1 };
}

const planOf = (doc: Y.Doc, col: string) => Object.fromEntries(readSheet(doc).rows.map((r) => [r.id, r.values[col]]));

test('spreading a brand total changes its children in proportion, in one transaction', () => {
  const { doc, col, x1, x2, x3, y1, z1 } = plannedSheet();
  let updates = 0;
  doc.on('update', () => updates++);
  const outcome = applySpread(doc, { column: 'plan_units', group: { brand: 'Brand X' }, total: 200 }, editor());
  assert.equal(updates, 1, 'one transaction: one update to sync');
  assert.equal(outcome.changed, 3);
  assert.equal(outcome.column, col.plan_units);
  assert.deepEqual(planOf(doc, col.plan_units), { [x1]: 20, [x2]: 60, [x3]: 120, [y1]: 5, [z1]: 7 });
});

test('a family group, holds, and the column given by id', () => {
  const { doc, col, x1, x2, x3 } = plannedSheet();
  applySpread(doc, { column: col.plan_units, group: { brand: 'Brand X', family: 'Shoes' }, total: 100, hold: [x1] }, editor());
  const plan = planOf(doc, col.plan_units);
  assert.equal(plan[x1], 10);
  assert.equal(plan[x2], 90);
  assert.equal(plan[x3], 60);
});

test('the spread undoes in one step', () => {
  const { doc, col, x1, x2, x3 } = plannedSheet();
  const origin = Symbol('local');
  const undo = new Y.UndoManager([doc.getMap('rows'), doc.getArray('adjustments')], { trackedOrigins: new Set([origin]) });
  applySpread(doc, { column: 'plan_units', group: { brand: 'Brand X' }, total: 7 }, editor('planner', origin));
  assert.deepEqual([x1, x2, x3].map((id) => planOf(doc, col.plan_units)[id]), [1, 2, 4]);
  undo.undo();
  assert.deepEqual([x1, x2, x3].map((id) => planOf(doc, col.plan_units)[id]), [10, 30, 60]);
});

test('current values include adjustments; empty cells count as zero; deleted rows are not members', () => {
  const { doc, col, x1, x2, x3 } = plannedSheet();
  const me = editor();
  adjustCell(doc, x1, col.stock, 4, me);
  applyCellUpdates(doc, [{ row: x2, col: col.stock, value: 12 }], me);
  deleteRows(doc, [x3]);
  applySpread(doc, { column: 'stock', group: { brand: 'Brand X' }, total: 32 }, me);
  const stock = planOf(doc, col.stock);
  assert.equal(stock[x1], 8);
  assert.equal(stock[x2], 24);
  assert.equal(stock[x3], undefined, 'deleted rows are left out of reads');
});

test('an all-empty group is split equally; empty rows that stay zero are not written', () => {
  const { doc, col, x1, x2, x3 } = plannedSheet();
  const outcome = applySpread(doc, { column: 'stock', group: { brand: 'Brand X' }, total: 10 }, editor());
  assert.equal(outcome.changed, 3);
  // Equal shares of 10 over three rows: the smallest row id takes the leftover unit.
  const [smallest, ...others] = [x1, x2, x3].sort();
  assert.equal(planOf(doc, col.stock)[smallest], 4);
  assert.deepEqual(others.map((id) => planOf(doc, col.stock)[id]), [3, 3]);

  const zeroOutcome = applySpread(doc, { column: 'unit_cost', group: { brand: 'Brand X' }, total: 0 }, editor());
  assert.equal(zeroOutcome.changed, 0);
  assert.equal(planOf(doc, col.unit_cost)[x1], null);
});

test('decimals follow the column precision', () => {
  const { doc, col, x1, x2, x3 } = plannedSheet();
  applyCellUpdates(doc, [{ row: x1, col: col.price, value: 1.25 }, { row: x2, col: col.price, value: 1.25 }, { row: x3, col: col.price, value: 2.5 }], editor());
  const outcome = applySpread(doc, { column: 'price', group: { brand: 'Brand X' }, total: 10 }, editor());
  assert.equal(outcome.decimals, 2);
  assert.deepEqual([x1, x2, x3].map((id) => planOf(doc, col.price)[id]), [2.5, 2.5, 5]);
});

test('errors: unknown column or group, a text column, a refused spread, a hold outside the group', () => {
  const { doc, y1 } = plannedSheet();
  const code = (expected: string) => (error: unknown) => error instanceof SheetError && error.code === expected;
  const spread = (request: Parameters<typeof applySpread>[1]) => () => applySpread(doc, request, editor());
  assert.throws(spread({ column: 'nope', group: { brand: 'Brand X' }, total: 1 }), code('not_found'));
  assert.throws(spread({ column: 'plan_units', group: { brand: 'Brand Q' }, total: 1 }), code('not_found'));
  assert.throws(spread({ column: 'plan_units', group: { brand: 'Brand X', family: 'Hats' }, total: 1 }), code('not_found'));
  assert.throws(spread({ column: 'name', group: { brand: 'Brand X' }, total: 1 }), code('invalid_value'));
  assert.throws(spread({ column: 'plan_units', group: { brand: 'Brand Y' }, total: 9, hold: [y1] }), code('invalid_value'));
  assert.throws(spread({ column: 'plan_units', group: { brand: 'Brand X' }, total: 1.5 }), code('invalid_value'));
  assert.throws(spread({ column: 'plan_units', group: { brand: 'Brand X' }, total: 9, hold: [y1] }), code('not_found'));
  assert.throws(spread({ column: 'plan_units', group: { brand: 'Brand X' }, total: NaN }), code('invalid_value'));
});

test('two columns with one name must be addressed by id', () => {
  const { doc } = plannedSheet();
  insertColumn(doc, { name: 'plan_units', type: 'number' }, undefined);
  assert.throws(
    () => applySpread(doc, { column: 'plan_units', group: { brand: 'Brand X' }, total: 1 }, editor()),
    (error: unknown) => error instanceof SheetError && error.code === 'invalid_request',
  );
});

test('the plan tree groups brand → family → product with subtotals that are sums of members', () => {
  const { doc, col, x1, x2, x3, y1, z1 } = plannedSheet();
  applyCellUpdates(doc, [{ row: x1, col: col.price, value: 0.1 }, { row: x2, col: col.price, value: 0.2 }], editor());
  const tree = buildPlanTree(readSheet(doc));
  assert.deepEqual(tree.brands.map((b) => b.brand), ['', 'Brand X', 'Brand Y']);
  const brandX = tree.brands[1];
  assert.deepEqual(brandX.families.map((f) => [f.family, f.products.map((p) => p.rowId)]), [
    ['Shoes', [x1, x2]],
    ['Socks', [x3]],
  ]);
  assert.equal(brandX.totals[col.plan_units], 100);
  assert.equal(brandX.families[0].totals[col.plan_units], 40);
  assert.equal(brandX.families[0].totals[col.price], 0.3, 'subtotals are rounded to the column precision');
  assert.equal(brandX.totals[col.stock], 0);
  assert.equal(brandX.families[0].products[0].values[col.stock], null);
  assert.equal(tree.totals[col.plan_units], 112);
  assert.equal(tree.brands[0].families[0].products[0].rowId, z1);
  assert.equal(tree.brands[2].families[0].products[0].rowId, y1);
  assert.deepEqual(tree.columns.map((c) => c.name), ['stock', 'reorder_level', 'unit_cost', 'price', 'plan_units']);
  assert.equal(tree.columns.find((c) => c.name === 'price')!.decimals, 1);
});
