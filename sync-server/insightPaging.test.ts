// Paging, server-side sorting and CSV of every insight against a real DuckDB file: pages concatenated are
// the whole answer (subtotal rows and ties included), `total` is the whole answer's size, CSV holds the
// same values as JSON; the pivot's category cap; NUL and control characters in data and parameters.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import Papa from 'papaparse';
import { unescapeCsvText } from '../lib/csv';
import { seededRandom } from '../lib/demoWorkbook';
import { INSIGHT_NAMES } from '../lib/insights/index';
import { MAX_PIVOT_CATEGORIES, OTHER_COLUMN } from '../lib/insights/salesPivot';
import { appendProducts, appendSales, createInsightTables, daysSinceEpoch, type ProductRecord, type SaleRecord } from '../testing/insightTables';
import { InsightError, prepareInsight, runInsight, runInsightJson, runSummary, type InsightResult } from './insightRunner';

const NOW = new Date(2024, 2, 20, 12, 0);
const CATEGORIES = ['Tools', 'tools', 'a\u0000b', 'tab\there', "O'Brien's", '=SUM(A1)', 'comma, "quoted"', ' padded ', 'line\nbreak', ''];

let directory: string;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

function day(offset: number): string {
  return new Date((daysSinceEpoch('2024-01-01') + offset) * 86_400_000).toISOString().slice(0, 10);
}

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'cellar-insight-paging-'));
  instance = await DuckDBInstance.create(join(directory, 'paging.duckdb'), { threads: '1' });
  connection = await instance.connect();
  await createInsightTables(connection);
  const random = seededRandom(5);
  const int = (max: number) => Math.floor(random() * (max + 1));
  // Few distinct values, so every column has ties; some skus missing or shared.
  const products: ProductRecord[] = Array.from({ length: 160 }, (_, i) => ({
    sheet_id: i % 5 === 0 ? 'sheetB' : 'sheetA',
    row_id: `r${String(i).padStart(4, '0')}`,
    sku: i % 17 === 3 ? null : `SKU-${String(i % 150).padStart(3, '0')}`,
    name: i % 11 === 0 ? null : `Product ${i % 40}`,
    brand: ['Acme', 'Zed', ''][i % 3],
    family: ['Core', 'Pro'][int(1)],
    category: CATEGORIES[int(CATEGORIES.length - 1)],
    stock: int(6),
    reorder_level: int(4),
    unit_cost: int(3),
    price: int(5),
    plan_units: int(3) * 10,
  }));
  const sales: SaleRecord[] = Array.from({ length: 2000 }, (_, i) => ({
    sheet_id: 'sales',
    row_id: `s${i}`,
    sold_at: i % 97 === 0 ? null : day(int(200)),
    sku: i % 41 === 0 ? `GHOST-${int(2)}` : `SKU-${String(int(149)).padStart(3, '0')}`,
    qty: int(3),
    unit_price: int(2),
  }));
  await appendProducts(connection, products);
  await appendSales(connection, sales);
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
});

after(() => {
  connection?.closeSync();
  instance?.closeSync();
  rmSync(directory, { recursive: true, force: true });
});

const run = (name: string, query: Record<string, string>) => runInsight(connection, name, new URLSearchParams(query), NOW);
const QUERY_FOR: Record<string, Record<string, string>> = { 'low-stock': { asOf: '2024-03-01', threshold: '3' } };

