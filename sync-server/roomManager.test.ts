// Unit tests of the room manager with the in-memory stores: no DuckDB, no child process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { coversOwnEdits, encodeUpdate } from '../lib/protocol';
import { insertRows, readColumns, readSheet, setCell } from '../lib/sheetDoc';
import { MemoryDocumentStore } from './memoryDocumentStore';
import { MemorySheetStore } from './memorySheetStore';
import { RoomManager, SheetNotFoundError } from './roomManager';
import { fakeSocket } from './testing/fakeSocket';

const meta = { title: 'Stock', template: 'products' as const, createdAt: 1 };

function setup(idleUnloadMs = 10) {
  const documents = new MemoryDocumentStore();
  const sheets = new MemorySheetStore();
  const rooms = new RoomManager(documents, sheets, new Set(), { idleUnloadMs });
  return { documents, sheets, rooms };
}

const until = async (probe: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(probe(), what);
};

test('a created sheet is stored and materialized before create resolves; unknown sheets are refused', async () => {
  const { documents, sheets, rooms } = setup();
  await rooms.create('s1', meta);
  assert.ok(documents.logs.get('s1')!.length > 0);
  assert.equal((await sheets.read('s1'))?.title, 'Stock');
  assert.equal((await sheets.read('s1'))?.columns.length, 10);
  await assert.rejects(rooms.open('nope'), SheetNotFoundError);
  await assert.rejects(rooms.create('s1', meta), /exists/);
  await rooms.closeAll();
});

test("a socket's edit is logged, materialized and acknowledged with a state vector covering it", async () => {
  const { documents, sheets, rooms } = setup(1000);
  await rooms.create('s1', meta);
  const room = await rooms.open('s1');
  const socket = fakeSocket();
  room.addSocket(socket);

  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(room.doc));
  const editor = { clock: new HybridLogicalClock(), userId: 'u' };
  const sent: Uint8Array[] = [];
  client.on('update', (update: Uint8Array) => sent.push(update));
  const [rowId] = insertRows(client, [{}], {}, editor);
  setCell(client, rowId, readColumns(client)[0].id, 'SKU-1', editor);
  for (const update of sent) room.handleMessage(socket, encodeUpdate(update));

  await until(() => socket.received.some((m) => m.type === 'saved' && coversOwnEdits(m.durable, client)), 'the save acknowledgement');
  await documents.flush();
  await sheets.flush();
  assert.equal((await sheets.read('s1'))?.rows[0].values[readColumns(client)[0].id], 'SKU-1');
  room.removeSocket(socket);
  rooms.release(room);
  await rooms.closeAll();
});

test('an idle room unloads after a flush and a compaction, and loads back the same sheet', async () => {
  const { documents, rooms } = setup();
  await rooms.create('s1', meta);
  await rooms.withRoom('s1', (room) => insertRows(room.doc, [{}, {}], {}, { clock: new HybridLogicalClock(), userId: 'u' }));
  const before = readSheet((await rooms.open('s1')).doc);
  rooms.release(await rooms.open('s1'));
  await until(() => rooms.loadedRooms.size === 0, 'the room to unload');
  assert.ok(documents.snapshots.has('s1'), 'compacted into a snapshot');
  assert.equal(documents.logs.get('s1')!.length, 0);
  const reloaded = await rooms.open('s1');
  assert.deepEqual(readSheet(reloaded.doc), before);
  rooms.release(reloaded);
  await rooms.closeAll();
});

test('a room that someone re-opens while it unloads stays loaded', async () => {
  const { rooms } = setup(0);
  await rooms.create('s1', meta);
  const room = await rooms.open('s1');
  rooms.release(room);
  const again = await rooms.open('s1');
  again.holds++;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(rooms.loadedRooms.get('s1'), room);
  again.holds--;
  await rooms.closeAll();
});

test('shutdown waits for a compaction started in the background, and loads nothing after it began', async () => {
  // A store whose compaction takes a while, as a big sheet's does: the server closed DuckDB under one
  // still running, and the process hung at exit on the freed connection.
  const documents = new (class extends MemoryDocumentStore {
    compactions = { started: 0, finished: 0 };
    override async compact(sheetId: string, uptoSeq: number): Promise<number> {
      this.compactions.started++;
      await new Promise((r) => setTimeout(r, 150));
      const size = await super.compact(sheetId, uptoSeq);
      this.compactions.finished++;
      return size;
    }
  })();
  const rooms = new RoomManager(documents, new MemorySheetStore(), new Set(), { idleUnloadMs: 1000, compactEvery: 5 });
  await rooms.create('s1', meta);
  const editor = { clock: new HybridLogicalClock(), userId: 'u' };
  await rooms.withRoom('s1', (room) => {
    for (let i = 0; i < 10; i++) insertRows(room.doc, [{}], {}, editor);
  });
  await until(() => documents.compactions.started > 0, 'a background compaction to start');
  assert.equal(documents.compactions.finished, 0);
  await rooms.closeAll();
  assert.equal(documents.compactions.finished, documents.compactions.started, 'every compaction finished before closeAll resolved');
  await assert.rejects(rooms.open('s1'), /stopping/);
});
