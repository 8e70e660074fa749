// Unit tests of a room with in-memory sockets: relaying, viewers, malformed input, awareness, parts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeAwarenessUpdate, encodeSyncStep1, encodeUpdate } from '../lib/protocol';
import { HybridLogicalClock } from '../lib/hlc';
import { CLOSE_BAD_MESSAGE } from '../lib/protocol';
import { initSheet, insertRows, readColumns, readRowOrder, readSheet, rowsMap } from '../lib/sheetDoc';
import { BIG_UPDATE_BYTES, FULL_SYNC_KEEP_MS, Room } from './room';
import type { RoomPart } from './roomPart';
import { fakeSocket } from './testing/fakeSocket';

function clientUpdate(write: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  write(doc);
  return Y.encodeStateAsUpdate(doc);
}

test('a joining socket gets sync step 1 and the durable state; its sync step 1 is answered with what it lacks', () => {
  const room = new Room('s1');
  room.load([clientUpdate((doc) => doc.getMap('meta').set('title', 'T'))]);
  const socket = fakeSocket();
  room.addSocket(socket);
  assert.deepEqual(
    socket.received.map((m) => m.type),
    ['sync-step-1', 'saved'],
  );
  room.handleMessage(socket, encodeSyncStep1(new Y.Doc()));
  const reply = socket.received.at(-1)!;
  assert.equal(reply.type, 'update');
  const copy = new Y.Doc();
  Y.applyUpdate(copy, (reply as { update: Uint8Array }).update);
  assert.equal(copy.getMap('meta').get('title'), 'T');
  room.destroy();
});

test('an update is relayed to the other sockets, not back to its sender, and reaches every part', () => {
  const seen: unknown[] = [];
  const part: RoomPart = { onUpdate: (_room, _update, origin) => seen.push(origin) };
  const room = new Room('s1', [part]);
  room.load([]);
  const a = fakeSocket();
  const b = fakeSocket();
  room.addSocket(a);
  room.addSocket(b);
  const before = { a: a.received.length, b: b.received.length };
  room.handleMessage(a, encodeUpdate(clientUpdate((doc) => doc.getMap('meta').set('title', 'x'))));
  assert.equal(a.received.length, before.a);
  assert.equal(b.received.length, before.b + 1);
  assert.equal(room.doc.getMap('meta').get('title'), 'x');
  assert.deepEqual(seen, [a]);
  room.destroy();
});

test("a viewer's document updates are dropped; a malformed message throws and changes nothing", () => {
  const room = new Room('s1');
  room.load([]);
  const viewer = fakeSocket({ userId: 'v', readOnly: true });
  const other = fakeSocket();
  room.addSocket(viewer);
  room.addSocket(other);
  const count = other.received.length;
  room.handleMessage(viewer, encodeUpdate(clientUpdate((doc) => doc.getMap('meta').set('title', 'x'))));
  assert.equal(room.doc.getMap('meta').get('title'), undefined);
  assert.equal(other.received.length, count);
  assert.throws(() => room.handleMessage(other, new Uint8Array([0, 2, 200])));
  assert.throws(() => room.handleMessage(other, new Uint8Array([42])));
  assert.throws(() => room.handleMessage(other, encodeUpdate(clientUpdate((doc) => doc.getMap('nonsense').set('a', 1)))), /refused/);
  assert.equal(room.doc.share.has('nonsense'), false);
  room.destroy();
});

test('awareness is relayed to every socket and removed when its socket leaves', () => {
  const room = new Room('s1');
  room.load([]);
  const a = fakeSocket();
  const b = fakeSocket();
  room.addSocket(a);
  room.addSocket(b);
  const peer = new awarenessProtocol.Awareness(new Y.Doc());
  peer.setLocalState({ user: 'a' });
  room.handleMessage(a, encodeAwarenessUpdate(awarenessProtocol.encodeAwarenessUpdate(peer, [peer.clientID])));
  assert.deepEqual(room.awareness.getStates().get(peer.clientID), { user: 'a' });
  assert.equal(b.received.at(-1)!.type, 'awareness');
  room.removeSocket(a);
  assert.equal(room.awareness.getStates().has(peer.clientID), false);
  peer.destroy();
  room.destroy();
});

