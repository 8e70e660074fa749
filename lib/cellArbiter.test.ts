import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import type { CellArbiterOptions } from './cellArbiter';
import { stockSheetNetwork, type MergeNetwork } from '../testing/mergeSimulation';
import { conflictsArray, getCell, readSheet, setCell } from './sheetDoc';

const LOW = 10;
const HIGH = 20;

/** Clients 0 (lower clientID) and 1 (higher) both edit the text cell offline; client 0 edits later. */
function raceOnLowerClient(arbiter?: CellArbiterOptions) {
  const { net, sheet } = stockSheetNetwork({ clientIds: [LOW, HIGH], hubClientId: 5, arbiter });
  const [row] = sheet.rows;
  net.disconnect(0);
  net.disconnect(1);
  setCell(net.clients[1].doc, row, sheet.text, 'earlier', net.clients[1].editor);
  net.now += 1000;
  setCell(net.clients[0].doc, row, sheet.text, 'later', net.clients[0].editor);
  return { net, row, col: sheet.text };
}

function assertLaterWinsEverywhere(net: MergeNetwork, row: string, col: string) {
  for (const replica of net.replicas()) {
    assert.equal(getCell(replica.doc, row, col)?.v, 'later', `${replica.name} shows the later edit`);
    const conflicts = conflictsArray(replica.doc).toArray();
    assert.equal(conflicts.length, 1, `${replica.name} holds one conflict record`);
    assert.equal(conflicts[0].lost.v, 'earlier');
    assert.equal(conflicts[0].kept.v, 'later');
  }
  assert.deepEqual(readSheet(net.clients[0].doc), readSheet(net.hub.doc));
  assert.deepEqual(readSheet(net.clients[1].doc), readSheet(net.hub.doc));
}

test('without the arbiter, Yjs keeps the higher clientID even when its edit is older', () => {
  const { net, row, col } = raceOnLowerClient();
  const a = new Y.Doc();
  const b = new Y.Doc();
  Y.applyUpdate(a, Y.encodeStateAsUpdate(net.clients[0].doc));
  Y.applyUpdate(b, Y.encodeStateAsUpdate(net.clients[1].doc));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
  assert.equal(getCell(a, row, col)?.v, 'earlier');
  net.destroy();
});

test('the later edit wins when the server hears the lower clientID first', () => {
  const { net, row, col } = raceOnLowerClient();
  net.connect(0);
  net.flush();
  net.connect(1);
  net.flush();
  net.settle();
  assertLaterWinsEverywhere(net, row, col);
  net.destroy();
});

test('the later edit wins when the server hears the higher clientID first', () => {
  const { net, row, col } = raceOnLowerClient();
  net.connect(1);
  net.flush();
  net.connect(0);
  net.flush();
  net.settle();
  assertLaterWinsEverywhere(net, row, col);
  net.destroy();
});

test('the later edit wins when both arrive in one update', () => {
  const { net, row, col } = raceOnLowerClient();
  const merged = Y.mergeUpdates([Y.encodeStateAsUpdate(net.clients[0].doc), Y.encodeStateAsUpdate(net.clients[1].doc)]);
  Y.applyUpdate(net.hub.doc, merged);
  net.settle();
  assertLaterWinsEverywhere(net, row, col);
  net.destroy();
});

test('the higher clientID with the later edit needs no re-assert, and the loser is still recorded', () => {
  const { net, sheet } = stockSheetNetwork({ clientIds: [LOW, HIGH], hubClientId: 5 });
  const [row] = sheet.rows;
  net.disconnect(0);
  net.disconnect(1);
  setCell(net.clients[0].doc, row, sheet.text, 'earlier', net.clients[0].editor);
  net.now += 1000;
  setCell(net.clients[1].doc, row, sheet.text, 'later', net.clients[1].editor);
  net.settle();
  assert.equal(getCell(net.hub.doc, row, sheet.text)?.v, 'later');
  const cells = (net.hub.doc.getMap('rows').get(row) as Y.Map<Y.Map<unknown>>).get('cells')!;
  assert.equal(cells._map.get(sheet.text)?.id.client, HIGH, 'the original item stays: nothing was re-asserted');
  assert.deepEqual(conflictsArray(net.hub.doc).toArray().map((c) => [c.kept.v, c.lost.v]), [['later', 'earlier']]);
  net.destroy();
});

test('a sequential overwrite is not a conflict', () => {
  const { net, sheet } = stockSheetNetwork({ clientIds: [LOW, HIGH], hubClientId: 5 });
  const [row] = sheet.rows;
  setCell(net.clients[1].doc, row, sheet.text, 'first', net.clients[1].editor);
  net.flush();
  setCell(net.clients[0].doc, row, sheet.text, 'second', net.clients[0].editor);
  net.flush();
  setCell(net.clients[1].doc, row, sheet.text, 'third', net.clients[1].editor);
  net.settle();
  for (const replica of net.replicas()) {
    assert.equal(getCell(replica.doc, row, sheet.text)?.v, 'third');
    assert.equal(conflictsArray(replica.doc).length, 0);
  }
  net.destroy();
});

