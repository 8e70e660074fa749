// Integration: the real sync server (child process, real DuckDB file) with stock y-websocket clients.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { HybridLogicalClock } from '../lib/hlc';
import { applyCellUpdates, insertRows, readColumns, readSheet } from '../lib/sheetDoc';
import { connectStockClient, type StockClient } from './testing/stockClient';
import { startRedis, type RedisProcess } from './testing/redisProcess';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from './testing/syncServerProcess';

const editor = (userId: string) => ({ clock: new HybridLogicalClock(), userId });

/** Where the tests talk to: one sync server, or (cluster mode) the persister's API and a relay's sockets. */
type Target = Pick<SyncServerProcess, 'api' | 'httpUrl' | 'adminToken' | 'wsUrl'>;

for (const mode of ['embedded', 'cluster relay'] as const) describe(`sync server with stock y-websocket clients (${mode})`, () => {
  let server: Target;
  const processes: SyncServerProcess[] = [];
  let redis: RedisProcess | null = null;
  const clients: StockClient[] = [];
  const connect = (sheetId: string) => {
    const client = connectStockClient(server.wsUrl, sheetId);
    clients.push(client);
    return client;
  };

  before(async () => {
    const env = { CELLAR_MAX_MESSAGE_BYTES: String(1024 * 1024) };
    if (mode === 'embedded') {
      processes.push(await startSyncServerProcess({ env }));
      server = processes[0];
      return;
    }
    redis = await startRedis();
    const persister = await startSyncServerProcess({ env: { ...env, REDIS_URL: redis.url, CELLAR_ROLE: 'persister' } });
    const relay = await startSyncServerProcess({ env: { ...env, REDIS_URL: redis.url, CELLAR_ROLE: 'relay', SYNC_INTERNAL_URL: persister.httpUrl, CELLAR_SECRET: persister.secret } });
    processes.push(relay, persister);
    server = { api: persister.api, httpUrl: persister.httpUrl, adminToken: persister.adminToken, wsUrl: relay.wsUrl };
  });
  after(async () => {
    for (const client of clients) client.destroy();
    for (const process of processes) await process.stop('SIGTERM');
    await redis?.stop();
  });

  async function createSheet(template = 'products', title = 'Stock'): Promise<string> {
    const created = await server.api('/sheets', { body: { title, template } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.id;
  }

  test('an edit by client A reaches client B and DuckDB within a second', async () => {
    const sheetId = await createSheet();
    const a = connect(sheetId);
    const b = connect(sheetId);
    await Promise.all([a.synced(), b.synced()]);
    const columns = Object.fromEntries(readColumns(a.doc).map((c) => [c.name, c.id]));
    assert.ok(columns.sku && columns.stock, 'the template columns arrive with the first sync');
    const [row] = insertRows(a.doc, [{ [columns.sku]: 'SKU-1', [columns.stock]: 12 }], {}, editor('a'));
    applyCellUpdates(a.doc, [{ row, col: columns.name, value: 'Riesling' }], editor('a'));

    await waitFor(() => readSheet(b.doc).rows[0]?.values[columns.name] === 'Riesling', { timeoutMs: 1000, what: 'client B to see the edit' });
    const materialized = await waitFor(
      async () => {
        const { body } = await server.api(`/sheets/${sheetId}`);
        return body.rows[0]?.values[columns.name] === 'Riesling' ? body : null;
      },
      { timeoutMs: 1000, what: 'DuckDB to show the edit' },
    );
    assert.deepEqual(materialized.rows, [
      { id: row, values: { ...Object.fromEntries(Object.values(columns).map((id) => [id, null])), [columns.sku]: 'SKU-1', [columns.stock]: 12, [columns.name]: 'Riesling' } },
    ]);
    await a.savedOwnEdits();
  });

  test('POST cells reaches connected clients; a bad column is 404 and a wrong type 400, with nothing applied', async () => {
    const sheetId = await createSheet();
    const a = connect(sheetId);
    await a.synced();
    const columns = Object.fromEntries(readColumns(a.doc).map((c) => [c.name, c.id]));
    const appended = await server.api(`/sheets/${sheetId}/rows`, { body: { rows: [{ sku: 'A', stock: 5 }, { sku: 'B', stock: 7 }] } });
    assert.equal(appended.status, 201);
    const [rowA, rowB] = appended.body.ids;
    await waitFor(() => readSheet(a.doc).rows.length === 2, { what: 'appended rows' });

    const ok = await server.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row: rowA, col: columns.stock, value: 9 }, { row: rowB, col: 'name', value: 'Named by column name' }] } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    await waitFor(() => readSheet(a.doc).rows[0].values[columns.stock] === 9, { timeoutMs: 1000, what: 'the API edit at the client' });
    assert.equal(readSheet(a.doc).rows[1].values[columns.name], 'Named by column name');

    const before = JSON.stringify(readSheet(a.doc));
    const badColumn = await server.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row: rowA, col: columns.stock, value: 1 }, { row: rowA, col: 'nope', value: 1 }] } });
    assert.equal(badColumn.status, 404);
    assert.equal(badColumn.body.error.code, 'not_found');
    const badRow = await server.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row: 'missing', col: columns.stock, value: 1 }] } });
    assert.equal(badRow.status, 404);
    const wrongType = await server.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row: rowA, col: columns.stock, value: 2 }, { row: rowB, col: columns.stock, value: 'seven' }] } });
    assert.equal(wrongType.status, 400);
    assert.match(wrongType.body.error.message, /stock/);
    const unknownSheet = await server.api(`/sheets/nope/cells`, { body: { updates: [{ row: rowA, col: columns.stock, value: 1 }] } });
    assert.equal(unknownSheet.status, 404);
    const malformed = await server.api(`/sheets/${sheetId}/cells`, { body: '{"updates": [' });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error.code, 'invalid_json');
    const hostile = await server.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row: "x'; DROP TABLE sheets; --", col: columns.stock, value: 1 }] } });
    assert.equal(hostile.status, 404);

    await new Promise((r) => setTimeout(r, 300));
    assert.equal(JSON.stringify(readSheet(a.doc)), before, 'a failed request changes nothing');
    const stored = await server.api(`/sheets/${sheetId}`);
    assert.deepEqual(
      stored.body.rows.map((r: { values: Record<string, unknown> }) => r.values[columns.stock]),
      [9, 7],
    );
    assert.equal((await server.api('/sheets')).status, 200, 'the sheets table survived');
  });

  test('refusals: unknown sheet closes with 4404, garbage frames with 4400, and the document is unchanged', async () => {
    const closeCode = (url: string, send?: Buffer | string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.on('open', () => send !== undefined && socket.send(send));
        socket.on('close', (code) => resolve(code));
        socket.on('error', reject);
      });
    assert.equal(await closeCode(`${server.wsUrl}/does-not-exist?token=${server.adminToken}`), 4404);
    assert.equal(await closeCode(`${server.wsUrl}/${'x'.repeat(80)}?token=${server.adminToken}`), 4404);
    const sheetId = await createSheet();
    const before = (await server.api(`/sheets/${sheetId}`)).body;
    assert.equal(await closeCode(`${server.wsUrl}/${sheetId}?token=${server.adminToken}`, Buffer.from([0, 2, 200, 1, 2, 3, 255, 255])), 4400);
    assert.equal(await closeCode(`${server.wsUrl}/${sheetId}?token=${server.adminToken}`, Buffer.from([77])), 4400);
    assert.equal(await closeCode(`${server.wsUrl}/${sheetId}?token=${server.adminToken}`, 'text frame'), 4400);
    assert.equal(await closeCode(`${server.wsUrl}/${sheetId}?token=${server.adminToken}`, Buffer.alloc(1024 * 1024 + 1)), 1009, 'over the size limit');
    assert.deepEqual((await server.api(`/sheets/${sheetId}`)).body.columns, before.columns);
    // Well-formed Yjs carrying the wrong shape (a cell that is not { v, t, by }) is refused as a whole.
    const hostile = connect(sheetId);
    await hostile.synced();
    const closed = new Promise<number>((resolve) => hostile.provider.on('connection-close', (event) => resolve(event?.code ?? 0)));
    const columns = readColumns(hostile.doc);
    const [rowId] = insertRows(hostile.doc, [{}], {}, editor('hostile'));
    await waitFor(async () => (await server.api(`/sheets/${sheetId}`)).body.rows.length === 1, { what: 'the legitimate row' });
    const cells = (hostile.doc.getMap('rows').get(rowId) as import('yjs').Map<unknown>).get('cells') as import('yjs').Map<unknown>;
    cells.set(columns[0].id, 'not a cell');
    assert.equal(await closed, 4400);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual((await server.api(`/sheets/${sheetId}`)).body.rows[0].values[columns[0].id], null);
    const observer = connect(sheetId);
    await observer.synced();
    assert.equal((observer.doc.getMap('rows').get(rowId) as import('yjs').Map<import('yjs').Map<unknown>>).get('cells')!.get(columns[0].id), undefined);

    const unauthorized = await fetch(`${server.httpUrl}/internal/sheets`);
    assert.equal(unauthorized.status, 401);
  });
});

