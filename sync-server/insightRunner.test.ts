// The insight runner's JSON, written by DuckDB, against the conversion it replaced (every value read through
// @duckdb/node-api and converted in JavaScript, then JSON.stringify'd): the same body, key order included,
// for every insight on seeded data with awkward values (quotes, case-only differences, a category called
// "month", non-finite sums, −0, decimals that are not exact in binary), on a connection sandboxed as the
// sync server's (external access off, configuration locked), and on a result large enough to be produced
// in parallel (row order).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBDecimalValue, DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBDateValue, type DuckDBResultReader, type DuckDBValue } from '@duckdb/node-api';
import { getInsight, INSIGHT_NAMES, type InsightColumn } from '../lib/insights/index';
import { parseInsightParams } from '../lib/insights/params';
import { appendProducts, appendSales, createInsightTables, daysSinceEpoch, type ProductRecord, type SaleRecord } from '../testing/insightTables';
import { runInsight, runInsightJson, type InsightResult, type InsightRow } from './insightRunner';
import { seededRandom as mulberry32 } from '../lib/demoWorkbook';

// ---------- the conversion the runner used before: DuckDB values to JSON in JavaScript ----------

type JsonValue = string | number | boolean | null;

function legacyValue(typeId: DuckDBTypeId, value: DuckDBValue): JsonValue {
  if (value === null) return null;
  switch (typeId) {
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return Number.isFinite(value as number) ? (value as number) : null;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return Number(value as bigint);
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toDouble();
    case DuckDBTypeId.DATE:
      return (value as DuckDBDateValue).toString();
    default:
      return value as JsonValue;
  }
}

function legacyRows(reader: DuckDBResultReader, names: readonly string[], sources: readonly number[], empty: (c: number) => JsonValue | undefined): InsightRow[] {
  const data = reader.getColumns();
  return Array.from({ length: reader.currentRowCount }, (_, r) => {
    const row: InsightRow = {};
    names.forEach((name, c) => {
      const raw = data[sources[c]][r];
      row[name] = raw === null && empty(c) !== undefined ? empty(c)! : legacyValue(reader.columnTypeId(sources[c]), raw);
    });
    return row;
  });
}

async function legacyRunInsight(connection: DuckDBConnection, name: string, query: URLSearchParams, now: Date): Promise<InsightResult> {
  const insight = getInsight(name)!;
  const params = parseInsightParams(insight.params, query, now);
  const bound = insight.bind(params);
  const paging = { offset: 0, limit: 'all' as const, sort: null };
  if (insight.kind === 'fixed') {
    const reader = await connection.runAndReadAll(insight.sql, bound);
    assert.deepEqual(reader.columnNames(), insight.columns.map((c) => c.name));
    const names = insight.columns.map((c) => c.name);
    const rows = legacyRows(reader, names, names.map((_, c) => c), () => undefined);
    return { columns: [...insight.columns], rows, asOf: params.asOf, total: rows.length, ...paging };
  }
  const reader = await connection.runAndReadAll(insight.sql, bound);
  const data = reader.getColumns();
  const n = insight.maxValues;
  const names: string[] = reader.currentRowCount > 0 ? JSON.parse(String(data[n + 1][0])) : [];
  const count = reader.currentRowCount > 0 ? Number(data[n + 2][0]) : 0;
  const other = count > names.length;
  const columns: InsightColumn[] = insight.columns(names, other);
  const sources = [0, ...names.map((_, i) => 1 + i), ...(other ? [n] : [])];
  const rows = legacyRows(reader, columns.map((c) => c.name), sources, (c) => (c === 0 ? undefined : insight.emptyCell));
  return { columns, rows, asOf: params.asOf, total: rows.length, ...paging, categories: { total: count, shown: names.length, other: other ? insight.otherColumn : null } };
}

// ---------- seeded data ----------


const CATEGORIES = ['Tools', 'tools', "O'Brien's", "'; DROP TABLE products; --", 'month', 'month (category)', 'a"b\\c', 'tab\there\u0001', 'Grüner 🍷 日本酒', ''];

function addDays(isoDate: string, days: number): string {
  return new Date((daysSinceEpoch(isoDate) + days) * 86_400_000).toISOString().slice(0, 10);
}

