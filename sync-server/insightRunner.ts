// Runs a named insight on a DuckDB connection: validates the query string, binds parameters by name and
// converts DuckDB values to JSON (64-bit and wider integers and decimals → numbers, dates → YYYY-MM-DD).
import { DuckDBDateValue, DuckDBDecimalValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { getInsight, INSIGHT_NAMES, type InsightColumn } from '../lib/insights/index';
import type { CommonParams } from '../lib/insights/params';
import { parseInsightParams } from '../lib/insights/params';
import { InsightError } from '../lib/insights/insightError';

export { InsightError } from '../lib/insights/insightError';

export type InsightRow = Record<string, string | number | boolean | null>;

export interface InsightResult {
  columns: InsightColumn[];
  rows: InsightRow[];
  asOf: string;
}

export async function runInsight(connection: DuckDBConnection, name: string, query: URLSearchParams, now: Date = new Date()): Promise<InsightResult> {
  const insight = getInsight(name);
  if (!insight) throw new InsightError('not_found', `no insight named ${JSON.stringify(name.slice(0, 64))}; known insights: ${INSIGHT_NAMES.join(', ')}`);
  const params: CommonParams = parseInsightParams(insight.params, query, now);
  const bound = insight.bind(params);

  if (insight.kind === 'fixed') {
    const reader = await connection.runAndReadAll(insight.sql, bound);
    return { columns: [...insight.columns], rows: toJsonRows(reader.columnNames(), reader.getRows(), insight.columns, name), asOf: params.asOf };
  }
  const valuesReader = await connection.runAndReadAll(insight.pivotValuesSql, bound);
  const pivotValues = valuesReader.getRows().map(([value]) => String(value));
  const columns = insight.columns(pivotValues);
  const reader = await connection.runAndReadAll(insight.pivotSql(pivotValues), bound);
  if (reader.columnCount !== columns.length) throw new Error(`insight ${name} returned ${reader.columnCount} columns, expected ${columns.length}`);
  // Pivot columns carry positional aliases in SQL; their names come from the declared list.
  return { columns, rows: toJsonRows(columns.map((c) => c.name), reader.getRows(), columns, name), asOf: params.asOf };
}

function toJsonRows(names: readonly string[], rows: readonly DuckDBValue[][], columns: readonly InsightColumn[], insight: string): InsightRow[] {
  if (names.length !== columns.length || names.some((n, i) => n !== columns[i].name)) {
    // The SQL and its declared columns are written together; a mismatch is a bug, not a user error.
    throw new Error(`insight ${insight} returned columns ${names.join(', ')}, expected ${columns.map((c) => c.name).join(', ')}`);
  }
  return rows.map((values) => {
    const row: InsightRow = {};
    values.forEach((value, i) => {
      row[columns[i].name] = toJson(value);
    });
    return row;
  });
}

/** A DuckDB value as JSON: every number a JSON number (NaN and infinities have none, so null). */
export function toJson(value: DuckDBValue): string | number | boolean | null {
  if (value === null) return null;
  switch (typeof value) {
    case 'bigint':
      return Number(value);
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
    case 'boolean':
      return value;
  }
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  return String(value);
}
