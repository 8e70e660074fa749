// A page's view of a sheet: an optional sort by one column and filters on columns. It orders and hides rows
// for that page only (kept in its URL query), never the document's order or anyone else's view. Pure: the
// grid model applies it, node tests run it.
//
// Sorting is stable and typed: numbers as numbers, dates (ISO YYYY-MM-DD) as dates, booleans false before
// true, text by a natural, case-insensitive collation; empty cells always last, in either direction; values
// of the wrong type for the column sort after the right ones. Filters: a value list (display text, '' for
// empty), text contains, number range, date range, is empty, is not empty.
import { z } from 'zod';
import { formatValue } from '../cellValue';
import type { CellValue, ColumnType } from '../schema';
import type { ColumnInfo } from '../sheetDoc';

export type SortDirection = 'asc' | 'desc';

export interface SortSpec {
  col: string;
  dir: SortDirection;
}

const colId = z.string().min(1).max(64);
const filterSchema = z.discriminatedUnion('op', [
  z.object({ col: colId, op: z.literal('values'), values: z.array(z.string().max(10_000)).max(5_000) }),
  z.object({ col: colId, op: z.literal('contains'), text: z.string().min(1).max(1_000) }),
  z.object({ col: colId, op: z.literal('between'), min: z.number().finite().optional(), max: z.number().finite().optional() }),
  z.object({
    col: colId,
    op: z.literal('dates'),
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  }),
  z.object({ col: colId, op: z.literal('empty') }),
  z.object({ col: colId, op: z.literal('notEmpty') }),
]);

export type Filter = z.infer<typeof filterSchema>;

export interface ViewSpec {
  sort: SortSpec | null;
  /** At most one per column. */
  filters: Filter[];
}

export const EMPTY_VIEW: ViewSpec = { sort: null, filters: [] };

export function isEmptyView(spec: ViewSpec | null | undefined): boolean {
  return !spec || (!spec.sort && spec.filters.length === 0);
}

/**
 * The part of a view that applies to these columns. A sort or filter on a column the sheet does not have (a
 * stale link, a column deleted meanwhile) changes nothing (applyView skips it), so it is not shown either.
 */
export function effectiveView(spec: ViewSpec, columns: readonly { id: string }[]): ViewSpec {
  const known = new Set(columns.map((c) => c.id));
  const sort = spec.sort && known.has(spec.sort.col) ? spec.sort : null;
  const filters = spec.filters.filter((f) => known.has(f.col));
  return sort === spec.sort && filters.length === spec.filters.length ? spec : { sort, filters };
}

export interface ViewSource {
  columns: readonly ColumnInfo[];
  valueAt: (rowId: string, colId: string) => CellValue;
}

/** The columns whose values decide the view: a change elsewhere cannot change it. */
export function viewColumns(spec: ViewSpec): Set<string> {
  const cols = new Set(spec.filters.map((f) => f.col));
  if (spec.sort) cols.add(spec.sort.col);
  return cols;
}

const isEmpty = (value: CellValue) => value === null || value === '';

/** Display text of a value for value-list filters. */
export function filterText(value: CellValue): string {
  return isEmpty(value) ? '' : formatValue(value);
}

