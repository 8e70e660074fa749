// The materializer worker's replicas: after random concurrent edits (with the cell arbiter re-asserting
// later edits), each replica equals the room's document and its batches equal the ones read from the
// room's own document, attribution included; a worker that dies is restarted and the sheet rebuilt whole.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { attachCellArbiter, CELL_ARBITER_ORIGIN } from '../lib/cellArbiter';
import { HybridLogicalClock } from '../lib/hlc';
import { adjustCell, deleteRows, initSheet, insertColumn, insertRows, readColumns, readRowOrder, renameColumn, setCell } from '../lib/sheetDoc';
import { LocalBatchSource } from './materializer';
import type { SheetBatch } from './materializationTracker';
import { ReplicaBatchSource } from './replicaBatchSource';

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Harness {
  server: Y.Doc;
  clients: Array<{ doc: Y.Doc; editor: { clock: HybridLogicalClock; userId: string }; unsent: Uint8Array[] }>;
  writer: { current: string | null };
  seq: { current: number };
}

function harness(): Harness {
  const server = new Y.Doc();
  initSheet(server, { title: 'replica', template: 'products', createdAt: 1_700_000_000_000 });
  attachCellArbiter(server, { origin: CELL_ARBITER_ORIGIN });
  const seq = { current: 0 };
  server.on('update', () => seq.current++);
  const clients = ['ana', 'ben', 'cy'].map((userId) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
    const client = { doc, editor: { clock: new HybridLogicalClock(), userId }, unsent: [] as Uint8Array[] };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'server') client.unsent.push(update);
    });
    return client;
  });
  server.on('update', (update: Uint8Array, origin: unknown) => {
    for (const client of clients) if (origin !== client) Y.applyUpdate(client.doc, update, 'server');
  });
  return { server, clients, writer: { current: null }, seq };
}

/** Applies each client's unsent updates to the server as its socket would, with its identity as the writer. */
function deliver(h: Harness, order: number[]): void {
  for (const index of order) {
    const client = h.clients[index];
    const updates = client.unsent.splice(0);
    for (const update of updates) {
      h.writer.current = `identity-${client.editor.userId}`;
      try {
        Y.applyUpdate(h.server, update, client);
      } finally {
        h.writer.current = null;
      }
    }
  }
}

function randomEdit(h: Harness, next: () => number): void {
  const client = h.clients[Math.floor(next() * h.clients.length)];
  const doc = client.doc;
  const rows = readRowOrder(doc).map((r) => r.id);
  const columns = readColumns(doc);
  const pick = <T,>(items: T[]) => items[Math.floor(next() * items.length)];
  const choice = next();
  if (rows.length < 3 || choice < 0.1) {
    insertRows(doc, [{ [columns[0].id]: `new ${Math.floor(next() * 1000)}` }], {}, client.editor);
  } else if (choice < 0.6) {
    const col = pick(columns);
    const value = col.type === 'number' ? Math.round(next() * 1000) / 10 : col.type === 'boolean' ? next() < 0.5 : `v${Math.floor(next() * 50)}\u{1F600}`;
    // Same cells often, so concurrent edits of one cell (and the arbiter) happen.
    setCell(doc, pick(rows.slice(0, 4)), col.id, value as never, client.editor);
  } else if (choice < 0.7) {
    const numeric = columns.find((c) => c.type === 'number');
    if (numeric) adjustCell(doc, pick(rows), numeric.id, Math.round(next() * 10) - 5, client.editor);
  } else if (choice < 0.78) {
    deleteRows(doc, [pick(rows)]);
  } else if (choice < 0.83) {
    insertColumn(doc, { name: `extra ${Math.floor(next() * 100)}`, type: next() < 0.5 ? 'text' : 'number' }, pick(columns).id);
  } else if (choice < 0.86) {
    renameColumn(doc, pick(columns).id, `renamed ${Math.floor(next() * 100)}`);
  } else {
    setCell(doc, pick(rows), pick(columns.filter((c) => c.type === 'text')).id, `text ${Math.floor(next() * 9)}`, client.editor);
  }
}

/** The replica's content: a decoded document lists its root types once they are asked for by kind. */
function contentOf(state: Uint8Array, like: Y.Doc): unknown {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  for (const [key, type] of like.share) {
    if (type instanceof Y.Map) doc.getMap(key);
    else if (type instanceof Y.Array) doc.getArray(key);
  }
  return doc.toJSON();
}

