// Insight benchmark: generates a workspace of products and sales into a DuckDB file with the appender,
// then times every insight's SQL run directly (median of N runs) and the same through runInsight (query
// parsing, binding and JSON conversion), so the API's overhead over plain SQL can be read off.
// Called by bench/run.ts (`npm run bench`); never asserted in tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { INSIGHTS } from '../lib/insights/index';
import { parseInsightParams } from '../lib/insights/params';
import { appendProducts, appendSales, createInsightTables, type ProductRecord, type SaleRecord } from '../lib/node/insightTables';
import { runInsight } from '../sync-server/insightRunner';

export interface InsightBenchOptions {
  products?: number;
  sales?: number;
  /** Timed runs per insight and path, after one warm-up run. */
  runs?: number;
  /** Where the DuckDB file goes; a fresh temporary directory (removed afterwards) by default. */
  directory?: string;
  log?: (line: string) => void;
}

export interface InsightBenchResult {
  name: string;
  rows: number;
  /** The insight's SQL through @duckdb/node-api, all rows read. */
  directMedianMs: number;
  /** The same through runInsight: parameters parsed and bound, values converted to JSON. */
  runnerMedianMs: number;
}

export interface InsightBenchReport {
  products: number;
  sales: number;
  loadMs: number;
  results: InsightBenchResult[];
}

const FIRST_DAY = Date.UTC(2023, 0, 1) / 86_400_000;
const DAYS = 730;

export async function benchInsights(options: InsightBenchOptions = {}): Promise<InsightBenchReport> {
  const productCount = options.products ?? 100_000;
  const saleCount = options.sales ?? 1_000_000;
  const runs = options.runs ?? 7;
  const log = options.log ?? (() => {});
  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'cellar-bench-insights-'));
  const instance = await DuckDBInstance.create(join(directory, `insights-${Date.now()}.duckdb`));
  const connection = await instance.connect();
  try {
    const loadStart = performance.now();
    await createInsightTables(connection);
    await appendProducts(connection, generateProducts(productCount, 1));
    await appendSales(connection, generateSales(saleCount, productCount, 2));
    await connection.run('CHECKPOINT');
    const loadMs = performance.now() - loadStart;
    log(`insights: loaded ${productCount} products and ${saleCount} sales in ${loadMs.toFixed(0)} ms`);

    const asOf = isoDay(FIRST_DAY + DAYS - 1);
    const query = new URLSearchParams({ asOf });
    const results: InsightBenchResult[] = [];
    for (const insight of INSIGHTS) {
      const direct = async () => {
        const bound = insight.bind(parseInsightParams(insight.params, query, new Date()));
        if (insight.kind === 'fixed') return (await connection.runAndReadAll(insight.sql, bound)).currentRowCount;
        const values = (await connection.runAndReadAll(insight.pivotValuesSql, bound)).getRows().map(([v]) => String(v));
        return (await connection.runAndReadAll(insight.pivotSql(values), bound)).currentRowCount;
      };
      const viaRunner = async () => (await runInsight(connection, insight.name, query)).rows.length;
      const rows = await direct();
      await viaRunner();
      const directMedianMs = await medianMs(direct, runs);
      const runnerMedianMs = await medianMs(viaRunner, runs);
      results.push({ name: insight.name, rows, directMedianMs, runnerMedianMs });
      log(`insights: ${insight.name.padEnd(16)} ${String(rows).padStart(7)} rows  direct ${directMedianMs.toFixed(1)} ms  runner ${runnerMedianMs.toFixed(1)} ms`);
    }
    return { products: productCount, sales: saleCount, loadMs, results };
  } finally {
    connection.closeSync();
    instance.closeSync();
    if (ownDirectory) rmSync(directory, { recursive: true, force: true });
  }
}

async function medianMs(work: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  return times.length % 2 === 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
}

// ---------- data ----------

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sku = (i: number) => `SKU-${String(i).padStart(6, '0')}`;

/** Products over 20 categories, 200 brands and 5 families per brand; some fields empty. */
function* generateProducts(count: number, seed: number): Generator<ProductRecord> {
  const random = mulberry32(seed);
  const int = (max: number) => Math.floor(random() * (max + 1));
  for (let i = 0; i < count; i++) {
    const brand = int(199);
    yield {
      sheet_id: `products${i % 4}`,
      row_id: `p${i}`,
      sku: sku(i),
      name: `Product ${i}`,
      brand: `Brand ${brand}`,
      family: `Family ${brand}-${int(4)}`,
      category: random() < 0.01 ? null : `Category ${int(19)}`,
      stock: random() < 0.05 ? null : int(200),
      reorder_level: random() < 0.05 ? null : int(40),
      unit_cost: int(4000) / 100,
      price: int(8000) / 100,
      plan_units: random() < 0.1 ? null : int(500),
    };
  }
}

/** Sales over two years; about 2% of skus match no product. */
function* generateSales(count: number, productCount: number, seed: number): Generator<SaleRecord> {
  const random = mulberry32(seed);
  const int = (max: number) => Math.floor(random() * (max + 1));
  for (let i = 0; i < count; i++) {
    yield {
      sheet_id: `sales${i % 8}`,
      row_id: `s${i}`,
      sold_at: isoDay(FIRST_DAY + int(DAYS - 1)),
      sku: random() < 0.02 ? `GHOST-${int(999)}` : sku(int(productCount - 1)),
      qty: random() < 0.01 ? null : 1 + int(9),
      unit_price: int(8000) / 100,
    };
  }
}

function isoDay(daysSinceEpoch: number): string {
  return new Date(daysSinceEpoch * 86_400_000).toISOString().slice(0, 10);
}
