// Insight benchmark, measuring what DESIGN "Performance targets" names: an insight over 100k products /
// 1M sales through `GET /api/insights` against the same SQL run directly, side by side in one run.
//
// For each workspace size: (a) real sheets are written into a fresh data directory's cellar.duckdb —
// registered in the catalog and bulk-loaded in the materializer's layout, with the workspace views on
// top (insightsApiData.ts); (b) every insight's SQL is timed directly on that file from this process
// (@duckdb/node-api, all rows read, parameters bound as the API binds its defaults), and through
// runInsightJson in-process (parsing, binding, the JSON body written by DuckDB); the file is closed; (c) the real sync server
// is started on the directory and `GET /internal/insights/:name` timed over HTTP (body read and parsed);
// (d) when a production build exists, `next start` relays to that server and `GET /api/insights/:name`
// is timed the same way. Every figure is the median of N runs after one warm-up run.
// Called by bench/run.ts (`npm run bench`); never asserted in tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { INSIGHTS, type Insight } from '../lib/insights/index';
import type { SqlParams } from '../lib/insights/insight';
import { localDate, parseInsightParams } from '../lib/insights/params';
import { runInsightJson } from '../sync-server/insightRunner';
import { hasNextBuild, startBenchSyncServer, startNext, timeGet } from './insightsApi';
import { createRealWorkspace, type WorkspaceSize } from './insightsApiData';

export interface InsightBenchOptions {
  /** Workspace sizes, each measured in its own data directory; 100k/1M then the demo's 200/5,000 by default. */
  sizes?: WorkspaceSize[];
  /** Timed runs per insight and path, after one warm-up run (odd, so the median is a run). */
  runs?: number;
  /** Also time through `next start` when .next/BUILD_ID exists (default true). */
  publicApi?: boolean;
  log?: (line: string) => void;
}

export interface InsightTiming {
  name: string;
  rows: number;
  /** Size of the JSON body the internal API sent. */
  responseBytes: number;
  /** The insight's SQL on the DuckDB file from the benchmark process, all rows read (no JSON). */
  directP50Ms: number;
  /** runInsightJson in the benchmark process: parameters parsed and bound, SQL, the JSON body written. */
  runnerP50Ms: number;
  /** `GET /internal/insights/:name` on the sync server, response read and parsed. */
  internalP50Ms: number;
  /** `GET /api/insights/:name` through `next start`, asking for a compressed body as browsers do; null when not measured. */
  publicP50Ms: number | null;
  /** The same asking for no compression (`accept-encoding: identity`): how much of it is Next's gzip. */
  publicIdentityP50Ms: number | null;
  internalRatio: number;
  publicRatio: number | null;
}

export interface InsightSizeReport {
  products: number;
  sales: number;
  productSheets: number;
  salesSheets: number;
  /** Writing the sheets, catalog and views, then CHECKPOINT. */
  loadMs: number;
  runs: number;
  /** Why the public API was not measured, if it was not. */
  publicApiSkipped: string | null;
  results: InsightTiming[];
}

export interface InsightBenchReport {
  /** The `asOf` the API defaulted to (today); the generated sales end on it. */
  asOf: string;
  sizes: InsightSizeReport[];
}

/** DESIGN's targets for an insight through the public API. */
export const TARGET_RATIO = 1.3;
export const TARGET_P50_MS = 100;

const DEFAULT_SIZES: WorkspaceSize[] = [
  { products: 100_000, sales: 1_000_000 },
  { products: 200, sales: 5_000 },
];

export async function benchInsights(options: InsightBenchOptions = {}): Promise<InsightBenchReport> {
  const runs = options.runs ?? 9;
  const log = options.log ?? (() => {});
  const asOf = localDate(new Date());
  const sizes: InsightSizeReport[] = [];
  for (const size of options.sizes ?? DEFAULT_SIZES) sizes.push(await benchSize(size, asOf, runs, options.publicApi ?? true, log));
  return { asOf, sizes };
}

