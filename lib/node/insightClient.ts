// Server-side reads for the insight pages: everything a page shows in one call to the sync server (the
// table's page, the summary with KPI values and chart rows, the filter's categories and when the data
// last changed), or the API's refusal, as data, so a page can show it.
import type { InsightResult, InsightSummary } from '../insightViews';
import { syncServerJson } from './syncServerClient';

/** Rows of the table on an insight page (the API's default is 1,000; a page shows fewer). */
export const PAGE_ROWS = 50;

export interface InsightMeta {
  categories: string[];
  changedAt: string | null;
}

export interface InsightView {
  /** The sync server's data version the answer was computed at (keys the rendered chart). */
  version: string;
  page: InsightResult & { total: number; offset: number; limit: number | 'all'; sort: { column: string; dir: 'asc' | 'desc' } | null };
  summary: InsightSummary;
  meta: InsightMeta;
}

export type Load<T> = { ok: true; result: T } | { ok: false; status: number; code: string; message: string };

function queryOf(params: Record<string, string | string[] | undefined>, defaults: Record<string, string> = {}): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== '') query.append(key, item);
  }
  for (const [key, value] of Object.entries(defaults)) if (!query.has(key)) query.set(key, value);
  return query;
}

async function load<T>(path: string): Promise<Load<T>> {
  try {
    return { ok: true, result: await syncServerJson<T>(path) };
  } catch (error) {
    const e = error as Error & { status?: number; code?: string };
    return { ok: false, status: e.status ?? 500, code: e.code ?? 'error', message: e.message };
  }
}

/** An insight page's data for the page's query string (filters, sort, dir, offset). */
export function loadInsightView(name: string, params: Record<string, string | string[] | undefined>): Promise<Load<InsightView>> {
  return load<InsightView>(`/insights/${encodeURIComponent(name)}/view?${queryOf(params, { limit: String(PAGE_ROWS) })}`);
}

/** An insight's summary (KPIs) with default parameters, for the index page. */
export function loadInsightSummary(name: string): Promise<Load<InsightSummary>> {
  return load<InsightSummary>(`/insights/${encodeURIComponent(name)}/summary`);
}

export function loadInsightMeta(): Promise<Load<{ version: string; meta: InsightMeta }>> {
  return load(`/insight-meta`);
}
