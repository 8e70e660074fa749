import { renderInsightChart } from '@/lib/insightCharts';
import type { InsightResult } from '@/lib/insightViews';

/** The insight's chart, rendered to SVG on the server with Observable Plot. */
export function InsightChart({ name, result }: { name: string; result: InsightResult }) {
  let chart: ReturnType<typeof renderInsightChart>;
  try {
    chart = renderInsightChart(name, result);
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
