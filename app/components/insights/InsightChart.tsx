import { cachedInsightChart } from '@/lib/node/chartCache';
import type { InsightSummary } from '@/lib/insightViews';

/**
 * The insight's chart, drawn on the server with Observable Plot from the summary's chart rows (an
 * aggregate, not the answer), and reused until the data changes.
 */
export function InsightChart({ name, summary, filters, version }: { name: string; summary: InsightSummary; filters: string; version: string }) {
  let chart: ReturnType<typeof cachedInsightChart>;
  try {
    chart = cachedInsightChart(name, filters, version, summary);
  } catch (error) {
    console.error(`chart of ${name} failed`, error);
    return <p className="muted chart-empty">The chart could not be drawn; the table below has the data.</p>;
  }
  if (!chart) return <p className="muted chart-empty" data-testid="insight-chart-empty">Nothing to chart for these filters.</p>;
  return (
    <figure className="insight-chart" data-testid="insight-chart">
      {/* Plot's markup, serialized by linkedom (text and attributes escaped). */}
      <div dangerouslySetInnerHTML={{ __html: chart.html }} />
      <figcaption className="muted">{chart.caption}</figcaption>
    </figure>
  );
}
