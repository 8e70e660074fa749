import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CellValue } from '../schema';
import type { ColumnInfo } from '../sheetDoc';
import { applyView, distinctValues, effectiveView, parseViewQuery, viewColumns, withFilter, withSort, writeViewQuery, EMPTY_VIEW, type ViewSpec } from './sheetView';

const columns: ColumnInfo[] = [
  { id: 'name', name: 'name', type: 'text', order: 'a0' },
  { id: 'qty', name: 'qty', type: 'number', order: 'a1' },
  { id: 'day', name: 'day', type: 'date', order: 'a2' },
  { id: 'ok', name: 'ok', type: 'boolean', order: 'a3' },
];
const data: Record<string, Record<string, CellValue>> = {
  r1: { name: 'item 10', qty: 10, day: '2024-03-01', ok: true },
  r2: { name: 'Item 2', qty: 9, day: '2023-12-31', ok: false },
  r3: { name: null, qty: null, day: null },
  r4: { name: 'apple', qty: 100, day: '2024-01-15', ok: true },
  r5: { name: 'banana', qty: 9, day: '', ok: false },
  r6: { name: 'cherry', qty: 'n/a', day: 'soon' },
};
const rowIds = Object.keys(data);
const source = { columns, valueAt: (r: string, c: string) => data[r]?.[c] ?? null };
const view = (spec: Partial<ViewSpec>) => applyView(rowIds, source, { ...EMPTY_VIEW, ...spec });

test('sort is typed: numbers as numbers, wrong-typed after, empty last in both directions, stable', () => {
  assert.deepEqual(view({ sort: { col: 'qty', dir: 'asc' } }), ['r2', 'r5', 'r1', 'r4', 'r6', 'r3']);
  assert.deepEqual(view({ sort: { col: 'qty', dir: 'desc' } }), ['r4', 'r1', 'r2', 'r5', 'r6', 'r3']);
  assert.deepEqual(view({ sort: { col: 'day', dir: 'asc' } }), ['r2', 'r4', 'r1', 'r6', 'r3', 'r5']);
  assert.deepEqual(view({ sort: { col: 'name', dir: 'asc' } }), ['r4', 'r5', 'r6', 'r2', 'r1', 'r3']); // natural: item 2 < item 10
  assert.deepEqual(view({ sort: { col: 'ok', dir: 'asc' } }), ['r2', 'r5', 'r1', 'r4', 'r3', 'r6']);
  assert.deepEqual(view({ sort: { col: 'gone', dir: 'asc' } }), rowIds);
});

test('the effective view drops a sort or filter on a column the sheet does not have, and is the same object otherwise', () => {
  const stale: ViewSpec = { sort: { col: 'gone', dir: 'desc' }, filters: [{ col: 'gone', op: 'empty' }, { col: 'qty', op: 'notEmpty' }] };
  assert.deepEqual(effectiveView(stale, columns), { sort: null, filters: [{ col: 'qty', op: 'notEmpty' }] });
  assert.deepEqual(effectiveView({ sort: { col: 'gone', dir: 'asc' }, filters: [] }, columns), EMPTY_VIEW);
  const valid: ViewSpec = { sort: { col: 'qty', dir: 'asc' }, filters: [{ col: 'name', op: 'notEmpty' }] };
  assert.equal(effectiveView(valid, columns), valid);
  // What it shows is what applies: the same rows as the stale view.
  assert.deepEqual(applyView(rowIds, source, effectiveView(stale, columns)), applyView(rowIds, source, stale));
});

test('filters: values, contains, number and date ranges, empty, combined', () => {
  assert.deepEqual(view({ filters: [{ col: 'qty', op: 'values', values: ['9', ''] }] }), ['r2', 'r3', 'r5']);
  assert.deepEqual(view({ filters: [{ col: 'name', op: 'contains', text: 'ITEM' }] }), ['r1', 'r2']);
  assert.deepEqual(view({ filters: [{ col: 'qty', op: 'between', min: 9, max: 10 }] }), ['r1', 'r2', 'r5']);
  assert.deepEqual(view({ filters: [{ col: 'day', op: 'dates', from: '2024-01-01' }] }), ['r1', 'r4']);
  assert.deepEqual(view({ filters: [{ col: 'day', op: 'empty' }] }), ['r3', 'r5']);
  assert.deepEqual(view({ filters: [{ col: 'day', op: 'notEmpty' }] }), ['r1', 'r2', 'r4', 'r6']);
  assert.deepEqual(
    view({ sort: { col: 'qty', dir: 'desc' }, filters: [{ col: 'qty', op: 'between', min: 9 }, { col: 'name', op: 'contains', text: 'a' }] }),
    ['r4', 'r5'],
  );
});

test('a sort is stable and a permutation of the filtered rows (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant(null), fc.constant('x')), { maxLength: 60 }), fc.boolean(), (values, desc) => {
      const ids = values.map((_, i) => `r${i}`);
      const src = { columns, valueAt: (r: string) => values[Number(r.slice(1))] };
      const sorted = applyView(ids, src, { sort: { col: 'qty', dir: desc ? 'desc' : 'asc' }, filters: [] });
      assert.deepEqual([...sorted].sort(), [...ids].sort());
      for (let i = 1; i < sorted.length; i++) {
        const a = values[Number(sorted[i - 1].slice(1))];
        const b = values[Number(sorted[i].slice(1))];
        const rank = (v: CellValue) => (v === null ? 2 : typeof v === 'number' ? 0 : 1);
        assert.ok(rank(a) <= rank(b));
        if (rank(a) === rank(b) && a === b) assert.ok(Number(sorted[i - 1].slice(1)) < Number(sorted[i].slice(1)), 'stable');
        if (rank(a) === 0 && rank(b) === 0) assert.ok(desc ? (a as number) >= (b as number) : (a as number) <= (b as number));
      }
    }),
    { seed: Number(process.env.FC_SEED ?? 42) },
  );
});

test('the URL query round-trips; malformed parts are ignored', () => {
  const spec = withFilter(withSort(EMPTY_VIEW, { col: 'qty', dir: 'desc' }), 'name', { col: 'name', op: 'contains', text: 'a&b=c' });
  const query = writeViewQuery(new URLSearchParams('other=1'), spec);
  assert.equal(query.get('other'), '1');
  assert.deepEqual(parseViewQuery(new URLSearchParams(query.toString())), spec);
  assert.deepEqual(parseViewQuery(new URLSearchParams('sort=&filter=%5Bnot json')), EMPTY_VIEW);
  assert.deepEqual(parseViewQuery(new URLSearchParams(`filter=${encodeURIComponent('[{"col":"qty","op":"between","min":"x"},{"col":"day","op":"empty"}]')}`)).filters, [{ col: 'day', op: 'empty' }]);
  assert.deepEqual(writeViewQuery(query, EMPTY_VIEW).toString(), 'other=1');
  assert.deepEqual([...viewColumns(spec)].sort(), ['name', 'qty']);
});

test('distinct values for the value list: counts, empty last', () => {
  assert.deepEqual(distinctValues(rowIds, source, 'qty'), [
    { text: '9', count: 2 },
    { text: '10', count: 1 },
    { text: '100', count: 1 },
    { text: 'n/a', count: 1 },
    { text: '', count: 1 },
  ]);
});
