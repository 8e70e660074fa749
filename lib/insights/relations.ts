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

export const UNKNOWN_GROUP = '(unknown)';
export const NO_GROUP = '(none)';

export const PRODUCT_CTE = `product AS (
  SELECT
    sheet_id, row_id, sku, name,
    coalesce(nullif(category, ''), '${NO_GROUP}') AS category,
    coalesce(nullif(brand, ''), '${NO_GROUP}') AS brand,
    coalesce(nullif(family, ''), '${NO_GROUP}') AS family,
    stock, reorder_level, unit_cost, price, plan_units
  FROM products
  QUALIFY sku IS NULL OR row_number() OVER (PARTITION BY sku ORDER BY sheet_id, row_id) = 1
)`;

const saleSelect = `
  SELECT
    s.sold_at, s.sku, p.name,
    coalesce(s.qty, 0) AS units,
    coalesce(s.qty, 0) * coalesce(s.unit_price, 0) AS sales_value,
    coalesce(p.category, '${UNKNOWN_GROUP}') AS category,
    coalesce(p.brand, '${UNKNOWN_GROUP}') AS brand,
    coalesce(p.family, '${UNKNOWN_GROUP}') AS family
  FROM sales s
  LEFT JOIN product p ON p.sku = s.sku`;

/**
 * Sales joined to their product, within `$from`..`$to` (inclusive; either may be NULL for open-ended).
 * A sale without a date is only in range when neither bound is given.
 */
export const SALE_CTE = `sale AS (${saleSelect}
  WHERE ($from IS NULL OR s.sold_at >= CAST($from AS DATE))
    AND ($to IS NULL OR s.sold_at <= CAST($to AS DATE))
)`;

/** Sales up to `$to` only: for trailing windows that look back before `$from` (the 7-day average). */
export const SALE_UNTIL_CTE = `sale AS (${saleSelect}
  WHERE ($to IS NULL OR s.sold_at <= CAST($to AS DATE))
)`;

/** The optional `category` filter on a relation with a `category` column. */
export const CATEGORY_FILTER = `($category IS NULL OR category = $category)`;
