// The materializer on a real DuckDB file with every take cut at its minimum (a read budget of 0 ms): a sheet's
// table is rewritten over many batches into its own table and put in place by the last, so after a schema
// change DuckDB holds every row with the new column, and no rewrite table is left behind.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { physicalColumn, sheetTable } from '../lib/relationalViews';
import { initSheet, insertColumn, insertRows, readColumns, readRowOrder, setCell } from '../lib/sheetDoc';
import { openDatabase } from './database';
import { LocalBatchSource, Materializer } from './materializer';

test('a schema change on a sheet read in many small batches: the table is rewritten aside and put in place whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-materializer-'));
  const db = await openDatabase(join(dir, 'cellar.duckdb'));
  try {
    const doc = new Y.Doc();
    initSheet(doc, { title: 'big', template: 'products', createdAt: 1_700_000_000_000 });
    const editor = { clock: new HybridLogicalClock(), userId: 'ana' };
    const sku = readColumns(doc).find((c) => c.name === 'sku')!;
    insertRows(doc, Array.from({ length: 700 }, (_, i) => ({ [sku.id]: `S${i}` })), {}, editor);
    const materializer = new Materializer(db.materializer, { source: new LocalBatchSource(100, 0) });
    let seq = 1;
    materializer.track('s1', doc, () => seq, true);
    await materializer.flush();
    const count = async (sql: string) => Number((await db.materializer.runAndReadAll(sql)).getRows()[0][0]);
    assert.equal(await count(`SELECT count(*) FROM ${sheetTable('s1')}`), 700);

    // A new column with a value in every row, and a row edited meanwhile.
    insertColumn(doc, { name: 'colour', type: 'text' }, null);
    const colour = readColumns(doc).find((c) => c.name === 'colour')!;
    const ids = readRowOrder(doc).map((row) => row.id);
    for (const id of ids) setCell(doc, id, colour.id, `c-${id}`, editor);
    seq = 2;
    await materializer.flush();
    assert.ok(materializer.stats.flushes > 20, `written in many batches (${materializer.stats.flushes})`);
    assert.equal(await count(`SELECT count(*) FROM ${sheetTable('s1')} WHERE ${physicalColumn(colour.id)} = 'c-' || row_id`), 700, 'every row has the new column');
    assert.equal(await count(`SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'sdr_%'`), 0, 'no rewrite table left');
    assert.equal(await count(`SELECT materialized_seq FROM sheets WHERE id = 's1'`), 2, 'the last batch claims the log sequence');
    assert.equal(await count(`SELECT count(*) FROM sheet_columns WHERE sheet_id = 's1' AND name = 'colour'`), 1);
    materializer.stop();
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
