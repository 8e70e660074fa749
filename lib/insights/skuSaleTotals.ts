// `sku_sale_totals`: every sale summed per sku (no date range), kept by the materializer (the skus a sales
// change touched are recomputed before the next insight read), so insights over all dates read ~100k per-sku rows instead of
// aggregating 1M sales on every request (that aggregate was half of `product-sales`, `category-rollup`
// and `family-summary`). A date range still reads the sales themselves. The totals are always recomputed
// from the `sales` view for the skus a change touched (never adjusted by deltas), so they equal what the
// aggregate over the view gives, min and max dates included.

export const SKU_SALE_TOTALS = 'sku_sale_totals';

/** What a sku's sales sum to: also the in-query aggregate of a date range (relations.ts, skuSaleCte). */
export const SKU_SALE_AGGREGATES = `sum(coalesce(qty, 0)) AS units,
    sum(coalesce(qty, 0) * coalesce(unit_price, 0)) AS sales_value,
    min(sold_at) AS first_sale,
    max(sold_at) AS last_sale`;

/** One row per sku with sales (one row for all sales without a sku: sku NULL). */
export const CREATE_SKU_SALE_TOTALS_SQL = `CREATE TABLE IF NOT EXISTS ${SKU_SALE_TOTALS} (
  sku VARCHAR, units DOUBLE, sales_value DOUBLE, first_sale DATE, last_sale DATE
)`;

/** Recomputes every sku (the workspace views were recreated): run in one transaction. */
export const REBUILD_SKU_SALE_TOTALS_SQL = [
  `DELETE FROM ${SKU_SALE_TOTALS}`,
  `INSERT INTO ${SKU_SALE_TOTALS} SELECT sku, ${SKU_SALE_AGGREGATES} FROM sales GROUP BY sku`,
];

/** The skus (NULL included) that the given rows of one sheet have in the `sales` view now. */
export const SKUS_OF_SALE_ROWS_SQL = `SELECT DISTINCT sku FROM sales WHERE sheet_id = $sheet AND row_id IN (SELECT unnest($rows))`;

/** Recomputes the given skus (`$skus`, and the NULL sku when `$withNull`): run in one transaction. */
export const REFRESH_SKU_SALE_TOTALS_SQL = [
  `DELETE FROM ${SKU_SALE_TOTALS} WHERE sku IN (SELECT unnest($skus)) OR ($withNull AND sku IS NULL)`,
  `INSERT INTO ${SKU_SALE_TOTALS} SELECT sku, ${SKU_SALE_AGGREGATES} FROM sales
   WHERE sku IN (SELECT unnest($skus)) OR ($withNull AND sku IS NULL) GROUP BY sku`,
];
