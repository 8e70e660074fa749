// Runs a named insight on a DuckDB connection: validates the query string, binds parameters by name and
// has DuckDB write the answer (DESIGN "Inventory templates and insights": numbers as JSON numbers, dates
// as YYYY-MM-DD, keys in column order), so no value is read into JavaScript one by one.
//
// A fixed insight's answer is one statement: the insight's rows materialized once (`__r`), their count
// (`total`) and the requested page — `ORDER BY` the sort column (if any) then the insight's documented
// order, which is total, so pages never overlap — as one `json_object(…)` (or CSV line) per row joined by
// `string_agg` in that order and handed over as one UTF-8 BLOB. The pivot (a row per month, so small) is
// read as one JSON text per cell and paged here.
//
// What DuckDB's JSON writer emits, and why it is safe here: DOUBLE as the shortest text that reads back as
// the same double (the number JavaScript would have); BIGINT/HUGEINT as exact integers, which JSON.parse
// rounds as Number(bigint) does; DATE as "YYYY-MM-DD"; NULL as null; control characters escaped. NaN and
// ±Infinity would be written bare (invalid JSON) and −0 as -0.0 where JSON.stringify writes 0, so number
// columns go through `finiteNumber` first. Nothing from the request or the data is written into SQL text:
// parameters are bound, and the pivot's IN list is slot numbers (salesPivot.ts).
import { DuckDBBlobValue, type DuckDBConnection } from '@duckdb/node-api';
import Papa from 'papaparse';
import { escapeCsvText } from '../lib/csv';
import { getInsight, INSIGHT_NAMES, type Insight, type InsightColumn } from '../lib/insights/index';
import { quoteIdent, type FixedInsight, type PivotInsight, type SqlParams } from '../lib/insights/insight';
import { InsightError } from '../lib/insights/insightError';
import { splitPaging, type Paging } from '../lib/insights/paging';
import type { CommonParams } from '../lib/insights/params';
import { parseInsightParams } from '../lib/insights/params';
import { summarySql } from '../lib/insights/summaries';
import { pivotSummary } from '../lib/insights/pivotSummary';

export { InsightError } from '../lib/insights/insightError';

export type InsightRow = Record<string, string | number | boolean | null>;

export interface InsightResult {
  columns: InsightColumn[];
  rows: InsightRow[];
  asOf: string;
  total: number;
  offset: number;
  limit: number | 'all';
  sort: { column: string; dir: 'asc' | 'desc' } | null;
  /** sales-pivot only: how many categories there were and how many have their own column. */
  categories?: { total: number; shown: number; other: string | null };
}

/** A validated insight request. */
export interface PreparedInsight {
  insight: Insight;
  params: CommonParams;
  bound: SqlParams;
  paging: Paging;
  /** The insight and its resolved parameters (not the paging), as a cache key. */
  key: string;
}

export function prepareInsight(name: string, query: URLSearchParams, now: Date = new Date()): PreparedInsight {
  const insight = getInsight(name);
  if (!insight) throw new InsightError('not_found', `no insight named ${JSON.stringify(name.slice(0, 64))}; known insights: ${INSIGHT_NAMES.join(', ')}`);
  const { paging, rest } = splitPaging(query);
  const params: CommonParams = parseInsightParams(insight.params, rest, now);
  if (paging.sort && insight.kind === 'fixed' && !insight.columns.some((c) => c.name === paging.sort!.column)) throw unknownSort(insight.columns, paging.sort.column);
  const bound = insight.bind(params);
  const key = `${insight.name}?${JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
  return { insight, params, bound, paging, key };
}

function unknownSort(columns: readonly InsightColumn[], column: string): InsightError {
  return new InsightError('invalid_params', `sort must be one of the insight's columns (${columns.map((c) => c.name).join(', ')}), not ${JSON.stringify(column.slice(0, 64))}`);
}

