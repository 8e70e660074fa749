// sales-trend: daily sales value per category with a running total and a trailing 7-day average.
import { orderedSql, type FixedInsight } from './insight';
import { insightParams } from './params';
import { CATEGORY_FILTER, datedSaleCte, productGroupCte } from './relations';

const params = insightParams({});

/**
 * One row per (day, category) with at least one dated sale. `running_total` accumulates the category's
 * sales from the start of the requested period (`from`, or its first sale). `moving_avg_7d` is a property
 * of the calendar, not of the period: the category's sales over the 7 days ending that day (a RANGE
 * window, so days without sales count as zero), divided by 7, including days just before `from`.
 */
export const salesTrend: FixedInsight<ReturnType<typeof params.parse>> = {
  kind: 'fixed',
  name: 'sales-trend',
  title: 'Sales trend',
  description: 'Daily sales value by category, with a running total and a 7-day moving average.',
  params,
  select: `WITH ${productGroupCte(['category'])},
${datedSaleCte(false)},
daily AS (
  SELECT sold_at AS day, category, sum(sales_value) AS sales_value
  FROM sale
  WHERE ${CATEGORY_FILTER}
  GROUP BY sold_at, category
),
averaged AS (
  SELECT day, category, sales_value,
    sum(sales_value) OVER (
      PARTITION BY category ORDER BY day
      RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW
    ) / 7 AS moving_avg_7d
  FROM daily
)
SELECT day, category, sales_value,
  sum(sales_value) OVER (PARTITION BY category ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_total,
  moving_avg_7d
FROM averaged
WHERE $from IS NULL OR day >= CAST($from AS DATE)`,
  order: ['day', 'category'],
  get sql() {
    return orderedSql(this.select, this.order, this.columns);
  },
  columns: [
    { name: 'day', type: 'date' },
    { name: 'category', type: 'text' },
    { name: 'sales_value', type: 'number' },
    { name: 'running_total', type: 'number' },
    { name: 'moving_avg_7d', type: 'number' },
  ],
  bind: (p) => ({ from: p.from ?? null, to: p.to ?? null, category: p.category ?? null }),
};
