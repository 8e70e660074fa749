// product-sales: per product with sales, its totals, selling span and rank within its category.
import { orderedSql, type FixedInsight } from './insight';
import { insightParams } from './params';
import { CATEGORY_FILTER, productGroupCte, skuSaleCte, UNKNOWN_GROUP } from './relations';

const params = insightParams({});

/**
 * One row per sold sku in `from`..`to` (unknown skus included, with no name and category '(unknown)'; sales
 * without a sku form one row with a null sku). `first_sale`, `last_sale` and `selling_days` ignore undated
 * sales and are null when a product has none. Ranked by sales value within the category with rank(), so
 * ties share a rank; ordered by category, rank, then sku.
 */
export const productSales: FixedInsight<ReturnType<typeof params.parse>> = {
  kind: 'fixed',
  name: 'product-sales',
  title: 'Product sales',
  description: 'Units, sales value and selling span per product, ranked within its category.',
  params,
  select: `WITH ${productGroupCte(['name', 'category'])},
${skuSaleCte({ span: true })},
per_product AS (
  SELECT s.sku, p.g.name AS name, coalesce(p.g.category, '${UNKNOWN_GROUP}') AS category,
    s.units, s.sales_value, s.first_sale, s.last_sale
  FROM sku_sale s
  LEFT JOIN product_group p ON p.sku = s.sku
)
SELECT sku, name, category, units, sales_value, first_sale, last_sale,
  last_sale - first_sale + 1 AS selling_days,
  rank() OVER (PARTITION BY category ORDER BY sales_value DESC) AS rank_in_category
FROM per_product
WHERE ${CATEGORY_FILTER}`,
  order: ['category', 'rank_in_category', 'sku ASC NULLS LAST'],
  get sql() {
    return orderedSql(this.select, this.order, this.columns);
  },
  columns: [
    { name: 'sku', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'category', type: 'text' },
    { name: 'units', type: 'number' },
    { name: 'sales_value', type: 'number' },
    { name: 'first_sale', type: 'date' },
    { name: 'last_sale', type: 'date' },
    { name: 'selling_days', type: 'number' },
    { name: 'rank_in_category', type: 'number' },
  ],
  bind: (p) => ({ from: p.from ?? null, to: p.to ?? null, category: p.category ?? null }),
};
