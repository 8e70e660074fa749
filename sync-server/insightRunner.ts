// Runs a named insight on a DuckDB connection: validates the query string, binds parameters by name and
// converts DuckDB values to JSON (64-bit and wider integers and decimals → numbers, dates → YYYY-MM-DD).
//
// Conversion is column by column with one converter chosen per column from its DuckDB type, so a large
// result (product-sales: ~100k rows) costs one cheap function call per value, not a chain of type tests.
import { DuckDBDecimalValue, DuckDBTypeId, type DuckDBConnection, type DuckDBDateValue, type DuckDBResultReader, type DuckDBValue } from '@duckdb/node-api';
import { getInsight, INSIGHT_NAMES, type InsightColumn } from '../lib/insights/index';
import type { SqlParams } from '../lib/insights/insight';
import type { CommonParams } from '../lib/insights/params';
import { parseInsightParams } from '../lib/insights/params';
import { InsightError } from '../lib/insights/insightError';

export { InsightError } from '../lib/insights/insightError';

export type InsightRow = Record<string, string | number | boolean | null>;
type JsonValue = string | number | boolean | null;

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
    checkColumnNames(name, reader.columnNames(), insight.columns);
    const converters = insight.columns.map((_, c) => converterFor(reader.columnTypeId(c)));
    return { columns: [...insight.columns], rows: toRows(insight.columns, readColumns(reader), converters), asOf: params.asOf };
  }

  const valuesReader = await connection.runAndReadAll(insight.pivotValuesSql, paramsNamedIn(insight.pivotValuesSql, bound));
  const candidates = readColumns(valuesReader)[0].filter((value) => value !== null).map(String);
  const reader = await connection.runAndReadAll(insight.pivotSql(candidates), bound);
  const keyCount = insight.columns(candidates).length - candidates.length;
  if (reader.columnCount !== keyCount + candidates.length) throw new Error(`insight ${name} returned ${reader.columnCount} columns, expected ${keyCount + candidates.length}`);
  const raw = readColumns(reader);
  // Pivot columns carry positional aliases in SQL; their names come from the declared list. A candidate
  // that is NULL in every row does not occur and is left out; NULL cells of the others are `emptyCell`.
  const kept: number[] = [];
  candidates.forEach((_, i) => {
    if (raw[keyCount + i].some((value) => value !== null)) kept.push(i);
  });
  const columns = insight.columns(kept.map((i) => candidates[i]));
  const keyConverters = Array.from({ length: keyCount }, (_, c) => converterFor(reader.columnTypeId(c)));
  const valueConverters = kept.map((i) => {
    const convert = converterFor(reader.columnTypeId(keyCount + i));
    const empty = insight.emptyCell;
    return (value: DuckDBValue) => (value === null ? empty : convert(value));
  });
  const data = [...raw.slice(0, keyCount), ...kept.map((i) => raw[keyCount + i])];
  return { columns, rows: toRows(columns, data, [...keyConverters, ...valueConverters]), asOf: params.asOf };
}

/** The bound values for the `$name` parameters `sql` mentions (DuckDB refuses values for names it lacks). */
function paramsNamedIn(sql: string, bound: SqlParams): SqlParams {
  return Object.fromEntries(Object.entries(bound).filter(([key]) => new RegExp(`\\$${key}\\b`).test(sql)));
}

function checkColumnNames(insight: string, names: readonly string[], columns: readonly InsightColumn[]): void {
  if (names.length !== columns.length || names.some((n, i) => n !== columns[i].name)) {
    // The SQL and its declared columns are written together; a mismatch is a bug, not a user error.
    throw new Error(`insight ${insight} returned columns ${names.join(', ')}, expected ${columns.map((c) => c.name).join(', ')}`);
  }
}

/** Every column of the result as DuckDB values (an empty array per column when there are no rows). */
function readColumns(reader: DuckDBResultReader): DuckDBValue[][] {
  const columns = reader.getColumns();
  return Array.from({ length: reader.columnCount }, (_, c) => columns[c] ?? []);
}

/** Row objects (keys in column order) from DuckDB columns, each value through its column's converter. */
function toRows(columns: readonly InsightColumn[], data: readonly DuckDBValue[][], converters: readonly Converter[]): InsightRow[] {
  const names = columns.map((c) => c.name);
  const width = names.length;
  const count = data[0]?.length ?? 0;
  const rows: InsightRow[] = new Array(count);
  for (let r = 0; r < count; r++) {
    const row: InsightRow = {};
    for (let c = 0; c < width; c++) row[names[c]] = converters[c](data[c][r]);
    rows[r] = row;
  }
  return rows;
}

type Converter = (value: DuckDBValue) => JsonValue;

const finiteNumber: Converter = (value) => (value === null || !Number.isFinite(value as number) ? null : (value as number));
const asIs: Converter = (value) => value as JsonValue;
const bigNumber: Converter = (value) => (value === null ? null : Number(value as bigint));
const decimalNumber: Converter = (value) => (value === null ? null : (value as DuckDBDecimalValue).toDouble());

/** Dates repeat a lot (one per day at most); each is formatted once per result. */
function dateConverter(): Converter {
  const formatted = new Map<number, string>();
  return (value) => {
    if (value === null) return null;
    const days = (value as DuckDBDateValue).days;
    let text = formatted.get(days);
    if (text === undefined) {
      text = (value as DuckDBDateValue).toString();
      formatted.set(days, text);
    }
    return text;
  };
}

function converterFor(typeId: DuckDBTypeId): Converter {
  switch (typeId) {
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.FLOAT:
      return finiteNumber;
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.SQLNULL:
      return asIs;
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return bigNumber;
    case DuckDBTypeId.DECIMAL:
      return decimalNumber;
    case DuckDBTypeId.DATE:
      return dateConverter();
    default:
      return toJson;
  }
}

/** Any DuckDB value as JSON: every number a JSON number (NaN and infinities have none, so null). */
export function toJson(value: DuckDBValue): JsonValue {
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
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  return String(value);
}
