'use client';
// The table body of an insight page. A client component only so that the page's React Server Components
// payload carries the rows as compact arrays of values rather than as an element tree per cell (which was
// most of the page's bytes and of its render time on the server); it renders the same markup on the server.
import { columnFormat, formatValue, type InsightValue } from '@/lib/insightViews';
import type { InsightColumn } from '@/lib/insights/insight';

export function InsightRows({ insight, columns, rows, offset, total }: { insight: string; columns: InsightColumn[]; rows: InsightValue[][]; offset: number; total: number }) {
  const formats = columns.map((c) => columnFormat(insight, c));
  const levelAt = columns.findIndex((c) => c.name === 'level');
  return (
    <tbody>
      {rows.map((row, r) => {
        const level = levelAt >= 0 ? row[levelAt] : null;
        return (
          <tr key={offset + r} className={typeof level === 'string' && level !== 'family' ? `level-${level}` : undefined}>
            {columns.map((column, i) => (
              <td key={column.name} className={formats[i] === 'text' || formats[i] === 'date' ? undefined : 'num'} data-value={row[i] ?? ''}>
                {formatValue(row[i], formats[i])}
              </td>
            ))}
          </tr>
        );
      })}
      {rows.length === 0 ? (
        <tr>
          <td colSpan={columns.length} className="muted empty">
            {total === 0 ? 'No rows for these filters.' : 'No rows on this page.'}
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
