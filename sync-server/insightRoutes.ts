// The internal API's insight routes: answers (JSON pages or CSV), the pages' summaries (KPIs and chart
// rows) and the filter metadata, each computed on the analytical reader lane (queue limit → 503 with
// retry-after, per-read time limit) and cached per request and data version (insightCache.ts).
//
// Why the cache sits here and not in the web server: this process owns DuckDB and knows exactly when the
// insights' inputs change (Materializer.dataVersion, bumped before the change feed announces a change),
// and several web instances share one sync server, so one computation here serves all of them. The web
// server renders charts (Observable Plot, CPU it should not take from the relay) and caches the markup
// keyed by the version this API returns with each summary, so a rendered chart is reused until the data
// changes.
import { randomBytes } from 'node:crypto';
import { attachmentDisposition } from '../lib/csv';
import { pagingKey } from '../lib/insights/paging';
import { NO_GROUP, UNKNOWN_GROUP } from '../lib/insights/relations';
import { badRequest, notFound } from './httpErrors';
import { InsightCache } from './insightCache';
import { InsightError, prepareInsight, runPrepared, runSummary, type PreparedInsight } from './insightRunner';
import { SerializedJson, type Route } from './internalApi';
import type { SyncServer } from './syncServer';

/** Categories offered by the pages' filter at most. */
export const MAX_FILTER_CATEGORIES = 500;

export interface InsightRouteOptions {
  /** Bytes of answers kept (CELLAR_INSIGHT_CACHE_MB, default 64 MB; 0 turns the cache off). */
  cacheBytes?: number;
}

export function insightRoutes(server: Omit<SyncServer, 'close' | 'url'>, options: InsightRouteOptions = {}): Route[] {
  const envMb = process.env.CELLAR_INSIGHT_CACHE_MB;
  const cacheBytes = options.cacheBytes ?? (envMb === undefined || envMb === '' ? 64 : Number(envMb)) * 2 ** 20;
  const cache = new InsightCache(cacheBytes, cacheBytes > 0);
  // Versions restart with the process; the boot id keeps the web servers' chart keys from colliding.
  const boot = randomBytes(4).toString('hex');
  let pruned = 0;
  const version = () => {
    const v = server.materializer.dataVersion;
    if (v !== pruned) {
      cache.prune(v);
      pruned = v;
    }
    return v;
  };
  const versionHeader = (v: number) => ({ 'x-cellar-data-version': `${boot}.${v}` });

  const prepare = (name: string, query: URLSearchParams): PreparedInsight => {
    try {
      return prepareInsight(name, query);
    } catch (error) {
      throw asHttp(error);
    }
  };
  const compute = (key: string, v: number, work: Parameters<typeof server.db.readAnalytical<Uint8Array[]>>[0]) =>
    cache.get(key, v, async () => {
      // Insights over every sale read the per-sku totals: recomputed here for what changed since (if anything).
      await server.materializer.settleSkuSaleTotals();
      return server.db.readAnalytical(work);
    }).catch((error) => {
      throw asHttp(error);
    });

  const answer = (prepared: PreparedInsight, v: number) => compute(`answer ${prepared.key} ${pagingKey(prepared.paging)}`, v, (c) => runPrepared(c, prepared));
  const summary = (prepared: PreparedInsight, v: number) => compute(`summary ${prepared.key}`, v, (c) => runSummary(c, prepared));
  const meta = (v: number) => compute('meta', v, (c) => readMeta(c));

  return [
    {
      method: 'GET',
      pattern: /^\/internal\/insights\/([^/]+)$/,
      handle: async ({ params, query }) => {
        const prepared = prepare(params[0], query);
        const v = version();
        const chunks = await answer(prepared, v);
        if (prepared.paging.format === 'csv') {
          return new SerializedJson(chunks, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': attachmentDisposition(fileStem(prepared.insight.name, query), prepared.insight.name),
            'x-content-type-options': 'nosniff',
            ...versionHeader(v),
          });
        }
        return new SerializedJson(chunks, versionHeader(v));
      },
    },
    {
      method: 'GET',
      pattern: /^\/internal\/insights\/([^/]+)\/summary$/,
      handle: async ({ params, query }) => {
        const prepared = prepare(params[0], query);
        const v = version();
        return new SerializedJson(await summary(prepared, v), versionHeader(v));
      },
    },
    {
      // Everything an insight page shows, in one call: the table's page, the summary, the filter metadata.
      method: 'GET',
      pattern: /^\/internal\/insights\/([^/]+)\/view$/,
      handle: async ({ params, query }) => {
        const prepared = prepare(params[0], query);
        if (prepared.paging.format !== 'json') throw badRequest('a view is JSON', 'invalid_params');
        const v = version();
        const [page, sum, info] = await Promise.all([answer(prepared, v), summary(prepared, v), meta(v)]);
        const head = Buffer.from(`{"version":${JSON.stringify(`${boot}.${v}`)},"page":`);
        return new SerializedJson([head, ...page, Buffer.from(',"summary":'), ...sum, Buffer.from(',"meta":'), ...info, Buffer.from('}')], versionHeader(v));
      },
    },
    {
      // The data version a page's view would be computed at, checked exactly as the view is (the caller's
      // access, the insight, its parameters) but computing nothing: the web server keys its rendered pages
      // by it (lib/node/insightPageCache.ts).
      method: 'GET',
      pattern: /^\/internal\/insights\/([^/]+)\/version$/,
      handle: async ({ params, query }) => {
        const prepared = prepare(params[0], query);
        if (prepared.paging.format !== 'json') throw badRequest('a view is JSON', 'invalid_params');
        const v = version();
        return { version: `${boot}.${v}` };
      },
    },
    {
      method: 'GET',
      pattern: /^\/internal\/insight-meta$/,
      handle: async () => {
        const v = version();
        const info = await meta(v);
        return new SerializedJson([Buffer.from(`{"version":${JSON.stringify(`${boot}.${v}`)},"meta":`), ...info, Buffer.from('}')], versionHeader(v));
      },
    },
    {
      method: 'GET',
      pattern: /^\/internal\/insight-cache$/,
      access: 'owner',
      handle: async () => ({ version: `${boot}.${version()}`, ...cache.snapshot(), lane: { busy: server.db.analytical.busy, queued: server.db.analytical.queued } }),
    },
  ];
}

