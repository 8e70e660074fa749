// How the insight pages present an insight's result: which filters apply, how values are formatted and the
// KPIs computed from the rows (the first one is the headline shown on the index). Pure: shared by the
// server pages and the client table.
import type { InsightColumn } from './insights/insight';

export type InsightValue = string | number | boolean | null;
export type InsightRow = Record<string, InsightValue>;

/** The body of `GET /api/insights/:name`. */
export interface InsightResult {
  columns: InsightColumn[];
  rows: InsightRow[];
  asOf: string;
}

export type FilterName = 'from' | 'to' | 'asOf' | 'category' | 'threshold';

export interface FilterSpec {
  name: FilterName;
  label: string;
  kind: 'date' | 'category' | 'number';
  hint: string;
}

const FROM: FilterSpec = { name: 'from', label: 'From', kind: 'date', hint: 'first sale date included' };
const TO: FilterSpec = { name: 'to', label: 'To', kind: 'date', hint: 'last sale date included' };
const AS_OF: FilterSpec = { name: 'asOf', label: 'As of', kind: 'date', hint: 'the 30 days of sales end here (default today)' };
const CATEGORY: FilterSpec = { name: 'category', label: 'Category', kind: 'category', hint: 'only this category' };
const THRESHOLD: FilterSpec = { name: 'threshold', label: 'Threshold', kind: 'number', hint: 'replaces every reorder level' };

/** The filters an insight's SQL actually uses (the API accepts the common four everywhere). */
export function insightFilters(name: string): FilterSpec[] {
  return name === 'low-stock' ? [AS_OF, CATEGORY, THRESHOLD] : [FROM, TO, CATEGORY];
}

/** The query-string names every insight accepts. */
export const COMMON_FILTERS: readonly FilterName[] = ['from', 'to', 'asOf', 'category'];

export type ValueFormat = 'money' | 'count' | 'days' | 'percent' | 'text' | 'date';

const MONEY_COLUMNS = new Set(['stock_value', 'sales_value', 'running_total', 'moving_avg_7d']);

export function columnFormat(insight: string, column: InsightColumn): ValueFormat {
  if (column.type === 'date') return 'date';
  if (column.type === 'text') return 'text';
  if (MONEY_COLUMNS.has(column.name) || insight === 'sales-pivot') return 'money';
  if (column.name === 'days_of_cover') return 'days';
  return 'count';
}

// A fixed locale, so the server and the browser format alike (no hydration mismatch).
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const days = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export function formatValue(value: InsightValue | undefined, format: ValueFormat): string {
  if (value === null || value === undefined) return '—';
  if (typeof value !== 'number') return String(value);
  switch (format) {
    case 'money':
      return money.format(value);
    case 'days':
      return days.format(value);
    case 'percent':
      return percent.format(value);
    default:
      return count.format(value);
  }
}

export interface Kpi {
  id: string;
  label: string;
  /** The raw value (for tests and data attributes); null when there is nothing to show. */
  value: number | string | null;
  format: ValueFormat;
  /** A short qualifier under the value (which product, which day). */
  detail?: string;
}

const num = (value: InsightValue | undefined): number => (typeof value === 'number' ? value : 0);
const sum = (rows: readonly InsightRow[], key: string) => rows.reduce((total, row) => total + num(row[key]), 0);

function maxBy<T>(items: readonly T[], score: (item: T) => number): T | undefined {
  let best: T | undefined;
  let bestScore = -Infinity;
  for (const item of items) {
    const s = score(item);
    if (s > bestScore) [best, bestScore] = [item, s];
  }
  return best;
}

