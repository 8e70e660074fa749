// Regression tests for issue 8 ("nothing a client sends can corrupt, stall or drift the data"): the real
// sync server as a child process, stock y-websocket clients, and raw sockets for what no stock client sends.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIGINT, BLOB, DuckDBInstance, VARCHAR, blobValue } from '@duckdb/node-api';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { applyCellUpdates, insertColumn, insertRows, readColumns, readSheet, rowsMap, type Editor } from '../lib/sheetDoc';
import { awarenessMessage, awarenessUpdate, openRawSocket, updateMessage } from './testing/rawSocket';
import { waitForDuckDbToEqualDocument } from './testing/duckDbEqualsDocument';
import { connectStockClient, type StockClient } from './testing/stockClient';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from './testing/syncServerProcess';
import { frameUpdates } from './updateLog';

const editor = (userId: string): Editor => ({ clock: new HybridLogicalClock(), userId });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A close code, or a failure after 10 s (a socket that should have been closed but was not). */
const closedWith = <T>(closed: Promise<T>, what = 'the socket to close') =>
  Promise.race([closed, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 10_000).unref())]);


describe('the schema guard and the limits, over sockets and REST', () => {
  let server: SyncServerProcess;
  const clients: StockClient[] = [];
  const connect = (sheetId: string) => {
    const client = connectStockClient(server.wsUrl, sheetId);
    clients.push(client);
    return client;
  };
  const createSheet = async (template = 'products') => {
    const created = await server.api('/sheets', { body: { title: 'Hardening', template } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.id as string;
  };
  /** A client synced to a new sheet with one row; resolves once that row is in DuckDB. */
  const sheetWithRow = async () => {
    const sheetId = await createSheet();
    const client = connect(sheetId);
    await client.synced();
    const columns = Object.fromEntries(readColumns(client.doc).map((c) => [c.name, c.id]));
    const [row] = insertRows(client.doc, [{ [columns.sku]: 'A-1', [columns.stock]: 5 }], {}, editor('clerk'));
    await client.savedOwnEdits();
    return { sheetId, client, columns, row };
  };
  const closeCode = (client: StockClient) =>
    new Promise<number>((resolve) => client.provider.on('connection-close', (event: { code?: number } | null) => resolve(event?.code ?? 0)));

  before(async () => {
    server = await startSyncServerProcess({
      env: { CELLAR_MAX_MESSAGE_BYTES: String(2 * 1024 * 1024), CELLAR_MAX_SOCKETS_PER_SHEET: '4', CELLAR_MAX_COLUMNS: '12' },
    });
  });
  after(async () => {
    for (const client of clients) client.destroy();
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  test('column ids that differ only in case are refused (4400), and every sheet keeps persisting', async () => {
    const { sheetId, client } = await sheetWithRow();
    const other = await sheetWithRow();
    const closed = closeCode(client);
    client.doc.transact(() => {
      for (const id of ['Dup', 'dUP']) {
        const column = new Y.Map<unknown>();
        column.set('name', id);
        column.set('type', 'text');
        column.set('order', 'zz');
        client.doc.getMap('columns').set(id, column);
      }
    });
    assert.equal(await closedWith(closed), 4400);
    const edit = await server.api(`/sheets/${other.sheetId}/cells`, { body: { updates: [{ row: other.row, col: 'stock', value: 42 }] } });
    assert.equal(edit.status, 200);
    await waitFor(async () => (await server.api(`/sheets/${other.sheetId}`)).body.rows[0].values[other.columns.stock] === 42, { what: 'the other sheet in DuckDB' });
    assert.equal((await server.api('/sheets', { body: { title: 'Still works' } })).status, 201);
    await waitForDuckDbToEqualDocument(server, sheetId);
    const health = await (await fetch(`${server.httpUrl}/health`)).json();
    assert.equal(health.status, 'ok');
  });

  test('cells of the wrong shape are refused: numeric by, object v, a map or text where a cell belongs, text over 10,000 characters', async () => {
    const writes: Array<[string, (cells: Y.Map<unknown>, col: string) => void]> = [
      ['numeric by', (cells, col) => cells.set(col, { v: 'x', t: Date.now(), by: 42 })],
      ['object v', (cells, col) => cells.set(col, { v: { evil: true }, t: Date.now(), by: 'u' })],
      ['a map', (cells, col) => cells.set(col, new Y.Map())],
      ['a text', (cells, col) => cells.set(col, new Y.Text('x'))],
      ['long text', (cells, col) => cells.set(col, { v: 'x'.repeat(10_001), t: Date.now(), by: 'u' })],
      ['long by', (cells, col) => cells.set(col, { v: 'x', t: Date.now(), by: 'u'.repeat(65) })],
      ['huge number', (cells, col) => cells.set(col, { v: 1e308, t: Date.now(), by: 'u' })],
    ];
    for (const [name, write] of writes) {
      const { sheetId, client, columns, row } = await sheetWithRow();
      const closed = closeCode(client);
      write(rowsMap(client.doc).get(row)!.get('cells') as Y.Map<unknown>, columns.name);
      assert.equal(await closedWith(closed), 4400, name);
      const fresh = connect(sheetId);
      await fresh.synced();
      assert.equal((rowsMap(fresh.doc).get(row)!.get('cells') as Y.Map<unknown>).get(columns.name), undefined, `${name}: nothing applied`);
      fresh.destroy();
    }
    // REST refuses the same values.
    const { sheetId, row } = await sheetWithRow();
    const long = await server.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row, col: 'name', value: 'x'.repeat(10_001) }] } });
    assert.equal(long.status, 400);
    const huge = await server.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row, col: 'stock', adjust: 1e308 }] } });
    assert.equal(huge.status, 400);
    assert.match(huge.body.error.message, /adjust/);
    const title = await server.api('/sheets', { body: { title: 'x'.repeat(201) } });
    assert.equal(title.status, 400);
  });

  test('an update whose parent arrives later is held and checked then: a bad one is refused, a good one applied', async () => {
    const { sheetId, columns } = await sheetWithRow();
    /** Two updates from a new writer: a row (the parent), then a cell in it (the child). */
    const parentAndChild = async (cell: (cells: Y.Map<unknown>) => void) => {
      const author = connectStockClient(server.wsUrl, sheetId);
      await author.synced();
      author.provider.disconnect();
      const updates: Uint8Array[] = [];
      author.doc.on('update', (update: Uint8Array) => updates.push(update));
      const [row] = insertRows(author.doc, [{ [columns.sku]: 'parent' }], {}, editor('x'));
      cell(rowsMap(author.doc).get(row)!.get('cells') as Y.Map<unknown>);
      author.destroy();
      assert.equal(updates.length, 2);
      return { row, parent: updates[0], child: updates[1] };
    };
    const good = await parentAndChild((cells) => cells.set(columns.name, { v: 'child', t: Date.now(), by: 'x' }));
    const bad = await parentAndChild((cells) => cells.set(columns.name, { v: { evil: 1 }, t: Date.now(), by: 'x' }));

    const goodSocket = await openRawSocket(server.wsUrl, sheetId);
    goodSocket.send(updateMessage(good.child));
    const badSocket = await openRawSocket(server.wsUrl, sheetId);
    badSocket.send(updateMessage(bad.child));
    await pause(300);
    const observer = connect(sheetId);
    await observer.synced();
    assert.equal(readSheet(observer.doc).rows.length, 1, 'nothing held is applied');
    goodSocket.send(updateMessage(good.parent));
    await waitFor(() => readSheet(observer.doc).rows.some((r) => r.values[columns.name] === 'child'), { what: 'the held child to apply with its parent' });
    badSocket.send(updateMessage(bad.parent));
    assert.equal(await closedWith(badSocket.closed), 4400, 'the held cell is checked once its row arrives, and refused');
    await waitFor(() => rowsMap(observer.doc).has(bad.row), { what: 'the bad row itself (a valid parent)' });
    assert.equal((rowsMap(observer.doc).get(bad.row)!.get('cells') as Y.Map<unknown>).get(columns.name), undefined, 'the hostile cell never reached a client');
    assert.equal(goodSocket.socket.readyState, goodSocket.socket.OPEN);
    goodSocket.socket.close();
    await waitForDuckDbToEqualDocument(server, sheetId);
  });

  test('rows and columns removed outright leave DuckDB too', async () => {
    const { sheetId, client, columns } = await sheetWithRow();
    const [second, third] = insertRows(client.doc, [{ [columns.sku]: 'B' }, { [columns.sku]: 'C' }], {}, editor('clerk'));
    await client.savedOwnEdits();
    await waitFor(async () => (await server.api(`/sheets/${sheetId}`)).body.rows.length === 3, { what: 'three rows in DuckDB' });
    rowsMap(client.doc).delete(second);
    await client.savedOwnEdits();
    await waitFor(async () => (await server.api(`/sheets/${sheetId}`)).body.rows.length === 2, { what: 'the removed row to leave DuckDB' });
    // Apart from the row: a column change rebuilds the table, which would hide a row removal in the same flush.
    client.doc.getMap('columns').delete(columns.brand);
    await client.savedOwnEdits();
    await waitFor(async () => !(await server.api(`/sheets/${sheetId}`)).body.columns.some((c: { id: string }) => c.id === columns.brand), { what: 'the removed column to leave DuckDB' });
    const sheet = (await server.api(`/sheets/${sheetId}`)).body;
    assert.deepEqual(
      sheet.rows.map((r: { id: string }) => r.id).includes(third),
      true,
    );
    assert.equal(sheet.columns.some((c: { id: string }) => c.id === columns.brand), false);
    const lowStock = await server.api('/insights/low-stock');
    assert.equal(lowStock.status, 200);
    assert.equal(lowStock.body.rows.some((r: { sku: string }) => r.sku === 'B'), false);
    await waitForDuckDbToEqualDocument(server, sheetId);
  });

  test('a cell or adjustment stamped far in the future counts as stamped now: a later real edit wins', async () => {
    const { sheetId, client, columns, row } = await sheetWithRow();
    const cells = rowsMap(client.doc).get(row)!.get('cells') as Y.Map<unknown>;
    cells.set(columns.name, { v: 'from the future', t: 1e300, by: 'mallory' });
    client.doc.getArray('adjustments').push([{ row, col: columns.stock, d: 100, t: 1e300, by: 'mallory', id: 'future1' }]);
    await client.savedOwnEdits();
    await waitFor(() => ((cells.get(columns.name) as { t: number }).t < 1e300 ? true : null), { what: 'the server to clamp the time' });
    await pause(5);
    const edit = await server.api(`/sheets/${sheetId}/cells`, {
      body: { updates: [{ row, col: 'name', value: 'real edit' }, { row, col: 'stock', value: 7 }] },
    });
    assert.equal(edit.status, 200);
    await waitFor(async () => {
      const values = (await server.api(`/sheets/${sheetId}`)).body.rows[0].values;
      return values[columns.name] === 'real edit' && values[columns.stock] === 7;
    }, { what: 'the real edit to win in DuckDB' });
    await waitFor(() => readSheet(client.doc).rows[0].values[columns.name] === 'real edit', { what: 'the real edit at the client' });
    await waitForDuckDbToEqualDocument(server, sheetId);
  });

  test('column names over 200 characters and columns past the sheet limit are refused', async () => {
    const long = await sheetWithRow();
    let closed = closeCode(long.client);
    insertColumn(long.client.doc, { name: 'n'.repeat(201), type: 'text' }, undefined);
    assert.equal(await closedWith(closed), 4400);
    const many = await sheetWithRow();
    insertColumn(many.client.doc, { name: 'eleven', type: 'text' }, undefined);
    insertColumn(many.client.doc, { name: 'twelve', type: 'text' }, undefined);
    await many.client.savedOwnEdits();
    closed = closeCode(many.client);
    insertColumn(many.client.doc, { name: 'thirteen', type: 'text' }, undefined);
    assert.equal(await closedWith(closed), 4400, 'the 13th column is over CELLAR_MAX_COLUMNS=12');
    await waitForDuckDbToEqualDocument(server, many.sheetId);
  });

  test('awareness: a state over 64 KiB closes with 1009; a flood is cut to the rate limit; a socket speaks for few client ids', async () => {
    const { sheetId } = await sheetWithRow();
    const peer = await openRawSocket(server.wsUrl, sheetId);
    const big = await openRawSocket(server.wsUrl, sheetId);
    big.send(awarenessMessage(awarenessUpdate(7, 1, { junk: 'x'.repeat(70 * 1024) })));
    assert.equal(await closedWith(big.closed), 1009);
    const flood = await openRawSocket(server.wsUrl, sheetId);
    await pause(200);
    let before = peer.received.length;
    for (let clock = 1; clock <= 200; clock++) flood.send(awarenessMessage(awarenessUpdate(8, clock, { cursor: clock })));
    await pause(500);
    const relayed = peer.received.length - before;
    assert.ok(relayed <= 30, `at most about 20 awareness updates relayed, got ${relayed}`);
    assert.ok(relayed >= 1, 'awareness within the limits is relayed');
    assert.equal(flood.socket.readyState, flood.socket.OPEN, 'excess awareness is dropped, not fatal');
    const many = await openRawSocket(server.wsUrl, sheetId);
    await pause(200);
    before = peer.received.length;
    for (let id = 100; id < 110; id++) many.send(awarenessMessage(awarenessUpdate(id, 1, { cursor: id })));
    await pause(300);
    assert.equal(peer.received.length - before, 4, 'a socket speaks for at most 4 client ids');
    many.socket.close();
    for (const s of [peer, flood]) s.socket.close();
  });

  test('sockets past the per-sheet limit are refused with 1013, and count until they close', async () => {
    const sheetId = await createSheet();
    const sockets = [];
    for (let i = 0; i < 4; i++) sockets.push(await openRawSocket(server.wsUrl, sheetId)); // idle, never syncing
    const extra = await openRawSocket(server.wsUrl, sheetId);
    assert.equal(await closedWith(extra.closed), 1013);
    sockets[0].socket.close();
    await closedWith(sockets[0].closed);
    await pause(100);
    const again = await openRawSocket(server.wsUrl, sheetId);
    await pause(200);
    assert.equal(again.socket.readyState, again.socket.OPEN, 'a place freed by a close is taken again');
    for (const s of [...sockets, again]) s.socket.close();
  });

  test('messages over the size limit close with 1009 and change nothing', async () => {
    const { sheetId, client, columns, row } = await sheetWithRow();
    const closed = closeCode(client);
    applyCellUpdates(client.doc, [{ row, col: columns.name, value: 'y'.repeat(10_000) }], editor('clerk'));
    // Many cells at once: one update over CELLAR_MAX_MESSAGE_BYTES (2 MiB).
    insertRows(client.doc, Array.from({ length: 400 }, () => ({ [columns.name]: 'z'.repeat(9_000) })), {}, editor('clerk'));
    assert.equal(await closedWith(closed), 1009);
    await pause(300);
    const stored = (await server.api(`/sheets/${sheetId}`)).body;
    assert.ok(stored.rows.length <= 1, 'the oversized update was not applied');
  });
});

