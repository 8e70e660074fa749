import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COPY_INTERVAL_MS, markCopied, MAX_COPIES_PER_VISIT, sheetsToCopy } from './offlineCopies';

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    clear: () => data.clear(),
    key: (i) => [...data.keys()][i] ?? null,
    get length() {
      return data.size;
    },
  };
}

test('background copies: newest sheets without a copy first, not the open one, not huge ones, throttled', () => {
  const storage = memoryStorage();
  storage.setItem('cellar-local-copy-b', '1');
  const sheets = [
    { id: 'a', rowCount: 10, columnCount: 5, updatedAt: '2026-01-01T00:00:00Z' },
    { id: 'b', rowCount: 10, columnCount: 5, updatedAt: '2026-01-03T00:00:00Z' },
    { id: 'c', rowCount: 10, columnCount: 5, updatedAt: '2026-01-02T00:00:00Z' },
    { id: 'open', rowCount: 1, columnCount: 1, updatedAt: '2026-01-09T00:00:00Z' },
    { id: 'huge', rowCount: 100_000, columnCount: 20, updatedAt: '2026-01-09T00:00:00Z' },
    ...Array.from({ length: 20 }, (_, i) => ({ id: `old${i}`, rowCount: 1, columnCount: 1, updatedAt: '2025-01-01T00:00:00Z' })),
  ];
  const now = Date.parse('2026-02-01T00:00:00Z');
  const todo = sheetsToCopy(sheets, 'open', now, storage);
  assert.deepEqual(todo.slice(0, 2), ['c', 'a']);
  assert.equal(todo.length, MAX_COPIES_PER_VISIT);
  markCopied(now, storage);
  assert.deepEqual(sheetsToCopy(sheets, 'open', now + 1000, storage), []);
  assert.equal(sheetsToCopy(sheets, 'open', now + COPY_INTERVAL_MS, storage).length, MAX_COPIES_PER_VISIT);
});
