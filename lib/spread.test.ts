import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { inferDecimals, roundToDecimals, spreadTotal, type SpreadMember } from './spread';

// A fixed seed keeps `npm test` repeatable; FC_SEED=<n> (or FC_SEED=random) explores others.
const seed = process.env.FC_SEED === 'random' ? Date.now() : Number(process.env.FC_SEED ?? 7_131_977);
fc.configureGlobal({ seed, numRuns: 300 });

function spreadOk(members: SpreadMember[], total: number, decimals: number): Map<string, number> {
  const result = spreadTotal(members, total, decimals);
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return result.values;
}

const units = (value: number, decimals: number) => Math.round(value * 10 ** decimals);

/** A group: unique ids, non-negative values at the precision, some held, and a reachable total. */
const spreadCase = fc
  .record({
    decimals: fc.integer({ min: 0, max: 3 }),
    members: fc.uniqueArray(
      fc.record({ id: fc.string({ minLength: 1, maxLength: 4 }), units: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5000 })), held: fc.boolean() }),
      { minLength: 1, maxLength: 9, selector: (m) => m.id },
    ),
    extraUnits: fc.integer({ min: 0, max: 100_000 }),
  })
  .map(({ decimals, members, extraUnits }) => {
    const scale = 10 ** decimals;
    const list: SpreadMember[] = members.map((m) => ({ id: m.id, value: m.units / scale, held: m.held }));
    if (list.every((m) => m.held)) list[0].held = false;
    const heldUnits = members.filter((_, i) => list[i].held).reduce((sum, m) => sum + m.units, 0);
    return { decimals, members: list, total: (heldUnits + extraUnits) / scale };
  });

/** The exact share of each free member, as a float (the property allows one unit either way). */
function exactShares(members: SpreadMember[], total: number): Map<string, number> {
  const free = members.filter((m) => !m.held);
  const remaining = total - members.filter((m) => m.held).reduce((sum, m) => sum + m.value, 0);
  const allZero = free.every((m) => m.value === 0);
  const weightSum = allZero ? free.length : free.reduce((sum, m) => sum + m.value, 0);
  return new Map(free.map((m) => [m.id, (remaining * (allZero ? 1 : m.value)) / weightSum]));
}

test('property: members sum exactly to the total, in units of the precision', () => {
  fc.assert(
    fc.property(spreadCase, ({ decimals, members, total }) => {
      const values = spreadOk(members, total, decimals);
      const sum = [...values.values()].reduce((s, v) => s + units(v, decimals), 0);
      assert.equal(sum, units(total, decimals));
      assert.equal(values.size, members.length);
      for (const value of values.values()) assert.equal(units(value, decimals) / 10 ** decimals, value, 'values sit on the precision grid');
    }),
  );
});

test('property: every free member is within one unit of its exact proportional share', () => {
  fc.assert(
    fc.property(spreadCase, ({ decimals, members, total }) => {
      const values = spreadOk(members, total, decimals);
      const unit = 10 ** -decimals;
      for (const [id, exact] of exactShares(members, total)) {
        assert.ok(Math.abs(values.get(id)! - exact) < unit * (1 + 1e-9), `${id}: ${values.get(id)} vs ${exact}`);
      }
    }),
  );
});

test('property: proportionality — a larger member never ends below a smaller one, and exact multiples scale exactly', () => {
  fc.assert(
    fc.property(spreadCase, fc.integer({ min: 0, max: 7 }), ({ decimals, members, total }, factor) => {
      const values = spreadOk(members, total, decimals);
      const free = members.filter((m) => !m.held);
      for (const a of free) for (const b of free) if (a.value > b.value) assert.ok(values.get(a.id)! >= values.get(b.id)!);

      const unheld = members.map((m) => ({ ...m, held: false }));
      const currentSum = unheld.reduce((s, m) => s + units(m.value, decimals), 0);
      if (currentSum === 0) return;
      const scaled = spreadOk(unheld, (currentSum * factor) / 10 ** decimals, decimals);
      for (const m of unheld) assert.equal(units(scaled.get(m.id)!, decimals), units(m.value, decimals) * factor);
    }),
  );
});

test('property: when every free member is zero the total is split equally (within one unit)', () => {
  fc.assert(
    fc.property(spreadCase, ({ decimals, members, total }) => {
      const zeroed = members.map((m) => (m.held ? m : { ...m, value: 0 }));
      // Summed in whole units: a float sum (456.1 + 74.2 = 530.3000000000001) has more decimals than the column.
      const heldSum = zeroed.filter((m) => m.held).reduce((s, m) => s + units(m.value, decimals), 0) / 10 ** decimals;
      const values = spreadOk(zeroed, Math.max(total, heldSum), decimals);
      const shares = zeroed.filter((m) => !m.held).map((m) => units(values.get(m.id)!, decimals));
      assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
    }),
  );
});

