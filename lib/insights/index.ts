// The registry of insights by name (the `:name` in /api/insights/:name and /insights/:name).
import { categoryRollup } from './categoryRollup';
import { familySummary } from './familySummary';
import type { Insight } from './insight';
import { lowStock } from './lowStock';
import { productSales } from './productSales';
import { salesPivot } from './salesPivot';
import { salesTrend } from './salesTrend';

export type { Insight, InsightColumn, InsightColumnType } from './insight';
export { InsightError, type InsightErrorCode } from './insightError';

/** In the order the insights page lists them. */
export const INSIGHTS: readonly Insight[] = [lowStock, categoryRollup, salesTrend, salesPivot, productSales, familySummary];

const byName = new Map(INSIGHTS.map((insight) => [insight.name, insight]));

export function getInsight(name: string): Insight | undefined {
  return byName.get(name);
}

export const INSIGHT_NAMES: readonly string[] = INSIGHTS.map((insight) => insight.name);
