// One page of an insight's answer as a table, sorted and paged on the server: a header link sorts by that
// column (ascending, descending, back to the insight's own order), Previous/Next move by a page, all kept
// in the page's URL (`sort`, `dir`, `offset`), so a live refresh re-renders the same view. "Download CSV"
// is the API's `format=csv` with the same filters and sort: every row, not only this page.
import Link from 'next/link';
import { columnFormat, type InsightRow } from '@/lib/insightViews';
import { InsightRows } from './InsightRows';
import type { InsightColumn } from '@/lib/insights/insight';

type Sort = { column: string; dir: 'asc' | 'desc' } | null;

export interface TablePage {
  columns: InsightColumn[];
  rows: InsightRow[];
  total: number;
  offset: number;
  limit: number | 'all';
  sort: Sort;
}

/** The page URL with `changes` applied (null removes a parameter). */
function withParams(base: string, query: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(query);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) next.delete(key);
    else next.set(key, value);
  }
  const text = next.toString();
  return text ? `${base}?${text}` : base;
}

export function SortableTable({ insight, page, query, csvHref }: { insight: string; page: TablePage; query: URLSearchParams; csvHref: string }) {
  const base = `/insights/${insight}`;
  const formats = page.columns.map((c) => columnFormat(insight, c));
  const size = page.limit === 'all' ? page.total : page.limit;
  const first = page.rows.length === 0 ? 0 : page.offset + 1;
  const last = page.offset + page.rows.length;
  const sortHref = (column: string) => {
    const current = page.sort?.column === column ? page.sort.dir : null;
    const next = current === null ? { sort: column, dir: 'asc' } : current === 'asc' ? { sort: column, dir: 'desc' } : { sort: null, dir: null };
    return withParams(base, query, { ...next, offset: null });
  };
  const ariaSort = (column: string) => (page.sort?.column === column ? (page.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');

  return (
    <div className="insight-table-block">
      <div className="insight-table-bar">
        <span className="muted" data-testid="insight-row-count" data-total={page.total}>
          {page.total.toLocaleString('en-US')} row{page.total === 1 ? '' : 's'}
          {page.total > page.rows.length ? ` · showing ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')}` : ''}
          {page.sort ? ` · sorted by ${page.sort.column}, ${page.sort.dir === 'asc' ? 'ascending' : 'descending'}` : ''}
        </span>
        <a className="button" href={csvHref} download data-testid="insight-csv" aria-disabled={page.total === 0 || undefined}>
          Download CSV
        </a>
      </div>
      <div className="insight-table-scroll">
        <table className="data insight-table" data-testid="insight-table">
          <thead>
            <tr>
              {page.columns.map((column, i) => (
                <th
                  key={column.name}
                  scope="col"
                  aria-sort={ariaSort(column.name)}
                  className={formats[i] === 'text' || formats[i] === 'date' ? undefined : 'num'}
                  data-column={column.name}
                >
                  <Link className="sort" href={sortHref(column.name)} scroll={false} title={`Sort by ${column.name}`}>
                    {column.name}
                    <span aria-hidden="true" className="sort-mark">
                      {page.sort?.column === column.name ? (page.sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                    </span>
                  </Link>
                </th>
              ))}
            </tr>
          </thead>
          <InsightRows insight={insight} columns={page.columns} rows={page.rows.map((row) => page.columns.map((c) => row[c.name] ?? null))} offset={page.offset} total={page.total} />
        </table>
      </div>
      {page.total > size ? (
        <nav className="insight-pager" aria-label="Table pages" data-testid="insight-pager">
          {page.offset > 0 ? (
            <Link href={withParams(base, query, { offset: page.offset - size > 0 ? String(page.offset - size) : null })} scroll={false} rel="prev">
              Previous {size.toLocaleString('en-US')}
            </Link>
          ) : (
            <span className="muted">Previous</span>
          )}
          <span className="muted">
            page {Math.floor(page.offset / size) + 1} of {Math.ceil(page.total / size)}
          </span>
          {last < page.total ? (
            <Link href={withParams(base, query, { offset: String(page.offset + size) })} scroll={false} rel="next">
              Next {size.toLocaleString('en-US')}
            </Link>
          ) : (
            <span className="muted">Next</span>
          )}
        </nav>
      ) : null}
    </div>
  );
}