test('pages of every insight, in every sort, concatenate to the whole answer; total is its size', async () => {
  for (const name of INSIGHT_NAMES) {
    const base = QUERY_FOR[name] ?? {};
    const whole = await run(name, { ...base, limit: 'all' });
    const size = name === 'sales-pivot' ? 2 : 7;
    assert.ok(whole.rows.length > size + 1, `${name} has ${whole.rows.length} rows`);
    assert.equal(whole.total, whole.rows.length, name);
    const sorts: Array<Record<string, string>> = [{}, ...whole.columns.flatMap((c): Array<Record<string, string>> => [{ sort: c.name }, { sort: c.name, dir: 'desc' }])];
    for (const sort of sorts) {
      const all = await run(name, { ...base, ...sort, limit: 'all' });
      assert.equal(all.total, whole.total, `${name} ${JSON.stringify(sort)}`);
      assert.deepEqual([...all.rows].sort(byJson), [...whole.rows].sort(byJson), `${name} ${JSON.stringify(sort)}: a sort reorders, never changes the rows`);
      if (sort.sort) assertSorted(all, sort.sort, sort.dir === 'desc' ? -1 : 1, `${name} ${JSON.stringify(sort)}`);
      const pages: InsightResult[] = [];
      for (let offset = 0; offset <= whole.total; offset += size) pages.push(await run(name, { ...base, ...sort, limit: String(size), offset: String(offset) }));
      for (const page of pages) {
        assert.equal(page.total, whole.total, `${name}: total on every page`);
        assert.equal(page.limit, size);
      }
      assert.deepEqual(
        pages.flatMap((page) => page.rows),
        all.rows,
        `${name} ${JSON.stringify(sort)}: pages are the whole answer sliced`,
      );
    }
  }
});

test('the subtotal rows of the grouping-set insights are paged like any row', async () => {
  for (const name of ['category-rollup', 'family-summary']) {
    const whole = await run(name, { limit: 'all' });
    const levels = new Set(whole.rows.map((r) => r.level));
    assert.ok(levels.has('brand') && levels.has('total'), `${name}: ${[...levels]}`);
    const last = await run(name, { limit: '1', offset: String(whole.total - 1) });
    assert.equal(last.rows[0].level, 'total', `${name}: the grand total is the last row of the last page`);
    const beyond = await run(name, { limit: '5', offset: String(whole.total + 3) });
    assert.deepEqual(beyond.rows, []);
    assert.equal(beyond.total, whole.total);
  }
});

test('the default page is 1,000 rows; CSV defaults to every row', async () => {
  const page = await run('sales-trend', {});
  assert.equal(page.limit, 1000);
  assert.equal(page.offset, 0);
  assert.ok(page.rows.length <= 1000);
  const csv = Buffer.concat(await runInsightJson(connection, 'sales-trend', new URLSearchParams({ format: 'csv' }), NOW)).toString('utf8');
  assert.equal(Papa.parse(csv.trimEnd(), { newline: '\r\n' }).data.length - 1, page.total);
});

test('format=csv holds the same values as the JSON, for every insight and sort', async () => {
  for (const name of INSIGHT_NAMES) {
    const base = QUERY_FOR[name] ?? {};
    const { columns } = await run(name, { ...base, limit: '1' });
    const extras: Array<Record<string, string>> = [{ limit: 'all' }, { limit: '9', offset: '1', sort: columns[1].name, dir: 'desc' }];
    for (const extra of extras) {
      const query: Record<string, string> = { ...base, ...extra };
      const json = await run(name, query);
      const csv = Buffer.concat(await runInsightJson(connection, name, new URLSearchParams({ ...query, format: 'csv' }), NOW)).toString('utf8');
      const parsed = Papa.parse<string[]>(csv.endsWith('\r\n') ? csv.slice(0, -2) : csv, { newline: '\r\n', header: false });
      assert.deepEqual(parsed.errors, [], name);
      const [header, ...records] = parsed.data;
      assert.deepEqual(header.map(unescapeCsvText), json.columns.map((c) => c.name), name);
      const fromCsv = records.map((fields) =>
        Object.fromEntries(json.columns.map((column, c) => [column.name, column.type === 'number' ? (fields[c] === '' ? null : Number(fields[c])) : unescapeCsvText(fields[c])])),
      );
      const fromJson = json.rows.map((row) => Object.fromEntries(json.columns.map((column) => [column.name, column.type === 'number' ? row[column.name] : (row[column.name] ?? '')])));
      assert.deepEqual(fromCsv, fromJson, `${name} ${JSON.stringify(query)}`);
    }
  }
});

