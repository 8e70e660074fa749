// How much of an insight's answer a request wants, in what order and format: `limit` (default 1,000, at
// most 100,000, or `all`), `offset`, `sort` (one of the insight's columns) with `dir` (asc | desc), and
// `format` (json | csv). These names are taken out of the query string before the insight's own
// parameters are validated, so every insight accepts them and a typo in either is still refused.
//
// Why a default limit at all: at 100k products / 1M sales the larger answers are 2–20 MB of JSON, whose
// transfer and parsing cost several times the SQL; a page of 1,000 rows is what a screen or a chart
// needs. CSV downloads are for whole answers, so `format=csv` defaults to every row.
import { InsightError } from './insightError';

export const DEFAULT_LIMIT = 1_000;
export const MAX_LIMIT = 100_000;
/** Far beyond any answer; keeps the number exact and the SQL bounded. */
export const MAX_OFFSET = 1_000_000_000;

export const PAGING_PARAMS = ['limit', 'offset', 'sort', 'dir', 'format'] as const;

export type SortDirection = 'asc' | 'desc';

export interface Paging {
  /** null: every row (`limit=all`). */
  limit: number | null;
  offset: number;
  sort: { column: string; dir: SortDirection } | null;
  format: 'json' | 'csv';
}

/**
 * Splits the query string into the paging part and the insight's own parameters. `sort` is checked
 * against the insight's columns by the caller (they depend on the data for the pivot).
 */
export function splitPaging(query: URLSearchParams): { paging: Paging; rest: URLSearchParams } {
  const rest = new URLSearchParams();
  const seen = new Map<string, string>();
  for (const [key, value] of query) {
    if (!(PAGING_PARAMS as readonly string[]).includes(key)) {
      rest.append(key, value);
      continue;
    }
    if (seen.has(key)) throw new InsightError('invalid_params', `parameter "${key}" is given more than once`);
    seen.set(key, value);
  }
  const format = seen.get('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new InsightError('invalid_params', 'format must be json or csv');
  const limitText = seen.get('limit');
  let limit: number | null = format === 'csv' ? null : DEFAULT_LIMIT;
  if (limitText !== undefined) {
    if (limitText === 'all') limit = null;
    else limit = integer('limit', limitText, 1, MAX_LIMIT, `an integer from 1 to ${MAX_LIMIT.toLocaleString('en-US')}, or all`);
  }
  const offsetText = seen.get('offset');
  const offset = offsetText === undefined ? 0 : integer('offset', offsetText, 0, MAX_OFFSET, `an integer from 0 to ${MAX_OFFSET}`);
  const column = seen.get('sort');
  const dirText = seen.get('dir');
  if (dirText !== undefined && dirText !== 'asc' && dirText !== 'desc') throw new InsightError('invalid_params', 'dir must be asc or desc');
  if (dirText !== undefined && column === undefined) throw new InsightError('invalid_params', 'dir needs sort (the column to sort by)');
  if (column !== undefined && (column === '' || column.length > 200)) throw new InsightError('invalid_params', 'sort must name one of the insight’s columns');
  const sort = column === undefined ? null : { column, dir: (dirText ?? 'asc') as SortDirection };
  return { paging: { limit, offset, sort, format }, rest };
}

function integer(name: string, text: string, min: number, max: number, expected: string): number {
  if (!/^\d{1,10}$/.test(text)) throw new InsightError('invalid_params', `${name} must be ${expected}`);
  const value = Number(text);
  if (value < min || value > max) throw new InsightError('invalid_params', `${name} must be ${expected}`);
  return value;
}

/** The paging as a stable cache-key fragment. */
export function pagingKey(paging: Paging): string {
  return `${paging.format}|${paging.limit ?? 'all'}|${paging.offset}|${paging.sort ? `${paging.sort.dir}:${paging.sort.column}` : ''}`;
}
