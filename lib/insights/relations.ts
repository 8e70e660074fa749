// The relations every insight starts from, as CTEs over the workspace views `products` and `sales`.
//
// One product per sku: a sku may appear on several product rows (two products sheets, or a duplicated
// row). The row with the smallest (sheet_id, row_id) stands for that sku everywhere — its name, grouping,
// stock and plan — so a sale joins to exactly one product and is never counted twice. Product rows
// without a sku cannot be sold against but still count in stock and plan totals.
//
// Grouping values: a sale whose sku matches no product (or has no sku) is reported under category, brand
// and family '(unknown)'; a known product with an empty category, brand or family is grouped under
// '(none)', so NULL in a result always means "rolled up", never "missing".
//
// Sums: empty quantities, prices, stock and costs are NULL and count as 0.
//
// Performance (DESIGN "Performance targets": 100k products, 1M sales): the sales are the big relation, and
// the expensive step is touching each of them by its text sku (a hash join or a hash aggregate, ~the same
// cost). Insights that report per product or per product group therefore aggregate the sales per sku first
// (skuSaleCte, one pass) and join the ~100k per-sku facts to the products, rather than joining every sale
// and aggregating after; only the day-by-day trend and the monthly pivot join every sale, and they join
// the slim sku → grouping map (productGroupCte) and aggregate to small groups at once. Summing per sku
// first changes only the order in which doubles are added (DuckDB's parallel sums have no fixed order
// anyway); with whole quantities and cent prices the results agree to well under a cent.

import { SKU_SALE_AGGREGATES, SKU_SALE_TOTALS } from './skuSaleTotals';

export const UNKNOWN_GROUP = '(unknown)';
export const NO_GROUP = '(none)';

const PRODUCT_COLUMNS = `sheet_id, row_id, sku, name,
    coalesce(nullif(category, ''), '${NO_GROUP}') AS category,
    coalesce(nullif(brand, ''), '${NO_GROUP}') AS brand,
    coalesce(nullif(family, ''), '${NO_GROUP}') AS family,
    stock, reorder_level, unit_cost, price, plan_units`;

/**
 * `product`: one row per sku (and every row without one). Only the skus on several rows are ranked: a
 * window over every product (partitioned by ~100k skus) was most of `low-stock`'s time.
 */
export const PRODUCT_CTE = `product_shared_sku AS (
  SELECT sku FROM products WHERE sku IS NOT NULL GROUP BY sku HAVING count(*) > 1
),
product AS (
  SELECT ${PRODUCT_COLUMNS}
  FROM products
  WHERE sku IS NULL OR sku NOT IN (SELECT sku FROM product_shared_sku)
  UNION ALL
  SELECT * FROM (
    SELECT ${PRODUCT_COLUMNS}
    FROM products
    WHERE sku IN (SELECT sku FROM product_shared_sku)
    QUALIFY row_number() OVER (PARTITION BY sku ORDER BY sheet_id, row_id) = 1
  )
)`;

type ProductGroupField = 'name' | 'category' | 'brand' | 'family';

const groupField: Record<ProductGroupField, string> = {
  name: 'name',
  category: `coalesce(nullif(category, ''), '${NO_GROUP}')`,
  brand: `coalesce(nullif(brand, ''), '${NO_GROUP}')`,
  family: `coalesce(nullif(family, ''), '${NO_GROUP}')`,
};

/**
 * `product_group (sku, g)`: per sku, the given fields (name, grouping) of the product standing for it, as
 * the struct `g` — what a sale is joined to; only the fields an insight reads, since this is built for
 * every sku. `first(… ORDER BY sheet_id, row_id)` picks the same row as PRODUCT_CTE's row_number() = 1.
 */
export function productGroupCte(fields: readonly ProductGroupField[]): string {
  const struct = fields.map((field) => `${field}: ${groupField[field]}`).join(', ');
  return `product_group AS (
  SELECT sku, first({${struct}} ORDER BY sheet_id, row_id) AS g
  FROM products
  WHERE sku IS NOT NULL
  GROUP BY sku
)`;
}

/** The date range `$from`..`$to` (inclusive; either may be NULL for open-ended) on a sales relation. */
const inRange = (soldAt: string) => `($from IS NULL OR ${soldAt} >= CAST($from AS DATE))
    AND ($to IS NULL OR ${soldAt} <= CAST($to AS DATE))`;

/**
 * `sku_sale`: sales within `$from`..`$to` summed per sku (one row for all sales without a sku) — units and
 * value, and with `span` the first and last sale date too. A sale without a date is only in range when
 * neither bound is given. With neither bound (every sale) the sums come from `sku_sale_totals`, kept by the
 * materializer (skuSaleTotals.ts); the branch not taken is pruned once the parameters are bound.
 */
export function skuSaleCte({ span }: { span: boolean }): string {
  const dates = span ? ', first_sale, last_sale' : '';
  return `sku_sale AS (
  SELECT sku, units, sales_value${dates}
  FROM ${SKU_SALE_TOTALS}
  WHERE $from IS NULL AND $to IS NULL
  UNION ALL
  SELECT sku, units, sales_value${dates}
  FROM (
    SELECT sku, ${SKU_SALE_AGGREGATES}
    FROM sales
    WHERE ($from IS NOT NULL OR $to IS NOT NULL) AND ${inRange('sold_at')}
    GROUP BY sku
  )
)`;
}

/**
 * Dated sales with their product's category ('(unknown)' without one), from `$from` — or from any date when
 * `fromBound` is false, for trailing windows that look back before `$from` — up to `$to`.
 */
export function datedSaleCte(fromBound: boolean): string {
  return `sale AS (
  SELECT s.sold_at, coalesce(p.g.category, '${UNKNOWN_GROUP}') AS category,
    coalesce(s.qty, 0) * coalesce(s.unit_price, 0) AS sales_value
  FROM sales s
  LEFT JOIN product_group p ON p.sku = s.sku
  WHERE s.sold_at IS NOT NULL AND ${fromBound ? inRange('s.sold_at') : '($to IS NULL OR s.sold_at <= CAST($to AS DATE))'}
)`;
}

/** The optional `category` filter on a relation with a `category` column. */
export const CATEGORY_FILTER = `($category IS NULL OR category = $category)`;
