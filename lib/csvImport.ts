// Turning a parsed CSV table into rows for a sheet's columns, all or nothing: header names matched to
// columns (case-insensitively; unknown, ambiguous or repeated names refuse the file), every field parsed for
// its column's type. Pure: the sync server's import and the browser's undoable import share it.
import { parseInput } from './cellValue';
import { unescapeCsvText } from './csv';
import type { CellValue } from './schema';
import type { ColumnInfo } from './sheetDoc';

/** How many bad cells one refusal lists (the rest are counted). */
const MAX_REPORTED_ERRORS = 10;

export type CsvImportPlan =
  | { ok: true; rows: Array<Record<string, CellValue>> }
  | { ok: false; code: 'unknown_columns' | 'ambiguous_columns' | 'duplicate_columns' | 'invalid_value'; message: string };

export type CsvHeaderRefusal = { ok: false; code: 'unknown_columns' | 'ambiguous_columns' | 'duplicate_columns'; message: string };

/** The column each header name stands for (case-insensitively), or why the header is refused. */
export function csvHeaderTargets(header: readonly string[], columns: readonly ColumnInfo[]): { ok: true; targets: ColumnInfo[] } | CsvHeaderRefusal {
  const byName = new Map<string, ColumnInfo[]>();
  for (const column of columns) {
    const key = column.name.trim().toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), column]);
  }
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  const seen = new Map<string, number>();
  const targets = header.map((name, i) => {
    const key = name.toLowerCase();
    const matches = byName.get(key) ?? [];
    if (matches.length === 0) unknown.push(name === '' ? `(empty header in column ${i + 1})` : quote(name));
    else if (matches.length > 1) ambiguous.push(quote(name));
    seen.set(key, (seen.get(key) ?? 0) + 1);
    return matches[0];
  });
  if (unknown.length > 0) {
    const known = columns.map((c) => quote(c.name)).join(', ');
    return { ok: false, code: 'unknown_columns', message: `unknown column${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}; this sheet's columns are ${known}` };
  }
  if (ambiguous.length > 0) return { ok: false, code: 'ambiguous_columns', message: `header ${ambiguous.join(', ')} matches more than one column of this sheet` };
  const repeated = [...seen].filter(([, count]) => count > 1).map(([key]) => quote(header.find((h) => h.toLowerCase() === key)!));
  if (repeated.length > 0) return { ok: false, code: 'duplicate_columns', message: `column${repeated.length === 1 ? '' : 's'} ${repeated.join(', ')} appear more than once in the header` };
  return { ok: true, targets: targets as ColumnInfo[] };
}

/** One record's values by column id; each bad field is reported to `onError` (and left out). */
export function csvRecordValues(
  { row, fields }: { row: number; fields: readonly string[] },
  targets: readonly ColumnInfo[],
  onError: (message: string) => void,
): Record<string, CellValue> {
  const values: Record<string, CellValue> = {};
  fields.forEach((field, i) => {
    const column = targets[i]!;
    const check = parseInput(column.type === 'text' ? unescapeCsvText(field) : field, column.type);
    if (check.ok) values[column.id] = check.value;
    else onError(`row ${row}, column ${quote(column.name)}: ${check.message}`);
  });
  return values;
}

/** Collects the first bad cells of an import (MAX_REPORTED_ERRORS of them) and counts the rest. */
export class CsvErrors {
  readonly first: string[] = [];
  count = 0;
  add = (message: string): void => {
    if (++this.count <= MAX_REPORTED_ERRORS) this.first.push(message);
  };
  /** The refusal's message, or null when there was no error. */
  message(): string | null {
    if (this.count === 0) return null;
    const more = this.count > this.first.length ? `; and ${this.count - this.first.length} more` : '';
    return `nothing was imported: ${this.first.join('; ')}${more}`;
  }
}

/** Matches header names to columns (case-insensitively) and parses every cell for its column's type. */
export function planCsvImport(
  header: readonly string[],
  records: ReadonlyArray<{ row: number; fields: readonly string[] }>,
  columns: readonly ColumnInfo[],
): CsvImportPlan {
  const matched = csvHeaderTargets(header, columns);
  if (!matched.ok) return matched;
  const errors = new CsvErrors();
  const rows = records.map((record) => csvRecordValues(record, matched.targets, errors.add));
  const refusal = errors.message();
  return refusal ? { ok: false, code: 'invalid_value', message: refusal } : { ok: true, rows };
}

function quote(name: string): string {
  return JSON.stringify(name.length > 60 ? `${name.slice(0, 57)}...` : name);
}