test('markDurable raises the durable state vector and runs afterCommit; destroy runs the detachers', () => {
  const commits: number[] = [];
  let detached = false;
  const room = new Room('s1', [{ afterCommit: (_room, durable) => commits.push(durable.get(7) ?? 0), afterLoad: () => () => (detached = true) }]);
  room.load([]);
  room.markDurable(new Map([[7, 3]]));
  room.markDurable(new Map([[7, 2]]));
  assert.equal(room.durable.get(7), 3, 'never lowered');
  assert.deepEqual(commits, [3, 2]);
  room.destroy();
  assert.ok(detached);
});

test('the first-sync reply for fresh clients is shared, rebuilt after a change, and dropped when no fresh client came for a while', async () => {
  const room = new Room('s1');
  room.load([clientUpdate((doc) => doc.getMap('meta').set('title', 'T'))]);
  const fresh = () => {
    const socket = fakeSocket();
    room.addSocket(socket);
    room.handleMessage(socket, encodeSyncStep1(new Y.Doc()));
    const copy = new Y.Doc();
    Y.applyUpdate(copy, (socket.received.at(-1) as { update: Uint8Array }).update);
    return copy.getMap('meta').get('title');
  };
  assert.equal(fresh(), 'T');
  assert.equal(room.fullSyncCached, true);
  const editor = fakeSocket();
  room.addSocket(editor);
  const replica = new Y.Doc();
  Y.applyUpdate(replica, Y.encodeStateAsUpdate(room.doc));
  const known = Y.encodeStateVector(replica);
  replica.getMap('meta').set('title', 'U');
  room.handleMessage(editor, encodeUpdate(Y.encodeStateAsUpdate(replica, known)));
  assert.equal(room.fullSyncCached, false);
  assert.equal(fresh(), 'U');
  await new Promise((resolve) => setTimeout(resolve, FULL_SYNC_KEEP_MS + 200));
  assert.equal(room.fullSyncCached, false);
  assert.equal(fresh(), 'U');
  room.destroy();
});

/** A products sheet in a room, a client replica of it, and a big update of `rows` new rows from that client. */
function bigUpdateSetup(rows: number, hostileLast = false) {
  const seed = new Y.Doc();
  initSheet(seed, { title: 'Big', template: 'products', createdAt: 1 });
  const room = new Room('s1');
  room.load([Y.encodeStateAsUpdate(seed)]);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(seed));
  const vector = Y.encodeStateVector(client);
  const columns = Object.fromEntries(readColumns(client).map((c) => [c.name, c.id]));
  const ids = insertRows(client, Array.from({ length: rows }, (_, i) => ({ [columns.sku]: `S${i}`, [columns.stock]: i })), {}, { clock: new HybridLogicalClock(), userId: 'u' });
  if (hostileLast) (rowsMap(client).get(ids.at(-1)!)!.get('cells') as Y.Map<unknown>).set(columns.name, { v: { evil: 1 }, t: 1, by: 'x' });
  return { room, client, columns, update: Y.encodeStateAsUpdate(client, vector) };
}

