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

/** The summary of an insight's whole answer (`/internal/insights/:name/summary`): KPI values, chart rows. */
export interface InsightSummary {
  columns: InsightColumn[];
  asOf: string;
  total: number;
  kpis: Record<string, InsightValue>;
  chart: InsightRow[];
  categories?: { total: number; shown: number; other: string | null };
}

const value = (kpis: Record<string, InsightValue>, key: string): number | string | null => {
  const v = kpis[key];
  return typeof v === 'number' || typeof v === 'string' ? v : null;
};
const detail = (kpis: Record<string, InsightValue>, key: string): string | undefined => (kpis[key] === null || kpis[key] === undefined ? undefined : String(kpis[key]));

/** The KPIs of an insight (computed over its whole answer, in SQL); the first is the headline. */
export function insightKpis(name: string, summary: Pick<InsightSummary, 'kpis' | 'asOf' | 'total'>): Kpi[] {
  const k = summary.kpis;
  switch (name) {
    case 'low-stock':
      return [
        { id: 'to-reorder', label: 'Products to reorder', value: value(k, 'to_reorder'), format: 'count' },
        { id: 'out-of-stock', label: 'Out of stock', value: value(k, 'out_of_stock'), format: 'count' },
        { id: 'under-week', label: 'Under 7 days of cover', value: value(k, 'under_week'), format: 'count' },
        { id: 'units-30d', label: 'Their units sold, 30 days', value: value(k, 'units_30d'), format: 'count', detail: `to ${summary.asOf}` },
      ];
    case 'category-rollup':
      return [
        { id: 'stock-value', label: 'Stock value (at cost)', value: value(k, 'stock_value'), format: 'money' },
        { id: 'sales-value', label: 'Sales value', value: value(k, 'sales_value'), format: 'money' },
        { id: 'sales-units', label: 'Units sold', value: value(k, 'sales_units'), format: 'count' },
        { id: 'categories', label: 'Categories', value: value(k, 'categories'), format: 'count' },
      ];
    case 'sales-trend':
      return [
        { id: 'per-day', label: 'Average sales per selling day', value: value(k, 'per_day'), format: 'money' },
        { id: 'sales-value', label: 'Sales value', value: value(k, 'sales_value'), format: 'money' },
        { id: 'days', label: 'Days with sales', value: value(k, 'days'), format: 'count' },
        { id: 'best-day', label: 'Best day', value: value(k, 'best_day_value'), format: 'money', detail: detail(k, 'best_day') },
      ];
    case 'sales-pivot':
      return [
        { id: 'best-month', label: 'Best month', value: value(k, 'best_month_value'), format: 'money', detail: detail(k, 'best_month') },
        { id: 'sales-value', label: 'Sales value', value: value(k, 'sales_value'), format: 'money' },
        { id: 'months', label: 'Months', value: value(k, 'months'), format: 'count' },
        { id: 'top-category', label: 'Top category', value: value(k, 'top_category_value'), format: 'money', detail: detail(k, 'top_category') },
      ];
    case 'product-sales':
      return [
        { id: 'products', label: 'Products sold', value: value(k, 'products'), format: 'count' },
        { id: 'units', label: 'Units sold', value: value(k, 'units'), format: 'count' },
        { id: 'sales-value', label: 'Sales value', value: value(k, 'sales_value'), format: 'money' },
        { id: 'top-product', label: 'Top product', value: value(k, 'top_value'), format: 'money', detail: detail(k, 'top_product') },
      ];
    case 'family-summary':
      return [
        { id: 'vs-plan', label: 'Units sold vs plan', value: value(k, 'vs_plan'), format: 'percent' },
        { id: 'sales-units', label: 'Units sold', value: value(k, 'sales_units'), format: 'count' },
        { id: 'plan-units', label: 'Plan units', value: value(k, 'plan_units'), format: 'count' },
        { id: 'sales-value', label: 'Sales value', value: value(k, 'sales_value'), format: 'money' },
      ];
    default:
      return [{ id: 'rows', label: 'Rows', value: summary.total, format: 'count' }];
  }
}
