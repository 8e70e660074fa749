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

/** A pivot: the first query reads the pivot's column values, which then shape the second statement. */
export interface PivotInsight<P extends CommonParams = CommonParams> extends InsightBase<P> {
  kind: 'pivot';
  pivotValuesSql: string;
  pivotSql(values: readonly string[]): string;
  columns(values: readonly string[]): InsightColumn[];
  bind(params: P): SqlParams;
}

export type Insight<P extends CommonParams = CommonParams> = FixedInsight<P> | PivotInsight<P>;