describe('isolation: one sheet that cannot be materialized', () => {
  test('is logged, retried and reported on /health, and never blocks other sheets, a shutdown or a restart; a poisoned stored document is repaired on load', async () => {
    let server = await startSyncServerProcess();
    const dataDir = server.dataDir;
    const create = async (title: string) => (await server.api('/sheets', { body: { title, template: 'products' } })).body.id as string;
    const [poisoned, broken, healthy] = [await create('Poisoned'), await create('Broken'), await create('Healthy')];
    const client = connectStockClient(server.wsUrl, poisoned);
    await client.synced();
    const columns = Object.fromEntries(readColumns(client.doc).map((c) => [c.name, c.id]));
    const [row] = insertRows(client.doc, [{ [columns.sku]: 'KEEP', [columns.stock]: 3 }], {}, editor('clerk'));
    await client.savedOwnEdits();
    // A poisoned update as a server without the complete guard would have stored it: case-duplicate column
    // ids, a cell with a numeric `by`, a time from the future, next to a good edit in the same update.
    const poison = new Y.Doc();
    Y.applyUpdate(poison, Y.encodeStateAsUpdate(client.doc));
    const vector = Y.encodeStateVector(poison);
    poison.transact(() => {
      for (const id of ['Dup', 'dUP']) {
        const column = new Y.Map<unknown>();
        column.set('name', id);
        column.set('type', 'text');
        column.set('order', 'zz');
        poison.getMap('columns').set(id, column);
      }
      const cells = rowsMap(poison).get(row)!.get('cells') as Y.Map<unknown>;
      cells.set(columns.brand, { v: 'bad', t: Date.now(), by: 42 });
      cells.set(columns.family, { v: 'future', t: 1e300, by: 'mallory' });
      cells.set(columns.name, { v: 'good edit', t: Date.now(), by: 'clerk' });
    });
    const poisonUpdate = Y.encodeStateAsUpdate(poison, vector);
    client.destroy();
    assert.equal(await server.stop('SIGTERM'), 0);

    {
      const instance = await DuckDBInstance.create(join(dataDir, 'cellar.duckdb'));
      const c = await instance.connect();
      const last = await c.runAndReadAll(
        'SELECT max(seq) FROM (SELECT seq FROM doc_updates WHERE sheet_id = $s UNION ALL SELECT upto_seq FROM doc_snapshots WHERE sheet_id = $s)',
        { s: poisoned },
      );
      const seq = BigInt(Number(last.getRows()[0][0] ?? 0) + 1);
      await c.run('INSERT INTO doc_updates VALUES ($s, $seq, $data)', { s: poisoned, seq, data: blobValue(frameUpdates([poisonUpdate])) }, { s: VARCHAR, seq: BIGINT, data: BLOB });
      // The broken sheet: something in DuckDB is in the way of its view (a table where the view belongs),
      // and it lags the log, so start-up rebuilds it.
      await c.run(`DROP VIEW "sheet_${broken}"`);
      await c.run(`CREATE TABLE "sheet_${broken}" (x INTEGER)`);
      await c.run('UPDATE sheets SET materialized_seq = -1 WHERE id = $s', { s: broken });
      c.closeSync();
      instance.closeSync();
    }

    server = await startSyncServerProcess({ dataDir });
    const health = await waitFor(async () => {
      const body = await (await fetch(`${server.httpUrl}/health`)).json();
      return body.status === 'degraded' ? body : null;
    }, { what: '/health to report the broken sheet' });
    assert.deepEqual(health.sheets.map((s: { sheetId: string }) => s.sheetId), [broken]);
    assert.match(server.output(), new RegExp(`"sheetId":"${broken}".*materializing the sheet failed`));
    const failures = health.sheets[0].failures;
    await waitFor(async () => (await (await fetch(`${server.httpUrl}/health`)).json()).sheets?.[0]?.failures > failures, { what: 'a retry' });

    // The poisoned document was repaired on load: the bad items are gone, the good edit is kept.
    const fresh = connectStockClient(server.wsUrl, poisoned);
    await fresh.synced();
    const ids = [...fresh.doc.getMap('columns').keys()];
    assert.equal(ids.filter((id) => id.toLowerCase() === 'dup').length, 1, 'one of the case-duplicate columns is removed');
    const cells = rowsMap(fresh.doc).get(row)!.get('cells') as Y.Map<{ v: unknown; t: number }>;
    assert.equal(cells.get(columns.brand), undefined, 'the cell with a numeric by is removed');
    assert.equal(cells.get(columns.name)?.v, 'good edit');
    assert.ok(cells.get(columns.family)!.t < 1e300, 'the time from the future is clamped');
    assert.equal(readSheet(fresh.doc).rows[0].values[columns.stock], 3);
    fresh.destroy();
    await waitForDuckDbToEqualDocument(server, poisoned);

    // Every other sheet keeps flowing, creating sheets works, and the server stops cleanly.
    const healthyClient = connectStockClient(server.wsUrl, healthy);
    await healthyClient.synced();
    const hc = Object.fromEntries(readColumns(healthyClient.doc).map((c) => [c.name, c.id]));
    insertRows(healthyClient.doc, [{ [hc.sku]: 'H' }], {}, editor('clerk'));
    await healthyClient.savedOwnEdits();
    healthyClient.destroy();
    await waitForDuckDbToEqualDocument(server, healthy);
    assert.equal((await server.api('/sheets', { body: { title: 'New' } })).status, 201);
    assert.equal(await server.stop('SIGTERM'), 0, 'a failing sheet does not block shutdown');

    server = await startSyncServerProcess({ dataDir });
    await waitForDuckDbToEqualDocument(server, poisoned);
    await waitForDuckDbToEqualDocument(server, healthy);
    assert.equal(await server.stop('SIGTERM'), 0);
  });
});

