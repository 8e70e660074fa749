import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PendingChanges, saveStatus } from './saveStatus';

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
}

test('pending changes clear when the saved state vector covers them, and survive a reload', () => {
  const storage = memoryStorage();
  const pending = new PendingChanges('k', storage);
  pending.record(7, 3, true);
  pending.record(7, 5, true);
  pending.acknowledge(new Map([[7, 3]]));
  assert.equal(pending.count, 1);
  const reloaded = new PendingChanges('k', storage);
  assert.equal(reloaded.count, 1);
  reloaded.acknowledge(new Map([[7, 5]]));
  assert.equal(reloaded.count, 0);
});

test('status labels', () => {
  const base = { browserOnline: true, connected: true, synced: true, pending: 0, everConnected: true };
  assert.equal(saveStatus(base).label, 'All changes saved');
  assert.equal(saveStatus({ ...base, pending: 2 }).label, 'Saving…');
  assert.equal(saveStatus({ ...base, connected: false, pending: 3 }).label, 'Offline — 3 changes pending');
  assert.equal(saveStatus({ ...base, browserOnline: false }).label, 'Offline');
});
