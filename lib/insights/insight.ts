// What an insight is: its SQL over the workspace views `products` and `sales`, its parameters (a zod
// schema over the query string), and the columns it returns. Parameters are always bound by name
// (`$from`), never written into the SQL text; the sales pivot's category list is the one exception
// (see salesPivot.ts).
import type { z } from 'zod';
import type { CommonParams } from './params';

export type InsightColumnType = 'text' | 'number' | 'date';

export interface InsightColumn {
  name: string;
  type: InsightColumnType;
}

/** Values bound to `$name` parameters; only the names the SQL uses may be given (DuckDB refuses others). */
export type SqlParams = Record<string, string | number | null>;

interface InsightBase<P extends CommonParams> {
  name: string;
  title: string;
  description: string;
  params: z.ZodType<P>;
}

/**
 * One statement with a fixed column list. `select` is the statement without its order (it may return
 * extra tie-breaking columns named `__…`); `order` is its documented order, a total order (the last
 * terms break every tie), so pages never overlap; `sql` is the whole answer, in that order.
 */
export interface FixedInsight<P extends CommonParams = CommonParams> extends InsightBase<P> {
  kind: 'fixed';
  select: string;
  order: readonly string[];
  sql: string;
  columns: readonly InsightColumn[];
  bind(params: P): SqlParams;
}

/** The declared columns of `select`, in `order`. */
export function orderedSql(select: string, order: readonly string[], columns: readonly InsightColumn[]): string {
  return `SELECT ${columns.map((c) => quoteIdent(c.name)).join(', ')} FROM (${select}) q ORDER BY ${order.join(', ')}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A pivot: one statement whose rows are the row key (`month`), then `maxValues` value columns (NULL
 * where that value has no rows for the row key), then the names of the values shown (a list, in
 * column order) and how many distinct values there were in all. Values beyond the `maxValues - 1`
 * largest are summed into the last column, `otherColumn`. Only integers (column positions) are written
 * into the SQL text: no data ever is.
 */
export interface PivotInsight<P extends CommonParams = CommonParams> extends InsightBase<P> {
  kind: 'pivot';
  sql: string;
  /** Value columns in `sql`, the last one being `otherColumn`. */
  maxValues: number;
  otherColumn: string;
  /** The result columns: the key, the shown values' columns, then `otherColumn` when there is one. */
  columns(values: readonly string[], other: boolean): InsightColumn[];
  emptyCell: number;
  bind(params: P): SqlParams;
}

export type Insight<P extends CommonParams = CommonParams> = FixedInsight<P> | PivotInsight<P>;
