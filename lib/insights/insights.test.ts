// Every insight against a real DuckDB file, compared with an independent computation in plain TypeScript
// over the same generated rows. Prices are quarters and quantities whole, so every sum is exact in
// doubles and results can be compared exactly, whatever order DuckDB sums in.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { InsightError, runInsight, type InsightRow } from '../../sync-server/insightRunner';
import { appendProducts, appendSales, createInsightTables, daysSinceEpoch, type ProductRecord, type SaleRecord } from '../../testing/insightTables';
import { INSIGHT_NAMES } from './index';
import { localDate } from './params';
import { seededRandom as mulberry32 } from '../demoWorkbook';

// ---------- seeded data ----------


const HOSTILE = "'; DROP TABLE products; --";
const CATEGORIES = ['Tools', 'tools', 'Garden', "O'Brien's", HOSTILE, 'month', ''];
const BRANDS = ['Acme', 'Brand X', 'Zed', ''];
const FAMILIES = ['Core', 'Pro', 'Lite'];
const START = '2024-01-01';

function generate(seed: number) {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const maybe = <T>(value: T, nullChance = 0.08): T | null => (random() < nullChance ? null : value);
  const quarters = (max: number) => int(0, max * 4) / 4;

  const products: ProductRecord[] = [];
  for (let i = 0; i < 90; i++) {
    products.push({
      sheet_id: 'sheetA',
      row_id: `r${String(i).padStart(3, '0')}`,
      sku: i % 23 === 5 ? null : `SKU-${String(i).padStart(3, '0')}`,
      name: maybe(`Product ${i}`, 0.03),
      brand: maybe(pick(BRANDS)),
      family: maybe(pick(FAMILIES)),
      category: maybe(pick(CATEGORIES), 0.05),
      stock: maybe(int(0, 40)),
      reorder_level: maybe(int(0, 15)),
      unit_cost: maybe(quarters(20)),
      price: maybe(quarters(40)),
      plan_units: maybe(int(0, 200)),
    });
  }
  // Duplicate skus: on a second sheet, and twice on the first; the smallest (sheet_id, row_id) must win.
  for (let i = 0; i < 12; i++) {
    const original = products[int(0, 89)];
    products.push({ ...original, sheet_id: i % 3 === 0 ? 'sheetA' : 'sheetB', row_id: `x${i}`, category: pick(CATEGORIES), stock: int(0, 5), brand: 'Dupe', plan_units: 999 });
  }

  const knownSkus = products.map((p) => p.sku).filter((sku): sku is string => sku !== null);
  const sales: SaleRecord[] = [];
  for (let i = 0; i < 2500; i++) {
    const roll = random();
    sales.push({
      sheet_id: pick(['sales1', 'sales2']),
      row_id: `s${i}`,
      sold_at: random() < 0.02 ? null : addDays(START, int(0, 120)),
      sku: roll < 0.85 ? pick(knownSkus) : roll < 0.95 ? `GHOST-${int(0, 6)}` : null,
      qty: maybe(int(-2, 12), 0.05),
      unit_price: maybe(quarters(50), 0.05),
    });
  }
  return { products, sales };
}

function addDays(isoDate: string, days: number): string {
  return new Date((daysSinceEpoch(isoDate) + days) * 86_400_000).toISOString().slice(0, 10);
}

// ---------- the independent computation ----------

const UNKNOWN = '(unknown)';
const group = (value: string | null) => (value === null || value === '' ? '(none)' : value);
const compare = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);

interface Filters {
  from?: string;
  to?: string;
  category?: string;
}

class Reference {
  /** The products that count: one per sku (smallest sheet_id, row_id), plus every row without a sku. */
  readonly products: ProductRecord[];
  private readonly bySku = new Map<string, ProductRecord>();

  constructor(
    all: readonly ProductRecord[],
    private readonly sales: readonly SaleRecord[],
  ) {
    const ordered = [...all].sort((a, b) => compare(a.sheet_id, b.sheet_id) || compare(a.row_id, b.row_id));
    for (const p of ordered) if (p.sku !== null && !this.bySku.has(p.sku)) this.bySku.set(p.sku, p);
    this.products = ordered.filter((p) => p.sku === null || this.bySku.get(p.sku) === p);
  }

