// sales-pivot: months down, categories across, each cell that month's sales value.
import type { PivotInsight } from './insight';
import { insightParams } from './params';
import { CATEGORY_FILTER, datedSaleCte, productGroupCte } from './relations';

const params = insightParams({});

/** Categories shown as their own column; the rest are summed into OTHER_COLUMN. */
export const MAX_PIVOT_CATEGORIES = 50;
export const OTHER_COLUMN = '(other)';

// Sales summed per calendar month and category before pivoting (a few hundred rows, not every sale).
const monthly = `monthly AS (
  SELECT strftime(month, '%Y-%m') AS month, category, sales_value
  FROM (
    SELECT date_trunc('month', sold_at) AS month, category, sum(sales_value) AS sales_value
    FROM sale
    WHERE ${CATEGORY_FILTER}
    GROUP BY date_trunc('month', sold_at), category
  )
)`;

const slots = Array.from({ length: MAX_PIVOT_CATEGORIES + 1 }, (_, i) => i);

/**
 * PIVOT needs its IN list written into the statement. Writing the categories there (as string literals)
 * made data part of the SQL text: a NUL byte in a category ended the statement early (a 500 for everyone)
 * and 5,000 categories made a 5,000-column pivot. Instead each category gets a slot number in the same
 * statement: the MAX_PIVOT_CATEGORIES categories with the largest sales value in range are numbered
 * 0, 1, … in name order, every other category is slot MAX_PIVOT_CATEGORIES ('(other)'), and the pivot runs
 * ON the slot with the fixed IN list 0..MAX_PIVOT_CATEGORIES. The statement also returns the shown names
 * by slot and the number of categories, so names, values and the count come from one snapshot.
 * Categories with no dated sale in range do not appear; a category that sold shows 0 in a month without
 * sales (`emptyCell`).
 */
export const salesPivot: PivotInsight<ReturnType<typeof params.parse>> = {
  kind: 'pivot',
  name: 'sales-pivot',
  title: 'Sales pivot',
  description: `Sales value by month (rows) and category (columns), 0 where a category sold nothing; the ${MAX_PIVOT_CATEGORIES} best-selling categories, the rest summed as ${OTHER_COLUMN}.`,
  params,
  sql: `WITH ${productGroupCte(['category'])},
${datedSaleCte(true)},
${monthly},
category_total AS (
  SELECT category, sum(sales_value) AS total FROM monthly GROUP BY category
),
shown AS (
  SELECT category, (row_number() OVER (ORDER BY category) - 1)::INTEGER AS slot
  FROM (SELECT category FROM category_total ORDER BY total DESC NULLS LAST, category LIMIT ${MAX_PIVOT_CATEGORIES})
),
slotted AS (
  SELECT m.month, coalesce(s.slot, ${MAX_PIVOT_CATEGORIES}) AS slot, m.sales_value
  FROM monthly m LEFT JOIN shown s ON s.category = m.category
)
SELECT p.month, ${slots.map((i) => `p."${i}"`).join(', ')},
  (SELECT to_json(list(category ORDER BY slot))::VARCHAR FROM shown) AS shown_names,
  (SELECT count(*) FROM category_total) AS category_count
FROM (PIVOT slotted ON slot IN (${slots.join(', ')}) USING sum(sales_value) GROUP BY month) p
ORDER BY p.month`,
  maxValues: MAX_PIVOT_CATEGORIES + 1,
  otherColumn: OTHER_COLUMN,
  emptyCell: 0,
  columns(categories, other) {
    // A category named like a column already taken (a category called "month" or "(other)") gets
    // " (category)" added, as often as needed, so every row key is unique.
    const taken = new Set(['month', OTHER_COLUMN]);
    const named = categories.map((category) => {
      let name = category;
      while (taken.has(name)) name += ' (category)';
      taken.add(name);
      return { name, type: 'number' as const };
    });
    return [{ name: 'month', type: 'text' }, ...named, ...(other ? [{ name: OTHER_COLUMN, type: 'number' as const }] : [])];
  },
  bind: (p) => ({ from: p.from ?? null, to: p.to ?? null, category: p.category ?? null }),
};
