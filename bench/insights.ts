// Insight benchmark, measuring what issue 12 / DESIGN "Performance targets" name, side by side in one run
// at 100k products / 1M sales (real sheets in a fresh data directory, insightsApiData.ts):
//
// 1. First page (1,000 rows) of every insight through `GET /api/insights/:name` (next start → the real sync
//    server) against the same page's SQL run directly on a copy of the file from this process (`ORDER BY …
//    LIMIT 1000`, every row of the page read), the two timed in alternating rounds. Twice: with the sync server's answer cache off (every request
//    computes: the SQL, the total, the JSON) and on (repeated identical requests, as many readers do).
// 2. The whole `product-sales` as CSV through the public API (cache off) against the SQL run directly and
//    the CSV written in this process (lib/csv.ts toCsv, papaparse).
// 3. 200 concurrent loads of one insight page (HTML, same parameters, cache on, starting cold), while
//    `GET /api/sheets` is asked every 25 ms: the latencies of both.
//
// Every figure is the median of N runs after one warm-up run unless it says otherwise. Requests carry the
// admin token (CELLAR_ADMIN_TOKEN) as the test harnesses do. Called by bench/run.ts; never asserted in tests.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { toCsv } from '../lib/csv';
import { INSIGHTS, getInsight, type Insight } from '../lib/insights/index';
import { parseInsightParams, localDate } from '../lib/insights/params';
import { startSyncServerProcess, type SyncServerProcess } from '../sync-server/testing/syncServerProcess';
import { hasNextBuild, startNext } from './insightsApi';
import { createRealWorkspace, type WorkspaceSize } from './insightsApiData';

/** The servers' CELLAR_ADMIN_TOKEN as a bearer token (the test harness's; set when the servers start). */
let AUTH: Record<string, string> = {};

export interface InsightBenchOptions {
  size?: WorkspaceSize;
  runs?: number;
  concurrent?: number;
  log?: (line: string) => void;
}

export interface PageTiming {
  name: string;
  total: number;
  pageRows: number;
  pageBytes: number;
  directPageMs: number;
  coldPublicMs: number;
  warmPublicMs: number;
}

export interface InsightBenchReport {
  asOf: string;
  size: WorkspaceSize;
  loadMs: number;
  runs: number;
  skipped: string | null;
  pages: PageTiming[];
  csv: { rows: number; bytes: number; directMs: number; publicMs: number } | null;
  concurrent: { loads: number; page: string; p50: number; p99: number; max: number; wallMs: number; sheetsSamples: number; sheetsP50: number; sheetsP99: number; failures: number } | null;
}

export const TARGET_RATIO = 1.3;
export const TARGET_P50_MS = 100;
export const TARGET_CSV_RATIO = 1.5;