  private detail(s: SaleRecord) {
    const p = s.sku === null ? undefined : this.bySku.get(s.sku);
    const units = s.qty ?? 0;
    return {
      ...s,
      name: p ? p.name : null,
      units,
      value: units * (s.unit_price ?? 0),
      category: p ? group(p.category) : UNKNOWN,
      brand: p ? group(p.brand) : UNKNOWN,
      family: p ? group(p.family) : UNKNOWN,
    };
  }

  salesIn({ from, to, category }: Filters, ignoreFrom = false) {
    return this.sales
      .filter((s) => (ignoreFrom || from === undefined || (s.sold_at !== null && s.sold_at >= from)) && (to === undefined || (s.sold_at !== null && s.sold_at <= to)))
      .map((s) => this.detail(s))
      .filter((s) => category === undefined || s.category === category);
  }

  lowStock(asOf: string, category?: string, threshold?: number): InsightRow[] {
    const windowStart = addDays(asOf, -29);
    return this.products
      .filter((p) => {
        const limit = threshold ?? p.reorder_level;
        return limit !== null && (p.stock ?? 0) <= limit && (category === undefined || group(p.category) === category);
      })
      .map((p) => {
        const units = this.sales
          .filter((s) => p.sku !== null && s.sku === p.sku && s.sold_at !== null && s.sold_at >= windowStart && s.sold_at <= asOf)
          .reduce((sum, s) => sum + (s.qty ?? 0), 0);
        const stock = p.stock ?? 0;
        return { p, row: { sku: p.sku, name: p.name, category: group(p.category), stock, reorder_level: p.reorder_level, units_30d: units, days_of_cover: units > 0 ? stock / (units / 30) : null } };
      })
      .sort(
        (a, b) =>
          (a.row.days_of_cover === b.row.days_of_cover ? 0 : a.row.days_of_cover === null ? 1 : b.row.days_of_cover === null ? -1 : a.row.days_of_cover - b.row.days_of_cover) ||
          compare(a.row.sku, b.row.sku) ||
          compare(a.p.sheet_id, b.p.sheet_id) ||
          compare(a.p.row_id, b.p.row_id),
      )
      .map((entry) => entry.row);
  }

  categoryRollup(filters: Filters): InsightRow[] {
    type Sums = { stock_units: number; stock_value: number; sales_units: number; sales_value: number };
    const leaves = new Map<string, Sums & { category: string; brand: string; family: string }>();
    const leaf = (category: string, brand: string, family: string) => {
      const key = JSON.stringify([category, brand, family]);
      if (!leaves.has(key)) leaves.set(key, { category, brand, family, stock_units: 0, stock_value: 0, sales_units: 0, sales_value: 0 });
      return leaves.get(key)!;
    };
    for (const p of this.products) {
      if (filters.category !== undefined && group(p.category) !== filters.category) continue;
      const entry = leaf(group(p.category), group(p.brand), group(p.family));
      entry.stock_units += p.stock ?? 0;
      entry.stock_value += (p.stock ?? 0) * (p.unit_cost ?? 0);
    }
    for (const s of this.salesIn(filters)) {
      const entry = leaf(s.category, s.brand, s.family);
      entry.sales_units += s.units;
      entry.sales_value += s.value;
    }
    const sum = (items: Sums[]): Sums => ({
      stock_units: items.reduce((t, i) => t + i.stock_units, 0),
      stock_value: items.reduce((t, i) => t + i.stock_value, 0),
      sales_units: items.reduce((t, i) => t + i.sales_units, 0),
      sales_value: items.reduce((t, i) => t + i.sales_value, 0),
    });
    const all = [...leaves.values()];
    const distinct = (values: string[]) => [...new Set(values)].sort(compare);
    const rows: InsightRow[] = [];
    for (const category of distinct(all.map((l) => l.category))) {
      const inCategory = all.filter((l) => l.category === category);
      for (const brand of distinct(inCategory.map((l) => l.brand))) {
        const inBrand = inCategory.filter((l) => l.brand === brand);
        for (const family of distinct(inBrand.map((l) => l.family))) rows.push({ level: 'family', category, brand, family, ...sum(inBrand.filter((l) => l.family === family)) });
        rows.push({ level: 'brand', category, brand, family: null, ...sum(inBrand) });
      }
      rows.push({ level: 'category', category, brand: null, family: null, ...sum(inCategory) });
    }
    rows.push({ level: 'total', category: null, brand: null, family: null, ...sum(all) });
    return rows;
  }

