import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataAsOf } from '@/app/components/insights/DataAsOf';
import { InsightChart } from '@/app/components/insights/InsightChart';
import { InsightFilters } from '@/app/components/insights/InsightFilters';
import { Kpis } from '@/app/components/insights/Kpis';
import { LiveRefresh } from '@/app/components/insights/LiveRefresh';
import { SortableTable } from '@/app/components/insights/SortableTable';
import { getInsight, INSIGHTS } from '@/lib/insights/index';
import { PAGING_PARAMS } from '@/lib/insights/paging';
import { COMMON_FILTERS, insightFilters, insightKpis } from '@/lib/insightViews';
import { loadInsightView } from '@/lib/node/insightClient';
import '@/app/components/insights/insights.css';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const insight = getInsight((await params).name);
  return { title: insight ? `${insight.title} · Insights · Cellar` : 'Insights · Cellar' };
}

export default async function InsightPage({ params, searchParams }: Props) {
  const { name } = await params;
  const insight = getInsight(name);
  if (!insight) notFound();
  const query = await searchParams;
  // The whole query string goes to the API, which is the one place parameters are validated. One call
  // brings the table's page, the KPI values and chart rows, and the filter's categories.
  const load = await loadInsightView(name, query);

  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) if (typeof value === 'string' && value !== '') values[key] = value;
  const carried = new URLSearchParams(COMMON_FILTERS.flatMap((key) => (values[key] ? [[key, values[key]]] : [])));
  const filters = new URLSearchParams(Object.entries(values).filter(([key]) => !(PAGING_PARAMS as readonly string[]).includes(key)));
  const tableQuery = new URLSearchParams(Object.entries(values));
  const csvQuery = new URLSearchParams(filters);
  for (const key of ['sort', 'dir'] as const) if (values[key]) csvQuery.set(key, values[key]);
  csvQuery.set('format', 'csv');
  const categories = load.ok ? load.result.meta.categories : [];
  const changedAt = load.ok && load.result.meta.changedAt ? new Date(load.result.meta.changedAt) : null;

  return (
    // data-version: the data version shown (only on a page with an answer; lib/node/insightPageCache.ts keys by it).
    <section className="insights" data-version={load.ok ? load.result.version : undefined}>
      <nav className="insight-tabs" aria-label="Insights">
        <Link href="/insights">All insights</Link>
        {INSIGHTS.map((other) => (
          <Link
            key={other.name}
            href={`/insights/${other.name}${carried.size ? `?${carried}` : ''}`}
            aria-current={other.name === name ? 'page' : undefined}
          >
            {other.title}
          </Link>
        ))}
      </nav>
      <div className="insight-heading">
        <h1>{insight.title}</h1>
        <div className="insight-status">
          {/* Only with an answer: a refused or failed load knows nothing about the data's age. */}
          {load.ok ? <DataAsOf changedAt={changedAt} asOf={name === 'low-stock' ? load.result.page.asOf : undefined} /> : null}
          <LiveRefresh />
        </div>
      </div>
      <p className="muted">{insight.description}</p>
      <InsightFilters key={filters.toString()} action={`/insights/${name}`} filters={insightFilters(name)} values={values} categories={categories} />
      {load.ok ? (
        <>
          <Kpis kpis={insightKpis(name, load.result.summary)} />
          {load.result.summary.categories?.other ? (
            <p className="muted" data-testid="insight-categories-note">
              The {load.result.summary.categories.shown} best-selling of {load.result.summary.categories.total.toLocaleString('en-US')} categories have their own
              column; the others are summed in <strong>{load.result.summary.categories.other}</strong>.
            </p>
          ) : null}
          <InsightChart name={name} summary={load.result.summary} filters={filters.toString()} version={load.result.version} />
          <SortableTable insight={name} page={load.result.page} query={tableQuery} csvHref={`/api/insights/${name}?${csvQuery}`} />
        </>
      ) : (
        <div className="insight-error" role="alert" data-testid="insight-error" data-status={load.status}>
          <strong>{load.status === 400 ? 'These filters cannot be used:' : load.status === 503 ? 'The data is not available right now:' : 'The insight failed:'}</strong>{' '}
          {load.message}
          {load.status === 400 ? (
            <p>
              Correct them above, or <Link href={`/insights/${name}`}>reset the filters</Link>.
            </p>
          ) : null}
        </div>
      )}
    </section>
  );
}
