// category-rollup: stock and sales summed at family, brand, category and grand-total level in one pass.
import type { FixedInsight } from './insight';
import { insightParams } from './params';
import { CATEGORY_FILTER, PRODUCT_CTE, SALE_CTE } from './relations';

const params = insightParams({});

/**
 * Stock comes from the products (one per sku), sales from the sales in `from`..`to`; both are stacked as
 * facts and rolled up category → brand → family, so a group with stock but no sales (or sales of an
 * unknown sku and no stock) still appears. Rows come in hierarchy order, each subtotal after its members
 * and the grand total last; the total row is there even when nothing matches (all zeros).
 */
export const categoryRollup: FixedInsight<ReturnType<typeof params.parse>> = {
  kind: 'fixed',
  name: 'category-rollup',
  title: 'Category roll-up',
  description: 'Stock and sales by category, brand and family, with subtotals and a grand total.',
  params,
  sql: `WITH ${PRODUCT_CTE},
${SALE_CTE},
fact AS (
  SELECT category, brand, family,
    coalesce(stock, 0) AS stock_units,
    coalesce(stock, 0) * coalesce(unit_cost, 0) AS stock_value,
    0::DOUBLE AS sales_units,
    0::DOUBLE AS sales_value
  FROM product
  UNION ALL
  SELECT category, brand, family, 0::DOUBLE, 0::DOUBLE, units, sales_value
  FROM sale
)
SELECT
  CASE grouping(category) + grouping(brand) + grouping(family)
    WHEN 0 THEN 'family' WHEN 1 THEN 'brand' WHEN 2 THEN 'category' ELSE 'total' END AS level,
  category, brand, family,
  coalesce(sum(stock_units), 0) AS stock_units,
  coalesce(sum(stock_value), 0) AS stock_value,
  coalesce(sum(sales_units), 0) AS sales_units,
  coalesce(sum(sales_value), 0) AS sales_value
FROM fact
WHERE ${CATEGORY_FILTER}
GROUP BY ROLLUP (category, brand, family)
ORDER BY category ASC NULLS LAST, brand ASC NULLS LAST, family ASC NULLS LAST`,
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