  salesTrend(filters: Filters): InsightRow[] {
    const daily = new Map<string, { day: string; category: string; value: number }>();
    for (const s of this.salesIn(filters, true)) {
      if (s.sold_at === null) continue;
      const key = `${s.sold_at}|${s.category}`;
      const entry = daily.get(key) ?? { day: s.sold_at, category: s.category, value: 0 };
      entry.value += s.value;
      daily.set(key, entry);
    }
    const days = [...daily.values()].sort((a, b) => compare(a.day, b.day) || compare(a.category, b.category));
    const running = new Map<string, number>();
    return days
      .filter((d) => filters.from === undefined || d.day >= filters.from)
      .map((d) => {
        const weekStart = addDays(d.day, -6);
        const week = days.filter((o) => o.category === d.category && o.day >= weekStart && o.day <= d.day).reduce((t, o) => t + o.value, 0);
        running.set(d.category, (running.get(d.category) ?? 0) + d.value);
        return { day: d.day, category: d.category, sales_value: d.value, running_total: running.get(d.category)!, moving_avg_7d: week / 7 };
      });
  }

  /** Columns are named after the categories; the category "month" is renamed "month (category)". */
  salesPivot(filters: Filters): { columnNames: string[]; rows: InsightRow[] } {
    const dated = this.salesIn(filters).filter((s) => s.sold_at !== null);
    const categories = [...new Set(dated.map((s) => s.category))].sort(compare);
    const columnName = (category: string) => (category === 'month' ? 'month (category)' : category);
    const months = [...new Set(dated.map((s) => s.sold_at!.slice(0, 7)))].sort(compare);
    const rows = months.map((month) => {
      const row: InsightRow = { month };
      for (const category of categories) row[columnName(category)] = dated.filter((s) => s.sold_at!.startsWith(month) && s.category === category).reduce((t, s) => t + s.value, 0);
      return row;
    });
    return { columnNames: categories.map(columnName), rows };
  }

  productSales(filters: Filters): InsightRow[] {
    const perSku = new Map<string | null, { sku: string | null; name: string | null; category: string; units: number; value: number; dates: string[] }>();
    for (const s of this.salesIn(filters)) {
      const entry = perSku.get(s.sku) ?? { sku: s.sku, name: s.name, category: s.category, units: 0, value: 0, dates: [] };
      entry.units += s.units;
      entry.value += s.value;
      if (s.sold_at !== null) entry.dates.push(s.sold_at);
      perSku.set(s.sku, entry);
    }
    const products = [...perSku.values()];
    return products
      .map((p) => {
        const dates = [...p.dates].sort(compare);
        const first = dates[0] ?? null;
        const last = dates.at(-1) ?? null;
        const rank = 1 + products.filter((o) => o.category === p.category && o.value > p.value).length;
        return {
          sku: p.sku,
          name: p.name,
          category: p.category,
          units: p.units,
          sales_value: p.value,
          first_sale: first,
          last_sale: last,
          selling_days: first === null || last === null ? null : daysSinceEpoch(last) - daysSinceEpoch(first) + 1,
          rank_in_category: rank,
        };
      })
      .sort((a, b) => compare(a.category, b.category) || a.rank_in_category - b.rank_in_category || compare(a.sku, b.sku));
  }