/** `cents`: prices in cents (sums inexact in binary, order-dependent), else in quarters (exact). */
function generate(seed: number, productCount: number, saleCount: number, cents: boolean) {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const maybe = <T>(value: T): T | null => (random() < 0.06 ? null : value);
  const price = (max: number) => (cents ? int(0, max * 100) / 100 : int(0, max * 4) / 4);
  const products: ProductRecord[] = Array.from({ length: productCount }, (_, i) => ({
    sheet_id: i % 7 === 0 ? 'sheetB' : 'sheetA',
    row_id: `r${String(i).padStart(6, '0')}`,
    sku: i % 31 === 7 ? null : `SKU-${String(i % Math.max(1, productCount - 3)).padStart(6, '0')}`,
    name: maybe(`Product ${i} "${pick(['x', 'ü', '\n'])}"`),
    brand: maybe(pick(['Acme', 'Brand X', ''])),
    family: maybe(pick(['Core', 'Pro'])),
    category: maybe(pick(CATEGORIES)),
    stock: maybe(int(0, 40)),
    reorder_level: maybe(int(0, 15)),
    unit_cost: maybe(price(20)),
    price: maybe(price(40)),
    plan_units: maybe(int(0, 200)),
  }));
  const skus = products.map((p) => p.sku).filter((sku): sku is string => sku !== null);
  const sales: SaleRecord[] = Array.from({ length: saleCount }, (_, i) => ({
    sheet_id: 'sales',
    row_id: `s${i}`,
    sold_at: random() < 0.02 ? null : addDays('2024-01-01', int(0, 400)),
    sku: random() < 0.9 ? pick(skus) : random() < 0.5 ? `GHOST-${int(0, 5)}` : null,
    qty: maybe(int(-2, 12)),
    unit_price: maybe(price(50)),
  }));
  return { products, sales };
}

/** Values no generated row has: a stock of −0 (days of cover −0) and sums that overflow to ±Infinity. */
const EXTREMES = {
  products: [
    { sheet_id: 'sheetA', row_id: 'z1', sku: 'NEG-ZERO', name: 'negative zero', brand: 'Edge', family: 'Core', category: 'Edge', stock: -0, reorder_level: 5, unit_cost: -1, price: 1, plan_units: -0 },
    { sheet_id: 'sheetA', row_id: 'z2', sku: 'HUGE', name: 'huge', brand: 'Edge', family: 'Pro', category: 'Huge', stock: 1e308, reorder_level: 1e308, unit_cost: 1e308, price: 1e308, plan_units: 1e308 },
  ] satisfies ProductRecord[],
  sales: [
    { sheet_id: 'sales', row_id: 'z1', sold_at: '2024-03-10', sku: 'NEG-ZERO', qty: 3, unit_price: -0 },
    { sheet_id: 'sales', row_id: 'z2', sold_at: '2024-03-11', sku: 'HUGE', qty: 10, unit_price: 1e308 },
    { sheet_id: 'sales', row_id: 'z3', sold_at: '2024-03-11', sku: 'HUGE', qty: -10, unit_price: 1e308 },
    { sheet_id: 'sales', row_id: 'z4', sold_at: '2024-03-12', sku: 'HUGE', qty: 10, unit_price: 1e308 },
  ] satisfies SaleRecord[],
};

// ---------- the databases ----------

let directory: string;
const open: Array<{ instance: DuckDBInstance; connection: DuckDBConnection }> = [];

/**
 * `singleThreaded`: sums of inexact doubles depend on the order DuckDB adds them in, which varies between
 * runs when it works in parallel; with one thread both conversions see the same sums.
 */
async function database(file: string, data: { products: ProductRecord[]; sales: SaleRecord[] }, singleThreaded: boolean): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(join(directory, file), singleThreaded ? { threads: '1' } : {});
  const connection = await instance.connect();
  open.push({ instance, connection });
  await createInsightTables(connection);
  await appendProducts(connection, data.products);
  await appendSales(connection, data.sales);
  // As the sync server runs (sync-server/database.ts): DuckDB's JSON functions must work sandboxed.
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
  return connection;
}

let small: DuckDBConnection;
let large: DuckDBConnection;

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'cellar-insight-json-'));
  const seeded = generate(7, 300, 6000, true);
  small = await database('small.duckdb', { products: [...seeded.products, ...EXTREMES.products], sales: [...seeded.sales, ...EXTREMES.sales] }, true);
  large = await database('large.duckdb', generate(11, 60_000, 400_000, false), false);
});

