// Persistence throughput: single-cell edits, each its own Yjs update as a client sends it, applied to the
// server's document and persisted through the real update log (group commits) and materializer, until
// DuckDB holds them all. The updates are made beforehand (a client's work, not the server's).
// Reference: the same edits persisted one upsert per edit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { initSheet, insertRows, readColumns, setCell } from '../lib/sheetDoc';
import { physicalColumn, sheetTable } from '../lib/relationalViews';
import { openDatabase } from '../sync-server/database';
import { Materializer } from '../sync-server/materializer';
import { UpdateLog } from '../sync-server/updateLog';

export interface PersistenceReport {
  edits: number;
  seconds: number;
  editsPerSecond: number;
  /** CPU seconds of the process (all threads, DuckDB's too) over the timed span. */
  cpuSeconds: number;
  logBatches: number;
  materializedRows: number;
  baselineEdits: number;
  baselineEditsPerSecond: number;
  ratio: number;
}

export async function benchPersistence(options = { rows: 5000, edits: 200_000, baselineEdits: 2000 }): Promise<PersistenceReport> {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-bench-persist-'));
  const db = await openDatabase(join(dir, 'cellar.duckdb'));
  try {
    const log = new UpdateLog(db.log);
    const materializer = new Materializer(db.materializer, { intervalMs: 100 });
    const doc = new Y.Doc();
    const sheetId = 'bench';
    doc.on('update', (update: Uint8Array) => log.append(sheetId, update));
    materializer.track(sheetId, doc, () => log.lastSeq(sheetId), true);
    initSheet(doc, { title: 'bench', template: 'products', createdAt: Date.now() });
    const editor = { clock: new HybridLogicalClock(), userId: 'bench' };
    const numberColumns = readColumns(doc).filter((c) => c.type === 'number').map((c) => c.id);
    const rows = insertRows(doc, Array.from({ length: options.rows }, () => ({})), {}, editor);
    // The client: a replica that makes one update per edit.
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(doc));
    const updates: Uint8Array[] = [];
    client.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < options.edits; i++) setCell(client, rows[(i * 7919) % rows.length], numberColumns[i % numberColumns.length], i, editor);
    await log.flush();
    await materializer.flush();
    materializer.start();

    const before = { batches: log.stats.batches, rows: materializer.stats.rows };
    const cpu = process.cpuUsage();
    const started = performance.now();
    let applied = 0;
    // Updates arrive in bursts between event-loop turns, as from many sockets; flushes run meanwhile.
    while (applied < updates.length) {
      for (let i = 0; i < 2000 && applied < updates.length; i++, applied++) Y.applyUpdate(doc, updates[applied], 'socket');
      await new Promise((resolve) => setImmediate(resolve));
    }
    await log.flush();
    await materializer.flush();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    materializer.stop();

    // Check the last edit of every cell reached DuckDB, so the number counts persisted edits only.
    const lastRow = rows[((options.edits - 1) * 7919) % rows.length];
    const lastCol = numberColumns[(options.edits - 1) % numberColumns.length];
    const stored = await db.read(async (c) => (await c.runAndReadAll(`SELECT ${physicalColumn(lastCol)} FROM ${sheetTable(sheetId)} WHERE row_id = $r`, { r: lastRow })).getRows()[0][0]);
    if (Number(stored) !== options.edits - 1) throw new Error(`persisted value ${stored} != ${options.edits - 1}`);

    // Reference: one upsert per edit into a cells table.
    await db.materializer.run('CREATE TABLE baseline_cells (row_id VARCHAR, col_id VARCHAR, v DOUBLE, PRIMARY KEY (row_id, col_id))');
    const baselineStarted = performance.now();
    for (let i = 0; i < options.baselineEdits; i++) {
      await db.materializer.run(
        'INSERT INTO baseline_cells VALUES ($r, $c, $v) ON CONFLICT (row_id, col_id) DO UPDATE SET v = excluded.v',
        { r: rows[(i * 7919) % rows.length], c: numberColumns[i % numberColumns.length], v: i },
      );
    }
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    const editsPerSecond = options.edits / seconds;
    const baselineEditsPerSecond = options.baselineEdits / baselineSeconds;
    return {
      edits: options.edits,
      seconds,
      editsPerSecond,
      cpuSeconds: (used.user + used.system) / 1e6,
      logBatches: log.stats.batches - before.batches,
      materializedRows: materializer.stats.rows - before.rows,
      baselineEdits: options.baselineEdits,
      baselineEditsPerSecond,
      ratio: editsPerSecond / baselineEditsPerSecond,
    };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchPersistence(), null, 2));
}