function asHttp(error: unknown): unknown {
  if (error instanceof InsightError) return error.code === 'not_found' ? notFound(error.message) : badRequest(error.message, 'invalid_params');
  return error;
}

/** The filter's category choices (products' categories, then '(unknown)') and when the data last changed. */
async function readMeta(connection: Parameters<Parameters<SyncServer['db']['read']>[0]>[0]): Promise<Uint8Array[]> {
  const reader = await connection.runAndReadAll(
    `SELECT
  (SELECT coalesce(to_json(list(category ORDER BY category))::VARCHAR, '[]') FROM (
    SELECT DISTINCT coalesce(nullif(category, ''), '${NO_GROUP}') AS category FROM products ORDER BY category LIMIT ${MAX_FILTER_CATEGORIES}
  )) AS categories,
  (SELECT max(updated_at) FROM sheets WHERE template IN ('products', 'sales')) AS changed_at`,
  );
  const [categories, changedAt] = reader.getRows()[0];
  const list = JSON.parse(String(categories)) as string[];
  if (!list.includes(UNKNOWN_GROUP)) list.push(UNKNOWN_GROUP);
  return [Buffer.from(JSON.stringify({ categories: list, changedAt: changedAt === null ? null : new Date(Number(changedAt)).toISOString() }))];
}

/** The CSV's file name: the insight and the filters given. */
function fileStem(name: string, query: URLSearchParams): string {
  const value = (key: string) => query.get(key) ?? undefined;
  return [name, value('from'), value('to'), value('asOf') && `as-of-${value('asOf')}`, value('category')].filter(Boolean).join(' ');
}
