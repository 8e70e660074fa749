import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ColumnInfo } from '../sheetDoc';
import { columnAt, columnOffsets, fittedWidth, visibleColumns } from './columnGeometry';

const columns: ColumnInfo[] = [
  { id: 'a', name: 'a', type: 'text', order: 'a0' },
  { id: 'b', name: 'b', type: 'text', order: 'a1', width: 300 },
  { id: 'c', name: 'c', type: 'text', order: 'a2' },
];

test('offsets follow shared widths, a drag preview overrides them', () => {
  assert.deepEqual(columnOffsets(columns), [0, 128, 428, 556]);
  assert.deepEqual(columnOffsets(columns, new Map([['a', 50]])), [0, 50, 350, 478]);
  assert.deepEqual(columnOffsets([]), [0]);
});

test('columns under a viewport', () => {
  const offsets = columnOffsets(columns);
  assert.equal(columnAt(offsets, 0), 0);
  assert.equal(columnAt(offsets, 127), 0);
  assert.equal(columnAt(offsets, 128), 1);
  assert.equal(columnAt(offsets, 10_000), 2);
  assert.equal(columnAt([0], 5), -1);
  assert.deepEqual(visibleColumns(offsets, 100, 100), { first: 0, last: 1 });
  assert.deepEqual(visibleColumns(offsets, 430, 50), { first: 2, last: 2 });
});

test('fit: the widest text plus padding, clamped', () => {
  const measure = (t: string) => t.length * 7;
  assert.equal(fittedWidth(['ab', 'abcdef', 'abc'], measure, 16, 40, 600), 58);
  assert.equal(fittedWidth([''], measure, 16, 40, 600), 40);
  assert.equal(fittedWidth(['x'.repeat(1000)], measure, 16, 40, 600), 600);
});
