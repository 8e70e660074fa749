// Server-side reads for the insight pages: an insight's result (or the API's refusal, as data, so a page
// can show it) and the time of the latest materialized change to the data the insights read.
import type { InsightResult } from '../insightViews';
import { syncServerJson } from './syncServerClient';

export type InsightLoad = { ok: true; result: InsightResult } | { ok: false; status: number; code: string; message: string };

/** Runs an insight with the given query-string parameters (empty values are left out). */
export async function loadInsight(name: string, params: Record<string, string | string[] | undefined>): Promise<InsightLoad> {
  // The pages read whole answers until they page on the server.
  const query = new URLSearchParams({ limit: 'all' });
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== '') query.append(key, item);
  }
  try {
    const result = await syncServerJson<InsightResult>(`/insights/${encodeURIComponent(name)}?${query}`);
    return { ok: true, result };
  } catch (error) {
    const e = error as Error & { status?: number; code?: string };
    return { ok: false, status: e.status ?? 500, code: e.code ?? 'error', message: e.message };
  }
}

interface SheetSummary {
  template: string;
  updatedAt: string;
}

/** When the products and sales data last changed (the newest materialized update), or null. */
export async function latestDataChange(): Promise<Date | null> {
  try {
    const { sheets } = await syncServerJson<{ sheets: SheetSummary[] }>('/sheets');
    const times = sheets.filter((s) => s.template === 'products' || s.template === 'sales').map((s) => Date.parse(s.updatedAt));
    const latest = Math.max(...times.filter(Number.isFinite));
    return Number.isFinite(latest) ? new Date(latest) : null;
  } catch {
    return null;
  }
}
