// The materializer on a real DuckDB file with every take cut at its minimum (a read budget of 0 ms): a sheet's
// table is rewritten over many batches into its own table and put in place by the last, so after a schema
// change DuckDB holds every row with the new column, and no rewrite table is left behind. And the per-sku sales
// totals the insights read stay equal to the sales they sum through random edits of two sales sheets.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { physicalColumn, sheetTable } from '../lib/relationalViews';
import { seededRandom } from '../lib/demoWorkbook';
import { SKU_SALE_AGGREGATES, SKU_SALE_TOTALS } from '../lib/insights/skuSaleTotals';
import type { CellValue } from '../lib/schema';
import { deleteRows, initSheet, insertColumn, insertRows, readColumns, readRowOrder, restoreRows, rowsMap, setCell } from '../lib/sheetDoc';
import { openDatabase, type Database } from './database';
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

test('sku_sale_totals equals the sales summed per sku after every flush of random sales edits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-materializer-totals-'));
  const db = await openDatabase(join(dir, 'cellar.duckdb'));
  try {
    const random = seededRandom(20261202);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const skus = ['S1', 'S2', 'S3', 'S4', null];
    const editor = { clock: new HybridLogicalClock(), userId: 'ana' };
    const materializer = new Materializer(db.materializer);
    const sheets = ['sales-a', 'sales-b'].map((id) => {
      const doc = new Y.Doc();
      initSheet(doc, { title: id, template: 'sales', createdAt: 1_700_000_000_000 });
      const column = Object.fromEntries(readColumns(doc).map((c) => [c.name, c.id]));
      return { id, doc, column };
    });
    const randomValue = (name: string): CellValue => {
      if (random() < 0.1) return null;
      if (name === 'sku') return pick(skus);
      if (name === 'sold_at') return `2026-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
      return Math.floor(random() * 20) - 2; // whole numbers: every sum is exact, whatever its order
    };
    const randomRow = (column: Record<string, string>) => Object.fromEntries(['sold_at', 'sku', 'qty', 'unit_price'].map((name) => [column[name], randomValue(name)]));
    for (const sheet of sheets) {
      insertRows(sheet.doc, Array.from({ length: 30 }, () => randomRow(sheet.column)), {}, editor);
      materializer.track(sheet.id, sheet.doc, () => 1, true);
    }
    const rowsOf = async (sql: string) => JSON.stringify((await db.materializer.runAndReadAll(sql)).getRowsJson());
    const totals = () => rowsOf(`SELECT * FROM ${SKU_SALE_TOTALS} ORDER BY sku NULLS LAST`);
    const summed = () => rowsOf(`SELECT sku, ${SKU_SALE_AGGREGATES} FROM sales GROUP BY sku ORDER BY sku NULLS LAST`);
    await materializer.flush();
    assert.equal(await totals(), await summed(), 'after the first write');
    assert.notEqual(await totals(), '[]');

    for (let round = 0; round < 40; round++) {
      const { doc, column } = pick(sheets);
      const rows = readRowOrder(doc, true).map((r) => r.id);
      for (let i = 0; i < 3; i++) {
        const op = random();
        const name = pick(['sold_at', 'sku', 'qty', 'unit_price']);
        if (op < 0.55) setCell(doc, pick(rows), column[name], randomValue(name), editor);
        else if (op < 0.7) insertRows(doc, [randomRow(column)], {}, editor);
        else if (op < 0.8) deleteRows(doc, [pick(rows)]);
        else if (op < 0.9) restoreRows(doc, [pick(rows)]);
        else rowsMap(doc).delete(pick(rows)); // removed outright
      }
      await materializer.flush();
      // Settled after one flush or after several (the stale skus accumulate).
      if (round % 3 === 1) continue;
      await materializer.settleSkuSaleTotals();
      assert.equal(await totals(), await summed(), `after round ${round}`);
    }
    materializer.stop();
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A real DuckDB file for one test, closed and removed afterwards. */
async function withDatabase(work: (db: Database) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-materializer-totals-'));
  const db = await openDatabase(join(dir, 'cellar.duckdb'));
  try {
    await work(db);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A sales sheet 'sales' with one row (sku S1, qty 2), tracked and written once. */
async function oneSaleSheet(materializer: Materializer, editor: { clock: HybridLogicalClock; userId: string }) {
  const sales = new Y.Doc();
  initSheet(sales, { title: 'sales', template: 'sales', createdAt: 1_700_000_000_000 });
  const column = Object.fromEntries(readColumns(sales).map((c) => [c.name, c.id]));
  const [row] = insertRows(sales, [{ [column.sku]: 'S1', [column.qty]: 2 }], {}, editor);
  materializer.track('sales', sales, () => 1, true);
  await materializer.flush();
  return { sales, column, row };
}

const unitsOfS1 = async (db: Database) => (await db.materializer.runAndReadAll(`SELECT units FROM ${SKU_SALE_TOTALS} WHERE sku = 'S1'`)).getRows()[0][0];

test('settling the sales totals waits for one take of a long flush, not for all of it', () =>
  withDatabase(async (db) => {
    const editor = { clock: new HybridLogicalClock(), userId: 'ana' };
    const materializer = new Materializer(db.materializer, { source: new LocalBatchSource(50, 0) });
    const { sales, column, row } = await oneSaleSheet(materializer, editor);
    setCell(sales, row, column.qty, 5, editor);
    await materializer.flush(); // S1 is now stale

    // A big products sheet written in many takes (50 rows each, a 0 ms read budget).
    const products = new Y.Doc();
    initSheet(products, { title: 'big', template: 'products', createdAt: 1_700_000_000_000 });
    const sku = readColumns(products).find((c) => c.name === 'sku')!;
    insertRows(products, Array.from({ length: 2000 }, (_, i) => ({ [sku.id]: `P${i}` })), {}, editor);
    materializer.track('big', products, () => 1, true);
    let flushed = false;
    const flushing = materializer.flush().then(() => (flushed = true));
    await new Promise((resolve) => setImmediate(resolve));
    await materializer.settleSkuSaleTotals();
    assert.equal(flushed, false, 'settled while the big sheet was still being written');
    assert.equal(await unitsOfS1(db), 5);
    await flushing;
    materializer.stop();
  }));

test('a sales change is written even when the skus it touched cannot be read; the totals are then recomputed whole', () =>
  withDatabase(async (db) => {
    const editor = { clock: new HybridLogicalClock(), userId: 'ana' };
    const materializer = new Materializer(db.materializer);
    const { sales, column, row } = await oneSaleSheet(materializer, editor);
    const views = (await db.materializer.runAndReadAll(`SELECT sql FROM duckdb_views() WHERE view_name = 'sales'`)).getRows()[0][0] as string;
    await db.materializer.run(`CREATE OR REPLACE VIEW sales AS SELECT 1 AS nothing_an_insight_reads`);
    setCell(sales, row, column.qty, 7, editor);
    await materializer.flush();
    assert.deepEqual(materializer.healthReport().sheets, [], 'the sheet did not fail');
    assert.equal((await db.materializer.runAndReadAll(`SELECT ${physicalColumn(column.qty)} FROM ${sheetTable('sales')}`)).getRows()[0][0], 7);
    await db.materializer.run(views.replace(/^CREATE VIEW/, 'CREATE OR REPLACE VIEW'));
    await materializer.settleSkuSaleTotals();
    assert.equal(await unitsOfS1(db), 7);
    materializer.stop();
  }));

test('a reader settling the sales totals while another settles them waits for that recomputation', () =>
  withDatabase(async (db) => {
    const editor = { clock: new HybridLogicalClock(), userId: 'ana' };
    const materializer = new Materializer(db.materializer);
    const { sales, column, row } = await oneSaleSheet(materializer, editor);
    await materializer.settleSkuSaleTotals();
    setCell(sales, row, column.qty, 9, editor);
    await materializer.flush();
    // The page's answer and its summary ask at once (two keys of the insight cache).
    const first = materializer.settleSkuSaleTotals();
    await materializer.settleSkuSaleTotals();
    assert.equal(await unitsOfS1(db), 9);
    await first;
    materializer.stop();
  }));

test('of the sheets changed since the last flush, the smallest change is written first', () =>
  withDatabase(async (db) => {
    const written: string[] = [];
    const materializer = new Materializer(db.materializer, { onMaterialized: (change) => written.push(change.sheetId) });
    const editor = { clock: new HybridLogicalClock(), userId: 'ana' };
    const sheet = (id: string, rows: number) => {
      const doc = new Y.Doc();
      initSheet(doc, { title: id, template: 'products', createdAt: 1_700_000_000_000 });
      materializer.track(id, doc, () => 1, true);
      const sku = readColumns(doc).find((c) => c.name === 'sku')!;
      insertRows(doc, Array.from({ length: rows }, (_, i) => ({ [sku.id]: `${id}-${i}` })), {}, editor);
    };
    // Tracked (and changed) in this order: the import first, the one-row edit last.
    sheet('import', 3000);
    sheet('some', 40);
    sheet('one', 1);
    await materializer.flush();
    assert.deepEqual([...new Set(written)], ['one', 'some', 'import'], 'in order of size, not of tracking');
    materializer.stop();
  }));