test('formula-looking text is guarded in CSV; a NUL byte or control character in data answers normally', async () => {
  const csv = Buffer.concat(await runInsightJson(connection, 'category-rollup', new URLSearchParams({ format: 'csv' }), NOW)).toString('utf8');
  assert.match(csv, /,'=SUM\(A1\),/);
  assert.ok(csv.includes('a\u0000b'));
  const pivot = await run('sales-pivot', {});
  assert.ok(pivot.columns.some((c) => c.name === 'a\u0000b'), 'a category with a NUL byte is a pivot column');
  assert.ok(pivot.columns.some((c) => c.name === 'tab\there'));
  // As a parameter: bound, never part of the SQL text.
  for (const name of INSIGHT_NAMES) {
    const filtered = await run(name, { ...(QUERY_FOR[name] ?? {}), category: 'a\u0000b', limit: 'all' });
    if (name !== 'sales-pivot') assert.ok(filtered.rows.filter((r) => r.level === undefined || r.level !== 'total').every((r) => r.category === undefined || r.category === 'a\u0000b'), name);
  }
  const onlyNul = await run('sales-pivot', { category: 'a\u0000b' });
  assert.deepEqual(onlyNul.columns.map((c) => c.name), ['month', 'a\u0000b']);
});

test('bad paging parameters are refused with a clear message', async () => {
  const refused: Array<Record<string, string>> = [
    { limit: '0' },
    { limit: '100001' },
    { limit: '-1' },
    { limit: '1e3' },
    { limit: 'many' },
    { offset: '-5' },
    { offset: '1.5' },
    { sort: 'no_such_column' },
    { sort: 'sku; DROP TABLE products' },
    { dir: 'desc' },
    { sort: 'sku', dir: 'up' },
    { format: 'xml' },
  ];
  for (const query of refused) {
    await assert.rejects(run('product-sales', query), (error: unknown) => error instanceof InsightError && error.code === 'invalid_params' && error.message.length > 5, JSON.stringify(query));
  }
  await assert.rejects(run('sales-pivot', { sort: 'Nope' }), InsightError);
  await assert.rejects(runInsight(connection, 'product-sales', new URLSearchParams('limit=5&limit=6'), NOW), InsightError);
  assert.equal((await run('product-sales', { limit: '100000' })).limit, 100000);
});

test(`sales-pivot shows the ${MAX_PIVOT_CATEGORIES} best-selling categories and sums the rest as ${OTHER_COLUMN}, saying so`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cellar-pivot-cap-'));
  const db = await DuckDBInstance.create(join(dir, 'cap.duckdb'));
  const c = await db.connect();
  try {
    await createInsightTables(c);
    const count = MAX_PIVOT_CATEGORIES + 12;
    const products: ProductRecord[] = Array.from({ length: count }, (_, i) => ({
      sheet_id: 'p', row_id: `r${i}`, sku: `S${i}`, name: null, brand: null, family: null,
      category: i === 3 ? OTHER_COLUMN : `Cat ${String(i).padStart(2, '0')}`, stock: null, reorder_level: null, unit_cost: null, price: null, plan_units: null,
    }));
    // Category i sells i + 1 units at 1, in January and February: the 12 smallest are "other".
    const sales: SaleRecord[] = products.flatMap((p, i) => [
      { sheet_id: 's', row_id: `a${i}`, sold_at: '2024-01-10', sku: p.sku, qty: i + 1, unit_price: 1 },
      { sheet_id: 's', row_id: `b${i}`, sold_at: '2024-02-10', sku: p.sku, qty: 1, unit_price: 1 },
    ]);
    await appendProducts(c, products);
    await appendSales(c, sales);
    const result = await runInsight(c, 'sales-pivot', new URLSearchParams(), NOW);
    assert.deepEqual(result.categories, { total: count, shown: MAX_PIVOT_CATEGORIES, other: OTHER_COLUMN });
    const names = result.columns.map((column) => column.name);
    assert.equal(names.length, 1 + MAX_PIVOT_CATEGORIES + 1);
    assert.equal(names.at(-1), OTHER_COLUMN);
    const shown = names.slice(1, -1);
    assert.deepEqual(shown, [...shown].sort(), 'shown categories in name order');
    assert.ok(!shown.includes('Cat 00') && !shown.includes(`${OTHER_COLUMN} (category)`), 'the smallest sellers are summed, a real "(other)" category among them');
    const january = result.rows.find((r) => r.month === '2024-01')!;
    assert.equal(january[OTHER_COLUMN], Array.from({ length: 12 }, (_, i) => i + 1).reduce((a, b) => a + b, 0));
    const total = (row: Record<string, unknown>) => names.slice(1).reduce((t, n) => t + Number(row[n]), 0);
    assert.equal(total(january), Array.from({ length: count }, (_, i) => i + 1).reduce((a, b) => a + b, 0), 'nothing lost');
    assert.equal(total(result.rows.find((r) => r.month === '2024-02')!), count);
  } finally {
    c.closeSync();
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
});

function byJson(a: unknown, b: unknown): number {
  const x = JSON.stringify(a);
  const y = JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Non-null values in order (DuckDB's binary collation for text), nulls last. */
function assertSorted(result: InsightResult, column: string, sign: 1 | -1, label: string): void {
  const values = result.rows.map((row) => row[column]);
  const firstNull = values.findIndex((v) => v === null);
  if (firstNull >= 0) assert.ok(values.slice(firstNull).every((v) => v === null), `${label}: nulls last`);
  const present = firstNull >= 0 ? values.slice(0, firstNull) : values;
  for (let i = 1; i < present.length; i++) {
    const [a, b] = [present[i - 1], present[i]];
    const cmp = typeof a === 'number' && typeof b === 'number' ? a - b : Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
    assert.ok(sign * cmp <= 0, `${label}: ${JSON.stringify(a)} before ${JSON.stringify(b)}`);
  }
}

test("the pages' summaries: KPIs computed in SQL over the whole answer agree with the answer's rows", async () => {
  const summary = async (name: string, query: Record<string, string> = {}) =>
    JSON.parse(Buffer.concat(await runSummary(connection, prepareInsight(name, new URLSearchParams(query), NOW))).toString('utf8')) as {
      total: number;
      kpis: Record<string, number | string | null>;
      chart: Array<Record<string, unknown>>;
    };
  const sum = (rows: InsightResult['rows'], key: string) => rows.reduce((t, r) => t + (typeof r[key] === 'number' ? (r[key] as number) : 0), 0);
  const low = await run('low-stock', { ...QUERY_FOR['low-stock'], limit: 'all' });
  const lowSummary = await summary('low-stock', QUERY_FOR['low-stock']);
  assert.equal(lowSummary.total, low.total);
  assert.equal(lowSummary.kpis.to_reorder, low.rows.length);
  assert.equal(lowSummary.kpis.out_of_stock, low.rows.filter((r) => (r.stock as number) <= 0).length);
  assert.equal(lowSummary.kpis.units_30d, sum(low.rows, 'units_30d'));
  assert.deepEqual(lowSummary.chart.map((r) => r.sku), low.rows.slice(0, 25).map((r) => r.sku), 'the most urgent first');
  const products = await run('product-sales', { limit: 'all' });
  const productSummary = await summary('product-sales');
  assert.equal(productSummary.kpis.products, products.total);
  assert.equal(productSummary.kpis.units, sum(products.rows, 'units'));
  assert.equal(productSummary.chart.length, 25);
  assert.equal(productSummary.chart[0].sales_value, Math.max(...products.rows.map((r) => r.sales_value as number)));
  const rollup = await run('category-rollup', { limit: 'all' });
  const rollupSummary = await summary('category-rollup');
  assert.equal(rollupSummary.kpis.sales_value, rollup.rows.find((r) => r.level === 'total')!.sales_value);
  assert.equal(rollupSummary.kpis.categories, rollup.rows.filter((r) => r.level === 'category').length);
  const trend = await run('sales-trend', { limit: 'all' });
  const trendSummary = await summary('sales-trend');
  assert.equal(trendSummary.kpis.days, new Set(trend.rows.map((r) => r.day)).size);
  assert.equal(trendSummary.kpis.sales_value, sum(trend.rows, 'sales_value'));
  const pivotSummaryBody = await summary('sales-pivot');
  assert.equal(pivotSummaryBody.kpis.months, (await run('sales-pivot', {})).total);
  const family = await summary('family-summary');
  assert.ok(family.chart.every((r) => r.level === 'family') && family.chart.length > 0);
});
