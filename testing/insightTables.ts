// Stand-ins for the materializer's workspace views: plain tables named `products` and `sales` with the
// exact columns the insights read, filled through DuckDB's appender, and the per-sku sales totals the
// materializer keeps beside them (recomputed after every append). Used by the insight tests and bench.
import { dateValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { CREATE_SKU_SALE_TOTALS_SQL, REBUILD_SKU_SALE_TOTALS_SQL } from '../lib/insights/skuSaleTotals';

export interface ProductRecord {
  sheet_id: string;
  row_id: string;
  sku: string | null;
  name: string | null;
  brand: string | null;
  family: string | null;
  category: string | null;
  stock: number | null;
  reorder_level: number | null;
  unit_cost: number | null;
  price: number | null;
  plan_units: number | null;
}

export interface SaleRecord {
  sheet_id: string;
  row_id: string;
  /** YYYY-MM-DD */
  sold_at: string | null;
  sku: string | null;
  qty: number | null;
  unit_price: number | null;
}

export async function createInsightTables(connection: DuckDBConnection): Promise<void> {
  await connection.run(`CREATE TABLE products (
    sheet_id VARCHAR, row_id VARCHAR, sku VARCHAR, name VARCHAR, brand VARCHAR, family VARCHAR, category VARCHAR,
    stock DOUBLE, reorder_level DOUBLE, unit_cost DOUBLE, price DOUBLE, plan_units DOUBLE
  )`);
  await connection.run(`CREATE TABLE sales (
    sheet_id VARCHAR, row_id VARCHAR, sold_at DATE, sku VARCHAR, qty DOUBLE, unit_price DOUBLE
  )`);
  await connection.run(CREATE_SKU_SALE_TOTALS_SQL);
}

export async function appendProducts(connection: DuckDBConnection, products: Iterable<ProductRecord>): Promise<void> {
  const appender = await connection.createAppender('products');
  for (const p of products) {
    for (const text of [p.sheet_id, p.row_id, p.sku, p.name, p.brand, p.family, p.category]) appendText(appender, text);
    for (const number of [p.stock, p.reorder_level, p.unit_cost, p.price, p.plan_units]) appendNumber(appender, number);
    appender.endRow();
  }
  appender.closeSync();
}

export async function appendSales(connection: DuckDBConnection, sales: Iterable<SaleRecord>): Promise<void> {
  const appender = await connection.createAppender('sales');
  for (const s of sales) {
    appendText(appender, s.sheet_id);
    appendText(appender, s.row_id);
    if (s.sold_at === null) appender.appendNull();
    else appender.appendDate(dateValue(daysSinceEpoch(s.sold_at)));
    appendText(appender, s.sku);
    appendNumber(appender, s.qty);
    appendNumber(appender, s.unit_price);
    appender.endRow();
  }
  appender.closeSync();
  for (const sql of REBUILD_SKU_SALE_TOTALS_SQL) await connection.run(sql);
}

export function daysSinceEpoch(isoDate: string): number {
  const [y, m, d] = isoDate.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

function appendText(appender: DuckDBAppender, value: string | null): void {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

function appendNumber(appender: DuckDBAppender, value: number | null): void {
  if (value === null) appender.appendNull();
  else appender.appendDouble(value);
}
