// What an insight page shows above its table, computed in SQL over the whole answer (relation `__r`)
// rather than from rows shipped to the page: the KPI values (one row) and the chart's rows (a small
// aggregate: the most relevant 25 bars, the top categories' lines, …). The pivot's summary is computed
// from its rows (one per month) by the runner.
/** Bars a chart shows at most; the table (and CSV) has everything. */
export const CHART_BARS = 25;
/** Lines / stacked series a chart shows at most. */
export const CHART_SERIES = 8;
export const OTHER_BRANDS = '(other brands)';

/** A number as JSON can hold it (NaN and ±Infinity as null). */
const fin = (value: string) => `CASE WHEN isfinite(${value}) THEN ${value} END`;

export interface SummarySql {
  /** One row: the KPI values, by name. */
  kpis: string;
  /** The chart's rows, with `__n` giving their order. */
  chart: string;
}

export function summarySql(name: string, order: readonly string[]): SummarySql | null {
  const ordered = order.join(', ');
  switch (name) {
    case 'low-stock':
      return {
        kpis: `SELECT count(*) AS to_reorder, count(*) FILTER (WHERE stock <= 0) AS out_of_stock,
  count(*) FILTER (WHERE days_of_cover < 7) AS under_week, ${fin('coalesce(sum(units_30d), 0)')} AS units_30d FROM __r`,
        chart: `SELECT sku, name, ${fin('stock')} AS stock, ${fin('reorder_level')} AS reorder_level, row_number() OVER (ORDER BY ${ordered}) AS __n
FROM __r ORDER BY ${ordered} LIMIT ${CHART_BARS}`,
      };
    case 'category-rollup':
      return {
        kpis: `SELECT ${fin("coalesce(max(stock_value) FILTER (WHERE level = 'total'), 0)")} AS stock_value,
  ${fin("coalesce(max(sales_value) FILTER (WHERE level = 'total'), 0)")} AS sales_value,
  ${fin("coalesce(max(sales_units) FILTER (WHERE level = 'total'), 0)")} AS sales_units,
  count(*) FILTER (WHERE level = 'category') AS categories FROM __r`,
        // The CHART_BARS categories with the largest sales, each split into the CHART_SERIES brands with the
        // largest sales overall and one "(other brands)" segment.
        chart: `SELECT * FROM (
  WITH top_category AS (
    SELECT category, sales_value, row_number() OVER (ORDER BY sales_value DESC NULLS LAST, category) AS rank
    FROM __r WHERE level = 'category' ORDER BY rank LIMIT ${CHART_BARS}
  ),
  top_brand AS (
    SELECT brand FROM __r WHERE level = 'brand' GROUP BY brand ORDER BY sum(sales_value) DESC NULLS LAST, brand LIMIT ${CHART_SERIES}
  )
  SELECT 'category' AS level, category, NULL AS brand, ${fin('sales_value')} AS sales_value, rank AS __n FROM top_category
  UNION ALL
  SELECT 'brand', r.category, coalesce(b.brand, '${OTHER_BRANDS}'), ${fin('sum(r.sales_value)')}, 1000000 + min(c.rank)
  FROM __r r JOIN top_category c ON c.category = r.category LEFT JOIN top_brand b ON b.brand = r.brand
  WHERE r.level = 'brand'
  GROUP BY r.category, coalesce(b.brand, '${OTHER_BRANDS}')
)`,
      };
    case 'sales-trend':
      return {
        kpis: `SELECT * FROM (
  WITH per_day AS (SELECT day, sum(sales_value) AS value FROM __r GROUP BY day),
  best AS (SELECT day, value FROM per_day ORDER BY value DESC NULLS LAST, day LIMIT 1)
  SELECT ${fin('(SELECT sum(value) FROM per_day) / nullif((SELECT count(*) FROM per_day), 0)')} AS per_day,
    ${fin('coalesce((SELECT sum(value) FROM per_day), 0)')} AS sales_value,
    (SELECT count(*) FROM per_day) AS days,
    ${fin('(SELECT value FROM best)')} AS best_day_value,
    (SELECT strftime(day, '%Y-%m-%d') FROM best) AS best_day
)`,
        chart: `SELECT strftime(day, '%Y-%m-%d') AS day, category, ${fin('moving_avg_7d')} AS moving_avg_7d, row_number() OVER (ORDER BY category, day) AS __n
FROM __r
WHERE category IN (SELECT category FROM __r GROUP BY category ORDER BY sum(sales_value) DESC NULLS LAST, category LIMIT ${CHART_SERIES})`,
      };
    case 'product-sales':
      return {
        kpis: `SELECT count(*) AS products, ${fin('coalesce(sum(units), 0)')} AS units, ${fin('coalesce(sum(sales_value), 0)')} AS sales_value,
  ${fin('(SELECT sales_value FROM __r ORDER BY sales_value DESC NULLS LAST, ' + ordered + ' LIMIT 1)')} AS top_value,
  (SELECT coalesce(name, sku, '(no sku)') FROM __r ORDER BY sales_value DESC NULLS LAST, ${ordered} LIMIT 1) AS top_product
FROM __r`,
        chart: `SELECT sku, name, category, ${fin('units')} AS units, ${fin('sales_value')} AS sales_value,
  row_number() OVER (ORDER BY sales_value DESC NULLS LAST, ${ordered}) AS __n
FROM __r ORDER BY sales_value DESC NULLS LAST, ${ordered} LIMIT ${CHART_BARS}`,
      };
    case 'family-summary':
      return {
        kpis: `SELECT * FROM (
  WITH total AS (SELECT sales_units, sales_value, plan_units FROM __r WHERE level = 'total')
  SELECT ${fin("CASE WHEN (SELECT plan_units FROM total) > 0 THEN (SELECT sales_units FROM total) / (SELECT plan_units FROM total) END")} AS vs_plan,
    ${fin('coalesce((SELECT sales_units FROM total), 0)')} AS sales_units,
    ${fin('coalesce((SELECT plan_units FROM total), 0)')} AS plan_units,
    ${fin('coalesce((SELECT sales_value FROM total), 0)')} AS sales_value
)`,
        chart: `SELECT level, brand, family, ${fin('sales_units')} AS sales_units, ${fin('plan_units')} AS plan_units,
  row_number() OVER (ORDER BY sales_units DESC NULLS LAST, plan_units DESC NULLS LAST, ${ordered}) AS __n
FROM __r WHERE level = 'family'
ORDER BY __n LIMIT ${CHART_BARS}`,
      };
    default:
      return null;
  }
}
