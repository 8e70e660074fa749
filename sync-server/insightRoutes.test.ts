// The insight routes on the real sync server (child process, real DuckDB file): paged answers over HTTP,
// CSV, the cache (hit, single-flight, invalidated by an edit before the change feed announces it), the
// analytical lane's refusal (503 with retry-after) while sheet reads keep answering; and the reader pool
// itself (queue limit, wait limit, time limit by interrupt).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { PoolBusyError, ReaderPool, ReadTimeoutError } from './readerPool';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from './testing/syncServerProcess';

async function get(server: SyncServerProcess, path: string) {
  const response = await fetch(`${server.httpUrl}/internal${path}`, { headers: { authorization: `Bearer ${server.secret}`, 'x-cellar-auth': `Bearer ${server.adminToken}` } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The change feed: resolves `next(template)` with the next materialized change of that template. */
async function changeFeed(server: SyncServerProcess) {
  const controller = new AbortController();
  const response = await fetch(`${server.httpUrl}/internal/changes`, { headers: { authorization: `Bearer ${server.secret}`, 'x-cellar-auth': `Bearer ${server.adminToken}` }, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const waiters: Array<{ template: string; resolve: () => void }> = [];
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('data: ')) continue;
          const change = JSON.parse(event.slice(6)) as { template: string };
          for (const waiter of waiters.splice(0).filter((w) => w.template === change.template || (waiters.push(w), false))) waiter.resolve();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    next: (template: string) => new Promise<void>((resolve) => waiters.push({ template, resolve })),
    close: () => controller.abort(),
  };
}

describe('insight routes on the sync server', () => {
  let server: SyncServerProcess;
  let salesId: string;
  let qtyRow: string;

  before(async () => {
    server = await startSyncServerProcess({ env: { CELLAR_INSIGHT_QUEUE: '0' } });
    const products = await server.api('/sheets', { body: { title: 'Products', template: 'products' } });
    const sales = await server.api('/sheets', { body: { title: 'Sales', template: 'sales' } });
    salesId = sales.body.id;
    const productRows = Array.from({ length: 40 }, (_, i) => ({ sku: `SKU-${i}`, name: `Wine ${i}`, brand: `B${i % 3}`, family: 'F', category: i % 2 ? 'Red' : 'a\u0000b', stock: i % 7, reorder_level: 3, unit_cost: 2, price: 5, plan_units: 10 }));
    assert.equal((await server.api(`/sheets/${products.body.id}/rows`, { body: { rows: productRows } })).status, 201);
    const saleRows = Array.from({ length: 120 }, (_, i) => ({ sold_at: `2024-0${1 + (i % 3)}-${String(1 + (i % 28)).padStart(2, '0')}`, sku: `SKU-${i % 40}`, qty: 1 + (i % 3), unit_price: 5 }));
    const added = await server.api(`/sheets/${salesId}/rows`, { body: { rows: saleRows } });
    qtyRow = added.body.ids[0];
    await waitFor(async () => JSON.parse((await get(server, '/insights/product-sales?limit=all')).text).total === 40, { timeoutMs: 5000, what: 'the sheets to be materialized' });
  });
  after(async () => {
    await server.stop('SIGTERM');
  });

  test('a page over HTTP, with total; CSV as a download; bad paging is a 400', async () => {
    const page = await get(server, '/insights/product-sales?limit=5&offset=5&sort=units&dir=desc');
    assert.equal(page.status, 200, page.text);
    const body = JSON.parse(page.text);
    assert.equal(body.rows.length, 5);
    assert.equal(body.total, 40);
    assert.deepEqual(body.sort, { column: 'units', dir: 'desc' });
    const all = JSON.parse((await get(server, '/insights/product-sales?limit=all&sort=units&dir=desc')).text);
    assert.deepEqual(body.rows, all.rows.slice(5, 10));
    const csv = await get(server, '/insights/product-sales?format=csv&category=Red');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename="product-sales Red\.csv"/);
    assert.equal(csv.text.trimEnd().split('\r\n').length, 1 + 20);
    for (const query of ['limit=0', 'sort=nope', 'format=pdf', 'dir=asc']) {
      const refused = await get(server, `/insights/product-sales?${query}`);
      assert.equal(refused.status, 400, query);
      assert.ok(JSON.parse(refused.text).error.message, query);
    }
  });

  test('a NUL byte in a category: the pivot and a filter on it answer 200', async () => {
    const pivot = await get(server, '/insights/sales-pivot');
    assert.equal(pivot.status, 200, pivot.text);
    assert.ok(JSON.parse(pivot.text).columns.some((c: { name: string }) => c.name === 'a\u0000b'));
    const filtered = await get(server, `/insights/product-sales?category=${encodeURIComponent('a\u0000b')}`);
    assert.equal(filtered.status, 200, filtered.text);
    assert.equal(JSON.parse(filtered.text).total, 20);
  });

  test('identical requests share one computation and are served from the cache until an edit', async () => {
    const stats = async () => JSON.parse((await get(server, '/insight-cache')).text) as { hits: number; misses: number; shared: number; version: string };
    const before = await stats();
    const query = '/insights/family-summary?from=2024-01-01';
    const answers = await Promise.all(Array.from({ length: 12 }, () => get(server, query)));
    assert.ok(answers.every((a) => a.status === 200 && a.text === answers[0].text));
    const during = await stats();
    assert.equal(during.misses - before.misses, 1, 'one computation for twelve concurrent requests');
    assert.equal(during.hits + during.shared - before.hits - before.shared, 11);
    const again = await get(server, query);
    assert.equal(again.text, answers[0].text);
    assert.equal((await stats()).hits, during.hits + 1);
  });

  test('an edit invalidates a cached answer before the change feed announces it', async () => {
    const feed = await changeFeed(server);
    try {
      const units = async () => {
        const body = JSON.parse((await get(server, '/insights/family-summary')).text);
        return body.rows.find((r: { level: string }) => r.level === 'total').sales_units as number;
      };
      const before = await units();
      assert.equal(await units(), before, 'cached');
      const announced = feed.next('sales');
      const sheet = (await server.api(`/sheets/${salesId}`)).body;
      const qty = sheet.columns.find((c: { name: string }) => c.name === 'qty').id;
      const current = sheet.rows.find((r: { id: string }) => r.id === qtyRow).values[qty] as number;
      assert.equal((await server.api(`/sheets/${salesId}/cells`, { body: { updates: [{ row: qtyRow, col: qty, value: current + 100 }] } })).status, 200);
      await announced;
      // The live refresh asks right after the announcement: the answer must already be the new one.
      assert.equal(await units(), before + 100);
    } finally {
      feed.close();
    }
  });

  test("a page's data version: checked as the view is, computing nothing, and moved on by an edit", async () => {
    const version = async (path: string) => {
      const answer = await get(server, path);
      return { status: answer.status, version: answer.status === 200 ? (JSON.parse(answer.text).version as string) : null };
    };
    const first = await version('/insights/category-rollup/version?from=2024-01-01');
    assert.equal(first.status, 200);
    const answer = await get(server, '/insights/category-rollup?from=2024-01-01&limit=5');
    assert.equal(answer.headers.get('x-cellar-data-version'), first.version, 'the version answers are computed at');
    assert.equal((await version('/insights/category-rollup/version?from=2024-13-45')).status, 400);
    assert.equal((await version('/insights/category-rollup/version?format=csv')).status, 400);
    assert.equal((await version('/insights/nope/version')).status, 404);
    const unauthenticated = await fetch(`${server.httpUrl}/internal/insights/category-rollup/version`, { headers: { authorization: `Bearer ${server.secret}`, 'x-cellar-auth': 'Bearer nope' } });
    assert.equal(unauthenticated.status, 401);

    const sheet = (await server.api(`/sheets/${salesId}`)).body;
    const qty = sheet.columns.find((c: { name: string }) => c.name === 'qty').id;
    assert.equal((await server.api(`/sheets/${salesId}/cells`, { body: { updates: [{ row: qtyRow, col: qty, adjust: 1 }] } })).status, 200);
    await waitFor(async () => (await version('/insights/category-rollup/version?from=2024-01-01')).version !== first.version, { what: 'a new data version after the edit' });
    assert.equal((await server.api(`/sheets/${salesId}/cells`, { body: { updates: [{ row: qtyRow, col: qty, adjust: -1 }] } })).status, 200);
  });

  test('a full analytical lane answers 503 with retry-after; sheet reads keep answering', async () => {
    // CELLAR_INSIGHT_QUEUE=0: a request that finds every insight connection busy is refused at once.
    const distinct = Array.from({ length: 30 }, (_, i) => get(server, `/insights/low-stock?threshold=${i + 1000}`));
    const sheets = Array.from({ length: 5 }, () => get(server, '/sheets'));
    const [answers, lists] = await Promise.all([Promise.all(distinct), Promise.all(sheets)]);
    const refused = answers.filter((a) => a.status === 503);
    assert.ok(refused.length > 0, 'some were refused');
    for (const answer of refused) {
      assert.ok(Number(answer.headers.get('retry-after')) >= 1, 'retry-after in seconds');
      assert.equal(JSON.parse(answer.text).error.code, 'busy');
    }
    assert.ok(answers.every((a) => a.status === 200 || a.status === 503));
    assert.ok(lists.every((l) => l.status === 200), 'sheet reads are on their own lane');
  });
});

describe('reader pool', () => {
  test('queue limit, wait limit and time limit', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connections = [await instance.connect(), await instance.connect()];
    try {
      const pool = new ReaderPool(connections, { name: 'test readers', maxQueue: 1, maxWaitMs: 200, timeLimitMs: 300 });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const a = pool.run(() => held);
      const b = pool.run(() => held);
      const queued = pool.run(async () => 'third');
      await assert.rejects(pool.run(async () => 'fourth'), (error: unknown) => error instanceof PoolBusyError && error.retryAfterSeconds >= 1);
      release();
      await Promise.all([a, b]);
      assert.equal(await queued, 'third');

      let hold!: () => void;
      const blocking = new Promise<void>((resolve) => (hold = resolve));
      const c = pool.run(() => blocking);
      const d = pool.run(() => blocking);
      await assert.rejects(pool.run(async () => 'late'), PoolBusyError, 'waited longer than maxWaitMs');
      hold();
      await Promise.all([c, d]);

      // A query past the time limit is interrupted and its connection is free again.
      await assert.rejects(
        pool.run((connection) => connection.run('SELECT count(*) FROM range(100000000000) a')),
        (error: unknown) => error instanceof ReadTimeoutError,
      );
      assert.equal(await pool.run(async (connection) => Number((await connection.runAndReadAll('SELECT 41 + 1')).getRows()[0][0])), 42);
    } finally {
      for (const connection of connections) connection.closeSync();
      instance.closeSync();
    }
  });
});
