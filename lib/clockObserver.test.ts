import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { observeRemoteClock } from './clockObserver';
import { HybridLogicalClock } from './hlc';
import { adjustCell, getCell, initSheet, insertColumn, insertRows, setCell } from './sheetDoc';

function sheetWithRow(clock: HybridLogicalClock) {
  const doc = new Y.Doc();
  initSheet(doc, { title: 't', template: 'blank', createdAt: 0 });
  const stock = insertColumn(doc, { name: 'stock', type: 'number' }, undefined);
  const [row] = insertRows(doc, [{ [stock]: 1 }], {}, { clock, userId: 'server' });
  return { doc, stock, row };
}

test('a client whose wall clock is behind stamps its next edit after the remote values it received', () => {
  const server = sheetWithRow(new HybridLogicalClock(() => 1_000));
  const behind = new HybridLogicalClock(() => 10);
  const client = new Y.Doc();
  const stop = observeRemoteClock(client, behind);
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server.doc));
  assert.ok(behind.peek() >= 1_000, 'the initial sync moved the clock');

  const ahead = new HybridLogicalClock(() => 5_000);
  setCell(server.doc, server.row, server.stock, 2, { clock: ahead, userId: 'other' });
  adjustCell(server.doc, server.row, server.stock, 1, { clock: new HybridLogicalClock(() => 7_000), userId: 'other' });
  const before = Y.encodeStateVector(client);
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server.doc, before));
  assert.equal(behind.peek(), 7_000);

  setCell(client, server.row, server.stock, 3, { clock: behind, userId: 'me' });
  assert.ok(getCell(client, server.row, server.stock)!.t > 7_000);
  stop();
});

test('the stamps already in a loaded document are observed when attaching', () => {
  const server = sheetWithRow(new HybridLogicalClock(() => 4_000));
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server.doc));
  const clock = new HybridLogicalClock(() => 0);
  observeRemoteClock(client, clock)();
  assert.equal(clock.peek(), 4_000);
});

test('after detaching, remote stamps no longer move the clock', () => {
  const server = sheetWithRow(new HybridLogicalClock(() => 100));
  const client = new Y.Doc();
  const clock = new HybridLogicalClock(() => 0);
  observeRemoteClock(client, clock)();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server.doc));
  assert.equal(clock.peek(), 0);
});