/** The KPIs of an insight's result; the first is the headline. */
export function insightKpis(name: string, result: InsightResult): Kpi[] {
  const rows = result.rows;
  switch (name) {
    case 'low-stock':
      return [
        { id: 'to-reorder', label: 'Products to reorder', value: rows.length, format: 'count' },
        { id: 'out-of-stock', label: 'Out of stock', value: rows.filter((r) => num(r.stock) <= 0).length, format: 'count' },
        {
          id: 'under-week',
          label: 'Under 7 days of cover',
          value: rows.filter((r) => typeof r.days_of_cover === 'number' && r.days_of_cover < 7).length,
          format: 'count',
        },
        { id: 'units-30d', label: 'Their units sold, 30 days', value: sum(rows, 'units_30d'), format: 'count', detail: `to ${result.asOf}` },
      ];
    case 'category-rollup': {
      const total = rows.find((r) => r.level === 'total');
      return [
        { id: 'stock-value', label: 'Stock value (at cost)', value: num(total?.stock_value), format: 'money' },
        { id: 'sales-value', label: 'Sales value', value: num(total?.sales_value), format: 'money' },
        { id: 'sales-units', label: 'Units sold', value: num(total?.sales_units), format: 'count' },
        { id: 'categories', label: 'Categories', value: rows.filter((r) => r.level === 'category').length, format: 'count' },
      ];
    }
    case 'sales-trend': {
      const byDay = new Map<string, number>();
      for (const row of rows) byDay.set(String(row.day), (byDay.get(String(row.day)) ?? 0) + num(row.sales_value));
      const total = sum(rows, 'sales_value');
      const best = maxBy([...byDay], ([, value]) => value);
      return [
        { id: 'per-day', label: 'Average sales per selling day', value: byDay.size ? total / byDay.size : null, format: 'money' },
        { id: 'sales-value', label: 'Sales value', value: total, format: 'money' },
        { id: 'days', label: 'Days with sales', value: byDay.size, format: 'count' },
        { id: 'best-day', label: 'Best day', value: best?.[1] ?? null, format: 'money', detail: best?.[0] },
      ];
    }
    case 'sales-pivot': {
      const categories = result.columns.filter((c) => c.name !== 'month').map((c) => c.name);
      const monthTotal = (row: InsightRow) => categories.reduce((t, c) => t + num(row[c]), 0);
      const bestMonth = maxBy(rows, monthTotal);
      const bestCategory = maxBy(categories, (c) => sum(rows, c));
      return [
        { id: 'best-month', label: 'Best month', value: bestMonth ? monthTotal(bestMonth) : null, format: 'money', detail: bestMonth ? String(bestMonth.month) : undefined },
        { id: 'sales-value', label: 'Sales value', value: rows.reduce((t, r) => t + monthTotal(r), 0), format: 'money' },
        { id: 'months', label: 'Months', value: rows.length, format: 'count' },
        { id: 'top-category', label: 'Top category', value: bestCategory ? sum(rows, bestCategory) : null, format: 'money', detail: bestCategory },
      ];
    }
    case 'product-sales': {
      const top = maxBy(rows, (r) => num(r.sales_value));
      return [
        { id: 'products', label: 'Products sold', value: rows.length, format: 'count' },
        { id: 'units', label: 'Units sold', value: sum(rows, 'units'), format: 'count' },
        { id: 'sales-value', label: 'Sales value', value: sum(rows, 'sales_value'), format: 'money' },
        { id: 'top-product', label: 'Top product', value: top ? num(top.sales_value) : null, format: 'money', detail: top ? String(top.name ?? top.sku ?? '(no sku)') : undefined },
      ];
    }
    case 'family-summary': {
      const total = rows.find((r) => r.level === 'total');
      const plan = num(total?.plan_units);
      return [
        { id: 'vs-plan', label: 'Units sold vs plan', value: plan > 0 ? num(total?.sales_units) / plan : null, format: 'percent' },
        { id: 'sales-units', label: 'Units sold', value: num(total?.sales_units), format: 'count' },
        { id: 'plan-units', label: 'Plan units', value: plan, format: 'count' },
        { id: 'sales-value', label: 'Sales value', value: num(total?.sales_value), format: 'money' },
      ];
    }
    default:
      return [{ id: 'rows', label: 'Rows', value: rows.length, format: 'count' }];
  }
}
