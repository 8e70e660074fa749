// sales-pivot: months down, categories across, each cell that month's sales value.
import type { PivotInsight } from './insight';
import { insightParams } from './params';
import { CATEGORY_FILTER, PRODUCT_CTE, SALE_CTE } from './relations';

const params = insightParams({});

const monthly = `monthly AS (
  SELECT strftime(sold_at, '%Y-%m') AS month, category, sales_value
  FROM sale
  WHERE sold_at IS NOT NULL AND ${CATEGORY_FILTER}
)`;

/**
 * PIVOT needs its IN list written into the statement, so this is the single place where values reach SQL
 * text: the categories are first read from the database (`pivotValuesSql`, parameters bound as usual) and
 * then written as SQL string literals with every quote doubled — DuckDB string literals have no other
 * escape (backslashes are literal) — never a parameter from the request. Each category is given a
 * positional alias (c0, c1, …) so that names differing only in case, or clashing with `month`, cannot
 * collide as identifiers; the runner names the result columns from `columns()` by position.
 */
export const salesPivot: PivotInsight<ReturnType<typeof params.parse>> = {
  kind: 'pivot',
  name: 'sales-pivot',
  title: 'Sales pivot',
  description: 'Sales value by month (rows) and category (columns), 0 where a category sold nothing.',
  params,
  pivotValuesSql: `WITH ${PRODUCT_CTE},
${SALE_CTE},
${monthly}
SELECT DISTINCT category FROM monthly ORDER BY category`,
  pivotSql(categories) {
    const head = `WITH ${PRODUCT_CTE},
${SALE_CTE},
${monthly}`;
    // Without categories there are no sales in range: the month list is empty too.
    if (categories.length === 0) return `${head}
SELECT DISTINCT month FROM monthly ORDER BY month`;
    const inList = categories.map((category, i) => `${sqlStringLiteral(category)} AS c${i}`).join(', ');
    return `${head}
SELECT * FROM (
  PIVOT monthly ON category IN (${inList}) USING coalesce(sum(sales_value), 0) GROUP BY month
)
ORDER BY month`;
  },
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
