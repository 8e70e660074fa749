// category-rollup: stock and sales summed at family, brand, category and grand-total level in one pass.
import { orderedSql, type FixedInsight } from './insight';
import { insightParams } from './params';
import { CATEGORY_FILTER, PRODUCT_CTE, skuSaleCte, UNKNOWN_GROUP } from './relations';

const params = insightParams({});

/**
 * Stock comes from the products (one per sku), sales from the sales in `from`..`to` summed per sku; the
 * two are full-joined on sku, so a group with stock but no sales (or sales of an unknown sku and no stock)
 * still appears, summed to one row per (category, brand, family) and only then rolled up category →
 * brand → family (ROLLUP over ~thousands of leaves, not over every sale). Rows come in hierarchy order, each subtotal after its members
 * and the grand total last; the total row is there even when nothing matches (all zeros).
 */
export const categoryRollup: FixedInsight<ReturnType<typeof params.parse>> = {
  kind: 'fixed',
  name: 'category-rollup',
  title: 'Category roll-up',
  description: 'Stock and sales by category, brand and family, with subtotals and a grand total.',
  params,
  select: `WITH ${PRODUCT_CTE},
${skuSaleCte({ span: false })},
fact AS (
  SELECT
    coalesce(p.category, '${UNKNOWN_GROUP}') AS category,
    coalesce(p.brand, '${UNKNOWN_GROUP}') AS brand,
    coalesce(p.family, '${UNKNOWN_GROUP}') AS family,
    coalesce(p.stock, 0) AS stock_units,
    coalesce(p.stock, 0) * coalesce(p.unit_cost, 0) AS stock_value,
    coalesce(s.units, 0) AS sales_units,
    coalesce(s.sales_value, 0) AS sales_value
  FROM product p
  FULL JOIN sku_sale s ON s.sku = p.sku
),
leaf AS (
  SELECT category, brand, family,
    sum(stock_units) AS stock_units, sum(stock_value) AS stock_value,
    sum(sales_units) AS sales_units, sum(sales_value) AS sales_value
  FROM fact
  WHERE ${CATEGORY_FILTER}
  GROUP BY category, brand, family
)
SELECT
  CASE grouping(category) + grouping(brand) + grouping(family)
    WHEN 0 THEN 'family' WHEN 1 THEN 'brand' WHEN 2 THEN 'category' ELSE 'total' END AS level,
  category, brand, family,
  coalesce(sum(stock_units), 0) AS stock_units,
  coalesce(sum(stock_value), 0) AS stock_value,
  coalesce(sum(sales_units), 0) AS sales_units,
  coalesce(sum(sales_value), 0) AS sales_value
FROM leaf
GROUP BY ROLLUP (category, brand, family)`,
  order: ['category ASC NULLS LAST', 'brand ASC NULLS LAST', 'family ASC NULLS LAST'],
  get sql() {
    return orderedSql(this.select, this.order, this.columns);
  },
  columns: [
    { name: 'level', type: 'text' },
    { name: 'category', type: 'text' },
    { name: 'brand', type: 'text' },
    { name: 'family', type: 'text' },
    { name: 'stock_units', type: 'number' },
    { name: 'stock_value', type: 'number' },
    { name: 'sales_units', type: 'number' },
    { name: 'sales_value', type: 'number' },
  ],
  bind: (p) => ({ from: p.from ?? null, to: p.to ?? null, category: p.category ?? null }),
};