test('an edit stamped earlier than the value its writer saw still wins: it is sequential', () => {
  // A writer with a slow clock and no clock observer (a plain client) overwrites what it saw.
  const { net, sheet } = stockSheetNetwork({ clientIds: [HIGH, LOW], hubClientId: 5 });
  const [row] = sheet.rows;
  setCell(net.clients[0].doc, row, sheet.text, 'seen', net.clients[0].editor);
  net.flush();
  const cells = (net.clients[1].doc.getMap('rows').get(row) as Y.Map<Y.Map<unknown>>).get('cells')!;
  cells.set(sheet.text, { v: 'overwrite', t: 1, by: 'plain-client' });
  net.settle();
  for (const replica of net.replicas()) assert.equal(getCell(replica.doc, row, sheet.text)?.v, 'overwrite');
  assert.equal(conflictsArray(net.hub.doc).length, 0);
  net.destroy();
});

test('undoing an edit restores the older value and the arbiter leaves it', () => {
  const { net, sheet } = stockSheetNetwork({ clientIds: [LOW, HIGH], hubClientId: 5 });
  const [row] = sheet.rows;
  const client = net.clients[0];
  net.now += 1000;
  setCell(client.doc, row, sheet.text, 'oops', client.editor);
  net.flush();
  client.undo.undo();
  net.settle();
  for (const replica of net.replicas()) assert.equal(getCell(replica.doc, row, sheet.text)?.v, 'item0');
  assert.equal(conflictsArray(net.hub.doc).length, 0);
  net.destroy();
});

test("a client editing again before the server's re-assert of its own value reaches it is not a conflict with itself", () => {
  const { net, row, col } = raceOnLowerClient();
  net.connect(1);
  net.flush(); // the hub shows "earlier"
  net.connect(0); // sync both ways; the hub's reply carries "earlier"
  const toClient = net.inFlight.findIndex((message) => message.to === 0);
  net.deliver(toClient); // client 0 now shows "earlier" (higher clientID) and has not seen the re-assert
  assert.equal(getCell(net.clients[0].doc, row, col)?.v, 'earlier');
  net.now += 1000;
  setCell(net.clients[0].doc, row, col, 'latest', net.clients[0].editor);
  net.settle();
  for (const replica of net.replicas()) assert.equal(getCell(replica.doc, row, col)?.v, 'latest');
  assert.deepEqual(conflictsArray(net.hub.doc).toArray().map((c) => [c.kept.v, c.lost.v]), [['later', 'earlier']]);
  net.destroy();
});

test('duplicate delivery records each loser once and onConflict hears it once', () => {
  const heard: string[] = [];
  const { net, row, col } = raceOnLowerClient({ onConflict: (record) => heard.push(String(record.lost.v)) });
  const first = Y.encodeStateAsUpdate(net.clients[1].doc);
  const second = Y.encodeStateAsUpdate(net.clients[0].doc);
  for (const update of [first, second, first, second]) Y.applyUpdate(net.hub.doc, update);
  net.settle();
  assert.deepEqual(heard, ['earlier']);
  assertLaterWinsEverywhere(net, row, col);
  net.destroy();
});

/** Client 0's later edit is in flight when it receives client 1's earlier one, then the socket drops. */
function editLostInFlight(retainLosers: boolean) {
  const { net, sheet } = stockSheetNetwork({ clientIds: [LOW, HIGH], hubClientId: 5, retainLosers });
  const [row] = sheet.rows;
  setCell(net.clients[1].doc, row, sheet.text, 'earlier', net.clients[1].editor);
  net.deliver(net.inFlight.findIndex((m) => m.from === 1)); // the hub has "earlier" and relays it
  net.now += 1000;
  setCell(net.clients[0].doc, row, sheet.text, 'later', net.clients[0].editor);
  net.deliver(net.inFlight.findIndex((m) => m.to === 0)); // Yjs shows "earlier" on client 0 (higher clientID)
  net.disconnect(0); // "later" was still in flight
  net.settle();
  return { net, row, col: sheet.text };
}

test('a client keeps its concurrently lost value until the server has it', () => {
  const { net, row, col } = editLostInFlight(true);
  assertLaterWinsEverywhere(net, row, col);
  net.destroy();
});

test('without retention the value a client lost before sending it would vanish silently', () => {
  const { net, row, col } = editLostInFlight(false);
  assert.equal(getCell(net.hub.doc, row, col)?.v, 'earlier');
  assert.equal(conflictsArray(net.hub.doc).length, 0);
  net.destroy();
});
