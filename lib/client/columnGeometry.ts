// Column geometry of the windowed grid: each column's width (shared in the document, or the default),
// their running offsets, and which columns a horizontal viewport covers. Pure.
import type { ColumnInfo } from '../sheetDoc';

export const DEFAULT_COLUMN_WIDTH = 128;

/** offsets[i] is the left edge of column i (0 for the first); offsets[n] is the total width. */
export function columnOffsets(columns: readonly ColumnInfo[], override?: ReadonlyMap<string, number>): number[] {
  const offsets = new Array<number>(columns.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < columns.length; i++) offsets[i + 1] = offsets[i] + (override?.get(columns[i].id) ?? columns[i].width ?? DEFAULT_COLUMN_WIDTH);
  return offsets;
}

/** The column under x (clamped to the columns there are); -1 when there are none. */
export function columnAt(offsets: readonly number[], x: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** First and last column a viewport of `width` pixels starting at `left` shows (at least partly). */
export function visibleColumns(offsets: readonly number[], left: number, width: number): { first: number; last: number } {
  const first = Math.max(0, columnAt(offsets, left));
  const last = Math.max(first, columnAt(offsets, left + Math.max(1, width) - 1));
  return { first, last };
}

/** A width that shows the longest of `texts` in full, measured by `measure`, within the allowed range. */
export function fittedWidth(texts: Iterable<string>, measure: (text: string) => number, padding: number, min: number, max: number): number {
  let widest = 0;
  const seen = new Set<string>();
  for (const text of texts) {
    if (seen.has(text)) continue;
    seen.add(text);
    widest = Math.max(widest, measure(text));
    if (widest + padding >= max) return max;
  }
  return Math.round(Math.min(max, Math.max(min, widest + padding)));
}