  familySummary(filters: Filters): InsightRow[] {
    type Sums = { sales_units: number; sales_value: number; plan_units: number };
    const families = new Map<string, Sums & { brand: string; family: string }>();
    const entry = (brand: string, family: string) => {
      const key = JSON.stringify([brand, family]);
      if (!families.has(key)) families.set(key, { brand, family, sales_units: 0, sales_value: 0, plan_units: 0 });
      return families.get(key)!;
    };
    for (const p of this.products) {
      if (filters.category === undefined || group(p.category) === filters.category) entry(group(p.brand), group(p.family)).plan_units += p.plan_units ?? 0;
    }
    for (const s of this.salesIn(filters)) {
      const e = entry(s.brand, s.family);
      e.sales_units += s.units;
      e.sales_value += s.value;
    }
    const sum = (items: Sums[]): Sums => ({
      sales_units: items.reduce((t, i) => t + i.sales_units, 0),
      sales_value: items.reduce((t, i) => t + i.sales_value, 0),
      plan_units: items.reduce((t, i) => t + i.plan_units, 0),
    });
    const all = [...families.values()];
    const rows: InsightRow[] = [];
    for (const brand of [...new Set(all.map((f) => f.brand))].sort(compare)) {
      const inBrand = all.filter((f) => f.brand === brand).sort((a, b) => compare(a.family, b.family));
      for (const f of inBrand) rows.push({ level: 'family', brand, family: f.family, ...sum([f]) });
      rows.push({ level: 'brand', brand, family: null, ...sum(inBrand) });
    }
    rows.push({ level: 'total', brand: null, family: null, ...sum(all) });
    return rows;
  }
}

// ---------- the database ----------

const data = generate(20240601);
const reference = new Reference(data.products, data.sales);
let directory: string;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'cellar-insights-'));
  instance = await DuckDBInstance.create(join(directory, 'insights.duckdb'));
  connection = await instance.connect();
  await createInsightTables(connection);
  await appendProducts(connection, data.products);
  await appendSales(connection, data.sales);
});

after(() => {
  connection?.closeSync();
  instance?.closeSync();
  rmSync(directory, { recursive: true, force: true });
});

const NOW = new Date(2024, 2, 20, 15, 30);
const run = (name: string, query: Record<string, string> = {}) => runInsight(connection, name, new URLSearchParams({ limit: 'all', ...query }), NOW);
const rowsOf = async (name: string, query: Record<string, string> = {}) => (await run(name, query)).rows;

const PERIODS: Filters[] = [{}, { from: '2024-02-01' }, { to: '2024-02-15' }, { from: '2024-01-20', to: '2024-03-05' }, { category: 'Tools' }, { category: HOSTILE, from: '2024-02-10' }, { category: UNKNOWN }, { category: '(none)' }, { from: '2030-01-01' }];
const asQuery = (filters: Filters) => Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Record<string, string>;

test('the generated data covers the awkward cases', () => {
  assert.ok(data.sales.some((s) => s.sku?.startsWith('GHOST')), 'unknown skus');
  assert.ok(data.sales.some((s) => s.qty === null) && data.sales.some((s) => s.unit_price === null) && data.sales.some((s) => s.sold_at === null), 'NULLs');
  assert.ok(new Set(data.sales.map((s) => `${s.sold_at}|${s.sku}`)).size < data.sales.length, 'same-day sales of one sku');
  assert.ok(reference.products.length < data.products.length, 'duplicate skus');
  assert.ok(reference.lowStock('2024-03-20').length > 3, 'products at or under reorder level');
  assert.ok(reference.lowStock('2024-03-20').some((r) => r.stock === r.reorder_level), 'a product exactly at its reorder level');
});

test('low-stock matches the reference, with asOf (given and default), category and threshold', async () => {
  for (const asOf of ['2024-01-15', '2024-03-01', '2024-05-01']) assert.deepEqual(await rowsOf('low-stock', { asOf }), reference.lowStock(asOf));
  const defaulted = await run('low-stock');
  assert.equal(defaulted.asOf, localDate(NOW));
  assert.equal(defaulted.asOf, '2024-03-20');
  assert.deepEqual(defaulted.rows, reference.lowStock('2024-03-20'));
  assert.deepEqual(await rowsOf('low-stock', { asOf: '2024-02-10', category: 'Garden' }), reference.lowStock('2024-02-10', 'Garden'));
  assert.deepEqual(await rowsOf('low-stock', { asOf: '2024-02-10', threshold: '12.5' }), reference.lowStock('2024-02-10', undefined, 12.5));
  assert.ok((await rowsOf('low-stock', { asOf: '2024-02-10' })).some((r) => r.days_of_cover !== null));
});