const sorted = (batches: SheetBatch[]) => [...batches].sort((a, b) => (a.sheetId < b.sheetId ? -1 : 1));

test("the worker's replica equals the room's document and gives the same batches, attribution and conflicts included", async () => {
  const source = new ReplicaBatchSource({ rowsPerChunk: 7 });
  try {
    for (const seed of [1, 2, 3]) {
      const h = harness();
      const local = new LocalBatchSource(7);
      const sheetId = `sheet-${seed}`;
      local.track(sheetId, h.server, () => h.seq.current, true, () => h.writer.current);
      source.track(sheetId, h.server, () => h.seq.current, true, () => h.writer.current);
      const next = random(seed);
      let conflicts = 0;
      let historyChunks = 0;
      for (let step = 0; step < 60; step++) {
        // Several clients edit before anything is delivered: concurrent edits, delivered in a random order.
        for (let i = 0, n = 1 + Math.floor(next() * 3); i < n; i++) randomEdit(h, next);
        const firstRow = readRowOrder(h.server)[0];
        if (firstRow && next() < 0.3) {
          // Two clients set one cell: whichever Yjs keeps, the later stamp must win (the arbiter).
          const row = firstRow.id;
          const col = readColumns(h.server).find((c) => c.type === 'text')!.id;
          setCell(h.clients[1].doc, row, col, `first ${step}`, h.clients[1].editor);
          setCell(h.clients[2].doc, row, col, `second ${step}`, h.clients[2].editor);
        }
        deliver(h, [0, 1, 2].sort(() => next() - 0.5));
        if (step % 7 === 6 || step === 59) {
          const fromRoom = local.take(new Set());
          const fromReplica = await source.take(new Set());
          assert.deepEqual(sorted(fromReplica), sorted(fromRoom), `batches differ at step ${step} (seed ${seed})`);
          for (const batch of fromRoom) {
            conflicts += batch.conflicts.length;
            historyChunks += batch.historyChunks.length;
          }
        }
      }
      const state = await source.replicaState(sheetId);
      assert.ok(state);
      assert.deepEqual(contentOf(state, h.server), h.server.toJSON());
      assert.deepEqual(Y.encodeStateVectorFromUpdate(state), Y.encodeStateVector(h.server));
      assert.ok(historyChunks > 0, 'the edits made history');
      assert.ok(conflicts > 0, `the arbiter recorded conflicts (seed ${seed})`);
      source.detach(sheetId);
      local.detach(sheetId);
    }
  } finally {
    await source.close();
  }
});

test('a failed write given back to the worker is rewritten whole with its history; a worker that dies is restarted and the sheet rebuilt', async () => {
  const source = new ReplicaBatchSource();
  try {
    const h = harness();
    source.track('s', h.server, () => h.seq.current, false, () => h.writer.current);
    const editor = h.clients[0].editor;
    const columns = readColumns(h.clients[0].doc);
    insertRows(h.clients[0].doc, [{ [columns[0].id]: 'a' }, { [columns[0].id]: 'b' }], {}, editor);
    deliver(h, [0]);
    const [first] = await source.take(new Set());
    assert.equal(first.rebuild?.first ?? false, false);
    assert.equal(first.rowCount, 2);
    assert.ok(first.changedCells.every((cell) => cell.identity === 'identity-ana'));

    source.giveBack(first);
    const [again] = await source.take(new Set());
    assert.equal(again.rebuild?.first, true, 'rewritten whole');
    assert.deepEqual(again.changedCells, first.changedCells);
    assert.deepEqual(await source.take(new Set()), []);

    await source.crashWorker();
    setCell(h.clients[1].doc, readRowOrder(h.server)[0].id, columns[0].id, 'after the crash', h.clients[1].editor);
    deliver(h, [1]);
    const [rebuilt] = await source.take(new Set());
    assert.equal(source.starts, 2);
    assert.equal(rebuilt.rebuild?.first, true);
    assert.equal(rebuilt.rowCount, readRowOrder(h.server, true).length);
    assert.deepEqual(contentOf((await source.replicaState('s'))!, h.server), h.server.toJSON());
  } finally {
    await source.close();
  }
});
