// A workspace of real sheets for the insight benchmark: products and sales sheets registered in the
// catalog (`sheets`, `sheet_columns`) and their wide "sd_<id>" tables bulk-loaded with the appender in the
// materializer's layout (row_id, ord, deleted, one typed column per template column, named by physicalColumn), with the
// per-sheet views and the workspace views `products` and `sales` built by lib/relationalViews.ts — what
// the sync server finds in cellar.duckdb after the same sheets were edited in the browser.
import { dateValue, DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { newId } from '../lib/ids';
import { REBUILD_SKU_SALE_TOTALS_SQL } from '../lib/insights/skuSaleTotals';
import { ordersBetween } from '../lib/order';
import { createSheetTableSql, sheetViewSql, workspaceViewSql, type StoredColumn, type StoredSheet } from '../lib/relationalViews';
import { TEMPLATE_COLUMNS } from '../lib/schema';
import { CATALOG_SCHEMA_SQL } from '../sync-server/catalogSchema';
import { daysSinceEpoch } from '../testing/insightTables';
import { seededRandom as mulberry32 } from '../lib/demoWorkbook';

export interface WorkspaceSize {
  products: number;
  sales: number;
  /** Sheets the products (sales) are spread over, round robin; by default 25k products and 125k sales a sheet (at most 4 and 8 sheets). */
  productSheets?: number;
  salesSheets?: number;
}

/** Sales span this many days, ending on `lastDay` (YYYY-MM-DD). */
const DAYS = 730;

type Value = string | number | null;

/** Creates the catalog, the sheets and the workspace views in `file` (which must not exist yet). */
export async function createRealWorkspace(file: string, size: WorkspaceSize, lastDay: string): Promise<{ sheets: StoredSheet[] }> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    await connection.run(CATALOG_SCHEMA_SQL);
    const productSheets = makeSheets('products', size.productSheets ?? Math.max(1, Math.min(4, Math.ceil(size.products / 25_000))));
    const salesSheets = makeSheets('sales', size.salesSheets ?? Math.max(1, Math.min(8, Math.ceil(size.sales / 125_000))));
    await loadSheets(connection, productSheets, size.products, productRows(size.products, 1));
    await loadSheets(connection, salesSheets, size.sales, saleRows(size.sales, size.products, daysSinceEpoch(lastDay) - (DAYS - 1), 2));
    const sheets = [...productSheets, ...salesSheets];
    await connection.run(workspaceViewSql('products', sheets));
    await connection.run(workspaceViewSql('sales', sheets));
    for (const sql of REBUILD_SKU_SALE_TOTALS_SQL) await connection.run(sql);
    await connection.run('CHECKPOINT');
    return { sheets };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function makeSheets(template: 'products' | 'sales', count: number): StoredSheet[] {
  return Array.from({ length: count }, () => {
    const orders = ordersBetween(null, null, TEMPLATE_COLUMNS[template].length);
    const columns = TEMPLATE_COLUMNS[template].map((spec, i): StoredColumn & { order: string } => ({ id: newId(8), name: spec.name, type: spec.type, deleted: false, order: orders[i] }));
    return { id: newId(10), template, columns };
  });
}

/** Registers the sheets and fills their tables; row i goes to sheet i mod n, in template column order. */
async function loadSheets(connection: DuckDBConnection, sheets: StoredSheet[], count: number, rows: Iterable<Value[]>): Promise<void> {
  const now = Date.now();
  const perSheet = sheets.map((_, s) => Math.floor(count / sheets.length) + (s < count % sheets.length ? 1 : 0));
  for (const [s, sheet] of sheets.entries()) {
    await connection.run(createSheetTableSql(sheet.id, sheet.columns));
    await connection.run(sheetViewSql(sheet.id, sheet.columns));
    const columns = await connection.createAppender('sheet_columns');
    for (const column of sheet.columns as Array<StoredColumn & { order: string }>) {
      for (const text of [sheet.id, column.id, column.name, column.type, column.order]) columns.appendVarchar(text);
      columns.appendBoolean(false);
      columns.endRow();
    }
    columns.closeSync();
    await connection.run(
      `INSERT INTO sheets (id, title, template, created_at, updated_at, row_count, column_count, materialized_seq)
       VALUES ($id, $title, $template, $now, $now, $rows, $cols, 0)`,
      { id: sheet.id, title: `${sheet.template === 'products' ? 'Products' : 'Sales'} ${s + 1}`, template: sheet.template, now, rows: perSheet[s], cols: sheet.columns.length },
    );
  }
  const appenders: DuckDBAppender[] = [];
  for (const sheet of sheets) appenders.push(await connection.createAppender(`sd_${sheet.id}`));
  const orders = perSheet.map((n) => ordersBetween(null, null, n));
  const types = sheets[0].columns.map((c) => c.type);
  let i = 0;
  for (const values of rows) {
    const s = i % sheets.length;
    const appender = appenders[s];
    appender.appendVarchar(`r${String(i).padStart(8, '0')}`);
    appender.appendVarchar(orders[s][Math.floor(i / sheets.length)]);
    appender.appendBoolean(false);
    values.forEach((value, c) => {
      if (value === null) appender.appendNull();
      else if (types[c] === 'number') appender.appendDouble(value as number);
      else if (types[c] === 'date') appender.appendDate(dateValue(value as number));
      else appender.appendVarchar(value as string);
    });
    appender.endRow();
    i++;
  }
  for (const appender of appenders) appender.closeSync();
}


const sku = (i: number) => `SKU-${String(i).padStart(6, '0')}`;

/** sku, name, brand, family, category, stock, reorder_level, unit_cost, price, plan_units: 20 categories, 200 brands, 5 families per brand; some cells empty. */
function* productRows(count: number, seed: number): Generator<Value[]> {
  const random = mulberry32(seed);
  const int = (max: number) => Math.floor(random() * (max + 1));
  for (let i = 0; i < count; i++) {
    const brand = int(199);
    const family = `Family ${brand}-${int(4)}`;
    const category = random() < 0.01 ? null : `Category ${int(19)}`;
    yield [
      sku(i),
      `Product ${i}`,
      `Brand ${brand}`,
      family,
      category,
      random() < 0.05 ? null : int(200),
      random() < 0.05 ? null : int(40),
      int(4000) / 100,
      int(8000) / 100,
      random() < 0.1 ? null : int(500),
    ];
  }
}

/** sold_at (days since epoch), sku, qty, unit_price: two years of sales; about 2% of skus match no product. */
function* saleRows(count: number, productCount: number, firstDay: number, seed: number): Generator<Value[]> {
  const random = mulberry32(seed);
  const int = (max: number) => Math.floor(random() * (max + 1));
  for (let i = 0; i < count; i++) {
    const day = firstDay + int(DAYS - 1);
    const soldSku = random() < 0.02 ? `GHOST-${int(999)}` : sku(int(productCount - 1));
    yield [day, soldSku, random() < 0.01 ? null : 1 + int(9), int(8000) / 100];
  }
}
