// Rendered insight charts (SVG markup), kept per insight, filters and data version: a chart is drawn once
// per version of the data however many people open the page, and never outlives the data it shows (the
// version is in the key). Rendering is synchronous, so concurrent requests in this process never draw the
// same chart twice. Bounded: the least recently used go first.
import { renderInsightChart } from '../insightCharts';
import type { InsightSummary } from '../insightViews';

const MAX_ENTRIES = 200;

type Chart = ReturnType<typeof renderInsightChart>;
const charts = new Map<string, Chart>();

export function cachedInsightChart(name: string, filters: string, version: string, summary: InsightSummary): Chart {
  const key = `${version}\u0000${name}\u0000${filters}`;
  const hit = charts.get(key);
  if (hit !== undefined) {
    charts.delete(key);
    charts.set(key, hit);
    return hit;
  }
  const chart = renderInsightChart(name, { columns: summary.columns, rows: summary.chart, asOf: summary.asOf });
  charts.set(key, chart);
  while (charts.size > MAX_ENTRIES) charts.delete(charts.keys().next().value as string);
  return chart;
}
