import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlanTree } from '../sheetSpread';
import { groupMembers, holdState, holdsInGroup, parsePlanNumber, readPlanUrl, writePlanUrl } from './planView';

const product = (rowId: string) => ({ rowId, sku: rowId, name: rowId, values: {} });
const tree: PlanTree = {
  columns: [],
  totals: {},
  brands: [
    {
      brand: 'A',
      totals: {},
      families: [
        { family: 'f1', totals: {}, products: [product('a1'), product('a2')] },
        { family: 'f2', totals: {}, products: [product('a3')] },
      ],
    },
    { brand: 'B', totals: {}, families: [{ family: 'f1', totals: {}, products: [product('b1')] }] },
  ],
};

test('group members and the holds that belong to a group', () => {
  assert.deepEqual(groupMembers(tree, { brand: 'A' }), ['a1', 'a2', 'a3']);
  assert.deepEqual(groupMembers(tree, { brand: 'A', family: 'f1' }), ['a1', 'a2']);
  assert.deepEqual(groupMembers(tree, { brand: 'C' }), []);
  const holds = new Set(['a2', 'a3', 'b1']);
  assert.deepEqual(holdsInGroup(tree, { brand: 'A', family: 'f1' }, holds), ['a2']);
  assert.deepEqual(holdsInGroup(tree, { brand: 'A' }, holds), ['a2', 'a3']);
  assert.equal(holdState(['a1', 'a2'], holds), 'some');
  assert.equal(holdState(['a3'], holds), 'all');
  assert.equal(holdState(['a1'], holds), 'none');
});

test('typed plan numbers', () => {
  assert.deepEqual(parsePlanNumber(' 1,200 ', false), { ok: true, value: 1200 });
  assert.deepEqual(parsePlanNumber('-3.5', false), { ok: true, value: -3.5 });
  assert.deepEqual(parsePlanNumber('', true), { ok: true, value: null });
  assert.equal(parsePlanNumber('', false).ok, false);
  assert.equal(parsePlanNumber('12abc', false).ok, false);
  assert.equal(parsePlanNumber('1,2,3', false).ok, false);
  assert.equal(parsePlanNumber('1e400', false).ok, false);
});

test('URL state round-trips and keeps other parameters', () => {
  const search = writePlanUrl('?x=1', { column: 'stock', holds: new Set(['r2', 'r1']) });
  assert.equal(search, '?x=1&column=stock&hold=r1%2Cr2');
  assert.deepEqual(readPlanUrl(search), { column: 'stock', holds: new Set(['r1', 'r2']) });
  assert.equal(writePlanUrl(search, { column: null, holds: new Set() }), '?x=1');
  assert.deepEqual(readPlanUrl('?hold=ok,<bad>'), { column: null, holds: new Set(['ok']) });
});
