// `npm run bench -- abuse`: the attacks of issue 8 against a real sync server (child process, its own data
// directory, default limits), one after another. For each: the worst /health latency while it runs (probed
// every 25 ms from a worker thread), the server's peak RSS, how long an honest REST edit of another sheet took to show in GET,
// what the attacker got back, and afterwards whether a fresh client's sheet equals GET /api/sheets/:id.
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { insertColumn, insertRows, readColumns, rowsMap } from '../lib/sheetDoc';
import { awarenessMessage, awarenessUpdate, openRawSocket, updateMessage } from '../sync-server/testing/rawSocket';
import { waitForDuckDbToEqualDocument } from '../sync-server/testing/duckDbEqualsDocument';
import { connectStockClient } from '../sync-server/testing/stockClient';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from '../sync-server/testing/syncServerProcess';

export interface AbuseResult {
  attack: string;
  outcome: string;
  worstHealthMs: number;
  peakRssMb: number;
  honestEditMs: number | null;
  consistent: boolean;
}

const editor = { clock: new HybridLogicalClock(), userId: 'bench' };

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) / 1024;
}

/**
 * Probes /health every 25 ms from a worker thread until stopped; resolves with the worst latency. Its own
 * event loop, as a tester's separate probe: the attacks run on this thread, and an attack that opens 2,000
 * sockets keeps this event loop busy too, which would count against the server.
 */
