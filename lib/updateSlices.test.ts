// Slicing a big update: the slices applied in order give the same document as the whole update.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as Y from 'yjs';
import { sliceUpdate } from './updateSlices';

function state(doc: Y.Doc) {
  return {
    map: doc.getMap('m').toJSON(),
    list: doc.getArray('a').toJSON(),
    text: doc.getText('t').toString(),
    vector: [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(),
    pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null,
  };
}

const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.integer() }),
  fc.record({ kind: fc.constant('nested' as const), key: fc.constantFrom('a', 'b', 'c'), value: fc.integer() }),
  fc.record({ kind: fc.constant('push' as const), value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('text' as const), at: fc.nat(), value: fc.string({ maxLength: 4 }) }),
  fc.record({ kind: fc.constant('sync' as const) }),
);

test('slices of a many-client update with deletions applied in order equal the whole update', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), op), { maxLength: 60 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 7 }), (ops, baseOps, perSlice) => {
      const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()];
      const sync = () => {
        for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
      };
      const base = new Y.Doc();
      ops.forEach(([who, o], i) => {
        const doc = docs[who];
        if (o.kind === 'set') doc.getMap('m').set(o.key, o.value);
        else if (o.kind === 'nested') {
          const inner = new Y.Map<number>();
          inner.set('x', o.value);
          doc.getMap('m').set(o.key, inner);
        } else if (o.kind === 'push') doc.getArray('a').push([o.value]);
        else if (o.kind === 'delete') {
          const list = doc.getArray('a');
          if (list.length > 0) list.delete(o.at % list.length, 1);
        } else if (o.kind === 'text') {
          const text = doc.getText('t');
          text.insert(o.at % (text.length + 1), o.value);
        } else sync();
        // The receiver already has the first few operations' effects.
        if (i === baseOps) Y.applyUpdate(base, Y.encodeStateAsUpdate(docs[0]));
      });
      sync();
      const whole = Y.encodeStateAsUpdate(docs[0], Y.encodeStateVector(base));
      const expected = new Y.Doc();
      Y.applyUpdate(expected, Y.encodeStateAsUpdate(base));
      Y.applyUpdate(expected, whole);
      const sliced = new Y.Doc();
      Y.applyUpdate(sliced, Y.encodeStateAsUpdate(base));
      for (const slice of sliceUpdate(whole, perSlice)) Y.applyUpdate(sliced, slice);
      assert.deepEqual(state(sliced), state(expected));
      assert.equal(state(sliced).pending, false);
    }),
    { numRuns: 300 },
  );
});

test('an update with gaps (merged from non-consecutive updates) is sliced around them', () => {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 10; i++) doc.getMap('m').set(`k${i}`, i);
  const gappy = Y.mergeUpdates([updates[0], updates[1], updates[4], updates[5], updates[6]]);
  const expected = new Y.Doc();
  Y.applyUpdate(expected, gappy);
  const sliced = new Y.Doc();
  const slices = sliceUpdate(gappy, 1);
  assert.ok(slices.length >= 5);
  for (const slice of slices) Y.applyUpdate(sliced, slice);
  assert.deepEqual(sliced.getMap('m').toJSON(), expected.getMap('m').toJSON());
  assert.deepEqual(Y.encodeStateVector(sliced), Y.encodeStateVector(expected));
});

test('a malformed update throws instead of slicing', () => {
  assert.throws(() => sliceUpdate(new Uint8Array([200, 1, 2, 3, 4, 5])));
});