test('property: zero members stay zero while some free member is not zero', () => {
  fc.assert(
    fc.property(spreadCase, ({ decimals, members, total }) => {
      const free = members.filter((m) => !m.held);
      fc.pre(free.some((m) => m.value !== 0));
      const values = spreadOk(members, total, decimals);
      for (const m of free) if (m.value === 0) assert.equal(values.get(m.id), 0);
    }),
  );
});

test('property: held members keep their value', () => {
  fc.assert(
    fc.property(spreadCase, ({ decimals, members, total }) => {
      const values = spreadOk(members, total, decimals);
      for (const m of members) if (m.held) assert.equal(values.get(m.id), m.value);
    }),
  );
});

test('property: the result does not depend on member order, and equal remainders go to the smaller row id', () => {
  fc.assert(
    fc.property(spreadCase, fc.integer(), ({ decimals, members, total }, seed) => {
      const values = spreadOk(members, total, decimals);
      const shuffled = [...members].sort((a, b) => ((hash(a.id) ^ seed) - (hash(b.id) ^ seed)) || (a.id < b.id ? -1 : 1));
      assert.deepEqual(new Map([...spreadOk(shuffled, total, decimals)].sort()), new Map([...values].sort()));
      const free = members.filter((m) => !m.held);
      for (const a of free) for (const b of free) if (a.value === b.value && a.id < b.id) assert.ok(values.get(a.id)! >= values.get(b.id)!);
    }),
  );
});

test('update Brand X: its children change in proportion', () => {
  const children = [
    { id: 'r1', value: 10 },
    { id: 'r2', value: 30 },
    { id: 'r3', value: 60 },
  ];
  assert.deepEqual(spreadOk(children, 200, 0), new Map([['r1', 20], ['r2', 60], ['r3', 120]]));
  // 250 × (10, 30, 60) / 100 = 25, 75, 150 exactly; 101 → 10.1, 30.3, 60.6 → floors 10, 30, 60 and the
  // leftover unit goes to the largest remainder (r3's 0.6).
  assert.deepEqual(spreadOk(children, 101, 0), new Map([['r1', 10], ['r2', 30], ['r3', 61]]));
});

test('children all zero: an equal split, leftover units to the smallest row ids', () => {
  const zeros = ['c', 'a', 'b'].map((id) => ({ id, value: 0 }));
  assert.deepEqual(spreadOk(zeros, 10, 0), new Map([['a', 4], ['b', 3], ['c', 3]]));
  assert.deepEqual(spreadOk(zeros, 1, 2), new Map([['a', 0.34], ['b', 0.33], ['c', 0.33]]));
});

test('holds: held rows keep their value and the rest absorb the change', () => {
  const members = [
    { id: 'a', value: 10, held: true },
    { id: 'b', value: 10 },
    { id: 'c', value: 30 },
  ];
  assert.deepEqual(spreadOk(members, 90, 0), new Map([['a', 10], ['b', 20], ['c', 60]]));
});

test('refusals: everything held, holds above the total, non-finite totals, finer decimals, mixed signs', () => {
  const held = [
    { id: 'a', value: 5, held: true },
    { id: 'b', value: 5, held: true },
  ];
  const allHeld = spreadTotal(held, 12, 0);
  assert.equal(allHeld.ok, false);
  assert.match(!allHeld.ok ? allHeld.message : '', /every member is held/);
  assert.deepEqual(spreadTotal(held, 10, 0), { ok: true, values: new Map([['a', 5], ['b', 5]]) });

  const over = spreadTotal([{ id: 'a', value: 80, held: true }, { id: 'b', value: 20 }], 50, 0);
  assert.match(!over.ok ? over.message : '', /below zero/);
  for (const total of [NaN, Infinity, -Infinity]) assert.equal(spreadTotal([{ id: 'a', value: 1 }], total, 0).ok, false);
  assert.match((spreadTotal([{ id: 'a', value: 1 }], 2.5, 0) as { message: string }).message, /more decimals/);
  assert.match((spreadTotal([{ id: 'a', value: 1 }, { id: 'b', value: -1 }], 5, 0) as { message: string }).message, /positive and negative/);
  assert.equal(spreadTotal([], 5, 0).ok, false);
  assert.equal(spreadTotal([{ id: 'a', value: 1 }], 1e300, 0).ok, false);
});

test('a negative total spreads as the mirror image of the positive one', () => {
  const members = [
    { id: 'a', value: 1 },
    { id: 'b', value: 1 },
    { id: 'c', value: 1 },
  ];
  assert.deepEqual(spreadOk(members, -10, 0), new Map([['a', -4], ['b', -3], ['c', -3]]));
});

test('precision is inferred from the most decimals seen, capped at four', () => {
  assert.equal(inferDecimals([1, 2, null, 'x', 3]), 0);
  assert.equal(inferDecimals([1.5, 2.25]), 2);
  assert.equal(inferDecimals([0.1 + 0.2]), 4);
  assert.equal(inferDecimals([1e-7]), 4);
  assert.equal(inferDecimals([]), 0);
  assert.equal(roundToDecimals(0.1 + 0.2, 2), 0.3);
});

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}
