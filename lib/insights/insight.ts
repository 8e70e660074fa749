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

/** One statement with a fixed column list. */
export interface FixedInsight<P extends CommonParams = CommonParams> extends InsightBase<P> {
  kind: 'fixed';
  sql: string;
  columns: readonly InsightColumn[];
  bind(params: P): SqlParams;
}

/**
 * A pivot: the first query reads the candidate pivot values (in column order; a superset of those that
 * occur is fine), which then shape the second statement: its row key column(s), then one column per
 * candidate, NULL where the candidate has no rows for that row. The runner keeps the candidates whose
 * column is not NULL in every row, names them with `columns()`, and shows their NULL cells as `emptyCell`.
 * `pivotValuesSql` is bound with only the parameters it names.
 */
export interface PivotInsight<P extends CommonParams = CommonParams> extends InsightBase<P> {
  kind: 'pivot';
  pivotValuesSql: string;
  pivotSql(values: readonly string[]): string;
  /** The result columns for the values that occur. */
  columns(values: readonly string[]): InsightColumn[];
  emptyCell: number;
  bind(params: P): SqlParams;
}

export type Insight<P extends CommonParams = CommonParams> = FixedInsight<P> | PivotInsight<P>;
