// low-stock: products at or under their reorder level, most urgent first.
import { orderedSql, type FixedInsight } from './insight';
import { insightParams, numberParam } from './params';
import { CATEGORY_FILTER, PRODUCT_CTE } from './relations';

const params = insightParams({ threshold: numberParam.optional() });

/**
 * `units_30d` counts the units sold in the 30 calendar days ending `asOf` (inclusive), whatever `from` and
 * `to` say. An empty stock cell counts as 0 stock; a product with no reorder level is never "low" unless
 * `threshold` is given, which replaces every product's reorder level for the comparison. `days_of_cover`
 * is null when there were no (net) sales in the window.
 */
export const lowStock: FixedInsight<ReturnType<typeof params.parse>> = {
  kind: 'fixed',
  name: 'low-stock',
  title: 'Low stock',
  description: 'Products at or under their reorder level, with 30-day sales and days of cover as of a date.',
  params,
  select: `WITH ${PRODUCT_CTE},
recent AS (
  SELECT sku, sum(coalesce(qty, 0)) AS units
  FROM sales
  WHERE sold_at BETWEEN CAST($asOf AS DATE) - 29 AND CAST($asOf AS DATE)
  GROUP BY sku
)
SELECT
  p.sku, p.name, p.category,
  coalesce(p.stock, 0) AS stock,
  p.reorder_level,
  coalesce(r.units, 0) AS units_30d,
  CASE WHEN r.units > 0 THEN coalesce(p.stock, 0) / (r.units / 30) END AS days_of_cover,
  p.sheet_id AS __sheet_id, p.row_id AS __row_id
FROM product p
LEFT JOIN recent r ON r.sku = p.sku
WHERE coalesce(p.stock, 0) <= coalesce(CAST($threshold AS DOUBLE), p.reorder_level)
  AND ${CATEGORY_FILTER}`,
  order: ['days_of_cover ASC NULLS LAST', 'sku ASC NULLS LAST', '__sheet_id', '__row_id'],
  get sql() {
    return orderedSql(this.select, this.order, this.columns);
  },
  columns: [
    { name: 'sku', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'category', type: 'text' },
    { name: 'stock', type: 'number' },
    { name: 'reorder_level', type: 'number' },
    { name: 'units_30d', type: 'number' },
    { name: 'days_of_cover', type: 'number' },
  ],
  bind: (p) => ({ asOf: p.asOf, category: p.category ?? null, threshold: p.threshold ?? null }),
};
