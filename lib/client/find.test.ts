import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CellValue } from '../schema';
import type { ColumnInfo } from '../sheetDoc';
import { findMatches, firstMatchFrom } from './find';

const columns: ColumnInfo[] = [
  { id: 'a', name: 'name', type: 'text', order: 'a0' },
  { id: 'b', name: 'stock', type: 'number', order: 'a1' },
];
const rows: Record<string, CellValue>[] = [{ a: 'Apple', b: 12 }, { a: 'Pineapple', b: 3 }, { a: null, b: 120 }, ...Array.from({ length: 5000 }, (_, i) => ({ a: `x${i}`, b: i }))];
const source = { rowIds: rows.map((_, i) => `r${i}`), columns, valueAt: (r: string, c: string) => rows[Number(r.slice(1))][c] ?? null };

test('find: case-insensitive, every row and column, reading order', () => {
  assert.deepEqual(findMatches(source, 'APPLE'), [
    { row: 0, col: 0 },
    { row: 1, col: 0 },
  ]);
  assert.deepEqual(findMatches(source, '12').slice(0, 3), [
    { row: 0, col: 1 },
    { row: 2, col: 1 },
    { row: 3 + 12, col: 0 },
  ]);
  assert.deepEqual(findMatches(source, 'x4999'), [{ row: 5002, col: 0 }]);
  assert.deepEqual(findMatches(source, '   '), []);
  assert.equal(findMatches(source, 'x', 10).length, 10);
});

test('the first match shown is at or after the active cell, wrapping', () => {
  const matches = [
    { row: 1, col: 0 },
    { row: 5, col: 2 },
  ];
  assert.equal(firstMatchFrom(matches, null), 0);
  assert.equal(firstMatchFrom(matches, { row: 2, col: 0 }), 1);
  assert.equal(firstMatchFrom(matches, { row: 6, col: 0 }), 0);
  assert.equal(firstMatchFrom([], null), -1);
});