test('a big update is checked and applied in slices: the room ends equal to the client, relayed to the others, and updates sent meanwhile follow it', async () => {
  const { room, client, columns, update } = bigUpdateSetup(3000);
  assert.ok(update.byteLength > BIG_UPDATE_BYTES);
  const sender = fakeSocket();
  const other = fakeSocket();
  room.addSocket(sender);
  room.addSocket(other);
  room.handleMessage(sender, encodeUpdate(update));
  // Sent right after, from another socket: it depends on the big update's rows, so it must come after.
  const follower = new Y.Doc();
  Y.applyUpdate(follower, Y.encodeStateAsUpdate(client));
  const before = Y.encodeStateVector(follower);
  const lastRow = readRowOrder(follower).at(-1)!.id;
  (rowsMap(follower).get(lastRow)!.get('cells') as Y.Map<unknown>).set(columns.name, { v: 'after', t: Date.now(), by: 'o' });
  room.handleMessage(other, encodeUpdate(Y.encodeStateAsUpdate(follower, before)));
  await room.settled();
  assert.equal(sender.closed, null);
  assert.equal(other.closed, null);
  assert.equal(rowsMap(room.doc).size, 3000);
  assert.equal((rowsMap(room.doc).get(lastRow)!.get('cells') as Y.Map<{ v: unknown }>).get(columns.name)?.v, 'after');
  // The other socket got the rows as relayed updates.
  const copy = new Y.Doc();
  for (const m of other.received) if (m.type === 'update') Y.applyUpdate(copy, m.update);
  assert.equal(rowsMap(copy).size, 3000);
  room.destroy();
});

test('a big update with one bad cell anywhere is refused whole: the socket is closed with 4400 and nothing is applied', async () => {
  const { room, update } = bigUpdateSetup(3000, true);
  const sender = fakeSocket();
  room.addSocket(sender);
  const before = Y.encodeStateVector(room.doc);
  room.handleMessage(sender, encodeUpdate(update));
  await room.settled();
  assert.equal(sender.closed?.code, CLOSE_BAD_MESSAGE);
  assert.deepEqual(Y.encodeStateVector(room.doc), before);
  assert.equal(rowsMap(room.doc).size, 0);
  room.destroy();
});

test('a big frame that is not a Yjs update closes the socket with 4400', async () => {
  const room = new Room('s1');
  room.load([]);
  const sender = fakeSocket();
  room.addSocket(sender);
  const garbage = new Uint8Array(BIG_UPDATE_BYTES + 10).fill(7);
  room.handleMessage(sender, encodeUpdate(garbage));
  await room.settled();
  assert.equal(sender.closed?.code, CLOSE_BAD_MESSAGE);
  room.destroy();
});

test('a big stored document loads in slices, equal to what was stored, before the parts run', async () => {
  const seed = new Y.Doc();
  initSheet(seed, { title: 'Stored', template: 'products', createdAt: 1 });
  const columns = Object.fromEntries(readColumns(seed).map((c) => [c.name, c.id]));
  const editor = { clock: new HybridLogicalClock(), userId: 'u' };
  // A snapshot and a log after it, as the store gives them.
  const snapshot = (insertRows(seed, Array.from({ length: 12_000 }, (_, i) => ({ [columns.sku]: `S${i}`, [columns.stock]: i })), {}, editor), Y.encodeStateAsUpdate(seed));
  const before = Y.encodeStateVector(seed);
  insertRows(seed, [{ [columns.sku]: 'LAST', [columns.stock]: 1 }], {}, editor);
  const log = Y.encodeStateAsUpdate(seed, before);
  assert.ok(snapshot.byteLength > 1024 * 1024, 'past the size loaded in slices');

  let afterLoadSaw = -1;
  const room = new Room('s1', [{ afterLoad: (r) => void (afterLoadSaw = rowsMap(r.doc).size) }]);
  const loading = room.load([snapshot, log]);
  assert.equal(rowsMap(room.doc).size, 0, 'nothing of the big snapshot is applied before a turn of the event loop');
  await loading;
  assert.equal(afterLoadSaw, 12_001, 'the parts run once everything is applied');
  assert.deepEqual(readSheet(room.doc), readSheet(seed));

  const socket = fakeSocket();
  room.addSocket(socket);
  room.handleMessage(socket, encodeSyncStep1(new Y.Doc()));
  const reply = socket.received.at(-1) as { type: string; update: Uint8Array };
  assert.equal(reply.type, 'update');
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, reply.update);
  assert.deepEqual(readSheet(fresh), readSheet(seed));
  room.destroy();
});
