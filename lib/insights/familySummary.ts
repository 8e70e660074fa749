// family-summary: sales against plan by brand and family, each level a separate SELECT stacked by UNION ALL.
import { orderedSql, type FixedInsight } from './insight';
import { insightParams } from './params';
import { CATEGORY_FILTER, PRODUCT_CTE, skuSaleCte, UNKNOWN_GROUP } from './relations';

const params = insightParams({});

/**
 * `plan_units` sums the products' plan (one product per sku), sales the sales in `from`..`to` (summed per sku
 * first, then full-joined to the products on sku); a family with
 * a plan and no sales, or sales of unknown skus (brand and family '(unknown)'), still appears. Each brand's
 * row follows its families; the total comes last. `category` filters both products and sales.
 */
export const familySummary: FixedInsight<ReturnType<typeof params.parse>> = {
  kind: 'fixed',
  name: 'family-summary',
  title: 'Family summary',
  description: 'Sales units and value against plan units, by brand and family, with brand subtotals and a total.',
  params,
  select: `WITH ${PRODUCT_CTE},
${skuSaleCte({ span: false })},
fact AS (
  SELECT
    coalesce(p.category, '${UNKNOWN_GROUP}') AS category,
    coalesce(p.brand, '${UNKNOWN_GROUP}') AS brand,
    coalesce(p.family, '${UNKNOWN_GROUP}') AS family,
    coalesce(s.units, 0) AS sales_units,
    coalesce(s.sales_value, 0) AS sales_value,
    coalesce(p.plan_units, 0) AS plan_units
  FROM product p
  FULL JOIN sku_sale s ON s.sku = p.sku
),
per_family AS (
  SELECT brand, family, sum(sales_units) AS sales_units, sum(sales_value) AS sales_value, sum(plan_units) AS plan_units
  FROM fact
  WHERE ${CATEGORY_FILTER}
  GROUP BY brand, family
)
SELECT 'family' AS level, brand, family, sales_units, sales_value, plan_units
FROM per_family
UNION ALL
SELECT 'brand', brand, NULL, sum(sales_units), sum(sales_value), sum(plan_units)
FROM per_family
GROUP BY brand
UNION ALL
SELECT 'total', NULL, NULL, coalesce(sum(sales_units), 0), coalesce(sum(sales_value), 0), coalesce(sum(plan_units), 0)
FROM per_family`,
  order: ['brand ASC NULLS LAST', 'family ASC NULLS LAST'],
  get sql() {
    return orderedSql(this.select, this.order, this.columns);
  },
  columns: [
    { name: 'level', type: 'text' },
    { name: 'brand', type: 'text' },
    { name: 'family', type: 'text' },
    { name: 'sales_units', type: 'number' },
    { name: 'sales_value', type: 'number' },
    { name: 'plan_units', type: 'number' },
  ],
  bind: (p) => ({ from: p.from ?? null, to: p.to ?? null, category: p.category ?? null }),
};