test('category-rollup matches the reference, subtotal rows and grand total included', async () => {
  for (const filters of PERIODS) {
    const rows = await rowsOf('category-rollup', asQuery(filters));
    assert.deepEqual(rows, reference.categoryRollup(filters), JSON.stringify(filters));
    assert.equal(rows.at(-1)!.level, 'total');
  }
  const rows = await rowsOf('category-rollup');
  assert.ok(rows.some((r) => r.category === UNKNOWN && r.level === 'family'), 'unknown skus are reported, not dropped');
  const total = rows.at(-1)!;
  assert.equal(total.sales_units, data.sales.reduce((t, s) => t + (s.qty ?? 0), 0), 'every sale counted exactly once');
});

test('sales-trend matches the reference: running totals per category and 7 calendar-day averages', async () => {
  for (const filters of PERIODS) assert.deepEqual(await rowsOf('sales-trend', asQuery(filters)), reference.salesTrend(filters), JSON.stringify(filters));
});

test('sales-pivot matches the reference, with categories that need quoting and differ only in case', async () => {
  for (const filters of PERIODS) {
    const result = await run('sales-pivot', asQuery(filters));
    const expected = reference.salesPivot(filters);
    assert.deepEqual(result.columns, [{ name: 'month', type: 'text' }, ...expected.columnNames.map((name) => ({ name, type: 'number' }))]);
    assert.deepEqual(result.rows, expected.rows, JSON.stringify(filters));
  }
  const names = (await run('sales-pivot')).columns.map((c) => c.name);
  for (const name of [HOSTILE, "O'Brien's", 'Tools', 'tools', 'month (category)', UNKNOWN]) assert.ok(names.includes(name), name);
});

test('product-sales matches the reference: spans and rank() within category', async () => {
  for (const filters of PERIODS) assert.deepEqual(await rowsOf('product-sales', asQuery(filters)), reference.productSales(filters), JSON.stringify(filters));
});

test('family-summary matches the reference, brand subtotals and total included', async () => {
  for (const filters of PERIODS) assert.deepEqual(await rowsOf('family-summary', asQuery(filters)), reference.familySummary(filters), JSON.stringify(filters));
});

test('every registered insight runs and returns its declared columns with JSON values', async () => {
  for (const name of INSIGHT_NAMES) {
    const result = await run(name);
    for (const row of result.rows) {
      assert.deepEqual(Object.keys(row), result.columns.map((c) => c.name));
      for (const column of result.columns) {
        const value = row[column.name];
        if (value === null) continue;
        if (column.type === 'number') assert.equal(typeof value, 'number', `${name}.${column.name}`);
        if (column.type === 'text') assert.equal(typeof value, 'string', `${name}.${column.name}`);
        if (column.type === 'date') assert.match(String(value), /^\d{4}-\d{2}-\d{2}$/);
      }
    }
  }
});

