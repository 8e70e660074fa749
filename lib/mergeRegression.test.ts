// Counterexamples the merge fuzz (scripts/merge-fuzz.ts) found, kept as fixed regressions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkMergeScenario, type MergeScenario } from '../testing/mergeProperty';

test('a retained loser merged with its writer\'s earlier set is read as its last value (fuzz seed 2)', () => {
  // Client 0 sets a cell twice; a concurrent set from client 2 overwrites both on client 0, whose two deleted
  // items (retained: a concurrent loser) Yjs merges into one item holding both values. Reading the item's
  // first value instead of its last made the earlier set win at the hub: the later one was lost silently.
  const scenario: MergeScenario = {
    hubClientId: 1,
    clientIds: [2, 3, 4, 5],
    skews: [0, 0, 0, 0],
    initialRows: 1,
    ops: [
      { kind: 'set', client: 0, row: 0, col: 0, value: 0 },
      { kind: 'set', client: 0, row: 0, col: 1, value: 0 },
      { kind: 'move', client: 5, row: 0, after: 0 },
      { kind: 'set', client: 0, row: 0, col: 1, value: 0 },
      { kind: 'set', client: 2, row: 0, col: 1, value: 0 },
      { kind: 'deliver', pick: 64, duplicate: false, inOrder: false },
      { kind: 'adjust', client: 0, row: 0, delta: 0 },
      { kind: 'toggle', client: 5 },
      { kind: 'deliver', pick: 38, duplicate: true, inOrder: false },
      { kind: 'time', ms: 0 },
      { kind: 'set', client: 0, row: 0, col: 0, value: 0 },
      { kind: 'toggle', client: 0 },
      { kind: 'deliver', pick: 0, duplicate: true, inOrder: false },
    ],
  };
  assert.doesNotThrow(() => checkMergeScenario(scenario));
});
