// Integration: cluster mode with a real redis-server, one persister and three relays (child processes,
// real DuckDB file, stock y-websocket clients). Faults are real kill -9s.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HybridLogicalClock } from '../../lib/hlc';
import { insertRows, readColumns, readRowOrder, readSheet } from '../../lib/sheetDoc';
import { startRedis, type RedisProcess } from '../testing/redisProcess';
import { connectStockClient, type StockClient } from '../testing/stockClient';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from '../testing/syncServerProcess';

const editor = (userId: string) => ({ clock: new HybridLogicalClock(), userId });

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => join(dir, name));
}

describe('cluster mode: three relays and a persister over Redis streams', () => {
  let redis: RedisProcess;
  let persister: SyncServerProcess;
  const relays: SyncServerProcess[] = [];
  const clients: StockClient[] = [];
  const cluster = () => ({ REDIS_URL: redis.url, LOG_LEVEL: 'warn' });
  const startPersister = (options: { dataDir?: string; port?: number } = {}) => startSyncServerProcess({ ...options, env: { ...cluster(), CELLAR_ROLE: 'persister' } });
  const client = (url: string | string[], sheetId: string) => {
    const c = connectStockClient(url, sheetId);
    clients.push(c);
    return c;
  };
  const materializedRows = async (sheetId: string) => {
    const response = await persister.api(`/sheets/${sheetId}`);
    return response.status === 200 ? (response.body.rows as unknown[]).length : -1;
  };

  before(async () => {
    redis = await startRedis();
    persister = await startPersister();
    for (let i = 0; i < 3; i++) {
      relays.push(await startSyncServerProcess({ env: { ...cluster(), CELLAR_ROLE: 'relay', SYNC_INTERNAL_URL: persister.httpUrl, CELLAR_SECRET: persister.secret } }));
    }
  });

  after(async () => {
    for (const c of clients) c.destroy();
    for (const relay of relays) await relay.stop('SIGKILL');
    await persister?.stop('SIGKILL');
    await redis?.stop();
  });

  test('clients on relays 1 and 3 converge and see each other’s presence; a REST edit reaches both; saves are acknowledged', async () => {
    const created = await persister.api('/sheets', { body: { title: 'Cluster', template: 'products' } });
    assert.equal(created.status, 201);
    const sheetId = created.body.id as string;
    const a = client(relays[0].wsUrl, sheetId);
    const b = client(relays[2].wsUrl, sheetId);
    await Promise.all([a.synced(), b.synced()]);
    await waitFor(() => readColumns(a.doc).length === 10 && readColumns(b.doc).length === 10, { what: 'the template columns on both relays' });

    const sku = readColumns(a.doc).find((c) => c.name === 'sku')!.id;
    const [rowId] = insertRows(a.doc, [{ [sku]: 'FROM-RELAY-1' }], {}, editor('a'));
    await waitFor(() => readSheet(b.doc).rows.find((r) => r.id === rowId)?.values[sku] === 'FROM-RELAY-1', { timeoutMs: 1000, what: 'relay 1’s edit on relay 3' });

    a.provider.awareness.setLocalStateField('user', { name: 'Ada' });
    b.provider.awareness.setLocalStateField('user', { name: 'Bo' });
    await waitFor(() => (b.provider.awareness.getStates().get(a.doc.clientID) as { user?: { name: string } } | undefined)?.user?.name === 'Ada', {
      timeoutMs: 1000,
      what: 'presence from relay 1 on relay 3',
    });
    await waitFor(() => (a.provider.awareness.getStates().get(b.doc.clientID) as { user?: { name: string } } | undefined)?.user?.name === 'Bo', {
      timeoutMs: 1000,
      what: 'presence from relay 3 on relay 1',
    });

    // The web app edits what DuckDB shows: wait until the persister holds the row.
    await a.savedOwnEdits();
    const rest = await persister.api(`/sheets/${sheetId}/cells`, { body: { updates: [{ row: rowId, col: sku, value: 'FROM-REST' }] } });
    assert.equal(rest.status, 200, JSON.stringify(rest.body));
    await waitFor(() => [a, b].every((c) => readSheet(c.doc).rows.find((r) => r.id === rowId)?.values[sku] === 'FROM-REST'), { what: 'the REST edit on both relays' });

    await a.savedOwnEdits();
    await waitFor(async () => (await persister.api(`/sheets/${sheetId}`)).body.rows?.[0]?.values?.[sku] === 'FROM-REST', { what: 'DuckDB to hold the REST edit' });
  });

  test('kill -9 relay 1 while its client writes: the client moves to relay 2 and every row reaches DuckDB', async () => {
    const created = await persister.api('/sheets', { body: { title: 'Relay crash', template: 'products' } });
    const sheetId = created.body.id as string;
    const writer = client([relays[0].wsUrl, relays[1].wsUrl], sheetId);
    const watcher = client(relays[2].wsUrl, sheetId);
    await Promise.all([writer.synced(), watcher.synced()]);
    await waitFor(() => readColumns(writer.doc).length === 10, { what: 'columns' });
    const sku = readColumns(writer.doc).find((c) => c.name === 'sku')!.id;
    const e = editor('writer');
    for (let i = 0; i < 200; i++) {
      insertRows(writer.doc, [{ [sku]: `R${i}` }], {}, e);
      if (i === 80) await relays[0].stop('SIGKILL');
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => writer.provider.wsconnected && writer.provider.serverUrl === relays[1].wsUrl, { timeoutMs: 10_000, what: 'the writer on relay 2' });
    await writer.savedOwnEdits();
    await waitFor(() => readRowOrder(watcher.doc).length === 200, { timeoutMs: 10_000, what: 'every row on relay 3' });
    await waitFor(async () => (await materializedRows(sheetId)) === 200, { timeoutMs: 10_000, what: 'every row in DuckDB' });
  });

  test('kill -9 the persister while clients on relays 2 and 3 write 500 rows each: they keep syncing, and after its restart all 1,000 rows are in DuckDB', async () => {
    const created = await persister.api('/sheets', { body: { title: 'Persister crash', template: 'products' } });
    const sheetId = created.body.id as string;
    const c2 = client(relays[1].wsUrl, sheetId);
    const c3 = client(relays[2].wsUrl, sheetId);
    await Promise.all([c2.synced(), c3.synced()]);
    await waitFor(() => readColumns(c2.doc).length === 10 && readColumns(c3.doc).length === 10, { what: 'columns' });
    const sku = readColumns(c2.doc).find((c) => c.name === 'sku')!.id;
    const write = async (c: StockClient, name: string) => {
      const e = editor(name);
      for (let i = 0; i < 500; i += 10) {
        insertRows(c.doc, Array.from({ length: 10 }, (_, k) => ({ [sku]: `${name}-${i + k}` })), {}, e);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const writing = Promise.all([write(c2, 'two'), write(c3, 'three')]);
    await waitFor(() => readRowOrder(c2.doc).length >= 200, { timeoutMs: 10_000, what: 'writing under way' });
    const { dataDir, port } = persister;
    await persister.stop('SIGKILL');
    await writing;
    await waitFor(() => readRowOrder(c2.doc).length === 1000 && readRowOrder(c3.doc).length === 1000, { timeoutMs: 10_000, what: 'each other’s rows without a persister' });

    persister = await startPersister({ dataDir, port });
    await waitFor(async () => (await materializedRows(sheetId)) === 1000, { timeoutMs: 20_000, what: 'all 1,000 rows in DuckDB after the restart' });
    await Promise.all([c2.savedOwnEdits(), c3.savedOwnEdits()]);
  });

  test('a relay admits an API token the persister knows, refuses a bad one, and closes the socket when the token is revoked', async () => {
    const created = await persister.api('/sheets', { body: { title: 'Tokens', template: 'products' } });
    const sheetId = created.body.id as string;
    const issued = await persister.api('/tokens', { body: { name: 'script', role: 'editor' } });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const scripted = client(relays[1].wsUrl, sheetId);
    scripted.provider.disconnect();
    scripted.provider.params = { token: issued.body.token };
    const closed = new Promise<number>((resolve) => scripted.provider.on('connection-close', (event) => event && event.code >= 4000 && resolve(event.code)));
    scripted.provider.connect();
    await scripted.synced();

    const stranger = connectStockClient(relays[1].wsUrl, sheetId, { token: 'not-a-token' });
    clients.push(stranger);
    const refused = await new Promise<number>((resolve) => stranger.provider.on('connection-close', (event) => resolve(event?.code ?? 0)));
    assert.equal(refused, 4401);

    const revoked = await persister.api(`/tokens/${issued.body.id}`, { method: 'DELETE' });
    assert.ok(revoked.status < 300, JSON.stringify(revoked.body));
    assert.equal(await closed, 4401);
  });

  test('no relay creates a DuckDB file', () => {
    for (const relay of relays) {
      const found = files(relay.dataDir).filter((f) => /duckdb|\.wal$/i.test(f));
      assert.deepEqual(found, [], `relay data dir ${relay.dataDir}`);
    }
    assert.ok(files(persister.dataDir).some((f) => f.endsWith('cellar.duckdb')), 'the persister owns the DuckDB file');
  });
});