/** The answer's body in the requested format, as UTF-8 chunks to be sent in order. */
export async function runPrepared(connection: DuckDBConnection, prepared: PreparedInsight): Promise<Uint8Array[]> {
  if (prepared.insight.kind === 'fixed') return runFixed(connection, prepared.insight, prepared);
  return runPivot(connection, prepared.insight, prepared);
}

/** The insight's response body for a query string (paging parameters included). */
export async function runInsightJson(connection: DuckDBConnection, name: string, query: URLSearchParams, now: Date = new Date()): Promise<Uint8Array[]> {
  return runPrepared(connection, prepareInsight(name, query, now));
}

/** The insight's result as values: the JSON body parsed (for tests and the benchmark). */
export async function runInsight(connection: DuckDBConnection, name: string, query: URLSearchParams, now: Date = new Date()): Promise<InsightResult> {
  return JSON.parse(Buffer.concat(await runInsightJson(connection, name, query, now)).toString('utf8')) as InsightResult;
}

// ---------- fixed insights ----------

function orderTerms(insight: FixedInsight, paging: Paging): string {
  const sort = paging.sort ? [`${quoteIdent(paging.sort.column)} ${paging.sort.dir === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`] : [];
  return [...sort, ...insight.order].join(', ');
}

/** The page of `__r` in order (every row without a limit). */
function pageRelation(insight: FixedInsight, paging: Paging): string {
  if (paging.limit === null && paging.offset === 0) return '__r';
  return `(SELECT * FROM __r ORDER BY ${orderTerms(insight, paging)}${paging.limit === null ? '' : ` LIMIT ${paging.limit}`} OFFSET ${paging.offset})`;
}

async function runFixed(connection: DuckDBConnection, insight: FixedInsight, prepared: PreparedInsight): Promise<Uint8Array[]> {
  const { paging } = prepared;
  const line = paging.format === 'csv' ? csvLine(insight.columns) : `json_object(${jsonFields(insight.columns)})::VARCHAR`;
  const separator = paging.format === 'csv' ? "''" : "','";
  const reader = await connection.runAndReadAll(
    `WITH __r AS MATERIALIZED (${insight.select})
SELECT (SELECT count(*) FROM __r) AS total,
  (SELECT encode(string_agg(${line}, ${separator} ORDER BY ${orderTerms(insight, paging)})) FROM ${pageRelation(insight, paging)} q) AS body`,
    prepared.bound,
  );
  const [total, body] = reader.getRows()[0] ?? [0, null];
  // string_agg over no rows is NULL.
  const rows = body instanceof DuckDBBlobValue ? body.bytes : new Uint8Array(0);
  if (paging.format === 'csv') return [Buffer.from(csvHeader(insight.columns)), rows];
  return jsonBody(insight.columns, rows, prepared, Number(total), undefined);
}

function jsonFields(columns: readonly InsightColumn[]): string {
  return columns
    .map((column) => {
      const value = `q.${quoteIdent(column.name)}`;
      return `${jsonKey(column.name)}, ${column.type === 'number' ? finiteNumber(value) : value}`;
    })
    .join(', ');
}

/** A declared column name as an SQL string literal (names are the insights' own, never data). */
function jsonKey(name: string): string {
  return `'${name.replaceAll("'", "''")}'`;
}

/** A number column's value as JSON can hold it: NaN and ±Infinity as NULL, −0 as 0; the type is kept. */
function finiteNumber(value: string): string {
  return `CASE WHEN ${value} = 0 THEN 0 WHEN isfinite(${value}) THEN ${value} END`;
}

// ---------- CSV (lib/csv.ts's rules, written by DuckDB) ----------

/**
 * One CSV line (CRLF-terminated) of a row: numbers as their shortest exact text (whole numbers without
 * ".0"), dates YYYY-MM-DD, NULL and non-finite numbers empty, text with the formula guard of lib/csv.ts
 * (a leading apostrophe before = + - @ TAB CR) and quoted only where needed (quote, comma, line break,
 * leading or trailing space).
 */