export async function benchInsights(options: InsightBenchOptions = {}): Promise<InsightBenchReport> {
  const size = options.size ?? { products: 100_000, sales: 1_000_000 };
  const runs = options.runs ?? 7;
  const log = options.log ?? (() => {});
  const asOf = localDate(new Date());
  const dataDir = mkdtempSync(join(tmpdir(), 'cellar-bench-insights-'));
  const report: InsightBenchReport = { asOf, size, loadMs: 0, runs, skipped: null, pages: [], csv: null, concurrent: null };
  try {
    const loadStart = performance.now();
    await createRealWorkspace(join(dataDir, 'cellar.duckdb'), size, asOf);
    report.loadMs = performance.now() - loadStart;
    log(`insights: ${size.products.toLocaleString('en')} products / ${size.sales.toLocaleString('en')} sales written in ${report.loadMs.toFixed(0)} ms`);

    // The direct references, in this process, on a copy of the file (the server holds the file's lock), and
    // the public API with the cache off, measured in alternating rounds (direct, public, public, direct, …)
    // so that both see the same load on a shared machine.
    if (!hasNextBuild()) {
      report.skipped = 'no production build (.next/BUILD_ID); run `npm run build`';
      return report;
    }
    copyFileSync(join(dataDir, 'cellar.duckdb'), join(dataDir, 'direct.duckdb'));
    if (existsSync(join(dataDir, 'cellar.duckdb.wal'))) copyFileSync(join(dataDir, 'cellar.duckdb.wal'), join(dataDir, 'direct.duckdb.wal'));
    const direct = new Map<string, number>();
    const cold = new Map<string, { ms: number; rows: number; bytes: number; total: number }>();
    const instance = await DuckDBInstance.create(join(dataDir, 'direct.duckdb'));
    const connection = await instance.connect();
    try {
      await withServers(dataDir, '0', async (base) => {
        for (const insight of INSIGHTS) {
          const url = `${base}/api/insights/${insight.name}`;
          await directPage(connection, insight);
          const first = await timeJson(url);
          const [directMs, publicMs] = await alternatingMedians(() => directPage(connection, insight), () => timeJson(url), runs);
          direct.set(insight.name, directMs);
          cold.set(insight.name, { ...first, ms: publicMs });
        }
        const url = `${base}/api/insights/product-sales?format=csv`;
        const csvWork = () => directCsv(connection, getInsight('product-sales')!);
        const csvFirst = await csvWork();
        const first = await timeText(url);
        const [directMs, publicMs] = await alternatingMedians(csvWork, () => timeText(url), runs);
        report.csv = { rows: first.lines - 1, bytes: first.bytes, directMs, publicMs };
        log(`insights: product-sales CSV ${first.lines - 1} rows (${csvFirst.rows} direct): public ${publicMs.toFixed(1)} ms, direct SQL + toCsv ${directMs.toFixed(1)} ms`);
      });
    } finally {
      connection.closeSync();
      instance.closeSync();
    }

    // Cache on: repeated identical requests; then 200 concurrent loads of one page, starting cold.
    await withServers(dataDir, '64', async (base) => {
      const warm = new Map<string, number>();
      for (const insight of INSIGHTS) {
        const url = `${base}/api/insights/${insight.name}`;
        await timeJson(url);
        warm.set(insight.name, await medianMs(() => timeJson(url), runs));
      }
      for (const insight of INSIGHTS) {
        const c = cold.get(insight.name)!;
        const timing: PageTiming = {
          name: insight.name,
          total: c.total,
          pageRows: c.rows,
          pageBytes: c.bytes,
          directPageMs: direct.get(insight.name)!,
          coldPublicMs: c.ms,
          warmPublicMs: warm.get(insight.name)!,
        };
        report.pages.push(timing);
        log(`insights: ${insight.name.padEnd(16)} page ${timing.pageRows}/${timing.total} rows: direct ${timing.directPageMs.toFixed(1)} ms, public cold ${timing.coldPublicMs.toFixed(1)} ms, warm ${timing.warmPublicMs.toFixed(1)} ms`);
      }
      report.concurrent = await concurrentLoads(base, '/insights/product-sales?from=2020-01-01', options.concurrent ?? 200);
      log(`insights: ${report.concurrent.loads} concurrent page loads: p50 ${report.concurrent.p50.toFixed(0)} ms, p99 ${report.concurrent.p99.toFixed(0)} ms; /api/sheets p99 ${report.concurrent.sheetsP99.toFixed(0)} ms`);
    });
    return report;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function withServers(dataDir: string, cacheMb: string, work: (base: string) => Promise<void>): Promise<void> {
  const sync: SyncServerProcess = await startSyncServerProcess({
    dataDir,
    env: { CELLAR_SEED: '0', LOG_LEVEL: 'warn', CELLAR_INSIGHT_CACHE_MB: cacheMb, UV_THREADPOOL_SIZE: '8' },
  });
  AUTH = { authorization: `Bearer ${sync.adminToken}` };
  try {
    const next = await startNext(sync);
    try {
      await work(next.baseUrl);
    } finally {
      await next.stop();
    }
  } finally {
    await sync.stop();
  }
}

/** The first page of the insight as the API's default asks for it, by SQL from this process. */
async function directPage(connection: DuckDBConnection, insight: Insight): Promise<number> {
  const bound = insight.bind(parseInsightParams(insight.params, new URLSearchParams(), new Date()));
  const sql = insight.kind === 'fixed' ? `SELECT * FROM (${insight.select}) q ORDER BY ${insight.order.join(', ')} LIMIT 1000` : insight.sql;
  return (await connection.runAndReadAll(sql, bound)).getRows().length;
}

/** The whole answer by SQL, its values read and written as CSV in this process. */
async function directCsv(connection: DuckDBConnection, insight: Insight): Promise<{ rows: number; bytes: number }> {
  if (insight.kind !== 'fixed') throw new Error('fixed insights only');
  const bound = insight.bind(parseInsightParams(insight.params, new URLSearchParams(), new Date()));
  const reader = await connection.runAndReadAll(insight.sql, bound);
  const rows = reader.getRowsJson() as Array<Array<string | number | boolean | null>>;
  const csv = toCsv(
    insight.columns.map((c) => c.name),
    rows.map((row) => row.map((value, c) => (insight.columns[c].type === 'number' && typeof value === 'string' ? Number(value) : value))),
  );
  return { rows: rows.length, bytes: Buffer.byteLength(csv) };
}

async function timeJson(url: string): Promise<{ ms: number; rows: number; bytes: number; total: number }> {
  const start = performance.now();
  const response = await fetch(url, { headers: AUTH });
  const text = await response.text();
  const body = JSON.parse(text) as { rows?: unknown[]; total?: number };
  const ms = performance.now() - start;
  if (response.status !== 200 || !Array.isArray(body.rows)) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return { ms, rows: body.rows.length, bytes: Buffer.byteLength(text), total: body.total ?? 0 };
}

async function timeText(url: string): Promise<{ ms: number; bytes: number; lines: number }> {
  const start = performance.now();
  const response = await fetch(url, { headers: AUTH });
  const text = await response.text();
  const ms = performance.now() - start;
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return { ms, bytes: Buffer.byteLength(text), lines: text.trimEnd().split('\r\n').length };
}

export async function concurrentLoads(base: string, path: string, loads: number): Promise<NonNullable<InsightBenchReport['concurrent']>> {
  let done = false;
  const sheetTimes: number[] = [];
  const poller = (async () => {
    while (!done) {
      const start = performance.now();
      const response = await fetch(`${base}/api/sheets`, { headers: AUTH });
      await response.text();
      sheetTimes.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  let failures = 0;
  const wallStart = performance.now();
  const times = await Promise.all(
    Array.from({ length: loads }, async () => {
      const start = performance.now();
      // As a browser opens a page (a document request, not a React Server Components fetch).
      const response = await fetch(`${base}${path}`, { headers: { ...AUTH, accept: 'text/html' } });
      const html = await response.text();
      if (response.status !== 200 || !html.includes('insight-table')) failures++;
      return performance.now() - start;
    }),
  );
  const wallMs = performance.now() - wallStart;
  done = true;
  await poller;
  return {
    loads,
    page: path,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    max: Math.max(...times),
    wallMs,
    sheetsSamples: sheetTimes.length,
    sheetsP50: percentile(sheetTimes, 0.5),
    sheetsP99: percentile(sheetTimes, 0.99),
    failures,
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

/** Medians of `a` and `b` timed in alternating rounds (a b, b a, a b, …), so both see the same load. */
async function alternatingMedians(a: () => Promise<unknown>, b: () => Promise<unknown>, runs: number): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 ? [1, 0] : [0, 1]) {
      const start = performance.now();
      await (which === 0 ? a : b)();
      times[which].push(performance.now() - start);
    }
  }
  return [percentile(times[0], 0.5), percentile(times[1], 0.5)];
}

async function medianMs(work: () => Promise<unknown>, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return percentile(times, 0.5);
}

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en')} KiB`;
const yes = (ok: boolean) => (ok ? 'yes' : 'no');

/** The benchmark as a docs/BENCHMARKS.md section. */
export function renderInsightsMarkdown(report: InsightBenchReport): string {
  const label = `${report.size.products.toLocaleString('en')} products / ${report.size.sales.toLocaleString('en')} sales`;
  if (report.skipped) return `## Insights\n\n${label}: not measured through the public API: ${report.skipped}.\n`;
  const rows = report.pages
    .map((p) => {
      const coldRatio = p.coldPublicMs / p.directPageMs;
      const warmRatio = p.warmPublicMs / p.directPageMs;
      return `| \`${p.name}\` | ${p.pageRows.toLocaleString('en')} of ${p.total.toLocaleString('en')} | ${kib(p.pageBytes)} | ${fmt(p.directPageMs)} | ${fmt(p.coldPublicMs)} (${fmt(coldRatio, 2)} ×) | **${fmt(p.warmPublicMs)}** (${fmt(warmRatio, 2)} ×) | ${yes(coldRatio <= TARGET_RATIO && p.coldPublicMs <= TARGET_P50_MS)} / ${yes(warmRatio <= TARGET_RATIO && p.warmPublicMs <= TARGET_P50_MS)} |`;
    })
    .join('\n');
  const csv = report.csv;
  const c = report.concurrent;
  return `## Insights

${label} as real sheets (catalog, the materializer's wide tables, the workspace views) in a fresh data
directory, sales over the two years ending ${report.asOf}; written in ${fmt(report.loadMs / 1000, 1)} s. Median of ${report.runs} runs after a
warm-up. *Direct*: the page's SQL (\`ORDER BY\` the insight's order \`LIMIT 1000\`; the pivot: its statement) on a
copy of the file from the benchmark process, every row of the page read, in rounds alternating with the cold public API. *Public API*: \`GET /api/insights/:name\` (default page:
1,000 rows, with \`total\`) through \`next start\` and the real sync server, body read and parsed; *cold*: the sync
server's answer cache off (\`CELLAR_INSIGHT_CACHE_MB=0\`: every request runs the SQL, the count and the JSON);
*warm*: cache on, the same request repeated (what many readers of one page see). Target: ≤ ${TARGET_RATIO} × direct and
p50 ≤ ${TARGET_P50_MS} ms.

| insight | page rows of total | page JSON | direct page SQL ms | public API cold ms (× direct) | public API warm ms (× direct) | meets target cold / warm |
| --- | --- | --- | --- | --- | --- | --- |
${rows}

${
  csv
    ? `Whole \`product-sales\` as CSV (${csv.rows.toLocaleString('en')} rows, ${kib(csv.bytes)}): public API \`format=csv\` (cache off) **${fmt(csv.publicMs)} ms** against the SQL
run directly and the CSV written in process (\`toCsv\`) ${fmt(csv.directMs)} ms: **${fmt(csv.publicMs / csv.directMs, 2)} ×** (target ≤ ${TARGET_CSV_RATIO} ×).`
    : ''
}

${
  c
    ? `${c.loads} concurrent loads of one insight page (\`${c.page}\`, document requests for HTML as a browser makes them, same parameters, cache on and cold at the start):
p50 **${fmt(c.p50, 0)} ms**, p99 **${fmt(c.p99, 0)} ms**, slowest ${fmt(c.max, 0)} ms, all done in ${fmt(c.wallMs, 0)} ms, ${c.failures} failed (target p50 ≤ 1 s,
p99 ≤ 3 s). Meanwhile \`GET /api/sheets\` every 25 ms (${c.sheetsSamples} samples): p50 ${fmt(c.sheetsP50, 0)} ms, p99 **${fmt(c.sheetsP99, 0)} ms** (target ≤ 200 ms).`
    : ''
}
`;
}
