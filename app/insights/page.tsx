import type { Metadata } from 'next';
import Link from 'next/link';
import { LiveRefresh } from '@/app/components/insights/LiveRefresh';
import { DataAsOf } from '@/app/components/insights/DataAsOf';
import { INSIGHTS } from '@/lib/insights/index';
import { insightKpis, formatValue } from '@/lib/insightViews';
import { loadInsightMeta, loadInsightSummary } from '@/lib/node/insightClient';
import '@/app/components/insights/insights.css';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Insights · Cellar' };

export default async function InsightsIndexPage() {
  const [loads, meta] = await Promise.all([Promise.all(INSIGHTS.map((insight) => loadInsightSummary(insight.name))), loadInsightMeta()]);
  const changedAt = meta.ok && meta.result.meta.changedAt ? new Date(meta.result.meta.changedAt) : null;
  return (
    <section className="insights">
      <div className="insight-heading">
        <h1>Insights</h1>
        <div className="insight-status">
          <DataAsOf changedAt={changedAt} />
          <LiveRefresh />
        </div>
      </div>
      <p className="muted">Analytical views over every products and sales sheet, computed in DuckDB from the merged documents.</p>
      <ul className="insight-cards" data-testid="insight-index">
        {INSIGHTS.map((insight, i) => {
          const load = loads[i];
          const headline = load.ok ? insightKpis(insight.name, load.result)[0] : null;
          return (
            <li key={insight.name} className="insight-card" data-testid={`insight-card-${insight.name}`}>
              <h2>
                <Link href={`/insights/${insight.name}`}>{insight.title}</Link>
              </h2>
              <p className="muted">{insight.description}</p>
              {headline ? (
                <p className="headline" data-testid={`insight-headline-${insight.name}`} data-value={headline.value ?? ''}>
                  <span className="kpi-value">{formatValue(headline.value, headline.format)}</span>
                  <span className="headline-label">
                    {headline.label}
                    {headline.detail ? ` · ${headline.detail}` : ''}
                  </span>
                </p>
              ) : (
                <p className="error">{load.ok ? '' : load.message}</p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