function csvLine(columns: readonly InsightColumn[]): string {
  const fields = columns.map((column) => {
    const v = `q.${quoteIdent(column.name)}`;
    if (column.type === 'number') {
      return `CASE WHEN ${v} IS NULL OR NOT isfinite(${v}) THEN '' WHEN ${v} = 0 THEN '0'
        WHEN ${v} = trunc(${v}) AND abs(${v}) < 1e15 THEN CAST(CAST(${v} AS BIGINT) AS VARCHAR) ELSE CAST(${v} AS VARCHAR) END`;
    }
    if (column.type === 'date') return `coalesce(strftime(${v}, '%Y-%m-%d'), '')`;
    const guarded = `CASE WHEN left(ltrim(${v}, ''''), 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${v} ELSE ${v} END`;
    return `CASE WHEN ${v} IS NULL THEN '' ELSE (SELECT CASE WHEN contains(g, '"') OR contains(g, ',') OR contains(g, chr(10)) OR contains(g, chr(13))
        OR left(g, 1) = ' ' OR right(g, 1) = ' ' THEN '"' || replace(g, '"', '""') || '"' ELSE g END FROM (SELECT ${guarded} AS g)) END`;
  });
  return `concat(${fields.join(", ',', ")}, chr(13), chr(10))`;
}

function csvHeader(columns: readonly InsightColumn[]): string {
  return `${Papa.unparse([columns.map((c) => escapeCsvText(c.name))], { newline: '\r\n', header: false })}\r\n`;
}

function csvValue(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return Papa.unparse([[escapeCsvText(String(value))]], { newline: '\r\n', header: false });
}

// ---------- the pivot ----------

interface PivotRows {
  columns: InsightColumn[];
  /** Per row, per result column: the cell's JSON text. */
  cells: string[][];
  values: Array<Array<string | number | null>>;
  categories: { total: number; shown: number; other: string | null };
}

async function readPivot(connection: DuckDBConnection, insight: PivotInsight, bound: SqlParams): Promise<PivotRows> {
  const n = insight.maxValues;
  const cells = [`#1`, ...Array.from({ length: n }, (_, i) => `#${i + 2}`)].map(
    (value, c) => `CASE WHEN ${value} IS NOT NULL THEN coalesce(to_json(${c === 0 ? value : finiteNumber(value)})::VARCHAR, 'null') END`,
  );
  const reader = await connection.runAndReadAll(`SELECT ${cells.join(', ')}, #${n + 2}, #${n + 3} FROM (${insight.sql}) q`, bound);
  const raw = reader.getColumns() as Array<Array<string | bigint | null>>;
  const rowCount = reader.currentRowCount;
  const names = rowCount > 0 ? (JSON.parse(String(raw[n + 1][0])) as string[]) : [];
  const categoryCount = rowCount > 0 ? Number(raw[n + 2][0]) : 0;
  const other = categoryCount > names.length;
  const columns = insight.columns(names, other);
  const sources = [0, ...names.map((_, i) => 1 + i), ...(other ? [n] : [])];
  const empty = JSON.stringify(insight.emptyCell);
  const rowCells = Array.from({ length: rowCount }, (_, r) => sources.map((source, c) => (raw[source][r] as string | null) ?? (c === 0 ? 'null' : empty)));
  return {
    columns,
    cells: rowCells,
    values: rowCells.map((row) => row.map((text) => JSON.parse(text) as string | number | null)),
    categories: { total: categoryCount, shown: names.length, other: other ? insight.otherColumn : null },
  };
}

