// The sales pivot's KPI values, from its rows (one per month, so few): the other insights' are SQL
// (summaries.ts).
import type { InsightColumn } from './insight';

type Row = Record<string, string | number | boolean | null>;

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function pivotSummary(columns: readonly InsightColumn[], rows: readonly Row[]): Record<string, string | number | null> {
  const categories = columns.filter((c) => c.name !== 'month').map((c) => c.name);
  const monthTotal = (row: Row) => categories.reduce((t, c) => t + num(row[c]), 0);
  let bestMonth: Row | null = null;
  for (const row of rows) if (!bestMonth || monthTotal(row) > monthTotal(bestMonth)) bestMonth = row;
  let topCategory: string | null = null;
  let topValue = -Infinity;
  for (const category of categories) {
    const value = rows.reduce((t, r) => t + num(r[category]), 0);
    if (value > topValue) [topCategory, topValue] = [category, value];
  }
  return {
    best_month_value: bestMonth ? monthTotal(bestMonth) : null,
    best_month: bestMonth ? String(bestMonth.month) : null,
    sales_value: rows.reduce((t, r) => t + monthTotal(r), 0),
    months: rows.length,
    top_category_value: topCategory === null ? null : topValue,
    top_category: topCategory,
  };
}
