import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DataAsOf } from '@/app/components/insights/DataAsOf';
import { InsightChart } from '@/app/components/insights/InsightChart';
import { InsightFilters } from '@/app/components/insights/InsightFilters';
import { Kpis } from '@/app/components/insights/Kpis';
import { LiveRefresh } from '@/app/components/insights/LiveRefresh';
import { SortableTable } from '@/app/components/insights/SortableTable';
import { safeFileName } from '@/lib/csv';
import { getInsight, INSIGHTS } from '@/lib/insights/index';
import { COMMON_FILTERS, insightFilters, insightKpis } from '@/lib/insightViews';
import { latestDataChange, loadInsight } from '@/lib/node/insightClient';
import '@/app/components/insights/insights.css';

export const dynamic = 'force-dynamic';

/** Rows handed to the browser's table at most (the API has them all). */
const MAX_TABLE_ROWS = 10_000;

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
  // The whole query string goes to the API, which is the one place parameters are validated.
  const [load, categories, changedAt] = await Promise.all([loadInsight(name, query), categoryList(), latestDataChange()]);

  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) if (typeof value === 'string' && value !== '') values[key] = value;
  const carried = new URLSearchParams(COMMON_FILTERS.flatMap((key) => (values[key] ? [[key, values[key]]] : [])));
  const fileStem = [insight.name, values.from, values.to, values.asOf && `as-of-${values.asOf}`, values.category].filter(Boolean).join(' ');

  return (
    <section className="insights">
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
          <DataAsOf changedAt={changedAt} asOf={load.ok && name === 'low-stock' ? load.result.asOf : undefined} />
          <LiveRefresh />
        </div>
      </div>
      <p className="muted">{insight.description}</p>
      <InsightFilters key={new URLSearchParams(values).toString()} action={`/insights/${name}`} filters={insightFilters(name)} values={values} categories={categories} />
      {load.ok ? (
        <>
          <Kpis kpis={insightKpis(name, load.result)} />
          <InsightChart name={name} result={load.result} />
          {load.result.rows.length > MAX_TABLE_ROWS ? (
            <p className="muted">
              The table shows the first {MAX_TABLE_ROWS.toLocaleString('en-US')} of {load.result.rows.length.toLocaleString('en-US')} rows; narrow the filters
              or use <code>/api/insights/{name}</code> for all of them.
            </p>
          ) : null}
          <SortableTable
            insight={name}
            columns={load.result.columns}
            rows={load.result.rows.slice(0, MAX_TABLE_ROWS)}
            fileName={safeFileName(fileStem, name)}
          />
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

/** The categories present in the data, for the filter's choices (none when that read fails). */
async function categoryList(): Promise<string[]> {
  const load = await loadInsight('category-rollup', {});
  if (!load.ok) return [];
  return load.result.rows.filter((r) => r.level === 'category' && typeof r.category === 'string').map((r) => String(r.category));
}