async function runPivot(connection: DuckDBConnection, insight: PivotInsight, prepared: PreparedInsight): Promise<Uint8Array[]> {
  const pivot = await readPivot(connection, insight, prepared.bound);
  const { paging } = prepared;
  let order = pivot.cells.map((_, r) => r); // the documented order: by month
  if (paging.sort) {
    const c = pivot.columns.findIndex((column) => column.name === paging.sort!.column);
    if (c < 0) throw unknownSort(pivot.columns, paging.sort.column);
    const sign = paging.sort.dir === 'desc' ? -1 : 1;
    order = [...order].sort((x, y) => {
      const a = pivot.values[x][c];
      const b = pivot.values[y][c];
      if (a === null || b === null) return a === b ? x - y : a === null ? 1 : -1;
      return a < b ? -sign : a > b ? sign : x - y;
    });
  }
  const page = order.slice(paging.offset, paging.limit === null ? undefined : paging.offset + paging.limit);
  if (paging.format === 'csv') {
    const lines = page.map((r) => `${pivot.values[r].map(csvValue).join(',')}\r\n`);
    return [Buffer.from(csvHeader(pivot.columns)), Buffer.from(lines.join(''))];
  }
  const keys = pivot.columns.map((column) => `${JSON.stringify(column.name)}:`);
  const rows = page.map((r) => `{${pivot.cells[r].map((cell, c) => keys[c] + cell).join(',')}}`);
  return jsonBody(pivot.columns, Buffer.from(rows.join(',')), prepared, pivot.cells.length, pivot.categories);
}

function jsonBody(columns: readonly InsightColumn[], rows: Uint8Array, prepared: PreparedInsight, total: number, categories: PivotRows['categories'] | undefined): Uint8Array[] {
  const { paging } = prepared;
  const columnsJson = JSON.stringify(columns.map(({ name, type }) => ({ name, type })));
  const tail = {
    asOf: prepared.params.asOf,
    total,
    offset: paging.offset,
    limit: paging.limit ?? 'all',
    sort: paging.sort,
    ...(categories ? { categories } : {}),
  };
  return [Buffer.from(`{"columns":${columnsJson},"rows":[`), rows, Buffer.from(`],${JSON.stringify(tail).slice(1)}`)];
}

// ---------- the page's summary: KPI values and chart rows ----------

export interface InsightSummary {
  columns: InsightColumn[];
  asOf: string;
  total: number;
  kpis: Record<string, string | number | null>;
  /** The chart's rows (an aggregate of the answer, not the answer). */
  chart: InsightRow[];
  categories?: PivotRows['categories'];
}

/** The KPI values and chart rows of an insight's whole answer (paging ignored), as JSON chunks. */
export async function runSummary(connection: DuckDBConnection, prepared: PreparedInsight): Promise<Uint8Array[]> {
  const { insight } = prepared;
  if (insight.kind === 'pivot') {
    const pivot = await readPivot(connection, insight, prepared.bound);
    const rows = pivot.values.map((values) => Object.fromEntries(pivot.columns.map((column, c) => [column.name, values[c]])) as InsightRow);
    const summary: InsightSummary = {
      columns: pivot.columns,
      asOf: prepared.params.asOf,
      total: rows.length,
      kpis: pivotSummary(pivot.columns, rows),
      chart: rows,
      categories: pivot.categories,
    };
    return [Buffer.from(JSON.stringify(summary))];
  }
  const sql = summarySql(insight.name, insight.order);
  if (!sql) throw new Error(`no summary for ${insight.name}`);
  const reader = await connection.runAndReadAll(
    `WITH __r AS MATERIALIZED (${insight.select})
SELECT (SELECT count(*) FROM __r) AS total,
  (SELECT to_json(k)::VARCHAR FROM (${sql.kpis}) k) AS kpis,
  (SELECT coalesce(to_json(list(c ORDER BY c.__n))::VARCHAR, '[]') FROM (${sql.chart}) c) AS chart`,
    prepared.bound,
  );
  const [total, kpis, chart] = reader.getRows()[0];
  const head = JSON.stringify({ columns: insight.columns, asOf: prepared.params.asOf, total: Number(total) }).slice(0, -1);
  return [Buffer.from(`${head},"kpis":${String(kpis ?? '{}')},"chart":${String(chart ?? '[]')}}`)];
}