function passes(filter: Filter, value: CellValue): boolean {
  switch (filter.op) {
    case 'empty':
      return isEmpty(value);
    case 'notEmpty':
      return !isEmpty(value);
    case 'values':
      return filter.values.includes(filterText(value));
    case 'contains':
      return !isEmpty(value) && formatValue(value!).toLocaleLowerCase().includes(filter.text.toLocaleLowerCase());
    case 'between':
      return typeof value === 'number' && (filter.min === undefined || value >= filter.min) && (filter.max === undefined || value <= filter.max);
    case 'dates':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && (filter.from === undefined || value >= filter.from) && (filter.to === undefined || value <= filter.to);
  }
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Sort rank: right-typed values first, then wrong-typed ones, then empty. */
function sortKey(value: CellValue, type: ColumnType): { rank: number; key: number | string } {
  if (isEmpty(value)) return { rank: 2, key: 0 };
  switch (type) {
    case 'number':
      return typeof value === 'number' ? { rank: 0, key: value } : { rank: 1, key: formatValue(value!) };
    case 'boolean':
      return typeof value === 'boolean' ? { rank: 0, key: value ? 1 : 0 } : { rank: 1, key: formatValue(value!) };
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { rank: 0, key: value } : { rank: 1, key: formatValue(value!) };
    default:
      return { rank: 0, key: formatValue(value!) };
  }
}

function compareKeys(a: number | string, b: number | string, textual: boolean): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (textual) return collator.compare(String(a), String(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The rows of the view, in its order: `rowIds` (the document's order) filtered, then stably sorted. */
export function applyView(rowIds: readonly string[], source: ViewSource, spec: ViewSpec | null): string[] {
  if (!spec || isEmptyView(spec)) return rowIds.slice();
  const known = new Map(source.columns.map((c) => [c.id, c]));
  const filters = spec.filters.filter((f) => known.has(f.col));
  let rows = filters.length === 0 ? rowIds.slice() : rowIds.filter((rowId) => filters.every((f) => passes(f, source.valueAt(rowId, f.col))));
  const column = spec.sort ? known.get(spec.sort.col) : undefined;
  if (!column || !spec.sort) return rows;
  const sign = spec.sort.dir === 'desc' ? -1 : 1;
  const decorated = rows.map((rowId, index) => ({ rowId, index, ...sortKey(source.valueAt(rowId, column.id), column.type) }));
  decorated.sort((a, b) => {
    if (a.rank !== b.rank) return a.rank - b.rank; // empty last in both directions
    if (a.rank === 2) return a.index - b.index;
    const c = compareKeys(a.key, b.key, column.type === 'text' || a.rank === 1);
    return c !== 0 ? sign * c : a.index - b.index; // stable
  });
  rows = decorated.map((d) => d.rowId);
  return rows;
}

// ---- the URL query: ?sort=<colId> or ?sort=-<colId>, &filter=<JSON array of filters> ----

export function parseViewQuery(query: URLSearchParams): ViewSpec {
  const sortParam = query.get('sort');
  let sort: SortSpec | null = null;
  if (sortParam) {
    const desc = sortParam.startsWith('-');
    const col = desc ? sortParam.slice(1) : sortParam;
    if (colId.safeParse(col).success) sort = { col, dir: desc ? 'desc' : 'asc' };
  }
  const filters: Filter[] = [];
  const raw = query.get('filter');
  if (raw) {
    try {
      const parsed = z.array(z.unknown()).max(500).parse(JSON.parse(raw));
      const seen = new Set<string>();
      for (const item of parsed) {
        const filter = filterSchema.safeParse(item);
        if (filter.success && !seen.has(filter.data.col)) {
          seen.add(filter.data.col);
          filters.push(filter.data);
        }
      }
    } catch {
      // a malformed filter parameter is ignored: the view shows every row
    }
  }
  return { sort, filters };
}

/** Writes the view into a query (other parameters kept). */
export function writeViewQuery(query: URLSearchParams, spec: ViewSpec): URLSearchParams {
  const next = new URLSearchParams(query);
  if (spec.sort) next.set('sort', `${spec.sort.dir === 'desc' ? '-' : ''}${spec.sort.col}`);
  else next.delete('sort');
  if (spec.filters.length > 0) next.set('filter', JSON.stringify(spec.filters));
  else next.delete('filter');
  return next;
}

export function withSort(spec: ViewSpec, sort: SortSpec | null): ViewSpec {
  return { ...spec, sort };
}

/** Sets (or, with null, removes) the filter on a column. */
export function withFilter(spec: ViewSpec, col: string, filter: Filter | null): ViewSpec {
  const filters = spec.filters.filter((f) => f.col !== col);
  if (filter) filters.push(filter);
  return { ...spec, filters };
}

/** Distinct display texts of a column with counts, for the value-list filter (most rows first, capped). */
export function distinctValues(rowIds: readonly string[], source: ViewSource, col: string, limit = 500): { text: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const rowId of rowIds) {
    const text = filterText(source.valueAt(rowId, col));
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts]
    .map(([text, count]) => ({ text, count }))
    .sort((a, b) => (a.text === '' ? 1 : b.text === '' ? -1 : collator.compare(a.text, b.text)))
    .slice(0, limit);
}
