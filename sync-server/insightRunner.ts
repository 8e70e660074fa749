// Runs a named insight on a DuckDB connection: validates the query string, binds parameters by name and
// has DuckDB write the result as JSON (DESIGN "Inventory templates and insights": numbers as JSON numbers,
// dates as YYYY-MM-DD, keys in column order), so no value is read into JavaScript one by one.
//
// A fixed insight's rows are one `json_object(…)` per row, joined by `string_agg` in the statement's row
// order and handed over as one UTF-8 BLOB (no string decoding); the body around them is a few bytes of
// JavaScript. The pivot (a row per month, so small) is read as one JSON text per cell, because which of
// its candidate columns are kept, and so their names, is only known from the result.
//
// What DuckDB's JSON writer emits, and why it is safe here: DOUBLE as the shortest text that reads back as
// the same double (the number JavaScript would have); BIGINT/HUGEINT as exact integers, which JSON.parse
// rounds as Number(bigint) does; DATE as "YYYY-MM-DD"; NULL as null. NaN and ±Infinity would be written
// bare (invalid JSON) and −0 as -0.0 where JSON.stringify writes 0, so number columns go through
// `finiteNumber` first.
import { DuckDBBlobValue, type DuckDBConnection } from '@duckdb/node-api';
import { getInsight, INSIGHT_NAMES, type InsightColumn } from '../lib/insights/index';
import type { SqlParams } from '../lib/insights/insight';
import type { CommonParams } from '../lib/insights/params';
import { parseInsightParams } from '../lib/insights/params';
import { InsightError } from '../lib/insights/insightError';
import { sqlStringLiteral } from '../lib/insights/salesPivot';

export { InsightError } from '../lib/insights/insightError';

export type InsightRow = Record<string, string | number | boolean | null>;

export interface InsightResult {
  columns: InsightColumn[];
  rows: InsightRow[];
  asOf: string;
}

/**
 * The insight's response body, `{ columns, rows, asOf }`, as UTF-8 JSON in chunks to be sent in order
 * (the rows are one large chunk, written by DuckDB).
 */
export async function runInsightJson(connection: DuckDBConnection, name: string, query: URLSearchParams, now: Date = new Date()): Promise<Uint8Array[]> {
  const insight = getInsight(name);
  if (!insight) throw new InsightError('not_found', `no insight named ${JSON.stringify(name.slice(0, 64))}; known insights: ${INSIGHT_NAMES.join(', ')}`);
  const params: CommonParams = parseInsightParams(insight.params, query, now);
  const bound = insight.bind(params);

  if (insight.kind === 'fixed') {
    const rows = await jsonRows(connection, insight.sql, bound, insight.columns);
    return body(insight.columns, rows, params.asOf);
  }

  const valuesReader = await connection.runAndReadAll(insight.pivotValuesSql, paramsNamedIn(insight.pivotValuesSql, bound));
  const candidates = (valuesReader.getColumns()[0] ?? []).filter((value) => value !== null).map(String);
  const allColumns = insight.columns(candidates);
  const keyCount = allColumns.length - candidates.length;
  // Pivot columns carry positional aliases in SQL, so cells are addressed by position (#n). A cell is its
  // JSON text, SQL NULL only where the value is NULL (a non-finite number is there, written null).
  const cells = allColumns.map((column, c) => {
    const value = `#${c + 1}`;
    return `CASE WHEN ${value} IS NOT NULL THEN coalesce(to_json(${column.type === 'number' ? finiteNumber(value) : value})::VARCHAR, 'null') END`;
  });
  const reader = await connection.runAndReadAll(`SELECT ${cells.join(', ')} FROM (${insight.pivotSql(candidates)}) q`, bound);
  const raw = reader.getColumns() as Array<Array<string | null>>;
  const data = Array.from({ length: cells.length }, (_, c) => raw[c] ?? []);
  // A candidate that is NULL in every row does not occur and is left out; NULL cells of the others are
  // `emptyCell`. Names come from the declared list for the kept candidates.
  const kept = candidates.map((_, i) => i).filter((i) => data[keyCount + i].some((cell) => cell !== null));
  const columns = insight.columns(kept.map((i) => candidates[i]));
  const sources = [...Array.from({ length: keyCount }, (_, c) => c), ...kept.map((i) => keyCount + i)];
  const keys = columns.map((column) => `${JSON.stringify(column.name)}:`);
  const empty = JSON.stringify(insight.emptyCell);
  const rows = Array.from({ length: data[0]?.length ?? 0 }, (_, r) => {
    const fields = sources.map((source, c) => keys[c] + (data[source][r] ?? (c < keyCount ? 'null' : empty)));
    return `{${fields.join(',')}}`;
  });
  return body(columns, Buffer.from(rows.join(',')), params.asOf);
}

/** The insight's result as values: the JSON body parsed (for tests and the benchmark). */
export async function runInsight(connection: DuckDBConnection, name: string, query: URLSearchParams, now: Date = new Date()): Promise<InsightResult> {
  return JSON.parse(Buffer.concat(await runInsightJson(connection, name, query, now)).toString('utf8')) as InsightResult;
}

/**
 * The rows of `sql` as comma-separated JSON objects (UTF-8), keys and values the declared columns, in the
 * statement's order: each row is numbered as it comes out of the statement (a plain projection of an
 * ordered subquery keeps its order) and aggregated by that number.
 */
async function jsonRows(connection: DuckDBConnection, sql: string, bound: SqlParams, columns: readonly InsightColumn[]): Promise<Uint8Array> {
  const fields = columns.map((column) => {
    const value = `q.${quoteIdent(column.name)}`;
    return `${sqlStringLiteral(column.name)}, ${column.type === 'number' ? finiteNumber(value) : value}`;
  });
  const reader = await connection.runAndReadAll(
    `SELECT encode(string_agg(row_json, ',' ORDER BY row_number)) FROM (
  SELECT json_object(${fields.join(', ')})::VARCHAR AS row_json, row_number() OVER () AS row_number
  FROM (${sql}) q
)`,
    bound,
  );
  // string_agg over no rows is NULL.
  const value = reader.getColumns()[0]?.[0];
  return value instanceof DuckDBBlobValue ? value.bytes : new Uint8Array(0);
}

/** A number column's value as JSON can hold it: NaN and ±Infinity as NULL, −0 as 0; the type is kept. */
function finiteNumber(value: string): string {
  return `CASE WHEN ${value} = 0 THEN 0 WHEN isfinite(${value}) THEN ${value} END`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function body(columns: readonly InsightColumn[], rows: Uint8Array, asOf: string): Uint8Array[] {
  const columnsJson = JSON.stringify(columns.map(({ name, type }) => ({ name, type })));
  return [Buffer.from(`{"columns":${columnsJson},"rows":[`), rows, Buffer.from(`],"asOf":${JSON.stringify(asOf)}}`)];
}

/** The bound values for the `$name` parameters `sql` mentions (DuckDB refuses values for names it lacks). */
function paramsNamedIn(sql: string, bound: SqlParams): SqlParams {
  return Object.fromEntries(Object.entries(bound).filter(([key]) => new RegExp(`\\$${key}\\b`).test(sql)));
}