describe('the per-sheet cell and row caps, the same on every path', () => {
  let server: SyncServerProcess;
  before(async () => {
    server = await startSyncServerProcess({ env: { CELLAR_MAX_SHEET_CELLS: '40', CELLAR_MAX_SHEET_ROWS: '14' } });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  test('imports, REST rows and cells, and socket updates that would pass them are refused and write nothing; edits of existing cells go on', async () => {
    const sheetId = (await server.api('/sheets', { body: { title: 'Capped', template: 'products' } })).body.id as string;
    const importCsv = async (csv: string) => {
      const response = await fetch(`${server.httpUrl}/internal/sheets/${sheetId}/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.secret}`, 'x-cellar-auth': `Bearer ${server.adminToken}`, 'content-type': 'text/csv' },
        body: csv,
      });
      return { status: response.status, body: await response.json() };
    };
    const csv = (rows: number, from: number) => ['sku,name,stock', ...Array.from({ length: rows }, (_, i) => `S-${from + i},n,${i}`)].join('\n');
    assert.equal((await importCsv(csv(10, 0))).status, 201, '30 cells');
    const over = await importCsv(csv(4, 10));
    assert.equal(over.status, 413);
    assert.equal(over.body.error.code, 'sheet_full');
    assert.match(over.body.error.message, /at most 40 cells; this one has 30 and this would add 12/);
    const rows = await server.api(`/sheets/${sheetId}/rows`, { body: { rows: [{ sku: 'R-1', name: 'r', stock: 1, price: 2 }, { sku: 'R-2', name: 'r', stock: 1, price: 2 }, { sku: 'R-3', name: 'r', stock: 1 }] } });
    assert.equal(rows.status, 413, '11 more cells');
    assert.equal(rows.body.error.code, 'sheet_full');
    assert.equal((await server.api(`/sheets/${sheetId}/rows`, { body: { rows: [{ sku: 'R-1', name: 'r', stock: 1, price: 2 }, { sku: 'R-2', name: 'r', stock: 1, price: 2 }] } })).status, 201, 'exactly 38');

    const client = connectStockClient(server.wsUrl, sheetId);
    await client.synced();
    const columns = Object.fromEntries(readColumns(client.doc).map((c) => [c.name, c.id]));
    const [first] = readSheet(client.doc).rows;
    const newCells = await server.api(`/sheets/${sheetId}/cells`, {
      body: { updates: [{ row: first.id, col: 'brand', value: 'b' }, { row: first.id, col: 'family', value: 'f' }, { row: first.id, col: 'category', value: 'c' }] },
    });
    assert.equal(newCells.status, 413, 'three new cells where two are left');
    const unknownRow = await server.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row: 'no-such-row', col: 'brand', value: 'b' }, { row: first.id, col: 'family', value: 'f' }, { row: first.id, col: 'category', value: 'c' }] } });
    assert.equal(unknownRow.status, 404, 'an unknown row is reported as such, not as a full sheet');
    const edits = await server.api(`/sheets/${sheetId}/cells`, {
      body: { updates: [{ row: first.id, col: 'stock', value: 99 }, { row: first.id, col: 'brand', value: 'b' }] },
    });
    assert.equal(edits.status, 200, 'an overwrite and one new cell (the 39th)');
    assert.equal((await server.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row: first.id, col: 'stock', adjust: 1 }] } })).status, 200, 'an adjustment adds no cell');

    // A socket's update with two new cells (the 40th and 41st) closes it with 4413 (sheet full) and applies nothing.
    await waitFor(() => (readSheet(client.doc).rows[0].values[columns.brand] === 'b' ? true : null), { what: 'the REST edit at the client' });
    const closed = new Promise<number>((resolve) => client.provider.on('connection-close', (event: { code?: number } | null) => resolve(event?.code ?? 0)));
    applyCellUpdates(client.doc, [{ row: first.id, col: columns.family, value: 'f' }, { row: first.id, col: columns.category, value: 'c' }], editor('clerk'));
    assert.equal(await closedWith(closed), 4413);
    client.destroy();
    const fresh = connectStockClient(server.wsUrl, sheetId);
    await fresh.synced();
    const values = readSheet(fresh.doc).rows[0].values;
    assert.equal((rowsMap(fresh.doc).get(first.id)!.get('cells') as Y.Map<unknown>).has(columns.family), false, 'nothing of the refused update applied');
    assert.equal(values[columns.stock], 100);
    applyCellUpdates(fresh.doc, [{ row: first.id, col: columns.category, value: 'c' }, { row: first.id, col: columns.name, value: 'renamed' }], editor('clerk'));
    await fresh.savedOwnEdits();
    await waitForDuckDbToEqualDocument(server, sheetId);
    let sheet = (await server.api(`/sheets/${sheetId}`)).body;
    assert.equal(sheet.rows.length, 12);
    assert.equal(sheet.rows[0].values[columns.category], 'c', 'the 40th cell went in over the socket');

    // Rows count too, with or without cells: 12 of 14.
    const emptyRows = await server.api(`/sheets/${sheetId}/rows`, { body: { rows: [{}, {}, {}] } });
    assert.equal(emptyRows.status, 413);
    assert.match(emptyRows.body.error.message, /at most 14 rows; this one has 12 and this would add 3/);
    const rowsClosed = new Promise<number>((resolve) => fresh.provider.on('connection-close', (event: { code?: number } | null) => resolve(event?.code ?? 0)));
    insertRows(fresh.doc, [{}, {}, {}], {}, editor('clerk'));
    assert.equal(await closedWith(rowsClosed), 4413);
    fresh.destroy();
    assert.equal((await server.api(`/sheets/${sheetId}/rows`, { body: { rows: [{}, {}] } })).status, 201, 'rows 13 and 14');
    await waitForDuckDbToEqualDocument(server, sheetId);
    sheet = (await server.api(`/sheets/${sheetId}`)).body;
    assert.equal(sheet.rows.length, 14);
  });
});