after(() => {
  for (const { instance, connection } of open) {
    connection.closeSync();
    instance.closeSync();
  }
  rmSync(directory, { recursive: true, force: true });
});

const NOW = new Date(2024, 2, 20, 15, 30);

/** The API's body, and what the old conversion's JSON.stringify'd body read back as. */
async function both(connection: DuckDBConnection, name: string, query: Record<string, string>) {
  const text = Buffer.concat(await runInsightJson(connection, name, new URLSearchParams({ ...query, limit: 'all' }), NOW)).toString('utf8');
  const legacy = await legacyRunInsight(connection, name, new URLSearchParams(query), NOW);
  return { text, actual: JSON.parse(text) as InsightResult, expected: JSON.parse(JSON.stringify(legacy)) as InsightResult };
}

function assertSame(actual: InsightResult, expected: InsightResult, label: string): void {
  assert.deepStrictEqual(actual, expected, label); // values (Object.is: −0 is not 0) and key sets
  assert.equal(JSON.stringify(actual), JSON.stringify(expected), label); // key order too
}

const QUERIES: Array<Record<string, string>> = [{}, { from: '2024-02-01', to: '2024-03-15' }, { category: 'month' }, { category: "O'Brien's" }, { asOf: '2024-03-12', threshold: '7' }, { from: '2031-01-01' }];

test('every insight: the body DuckDB writes is the one the JavaScript conversion wrote, key order included', async () => {
  for (const name of INSIGHT_NAMES) {
    for (const query of QUERIES) {
      if (query.threshold !== undefined && name !== 'low-stock') continue;
      const { actual, expected } = await both(small, name, query);
      assertSame(actual, expected, `${name} ${JSON.stringify(query)}`);
    }
  }
});

test('the seeded data reaches the awkward values: null for non-finite numbers, 0 for −0, quoted pivot keys', async () => {
  const rollup = await both(small, 'category-rollup', {});
  assert.ok(rollup.actual.rows.some((row) => row.category === 'Huge' && row.sales_value === null), 'an infinite sum is null');
  assert.ok(rollup.actual.rows.some((row) => row.category === 'Huge' && row.stock_value === null), 'a NaN (∞ − ∞) or ∞ product is null');
  assert.doesNotMatch(rollup.text, /NaN|Infinity|-0[,}.]/);
  const low = await both(small, 'low-stock', { asOf: '2024-03-12' });
  const negativeZero = low.actual.rows.find((row) => row.sku === 'NEG-ZERO');
  assert.ok(negativeZero && Object.is(negativeZero.stock, 0) && Object.is(negativeZero.days_of_cover, 0), JSON.stringify(negativeZero));
  const pivot = await both(small, 'sales-pivot', {});
  const names = pivot.actual.columns.map((c) => c.name);
  for (const name of ['month', 'month (category)', 'month (category) (category)', 'Tools', 'tools', 'a"b\\c', 'tab\there\u0001', "O'Brien's"]) assert.ok(names.includes(name), name);
  for (const row of pivot.actual.rows) assert.deepEqual(Object.keys(row), names);
});

test('a large result (produced in parallel) keeps the statement order', async () => {
  for (const name of ['product-sales', 'low-stock', 'category-rollup']) {
    const { actual, expected } = await both(large, name, {});
    assert.ok(actual.rows.length > (name === 'category-rollup' ? 40 : 10_000), `${name}: ${actual.rows.length} rows`);
    assertSame(actual, expected, name);
  }
});

test('runInsight reads the body back; an empty result is valid JSON', async () => {
  const empty = await runInsight(small, 'product-sales', new URLSearchParams({ category: 'nothing like it' }), NOW);
  assert.deepEqual(empty.rows, []);
  assert.equal(empty.asOf, '2024-03-20');
  assert.equal(empty.total, 0);
  const pivot = await runInsight(small, 'sales-pivot', new URLSearchParams({ category: 'nothing like it' }), NOW);
  assert.deepEqual(pivot, {
    columns: [{ name: 'month', type: 'text' }],
    rows: [],
    asOf: '2024-03-20',
    total: 0,
    offset: 0,
    limit: 1000,
    sort: null,
    categories: { total: 0, shown: 0, other: null },
  });
});
