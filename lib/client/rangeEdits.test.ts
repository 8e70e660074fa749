import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CellValue } from '../schema';
import type { ColumnInfo } from '../sheetDoc';
import { planClearRange, planFillDown, planFillText, type RangeSource } from './rangeEdits';

const columns: ColumnInfo[] = [
  { id: 'a', name: 'name', type: 'text', order: 'a0' },
  { id: 'b', name: 'stock', type: 'number', order: 'a1' },
];
function source(values: Record<string, CellValue>[]): RangeSource {
  return { rowIds: values.map((_, i) => `r${i}`), columns, valueAt: (rowId, colId) => values[Number(rowId.slice(1))][colId] ?? null };
}

test('clear: only non-empty cells of the range, clipped to the sheet', () => {
  const s = source([{ a: 'x', b: 1 }, { a: null, b: 2 }, { a: 'z' }]);
  assert.deepEqual(planClearRange({ top: 0, bottom: 5, left: 0, right: 0 }, s), [
    { row: 'r0', col: 'a', value: null },
    { row: 'r2', col: 'a', value: null },
  ]);
});

test('fill down: the top row into the rows below; one row takes the row above', () => {
  const s = source([{ a: 'x', b: 1 }, { a: 'y', b: 1 }, { a: null, b: 3 }]);
  assert.deepEqual(planFillDown({ top: 0, bottom: 2, left: 0, right: 1 }, s), [
    { row: 'r1', col: 'a', value: 'x' },
    { row: 'r2', col: 'a', value: 'x' },
    { row: 'r2', col: 'b', value: 1 },
  ]);
  assert.deepEqual(planFillDown({ top: 2, bottom: 2, left: 1, right: 1 }, s), [{ row: 'r2', col: 'b', value: 1 }]);
  assert.deepEqual(planFillDown({ top: 0, bottom: 0, left: 0, right: 1 }, s), []);
});

test('fill text: typed per column, refused as a whole when one cell cannot take it', () => {
  const s = source([{}, {}]);
  const ok = planFillText({ top: 0, bottom: 1, left: 1, right: 1 }, s, '7');
  assert.deepEqual(ok, { ok: true, updates: [{ row: 'r0', col: 'b', value: 7 }, { row: 'r1', col: 'b', value: 7 }] });
  const bad = planFillText({ top: 0, bottom: 1, left: 0, right: 1 }, s, 'seven');
  assert.equal(bad.ok, false);
});
