'use client';
// The insight's rows as a table: click a header to sort (ascending, descending, back to the insight's own
// order); "Download CSV" saves the rows in the order shown.
import { useMemo, useState } from 'react';
import { toCsv } from '@/lib/csv';
import { columnFormat, formatValue, type InsightRow, type InsightValue } from '@/lib/insightViews';
import type { InsightColumn } from '@/lib/insights/insight';

/** Rows rendered before "Show all" (the CSV always has every row). */
const INITIAL_ROWS = 500;

type Sort = { column: string; direction: 'ascending' | 'descending' } | null;

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compare(a: InsightValue | undefined, b: InsightValue | undefined): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

export function SortableTable({ insight, columns, rows, fileName }: { insight: string; columns: InsightColumn[]; rows: InsightRow[]; fileName: string }) {
  const [sort, setSort] = useState<Sort>(null);
  const [showAll, setShowAll] = useState(false);

  const sorted = useMemo(() => {
    if (!sort) return rows;
    const sign = sort.direction === 'ascending' ? 1 : -1;
    // Empty values stay last in both directions; ties keep the insight's order (Array.sort is stable).
    return [...rows].sort((x, y) => {
      const a = x[sort.column];
      const b = y[sort.column];
      const aEmpty = a === null || a === undefined;
      const bEmpty = b === null || b === undefined;
      if (aEmpty || bEmpty) return aEmpty === bEmpty ? 0 : aEmpty ? 1 : -1;
      return sign * compare(a, b);
    });
  }, [rows, sort]);

  const cycle = (column: string) =>
    setSort((current) =>
      current?.column !== column ? { column, direction: 'ascending' } : current.direction === 'ascending' ? { column, direction: 'descending' } : null,
    );

  const download = () => {
    const csv = toCsv(
      columns.map((c) => c.name),
      sorted.map((row) => columns.map((c) => row[c.name])),
    );
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const formats = columns.map((c) => columnFormat(insight, c));
  const visible = showAll ? sorted : sorted.slice(0, INITIAL_ROWS);

  return (
    <div className="insight-table-block">
      <div className="insight-table-bar">
        <span className="muted" data-testid="insight-row-count">
          {rows.length.toLocaleString('en-US')} row{rows.length === 1 ? '' : 's'}
          {sort ? ` · sorted by ${sort.column}, ${sort.direction}` : ''}
        </span>
        <button type="button" onClick={download} disabled={rows.length === 0} data-testid="insight-csv">
          Download CSV
        </button>
      </div>
      <div className="insight-table-scroll">
        <table className="data insight-table" data-testid="insight-table">
          <thead>
            <tr>
              {columns.map((column, i) => (
                <th
                  key={column.name}
                  scope="col"
                  aria-sort={sort?.column === column.name ? sort.direction : 'none'}
                  className={formats[i] === 'text' || formats[i] === 'date' ? undefined : 'num'}
                  data-column={column.name}
                >
                  <button type="button" className="sort" onClick={() => cycle(column.name)} title={`Sort by ${column.name}`}>
                    {column.name}
                    <span aria-hidden="true" className="sort-mark">
                      {sort?.column === column.name ? (sort.direction === 'ascending' ? '▲' : '▼') : '↕'}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {visible.map((row, r) => (
              <tr key={r} className={typeof row.level === 'string' && row.level !== 'family' ? `level-${row.level}` : undefined}>
                {columns.map((column, i) => (
                  <td key={column.name} className={formats[i] === 'text' || formats[i] === 'date' ? undefined : 'num'} data-value={row[column.name] ?? ''}>
                    {formatValue(row[column.name], formats[i])}
                  </td>
                ))}
              </tr>
            ))}
            {rows.length === 0 ? (
              <tr>
                <td colSpan={columns.length} className="muted empty">
                  No rows for these filters.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {visible.length < sorted.length ? (
        <p>
          <button type="button" onClick={() => setShowAll(true)}>
            Show all {sorted.length.toLocaleString('en-US')} rows
          </button>{' '}
          <span className="muted">(showing the first {INITIAL_ROWS.toLocaleString('en-US')})</span>
        </p>
      ) : null}
    </div>
  );
}
