// Integration: Redis restarted (append-only file on) under a cluster of one persister and two relays.
// No acknowledged edit is lost, and the relays resynchronize their rooms by themselves.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HybridLogicalClock } from '../../lib/hlc';
import { insertRows, readColumns, readRowOrder } from '../../lib/sheetDoc';
import { startRedis, type RedisProcess } from '../testing/redisProcess';
import { connectStockClient, type StockClient } from '../testing/stockClient';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from '../testing/syncServerProcess';

let redis: RedisProcess;
let persister: SyncServerProcess;
const relays: SyncServerProcess[] = [];
const clients: StockClient[] = [];

before(async () => {
  redis = await startRedis({ appendOnly: true });
  const env = { REDIS_URL: redis.url, LOG_LEVEL: 'warn' };
  persister = await startSyncServerProcess({ env: { ...env, CELLAR_ROLE: 'persister' } });
  for (let i = 0; i < 2; i++) {
    relays.push(await startSyncServerProcess({ env: { ...env, CELLAR_ROLE: 'relay', SYNC_INTERNAL_URL: persister.httpUrl, CELLAR_SECRET: persister.secret } }));
  }
});

after(async () => {
  for (const c of clients) c.destroy();
  for (const relay of relays) await relay.stop('SIGKILL');
  await persister?.stop('SIGKILL');
  await redis?.stop();
});

test('Redis restarted with AOF: acknowledged edits survive, edits made meanwhile arrive, relays resync by themselves', async () => {
  const created = await persister.api('/sheets', { body: { title: 'Redis restart', template: 'products' } });
  const sheetId = created.body.id as string;
  const a = connectStockClient(relays[0].wsUrl, sheetId);
  const b = connectStockClient(relays[1].wsUrl, sheetId);
  clients.push(a, b);
  await Promise.all([a.synced(), b.synced()]);
  await waitFor(() => readColumns(a.doc).length === 10, { what: 'columns' });
  const sku = readColumns(a.doc).find((c) => c.name === 'sku')!.id;
  const editor = { clock: new HybridLogicalClock(), userId: 'a' };
  insertRows(a.doc, Array.from({ length: 50 }, (_, i) => ({ [sku]: `before-${i}` })), {}, editor);
  await a.savedOwnEdits();

  await redis.stop('SIGTERM');
  // Written while Redis is down: each relay holds its client's edits and sends them once Redis is back.
  insertRows(a.doc, Array.from({ length: 25 }, (_, i) => ({ [sku]: `during-a-${i}` })), {}, editor);
  insertRows(b.doc, Array.from({ length: 25 }, (_, i) => ({ [sku]: `during-b-${i}` })), {}, { clock: new HybridLogicalClock(), userId: 'b' });
  await new Promise((r) => setTimeout(r, 500));
  redis = await redis.restart();

  await waitFor(() => readRowOrder(a.doc).length === 100 && readRowOrder(b.doc).length === 100, { timeoutMs: 15_000, what: 'both relays to converge after the restart' });
  await waitFor(async () => (await persister.api(`/sheets/${sheetId}`)).body.rows?.length === 100, { timeoutMs: 15_000, what: 'every row in DuckDB' });
  await Promise.all([a.savedOwnEdits(), b.savedOwnEdits()]);
  const values = new Set(((await persister.api(`/sheets/${sheetId}`)).body.rows as Array<{ values: Record<string, unknown> }>).map((r) => r.values[sku]));
  for (let i = 0; i < 50; i++) assert.ok(values.has(`before-${i}`), `acknowledged row before-${i} kept`);
});