async function benchSize(size: WorkspaceSize, asOf: string, runs: number, publicApi: boolean, log: (line: string) => void): Promise<InsightSizeReport> {
  const label = `${size.products.toLocaleString('en')} products / ${size.sales.toLocaleString('en')} sales`;
  const dataDir = mkdtempSync(join(tmpdir(), 'cellar-bench-insights-'));
  try {
    // (a) real sheets in the data directory's cellar.duckdb
    const loadStart = performance.now();
    const { sheets } = await createRealWorkspace(join(dataDir, 'cellar.duckdb'), size, asOf);
    const loadMs = performance.now() - loadStart;
    const productSheets = sheets.filter((s) => s.template === 'products').length;
    const salesSheets = sheets.length - productSheets;
    log(`insights: ${label} written as ${productSheets} products and ${salesSheets} sales sheets in ${loadMs.toFixed(0)} ms`);

    // (b) the SQL directly, and runInsightJson, in this process; then the file is closed
    const inProcess = new Map<string, { rows: number; directP50Ms: number; runnerP50Ms: number }>();
    const instance = await DuckDBInstance.create(join(dataDir, 'cellar.duckdb'));
    const connection = await instance.connect();
    try {
      for (const insight of INSIGHTS) {
        const query = new URLSearchParams();
        const direct = () => runDirect(connection, insight, insight.bind(parseInsightParams(insight.params, query, new Date())));
        const viaRunner = () => runInsightJson(connection, insight.name, query);
        const rows = await direct();
        const directP50Ms = await medianMs(direct, runs);
        await viaRunner();
        const runnerP50Ms = await medianMs(viaRunner, runs);
        inProcess.set(insight.name, { rows, directP50Ms, runnerP50Ms });
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }

    // (c) the internal API of the real sync server; (d) the public API through next start
    const sync = await startBenchSyncServer(dataDir);
    const results: InsightTiming[] = [];
    let publicApiSkipped: string | null = publicApi ? (hasNextBuild() ? null : 'no production build (.next/BUILD_ID); run `npm run build`') : 'not requested';
    try {
      const internal = new Map<string, { p50: number; bytes: number; rows: number }>();
      const auth = { authorization: `Bearer ${sync.secret}`, 'x-cellar-auth': `Bearer ${sync.adminToken}` };
      for (const insight of INSIGHTS) {
        const url = `${sync.httpUrl}/internal/insights/${insight.name}`;
        const first = await timeGet(url, auth);
        const p50 = await medianMs(() => timeGet(url, auth), runs);
        internal.set(insight.name, { p50, bytes: first.bytes, rows: first.rows });
      }
      const publicP50 = new Map<string, number>();
      const publicIdentityP50 = new Map<string, number>();
      if (publicApiSkipped === null) {
        try {
          const next = await startNext(sync);
          try {
            for (const insight of INSIGHTS) {
              const url = `${next.baseUrl}/api/insights/${insight.name}`;
              const bearer = { authorization: `Bearer ${sync.adminToken}` };
              await timeGet(url, bearer);
              publicP50.set(insight.name, await medianMs(() => timeGet(url, bearer), runs));
              const identity = { ...bearer, 'accept-encoding': 'identity' };
              await timeGet(url, identity);
              publicIdentityP50.set(insight.name, await medianMs(() => timeGet(url, identity), runs));
            }
          } finally {
            await next.stop();
          }
        } catch (error) {
          publicApiSkipped = `next start failed: ${(error as Error).message}`;
        }
      }
      for (const insight of INSIGHTS) {
        const own = inProcess.get(insight.name)!;
        const api = internal.get(insight.name)!;
        if (api.rows !== own.rows) throw new Error(`${insight.name}: the API returned ${api.rows} rows, the SQL ${own.rows}`);
        const publicP50Ms = publicP50.get(insight.name) ?? null;
        const result: InsightTiming = {
          name: insight.name,
          rows: own.rows,
          responseBytes: api.bytes,
          directP50Ms: own.directP50Ms,
          runnerP50Ms: own.runnerP50Ms,
          internalP50Ms: api.p50,
          publicP50Ms,
          publicIdentityP50Ms: publicIdentityP50.get(insight.name) ?? null,
          internalRatio: api.p50 / own.directP50Ms,
          publicRatio: publicP50Ms === null ? null : publicP50Ms / own.directP50Ms,
        };
        results.push(result);
        log(
          `insights: ${label}: ${insight.name.padEnd(16)} ${String(result.rows).padStart(7)} rows  direct ${fmt(result.directP50Ms)} ms  runner ${fmt(result.runnerP50Ms)} ms  ` +
            `internal ${fmt(result.internalP50Ms)} ms  public ${result.publicP50Ms === null ? '—' : `${fmt(result.publicP50Ms)} ms (uncompressed ${fmt(result.publicIdentityP50Ms ?? NaN)} ms)`}`,
        );
      }
    } finally {
      await sync.stop();
    }
    return { products: size.products, sales: size.sales, productSheets, salesSheets, loadMs, runs, publicApiSkipped, results };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The insight's statements as the runner issues them, every row read; returns the row count. */
async function runDirect(connection: DuckDBConnection, insight: Insight, bound: SqlParams): Promise<number> {
  if (insight.kind === 'fixed') return (await connection.runAndReadAll(insight.sql, bound)).currentRowCount;
  return (await connection.runAndReadAll(insight.sql, bound)).currentRowCount;
}

async function medianMs(work: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  return times.length % 2 === 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} KiB`;
const ratio = (value: number | null) => (value === null ? '—' : `${fmt(value, 2)} ×`);

/** The benchmark as a docs/BENCHMARKS.md section: one table per workspace size. */
export function renderInsightsMarkdown(report: InsightBenchReport): string {
  const tables = report.sizes.map((size) => {
    // The target is stated for 100k products / 1M sales; smaller workspaces are shown for reference.
    const targetSize = size.products >= 100_000 && size.sales >= 1_000_000;
    const rows = size.results
      .map((r) => {
        const meets = r.publicP50Ms !== null && r.publicRatio !== null && r.publicRatio <= TARGET_RATIO && r.publicP50Ms <= TARGET_P50_MS;
        const verdict = r.publicP50Ms === null || !targetSize ? '—' : meets ? 'yes' : 'no';
        const publicCell = r.publicP50Ms === null ? '—' : `**${fmt(r.publicP50Ms)}** (${ratio(r.publicRatio)})`;
        const identityCell = r.publicIdentityP50Ms === null ? '—' : fmt(r.publicIdentityP50Ms);
        return `| \`${r.name}\` | ${r.rows.toLocaleString('en')} | ${kib(r.responseBytes)} | ${fmt(r.directP50Ms)} | ${fmt(r.runnerP50Ms)} | ${fmt(r.internalP50Ms)} (${ratio(r.internalRatio)}) | ${publicCell} | ${identityCell} | ${verdict} |`;
      })
      .join('\n');
    return `### ${size.products.toLocaleString('en')} products / ${size.sales.toLocaleString('en')} sales

${size.productSheets} products sheets and ${size.salesSheets} sales sheets (written in ${fmt(size.loadMs / 1000, 1)} s); median of ${size.runs} runs after a warm-up.${size.publicApiSkipped ? ` Public API not measured: ${size.publicApiSkipped}.` : ''}

| insight | rows | JSON | direct SQL ms | runInsightJson ms | internal API ms (× direct) | public API ms (× direct) | public, uncompressed ms | meets target |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows}
`;
  });
  return `## Insights

Real sheets (registered in the catalog, stored in the materializer's wide tables, read through the workspace
views \`products\` and \`sales\`) in a fresh data directory; sales over the two years ending ${report.asOf}, the
\`asOf\` the API defaults to. *Direct SQL*: the insight's statements on the DuckDB file from the benchmark
process, every row read. *runInsightJson*: the same plus parameter parsing and the JSON body (written by DuckDB), in process.
*Internal API*: \`GET /internal/insights/:name\` on the real sync server. *Public API*: \`GET /api/insights/:name\`
through \`next start\`, asking for a compressed body as a browser does (Next gzips responses by default), and
again with \`accept-encoding: identity\`. HTTP timings include reading and parsing the whole body. Target: public API ≤ ${TARGET_RATIO} × direct
SQL and p50 ≤ ${TARGET_P50_MS} ms.

${tables.join('\n')}`;
}