test('hostile or invalid parameters are refused with InsightError and change nothing', async () => {
  const snapshot = async () => ({
    products: (await connection.runAndReadAll('SELECT * FROM products ORDER BY sheet_id, row_id')).getRowsJson(),
    sales: (await connection.runAndReadAll('SELECT * FROM sales ORDER BY row_id')).getRowsJson(),
    tables: (await connection.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY 1')).getRowsJson(),
  });
  const before = await snapshot();
  const refused = async (name: string, query: Record<string, string> | URLSearchParams, code: 'not_found' | 'invalid_params', message: RegExp) => {
    const params = query instanceof URLSearchParams ? query : new URLSearchParams(query);
    await assert.rejects(runInsight(connection, name, params, NOW), (error: unknown) => {
      assert.ok(error instanceof InsightError, String(error));
      assert.equal(error.code, code);
      assert.match(error.message, message);
      return true;
    });
  };
  await refused('low-stock', { asOf: HOSTILE }, 'invalid_params', /asOf must be a real date/);
  await refused('sales-trend', { from: HOSTILE }, 'invalid_params', /from must be a real date/);
  await refused('sales-trend', { from: '2024-13-45' }, 'invalid_params', /from must be a real date/);
  await refused('sales-trend', { to: '2024-02-30' }, 'invalid_params', /to must be a real date/);
  await refused('category-rollup', { from: '2024-03-01', to: '2024-02-01' }, 'invalid_params', /must not be after/);
  await refused('low-stock', { threshold: '1e400' }, 'invalid_params', /threshold/);
  await refused('low-stock', { threshold: '99999999999999999999' }, 'invalid_params', /threshold must be between/);
  await refused('low-stock', { threshold: `1; ${HOSTILE}` }, 'invalid_params', /threshold/);
  await refused('product-sales', { category: 'x'.repeat(5000) }, 'invalid_params', /category must be at most/);
  await refused('product-sales', { category: '' }, 'invalid_params', /category must not be empty/);
  await refused('product-sales', { threshold: '5' }, 'invalid_params', /unknown parameter "threshold"/);
  await refused('product-sales', { [HOSTILE]: '1' }, 'invalid_params', /unknown parameter/);
  await refused('product-sales', new URLSearchParams('from=2024-01-01&from=2024-02-01'), 'invalid_params', /more than once/);
  await refused('no-such-insight', {}, 'not_found', /no insight named "no-such-insight"/);
  await refused(HOSTILE, {}, 'not_found', /known insights: low-stock/);

  // A hostile category is a value like any other: bound, never executed.
  const rows = await rowsOf('product-sales', { category: HOSTILE });
  assert.ok(rows.length > 0 && rows.every((r) => r.category === HOSTILE));
  assert.deepEqual(await snapshot(), before);
});

test('sales-pivot columns are the categories with dated sales in range: a zero sum stays, candidates without sales go', async () => {
  // The pivot reads its candidate columns from the products; only categories that really sold count.
  const dir = mkdtempSync(join(tmpdir(), 'cellar-insights-pivot-'));
  const db = await DuckDBInstance.create(join(dir, 'pivot.duckdb'));
  const c = await db.connect();
  try {
    await createInsightTables(c);
    const product = (row_id: string, sku: string | null, category: string | null): ProductRecord => ({
      sheet_id: 'p',
      row_id,
      sku,
      name: row_id,
      brand: null,
      family: null,
      category,
      stock: null,
      reorder_level: null,
      unit_cost: null,
      price: null,
      plan_units: null,
    });
    await appendProducts(c, [
      product('a', 'A', 'Zero'), // sells +2 and −2 in January: a column of zeros
      product('b', 'B', 'Sold'),
      product('b2', 'B', 'Shadowed'), // a duplicate of sku B: never stands for it
      product('c', 'C', 'Undated'), // sold only without a date
      product('d', 'D', 'Later'), // sold only after `to`
      product('e', null, 'NoSku'), // cannot be sold against
      product('f', 'F', 'Unsold'),
    ]);
    const sale = (row_id: string, sold_at: string | null, sku: string | null, qty: number, unit_price = 1): SaleRecord => ({ sheet_id: 's', row_id, sold_at, sku, qty, unit_price });
    await appendSales(c, [
      sale('1', '2024-01-05', 'A', 2),
      sale('2', '2024-01-20', 'A', -2),
      sale('3', '2024-02-03', 'B', 3, 2.5),
      sale('4', null, 'C', 4),
      sale('5', '2024-04-01', 'D', 1),
      sale('6', '2024-02-10', 'GHOST', 1, 0),
    ]);
    const result = await runInsight(c, 'sales-pivot', new URLSearchParams({ to: '2024-03-31' }), NOW);
    assert.deepEqual(
      result.columns.map((column) => column.name),
      ['month', UNKNOWN, 'Sold', 'Zero'],
    );
    assert.deepEqual(result.rows, [
      { month: '2024-01', Sold: 0, [UNKNOWN]: 0, Zero: 0 },
      { month: '2024-02', Sold: 7.5, [UNKNOWN]: 0, Zero: 0 },
    ]);
    const none = await runInsight(c, 'sales-pivot', new URLSearchParams({ category: 'Nothing like it' }), NOW);
    assert.deepEqual(none.columns, [{ name: 'month', type: 'text' }]);
    assert.deepEqual(none.rows, []);
  } finally {
    c.closeSync();
    db.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
});
