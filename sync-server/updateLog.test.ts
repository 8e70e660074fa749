import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as Y from 'yjs';
import { openDatabase } from './database';
import { frameUpdates, unframeUpdates, UpdateLog } from './updateLog';

test('framing keeps every update of a batch, byte for byte', () => {
  const updates = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(300).fill(7)];
  assert.deepEqual(unframeUpdates(frameUpdates(updates)), updates);
});

test('group commits, compaction and reload give back the same document', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-log-'));
  const db = await openDatabase(join(dir, 'cellar.duckdb'));
  try {
    const committed: number[] = [];
    const log = new UpdateLog(db.log, { onCommitted: (batch) => committed.push(batch.seq) });
    const doc = new Y.Doc();
    doc.on('update', (update: Uint8Array) => log.append('s1', update));
    for (let i = 0; i < 500; i++) doc.getMap('m').set(`k${i % 50}`, i);
    await log.flush();
    assert.equal(committed.at(-1), 500, 'the last commit covers the last update');
    assert.ok(log.stats.batches < 500, `updates were grouped (${log.stats.batches} commits)`);

    // The snapshot is merged from what is stored (in the update worker), not from the live document.
    const bytes = await log.compact('s1', log.lastSeq('s1'));
    assert.ok(bytes > 0);
    for (let i = 0; i < 20; i++) doc.getMap('m').set(`after${i}`, i);
    await log.flush();

    const stored = await new UpdateLog(db.log).load('s1');
    assert.equal(stored.lastSeq, 520);
    assert.equal(stored.sinceSnapshot, 20, 'only the updates after the snapshot are replayed');
    assert.equal(stored.snapshotBytes, bytes);
    const reloaded = new Y.Doc();
    for (const update of stored.updates) Y.applyUpdate(reloaded, update);
    assert.deepEqual(reloaded.getMap('m').toJSON(), doc.getMap('m').toJSON());

    // Two compactions at once (the later asked first to finish would lose the updates between them if an
    // older snapshot could replace a newer): they run in order, and the snapshot merges the previous one.
    for (let i = 0; i < 30; i++) doc.getMap('m').set(`more${i}`, i);
    await log.flush();
    const first = log.compact('s1', 530);
    const second = log.compact('s1', 550);
    await Promise.all([first, second]);
    const again = await new UpdateLog(db.log).load('s1');
    assert.equal(again.sinceSnapshot, 0);
    assert.equal(again.lastSeq, 550);
    const reloadedAgain = new Y.Doc();
    for (const update of again.updates) Y.applyUpdate(reloadedAgain, update);
    assert.deepEqual(reloadedAgain.getMap('m').toJSON(), doc.getMap('m').toJSON());
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