describe('persistence across restarts', () => {
  test('SIGTERM then restart, and SIGKILL then restart, keep every committed update', async () => {
    let server = await startSyncServerProcess();
    const dataDir = server.dataDir;
    const created = await server.api('/sheets', { body: { title: 'Restart', template: 'products' } });
    const sheetId = created.body.id;
    const a = connectStockClient(server.wsUrl, sheetId);
    await a.synced();
    const columns = Object.fromEntries(readColumns(a.doc).map((c) => [c.name, c.id]));
    const rows = insertRows(a.doc, Array.from({ length: 50 }, (_, i) => ({ [columns.sku]: `S${i}`, [columns.stock]: i })), {}, editor('a'));
    applyCellUpdates(a.doc, [{ row: rows[3], col: columns.stock, adjust: -2 }], editor('a'));
    await a.savedOwnEdits();
    const expected = readSheet(a.doc);
    a.destroy();

    assert.equal(await server.stop('SIGTERM'), 0, 'a clean stop exits 0');
    server = await startSyncServerProcess({ dataDir });
    const b = connectStockClient(server.wsUrl, sheetId);
    await b.synced();
    assert.deepEqual(readSheet(b.doc), expected);
    const rest = (await server.api(`/sheets/${sheetId}`)).body;
    assert.deepEqual(rest.rows, expected.rows);
    assert.equal(rest.rows[3].values[columns.stock], 1);

    // Edits acknowledged as durable survive a SIGKILL, in the document and in the materialized tables.
    applyCellUpdates(b.doc, [{ row: rows[0], col: columns.name, value: 'after restart' }], editor('b'));
    await b.savedOwnEdits();
    const expectedAfterKill = readSheet(b.doc);
    b.destroy();
    await server.stop('SIGKILL');
    server = await startSyncServerProcess({ dataDir });
    const c = connectStockClient(server.wsUrl, sheetId);
    await c.synced();
    assert.deepEqual(readSheet(c.doc), expectedAfterKill);
    const restAfterKill = await waitFor(async () => {
      const { body } = await server.api(`/sheets/${sheetId}`);
      return body.rows[0].values[columns.name] === 'after restart' ? body : null;
    });
    assert.deepEqual(restAfterKill.rows, expectedAfterKill.rows);
    c.destroy();
    await server.stop('SIGTERM');
  });

  test('a 100,000-cell sheet loads, persists and reloads', async () => {
    let server = await startSyncServerProcess();
    const { body } = await server.api('/sheets', { body: { title: 'Big', template: 'blank' } });
    const sheetId = body.id;
    const a = connectStockClient(server.wsUrl, sheetId);
    await a.synced();
    const doc = a.doc;
    const { insertColumn } = await import('../lib/sheetDoc');
    let columns = readColumns(doc).map((c) => c.id);
    while (columns.length < 20) {
      insertColumn(doc, { name: `N${columns.length}`, type: 'number' }, undefined);
      columns = readColumns(doc).map((c) => c.id);
    }
    const started = performance.now();
    const values = Array.from({ length: 5000 }, (_, r) => Object.fromEntries(columns.map((col, c) => [col, readColumns(doc)[c].type === 'number' ? r * c : `r${r}c${c}`])));
    insertRows(doc, values, {}, editor('a'));
    await a.savedOwnEdits();
    const durableMs = performance.now() - started;
    const materialized = await waitFor(
      async () => {
        const sheet = (await server.api(`/sheets/${sheetId}`)).body;
        return sheet.rows.length === 5000 ? sheet : null;
      },
      { timeoutMs: 20_000, what: '5,000 materialized rows' },
    );
    const materializedMs = performance.now() - started;
    assert.equal(materialized.rows[4999].values[columns[19]], 4999 * 19);
    a.destroy();
    await server.stop('SIGTERM');
    const reloadStarted = performance.now();
    server = await startSyncServerProcess({ dataDir: server.dataDir });
    const b = connectStockClient(server.wsUrl, sheetId);
    await b.synced();
    const reloadMs = performance.now() - reloadStarted;
    const reloaded = readSheet(b.doc);
    assert.equal(reloaded.rows.length, 5000);
    assert.equal(reloaded.rows[1234].values[columns[7]], readColumns(b.doc)[7].type === 'number' ? 1234 * 7 : `r1234c7`);
    const fileMb = statSync(join(server.dataDir, 'cellar.duckdb')).size / 1e6;
    console.log(
      `100k cells: durable in ${durableMs.toFixed(0)} ms, materialized in ${materializedMs.toFixed(0)} ms, ` +
        `restart + sync in ${reloadMs.toFixed(0)} ms, DuckDB file ${fileMb.toFixed(1)} MB`,
    );
    b.destroy();
    await server.stop('SIGTERM');
  });
});
