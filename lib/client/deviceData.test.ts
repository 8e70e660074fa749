import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sheetDatabases, sheetsWithUnsavedChanges, type KeyedStorage } from './deviceData';

function storage(entries: Record<string, string>): KeyedStorage {
  const map = new Map(Object.entries(entries));
  return {
    get length() {
      return map.size;
    },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => map.get(k) ?? null,
    removeItem: (k) => void map.delete(k),
  };
}

test('sheets with unsaved changes: a non-empty pending or unsaved list, an unreadable one too; empty lists and other keys are not', () => {
  const s = storage({
    'cellar-pending-a': '[{"clock":1}]',
    'cellar-unsaved-a': '[["r","c"]]',
    'cellar-pending-b': '[]',
    'cellar-unsaved-c': '[["r","c"]]',
    'cellar-pending-d': '{not json',
    'cellar-local-copy-e': '1',
    'cellar-user': '{"id":"u"}',
    'other-pending-f': '[1]',
  });
  assert.deepEqual(sheetsWithUnsavedChanges(s).sort(), ['a', 'c', 'd']);
  assert.deepEqual(sheetsWithUnsavedChanges(storage({})), []);
});

test('the databases to delete: the sheet copies the browser lists and those the markers name, nothing else', () => {
  const s = storage({ 'cellar-local-copy-x': '1', 'cellar-local-copy-y': '1', 'cellar-user': '{}' });
  assert.deepEqual(sheetDatabases(s, ['cellar-sheet-x', 'cellar-sheet-z', 'someone-else', '']).sort(), ['cellar-sheet-x', 'cellar-sheet-y', 'cellar-sheet-z']);
});
