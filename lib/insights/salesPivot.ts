// sales-pivot: months down, categories across, each cell that month's sales value.
import type { PivotInsight } from './insight';
import { insightParams } from './params';
import { CATEGORY_FILTER, datedSaleCte, NO_GROUP, productGroupCte, UNKNOWN_GROUP } from './relations';

const params = insightParams({});

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

/**
 * PIVOT needs its IN list written into the statement, so this is the single place where values reach SQL
 * text: the categories are first read from the database (`pivotValuesSql`, parameters bound as usual) and
 * then written as SQL string literals with every quote doubled — DuckDB string literals have no other
 * escape (backslashes are literal) — never a parameter from the request. Each category is given a
 * positional alias (c0, c1, …) so that names differing only in case, or clashing with `month`, cannot
 * collide as identifiers; the runner names the result columns from `columns()` by position.
 *
 * The candidate categories are read from the products (every category a sale can be reported under, plus
 * '(unknown)'), which is cheap, rather than from the sales in range, which would cost a second pass over
 * every sale. A candidate with no dated sale in range has NULL in every month and is left out by the runner;
 * a category that did sell shows 0 in a month without sales (`emptyCell`).
 */
export const salesPivot: PivotInsight<ReturnType<typeof params.parse>> = {
  kind: 'pivot',
  name: 'sales-pivot',
  title: 'Sales pivot',
  description: 'Sales value by month (rows) and category (columns), 0 where a category sold nothing.',
  params,
  pivotValuesSql: `SELECT DISTINCT category FROM (
  SELECT coalesce(nullif(category, ''), '${NO_GROUP}') AS category FROM products WHERE sku IS NOT NULL
  UNION ALL SELECT '${UNKNOWN_GROUP}'
)
WHERE ${CATEGORY_FILTER}
ORDER BY category`,
  pivotSql(categories) {
    const head = `WITH ${productGroupCte(['category'])},
${datedSaleCte(true)},
${monthly}`;
    // Without candidates nothing can match the category filter: no months either.
    if (categories.length === 0) return `${head}
SELECT DISTINCT month FROM monthly WHERE false`;
    const inList = categories.map((category, i) => `${sqlStringLiteral(category)} AS c${i}`).join(', ');
    return `${head}
SELECT * FROM (
  PIVOT monthly ON category IN (${inList}) USING sum(sales_value) GROUP BY month
)
ORDER BY month`;
  },
  emptyCell: 0,
  columns(categories) {
    // A category named like a column already taken (a category called "month") gets " (category)" added,
    // as often as needed, so every row key is unique.
    const taken = new Set(['month']);
    const named = categories.map((category) => {
      let name = category;
      while (taken.has(name)) name += ' (category)';
      taken.add(name);
      return { name, type: 'number' as const };
    });
    return [{ name: 'month', type: 'text' }, ...named];
  },
  bind: (p) => ({ from: p.from ?? null, to: p.to ?? null, category: p.category ?? null }),
};

/** A DuckDB string literal for any text: quotes doubled. NUL cannot occur in a DuckDB VARCHAR. */
export function sqlStringLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
