// Fractional-index ordering of rows and columns. Moving rewrites `order`; nothing is deleted and reinserted.
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

export function orderBetween(before: string | null, after: string | null): string {
  // Concurrent inserts may produce equal keys; they both survive and sort by id (see compareOrder).
  if (before !== null && after !== null && before >= after) return generateKeyBetween(before, null);
  return generateKeyBetween(before, after);
}

export function ordersBetween(before: string | null, after: string | null, count: number): string[] {
  if (before !== null && after !== null && before >= after) return generateNKeysBetween(before, null, count);
  return generateNKeysBetween(before, after, count);
}

/**
 * Display order: by key, then by id. A missing key ('', see `neighbours` in sheetDoc) sorts first, as it
 * does in DuckDB (`ORDER BY ord, row_id`), so the grid and the materialized sheet agree while it lasts.
 */
export function compareOrder(a: { order: string; id: string }, b: { order: string; id: string }): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
