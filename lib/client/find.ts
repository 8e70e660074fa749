// Find over every row and column of a sheet's view (not only the rendered window): case-insensitive
// substring matches on the cells' text, in reading order (row by row, left to right). Pure.
import { formatValue } from '../cellValue';
import type { CellValue } from '../schema';
import type { ColumnInfo } from '../sheetDoc';

export interface FindMatch {
  row: number;
  col: number;
}

export interface FindSource {
  rowIds: readonly string[];
  columns: readonly ColumnInfo[];
  valueAt: (rowId: string, colId: string) => CellValue;
}

/** Stops counting beyond this many matches (the count then reads "10,000+"). */
export const MAX_MATCHES = 10_000;

export function findMatches(source: FindSource, query: string, limit = MAX_MATCHES): FindMatch[] {
  const needle = query.trim().toLocaleLowerCase();
  if (!needle) return [];
  const matches: FindMatch[] = [];
  const { rowIds, columns } = source;
  for (let r = 0; r < rowIds.length; r++) {
    for (let c = 0; c < columns.length; c++) {
      const value = source.valueAt(rowIds[r], columns[c].id);
      if (value === null) continue;
      if (formatValue(value).toLocaleLowerCase().includes(needle)) {
        matches.push({ row: r, col: c });
        if (matches.length >= limit) return matches;
      }
    }
  }
  return matches;
}

/** The match to show first: the first at or after `from` in reading order (wrapping), else the first. */
export function firstMatchFrom(matches: readonly FindMatch[], from: FindMatch | null): number {
  if (matches.length === 0) return -1;
  if (!from) return 0;
  const index = matches.findIndex((m) => m.row > from.row || (m.row === from.row && m.col >= from.col));
  return index < 0 ? 0 : index;
}