function probeHealth(url: string): { stop: () => Promise<number> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
    let running = true, worst = 0;
    parentPort.on('message', () => { running = false; });
    (async () => {
      while (running) {
        const started = performance.now();
        // A keep-alive connection the server just closed is retried once; an answer that never comes counts
        // as its 10 s time limit (the probe never hangs the benchmark).
        const get = () => fetch(workerData.url, { signal: AbortSignal.timeout(10000) });
        await get().catch((err) => (err.name === 'TimeoutError' ? undefined : get())).then((r) => r?.arrayBuffer()).catch(() => undefined);
        worst = Math.max(worst, performance.now() - started);
        await new Promise((r) => setTimeout(r, 25));
      }
      parentPort.postMessage(worst);
    })();`,
    { eval: true, workerData: { url } },
  );
  const result = new Promise<number>((resolve, reject) => {
    worker.once('message', (worst: number) => resolve(worst));
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const worst = await result;
      await worker.terminate();
      return worst;
    },
  };
}

/** Probes /health and RSS while `attack` runs, and makes one honest edit of another sheet meanwhile. */
async function measure(server: SyncServerProcess, honest: { sheetId: string; row: string }, attack: () => Promise<string>): Promise<Omit<AbuseResult, 'attack' | 'consistent'>> {
  let peak = rssMb(server.child.pid!);
  let running = true;
  const health = probeHealth(`${server.httpUrl}/health`);
  const rss = (async () => {
    while (running) {
      peak = Math.max(peak, rssMb(server.child.pid!));
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const value = `honest-${Date.now()}`;
  const honestEdit = (async () => {
    await new Promise((r) => setTimeout(r, 100));
    const started = performance.now();
    const edit = () => server.api(`/sheets/${honest.sheetId}/cells`, { body: { updates: [{ row: honest.row, col: 'name', value }] } });
    await edit().catch(edit);
    try {
      await waitFor(async () => JSON.stringify((await server.api(`/sheets/${honest.sheetId}`)).body).includes(value), { timeoutMs: 10_000, intervalMs: 25 });
      return performance.now() - started;
    } catch {
      return null;
    }
  })();
  const outcome = await attack();
  const honestEditMs = await honestEdit;
  await new Promise((r) => setTimeout(r, 300));
  running = false;
  await rss;
  return { outcome, worstHealthMs: await health.stop(), peakRssMb: peak, honestEditMs };
}

async function consistent(server: SyncServerProcess, sheetId: string): Promise<boolean> {
  try {
    // 30 s: after a 100,000-row import the materializer catches up some seconds after the import answers.
    await waitForDuckDbToEqualDocument(server, sheetId, { timeoutMs: 30_000 });
    return true;
  } catch {
    return false;
  }
}

export async function benchAbuse(log: (line: string) => void = console.log): Promise<AbuseResult[]> {
  // ABUSE_SERVER_NODE_ARGS: flags for the server's node (e.g. `--cpu-prof --cpu-prof-dir=…`, which NODE_OPTIONS refuses).
  const server = await startSyncServerProcess({
    env: { LOG_LEVEL: 'warn', ...(process.env.ABUSE_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.ABUSE_SERVER_NODE_OPTIONS } : {}) },
    nodeArgs: process.env.ABUSE_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [],
  });
  const results: AbuseResult[] = [];
  try {
    // Retried once: a keep-alive connection the server just closed fails the first try.
    const createOnce = async () => (await server.api('/sheets', { body: { title: 'Abuse', template: 'products' } })).body.id as string;
    const create = () => createOnce().catch(createOnce);
    const honestSheet = await create();
    const honestRow = (await server.api(`/sheets/${honestSheet}/rows`, { body: { rows: [{ sku: 'H-1', name: 'honest' }] } })).body.ids[0];
    const honest = { sheetId: honestSheet, row: honestRow };

    /** A target sheet with one row, and a synced stock client on it. */
    const target = async () => {
      const sheetId = await create();
      const client = connectStockClient(server.wsUrl, sheetId);
      await client.synced();
      const columns = Object.fromEntries(readColumns(client.doc).map((c) => [c.name, c.id]));
      const [row] = insertRows(client.doc, [{ [columns.sku]: 'T-1', [columns.stock]: 5 }], {}, editor);
      await client.savedOwnEdits();
      return { sheetId, client, columns, row };
    };
    /** Sends one update from a detached copy of the client's document over a raw socket; resolves with the close code. */
    const sendHostile = async (sheetId: string, base: Y.Doc, write: (doc: Y.Doc) => void, closeWaitMs = 3000) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
      const vector = Y.encodeStateVector(doc);
      write(doc);
      const socket = await openRawSocket(server.wsUrl, sheetId);
      socket.send(updateMessage(Y.encodeStateAsUpdate(doc, vector)));
      const code = await Promise.race([socket.closed, new Promise<number>((r) => setTimeout(() => r(0), closeWaitMs))]);
      socket.socket.close();
      return code;
    };
    // ABUSE_ONLY=<words>: run only the attacks whose name contains them (while working on one).
    const only = process.env.ABUSE_ONLY?.toLowerCase();
    const run = async (attack: string, sheetId: string | null, body: () => Promise<string>) => {
      if (only && !attack.toLowerCase().includes(only)) return;
      log(`abuse: ${attack}…`);
      const m = await measure(server, honest, body);
      const ok = sheetId ? await consistent(server, sheetId) : true;
      results.push({ attack, ...m, consistent: ok });
    };

    {
      const t = await target();
      await run('column ids Dup / dUP in one update', t.sheetId, async () => {
        const code = await sendHostile(t.sheetId, t.client.doc, (doc) => {
          for (const id of ['Dup', 'dUP']) {
            const column = new Y.Map<unknown>();
            column.set('name', id);
            column.set('type', 'text');
            column.set('order', 'zz');
            doc.getMap('columns').set(id, column);
          }
        });
        return `close ${code}`;
      });
      await run('cell with by: 42, object v, Y.Map as a cell', t.sheetId, async () => {
        const codes = [];
        for (const value of [{ v: 'x', t: Date.now(), by: 42 }, { v: { o: 1 }, t: Date.now(), by: 'x' }, new Y.Map()]) {
          codes.push(await sendHostile(t.sheetId, t.client.doc, (doc) => (rowsMap(doc).get(t.row)!.get('cells') as Y.Map<unknown>).set(t.columns.name, value)));
        }
        return `close ${codes.join(' / ')}`;
      });
      await run('out of order: hostile cell before its row', t.sheetId, async () => {
        const author = new Y.Doc();
        Y.applyUpdate(author, Y.encodeStateAsUpdate(t.client.doc));
        const updates: Uint8Array[] = [];
        author.on('update', (u: Uint8Array) => updates.push(u));
        const [row] = insertRows(author, [{ [t.columns.sku]: 'parent' }], {}, editor);
        (rowsMap(author).get(row)!.get('cells') as Y.Map<unknown>).set(t.columns.name, { v: { evil: 1 }, t: Date.now(), by: 'x' });
        const socket = await openRawSocket(server.wsUrl, t.sheetId);
        socket.send(updateMessage(updates[1]));
        await new Promise((r) => setTimeout(r, 200));
        socket.send(updateMessage(updates[0]));
        const code = await Promise.race([socket.closed, new Promise<number>((r) => setTimeout(() => r(0), 3000))]);
        return `held, then close ${code}`;
      });
      await run('cell time t = 1e300, then a REST edit', t.sheetId, async () => {
        (rowsMap(t.client.doc).get(t.row)!.get('cells') as Y.Map<unknown>).set(t.columns.name, { v: 'future', t: 1e300, by: 'mallory' });
        await t.client.savedOwnEdits();
        await new Promise((r) => setTimeout(r, 50));
        await server.api(`/sheets/${t.sheetId}/cells`, { body: { updates: [{ row: t.row, col: 'name', value: 'real' }] } });
        const shown = await waitFor(async () => {
          const v = (await server.api(`/sheets/${t.sheetId}`)).body.rows[0].values[t.columns.name];
          return v === 'real' ? v : null;
        }).catch(() => 'future');
        return `later REST edit shown: ${shown === 'real'}`;
      });
      await run('adjust 1e308 twice (REST)', t.sheetId, async () => {
        const a = await server.api(`/sheets/${t.sheetId}/cells`, { body: { updates: [{ row: t.row, col: 'stock', adjust: 1e308 }] } });
        return `${a.status} ${a.body?.error?.code ?? ''}`;
      });
      await run('20 MB cell string over the socket', t.sheetId, async () => {
        const code = await sendHostile(t.sheetId, t.client.doc, (doc) => (rowsMap(doc).get(t.row)!.get('cells') as Y.Map<unknown>).set(t.columns.name, { v: 'x'.repeat(20_000_000), t: Date.now(), by: 'x' }));
        const long = await sendHostile(t.sheetId, t.client.doc, (doc) => (rowsMap(doc).get(t.row)!.get('cells') as Y.Map<unknown>).set(t.columns.name, { v: 'x'.repeat(10_001), t: Date.now(), by: 'x' }));
        return `close ${code}; 10,001 characters: close ${long}`;
      });
      t.client.destroy();
    }

    {
      const t = await target();
      // Built before the measurement: building them blocks this process, not the server.
      const frame = (rows: number) => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(t.client.doc));
        const vector = Y.encodeStateVector(doc);
        insertRows(doc, Array.from({ length: rows }, (_, i) => ({ [t.columns.sku]: `S${i}`, [t.columns.stock]: i })), {}, editor);
        return Y.encodeStateAsUpdate(doc, vector);
      };
      const huge = frame(200_000);
      await run(`one ${(huge.byteLength / 1e6).toFixed(1)} MB frame of 200k rows`, t.sheetId, async () => {
        const socket = await openRawSocket(server.wsUrl, t.sheetId);
        socket.send(updateMessage(huge));
        const code = await Promise.race([socket.closed, new Promise<number>((r) => setTimeout(() => r(0), 20_000))]);
        return `close ${code}`;
      });
      const large = frame(40_000);
      await run(`largest accepted frame: 40k rows (${(large.byteLength / 1e6).toFixed(1)} MB)`, t.sheetId, async () => {
        const socket = await openRawSocket(server.wsUrl, t.sheetId);
        socket.send(updateMessage(large));
        // The row count from the first-screen route: polling the whole sheet (40k rows of JSON) would load the server itself.
        await waitFor(async () => (await server.api(`/sheets/${t.sheetId}/window?rows=1`)).body.rowCount > 40_000, { timeoutMs: 60_000, intervalMs: 200 });
        socket.socket.close();
        return 'applied';
      });
      t.client.destroy();
    }

    {
      const t = await target();
      await run('25 MB awareness message, then 2,000 awareness updates', t.sheetId, async () => {
        const big = await openRawSocket(server.wsUrl, t.sheetId);
        big.send(awarenessMessage(awarenessUpdate(77, 1, { junk: 'x'.repeat(25_000_000) })));
        const code = await Promise.race([big.closed, new Promise<number>((r) => setTimeout(() => r(0), 5000))]);
        const flood = await openRawSocket(server.wsUrl, t.sheetId);
        for (let clock = 1; clock <= 2000; clock++) flood.send(awarenessMessage(awarenessUpdate(78, clock, { cursor: clock })));
        await new Promise((r) => setTimeout(r, 500));
        const open = flood.socket.readyState === flood.socket.OPEN;
        flood.socket.close();
        return `close ${code}; flood: excess dropped, socket ${open ? 'open' : 'closed'}`;
      });
      await run('2,000 idle sockets on one sheet', t.sheetId, async () => {
        const codes = new Map<number, number>();
        const sockets = await Promise.all(
          Array.from({ length: 2000 }, () =>
            openRawSocket(server.wsUrl, t.sheetId)
              .then((s) => {
                void s.closed.then((c) => codes.set(c, (codes.get(c) ?? 0) + 1));
                return s;
              })
              .catch(() => null),
          ),
        );
        await new Promise((r) => setTimeout(r, 1000));
        const open = sockets.filter((s) => s && s.socket.readyState === s.socket.OPEN).length;
        for (const s of sockets) s?.socket.close();
        return `${open} kept, ${codes.get(1013) ?? 0} refused with 1013`;
      });
      t.client.destroy();
    }

    {
      // The pivot and the reader pool: 5,000 distinct categories (one product each) with sales, then the
      // same insight 12 times at once with different parameters (no shared cache entry), then categories
      // holding NUL and control characters.
      const importInto = (sheetId: string, csv: string) =>
        fetch(`${server.httpUrl}/internal/sheets/${sheetId}/import`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.secret}`, 'x-cellar-auth': `Bearer ${server.adminToken}`, 'content-type': 'text/csv' },
          body: csv,
        });
      const products = await create();
      const createSales = () => server.api('/sheets', { body: { title: 'Abuse sales', template: 'sales' } });
      const sales = (await createSales().catch(createSales)).body.id as string;
      const categories = 5000;
      await importInto(products, ['sku,name,category,stock,price', ...Array.from({ length: categories }, (_, i) => `PV-${i},Pivot ${i},Category ${i},5,${(i % 40) + 1}`)].join('\n'));
      await importInto(sales, ['sold_at,sku,qty,unit_price', ...Array.from({ length: 40_000 }, (_, i) => `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')},PV-${i % categories},${(i % 5) + 1},${(i % 40) + 1}`)].join('\n'));
      const rowCount = async (sheetId: string) => (await server.api(`/sheets/${sheetId}/window?rows=1`)).body.rowCount as number;
      // Materialized before the attacks, so they measure the insight, not the materializer catching up.
      await waitFor(async () => (await rowCount(products)) === categories && (await rowCount(sales)) === 40_000, { timeoutMs: 120_000, intervalMs: 500 });
      await new Promise((r) => setTimeout(r, 1000));
      const pivot = (query: string) => server.api(`/insights/sales-pivot${query}`).catch(() => server.api(`/insights/sales-pivot${query}`));
      await run(`sales-pivot over ${categories.toLocaleString('en-US')} distinct categories`, null, async () => {
        const started = performance.now();
        const answer = await pivot('?from=2026-01-01');
        const body = answer.body as { columns?: unknown[]; categories?: { total: number; shown: number; other: string | null } };
        return `${answer.status} in ${Math.round(performance.now() - started)} ms; categories ${body.categories?.total} → ${body.categories?.shown} shown + "${body.categories?.other}", ${body.columns?.length} columns`;
      });
      await run('12 concurrent sales-pivot calls (distinct parameters), a sheet GET meanwhile', null, async () => {
        const calls = Array.from({ length: 12 }, (_, i) => pivot(`?from=2026-01-${String(i + 2).padStart(2, '0')}`));
        const started = performance.now();
        const sheet = await server.api(`/sheets/${honest.sheetId}`);
        const sheetMs = performance.now() - started;
        const answers = await Promise.all(calls);
        const count = (status: number) => answers.filter((a) => a.status === status).length;
        const retryAfter = answers.filter((a) => a.status === 503).every((a) => Number(a.headers.get('retry-after')) >= 1);
        return `${count(200)} × 200, ${count(503)} × 503 busy${count(503) ? ` (retry-after ${retryAfter ? 'set' : 'MISSING'})` : ''}, other ${12 - count(200) - count(503)}; sheet GET ${sheet.status} in ${Math.round(sheetMs)} ms`;
      });
      await run('NUL and control characters in categories and parameters', products, async () => {
        const odd = ['a\u0000b', 'tab\there', 'line\nbreak', 'bell\u0007', "O'Brien's"];
        const rows = await server.api(`/sheets/${products}/rows`, { body: { rows: odd.map((category, i) => ({ sku: `PV-${i}`, name: `odd ${i}`, category })) } });
        const answer = await pivot('?from=2026-01-01');
        const filtered = await pivot(`?category=${encodeURIComponent('a\u0000b')}`);
        return `rows ${rows.status}; sales-pivot ${answer.status}; category=a%00b ${filtered.status}${filtered.status >= 400 ? ` ${filtered.body?.error?.code}` : ''}`;
      });
    }

    {
      const sheetId = await create();
      const importCsv = (csv: string) =>
        fetch(`${server.httpUrl}/internal/sheets/${sheetId}/import`, {
          method: 'POST',
          headers: { authorization: `Bearer ${server.secret}`, 'x-cellar-auth': `Bearer ${server.adminToken}`, 'content-type': 'text/csv' },
          body: csv,
        });
      await run('CSV of 1M rows in 2 MB', null, async () => {
        const response = await importCsv(`sku\n${'\n'.repeat(0)}${Array.from({ length: 1_000_000 }, () => 'a').join('\n')}`);
        return `${response.status}`;
      });
      const header = 'sku,name,brand,family,category,stock,reorder_level,unit_cost,price,plan_units';
      const productsCsv = (count: number) =>
        [header, ...Array.from({ length: count }, (_, i) => `SKU-${i},Wine ${i},B${i % 40},F${i % 200},C${i % 12},${i % 90},10,${(i % 50) + 0.25},${(i % 70) + 1.5},${i % 30}`)].join('\n');
      // Built before the attack starts: building 25 MB of text on this thread is the bench's work, not the server's.
      const wide = productsCsv(500_000);
      await run('CSV of 500,000 product rows (5 million cells, 25 MB)', null, async () => {
        const response = await importCsv(wide);
        const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
        return `${response.status}${body?.error?.code ? ` ${body.error.code}` : ''}`;
      });
      const honestCsv = productsCsv(100_000);
      let importMs = 0;
      await run('CSV import of 100,000 product rows (honest, large)', sheetId, async () => {
        const started = performance.now();
        const response = await importCsv(honestCsv);
        importMs = performance.now() - started;
        return `${response.status} in ${(importMs / 1000).toFixed(1)} s`;
      });
      // A tiny message with a big effect: one new column means the sheet's table is rewritten from all 100,000 rows.
      const client = connectStockClient(server.wsUrl, sheetId);
      await client.synced();
      await run('a column added to the 100,000-row sheet (its table rewritten)', sheetId, async () => {
        const started = performance.now();
        insertColumn(client.doc, { name: 'colour', type: 'text' }, null);
        const shown = async () => ((await server.api(`/sheets/${sheetId}/window?rows=1`)).body.columns as Array<{ name: string }> | undefined)?.some((c) => c.name === 'colour') ?? false;
        await waitFor(shown, { timeoutMs: 60_000, intervalMs: 50 });
        return `in DuckDB after ${Math.round(performance.now() - started)} ms`;
      });
      client.destroy();
    }
  } finally {
    await server.stop('SIGTERM');
  }
  return results;
}

export function renderAbuseMarkdown(results: AbuseResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.attack} | ${r.outcome} | ${Math.round(r.worstHealthMs)} ms | ${Math.round(r.peakRssMb)} MB | ${r.honestEditMs === null ? 'no' : `${Math.round(r.honestEditMs)} ms`} | ${r.consistent ? 'yes' : 'no'} |`,
  );
  return `## Abuse (issue 8)

Each attack against a real sync server (child process, default limits), one after another. Worst \`/health\` latency
probed every 25 ms from a worker thread of the benchmark (its own event loop, as a separate probe) during the attack (target ≤ 200 ms); the server's peak RSS; an honest REST edit of another sheet,
time until it shows in GET (target ≤ 2 s); afterwards a fresh client's sheet equals GET /api/sheets/:id.

| attack | what the server did | worst /health | peak RSS | honest edit visible | DuckDB = document |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await benchAbuse();
  console.log(renderAbuseMarkdown(results));
  process.exit(0);
}
