import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { mergeProperty } from '../testing/mergeProperty';
import { stockSheetNetwork } from '../testing/mergeSimulation';
import { adjustCell, deleteRows, insertRows, moveRow, readSheet, setCell } from './sheetDoc';

test('merge property: replicas converge, no set is lost silently, adjustments add up (200 runs)', () => {
  // A fixed seed keeps `npm test` repeatable; scripts/merge-fuzz.ts explores new seeds.
  fc.assert(mergeProperty, { numRuns: 200, seed: 20_240_611 });
});

function assertConverged(net: ReturnType<typeof stockSheetNetwork>['net']) {
  const reference = readSheet(net.hub.doc);
  for (const client of net.clients) assert.deepEqual(readSheet(client.doc), reference, `${client.name} matches the hub`);
  return reference;
}

test('two offline clerks each selling 1 of 10 leave 8', () => {
  const { net, sheet } = stockSheetNetwork({ clientIds: [10, 20], hubClientId: 5 });
  const [row] = sheet.rows;
  net.disconnect(0);
  net.disconnect(1);
  adjustCell(net.clients[0].doc, row, sheet.stock, -1, net.clients[0].editor);
  adjustCell(net.clients[1].doc, row, sheet.stock, -1, net.clients[1].editor);
  net.settle();
  assert.equal(assertConverged(net).rows[0].values[sheet.stock], 8);
  net.destroy();
});

test('a cell edited in a row someone else deleted survives and comes back when the delete is undone', () => {
  const { net, sheet } = stockSheetNetwork({ clientIds: [10, 20], hubClientId: 5 }, 2);
  const [row] = sheet.rows;
  const [deleter, editor] = net.clients;
  net.disconnect(0);
  net.disconnect(1);
  deleteRows(deleter.doc, [row], deleter.editor.origin);
  net.now += 1000;
  setCell(editor.doc, row, sheet.text, 'edited offline', editor.editor);
  net.settle();
  assert.deepEqual(assertConverged(net).rows.map((r) => r.id), [sheet.rows[1]]);
  deleter.undo.undo();
  net.settle();
  const restored = assertConverged(net).rows.find((r) => r.id === row);
  assert.equal(restored?.values[sheet.text], 'edited offline');
  net.destroy();
});

test('concurrent row inserts at the same place both survive', () => {
  const { net, sheet } = stockSheetNetwork({ clientIds: [10, 20, 30], hubClientId: 5 });
  const [row] = sheet.rows;
  for (const client of net.clients) net.disconnect(client.index);
  const inserted = net.clients.map((client) => insertRows(client.doc, [{ [sheet.text]: client.name }], { after: row }, client.editor)[0]);
  net.settle();
  const rows = assertConverged(net).rows.map((r) => r.id);
  assert.equal(rows.length, 4);
  assert.deepEqual([...rows].sort(), [row, ...inserted].sort());
  assert.equal(rows[0], row);
  net.destroy();
});

test('concurrent moves of one row never duplicate it', () => {
  const { net, sheet } = stockSheetNetwork({ clientIds: [10, 20, 30], hubClientId: 5 }, 4);
  const [a, b, c, d] = sheet.rows;
  for (const client of net.clients) net.disconnect(client.index);
  moveRow(net.clients[0].doc, a, d, net.clients[0].editor.origin);
  moveRow(net.clients[1].doc, a, b, net.clients[1].editor.origin);
  moveRow(net.clients[2].doc, d, null, net.clients[2].editor.origin);
  net.settle();
  const rows = assertConverged(net).rows.map((r) => r.id);
  assert.equal(rows.length, 4);
  assert.deepEqual([...rows].sort(), [a, b, c, d].sort());
  net.destroy();
});
