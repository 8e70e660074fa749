// Cluster mode benchmarks (a real redis-server, a persister and relays as child processes):
// - relay latency: two clients on different relays against the bare @y/websocket-server relay with both on it;
// - persister throughput: single-cell edits added to a sheet's stream as relays add them, until the
//   persister has acknowledged every entry (XACK comes after its DuckDB commit);
// - failover: a relay killed outright → its client synced on another relay;
// - what one relay carries: its memory with many sockets open.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { encodeSyncStep1 } from '../lib/protocol';
import { insertRows, readColumns, readRowOrder, setCell } from '../lib/sheetDoc';
import { PERSISTER_GROUP, STREAMS_CHANNEL, STREAMS_SET, updatesKey } from '../sync-server/cluster/streamKeys';
import { startRedis, type RedisProcess } from '../sync-server/testing/redisProcess';
import { connectStockClient } from '../sync-server/testing/stockClient';
import { freePort, startSyncServerProcess, TEST_ADMIN_TOKEN, waitFor, type SyncServerProcess } from '../sync-server/testing/syncServerProcess';
import { runWorkload } from './relayLatency';
import { fmt, median, percentile } from './stats';

export interface ClusterReport {
  latency: Array<{ server: 'bare' | 'cluster'; samples: number; p50: number; p99: number }>;
  persister: { edits: number; seconds: number; editsPerSecond: number };
  failoverMs: number[];
  relayMemory: { sockets: number; rooms: number; rssMb: number; idleRssMb: number };
}

interface Cluster {
  redis: RedisProcess;
  persister: SyncServerProcess;
  relays: SyncServerProcess[];
  stop(): Promise<void>;
}

async function startCluster(relayCount: number): Promise<Cluster> {
  const redis = await startRedis();
  const env = { REDIS_URL: redis.url, LOG_LEVEL: 'warn' };
  const persister = await startSyncServerProcess({ env: { ...env, CELLAR_ROLE: 'persister' } });
  const relays: SyncServerProcess[] = [];
  for (let i = 0; i < relayCount; i++) relays.push(await startRelay(redis, persister));
  return {
    redis,
    persister,
    relays,
    async stop() {
      for (const relay of relays) await relay.stop('SIGKILL');
      await persister.stop('SIGTERM');
      await redis.stop();
    },
  };
}

function startRelay(redis: RedisProcess, persister: SyncServerProcess, port?: number) {
  return startSyncServerProcess({ port, env: { REDIS_URL: redis.url, LOG_LEVEL: 'warn', CELLAR_ROLE: 'relay', SYNC_INTERNAL_URL: persister.httpUrl, CELLAR_SECRET: persister.secret } });
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

async function latencyRounds(rounds: number, seconds: number) {
  const results: ClusterReport['latency'] = [];
  const options = { clients: 2, ratePerClient: 50, seconds };
  for (let round = 0; round < rounds; round++) {
    const port = await freePort();
    const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bareRelayServer.ts', String(port)], { stdio: 'ignore' });
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`)).ok, { timeoutMs: 20_000, what: 'bare relay' });
    const b = await runWorkload(`ws://127.0.0.1:${port}`, `bench-${round}`, { ...options, initialize: true });
    bare.kill('SIGTERM');
    results.push({ server: 'bare', samples: b.latencies.length, p50: median(b.latencies), p99: percentile(b.latencies, 99) });

    const cluster = await startCluster(2);
    const created = await cluster.persister.api('/sheets', { body: { title: 'bench', template: 'products' } });
    const c = await runWorkload(
      cluster.relays.map((r) => r.wsUrl),
      created.body.id,
      { ...options, initialize: false },
    );
    await cluster.stop();
    results.push({ server: 'cluster', samples: c.latencies.length, p50: median(c.latencies), p99: percentile(c.latencies, 99) });
  }
  return results;
}

async function persisterThroughput(edits: number): Promise<ClusterReport['persister']> {
  const cluster = await startCluster(0);
  const redis = new Redis(cluster.redis.url);
  try {
    const created = await cluster.persister.api('/sheets', { body: { title: 'throughput', template: 'products' } });
    const sheetId = created.body.id as string;
    const response = await fetch(`${cluster.persister.httpUrl}/internal/sheets/${sheetId}/document`, { headers: { authorization: `Bearer ${cluster.persister.secret}` } });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
    const editor = { clock: new HybridLogicalClock(), userId: 'bench' };
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    const columns = readColumns(doc).filter((c) => c.type === 'number').map((c) => c.id);
    insertRows(doc, Array.from({ length: 1000 }, () => ({})), {}, editor);
    const rows = readRowOrder(doc).map((r) => r.id);
    for (let i = 0; i < edits; i++) setCell(doc, rows[i % rows.length], columns[i % columns.length], i, editor);
    await redis.sadd(STREAMS_SET, sheetId);
    await redis.publish(STREAMS_CHANNEL, sheetId);
    const key = updatesKey(sheetId);
    const started = performance.now();
    for (let i = 0; i < updates.length; i += 1000) {
      const pipeline = redis.pipeline();
      for (const update of updates.slice(i, i + 1000)) pipeline.xadd(key, '*', 'u', Buffer.from(update), 'r', 'bench');
      await pipeline.exec();
    }
        await waitFor(
      async () => {
        const groups = (await redis.xinfo('GROUPS', key)) as unknown[][];
        const group = groups.map((g) => Object.fromEntries(Array.from({ length: g.length / 2 }, (_, k) => [g[2 * k], g[2 * k + 1]]))).find((g) => g.name === PERSISTER_GROUP);
        return group && Number(group.pending) === 0 && Number(group.lag) === 0;
      },
      { timeoutMs: 300_000, intervalMs: 20, what: 'every entry acknowledged' },
    );
    const seconds = (performance.now() - started) / 1000;
    return { edits: updates.length, seconds, editsPerSecond: updates.length / seconds };
  } finally {
    redis.disconnect();
    await cluster.stop();
  }
}

async function failover(rounds: number): Promise<number[]> {
  const cluster = await startCluster(2);
  const times: number[] = [];
  try {
    const created = await cluster.persister.api('/sheets', { body: { title: 'failover', template: 'products' } });
    for (let round = 0; round < rounds; round++) {
      const [first, second] = cluster.relays;
      const client = connectStockClient([first.wsUrl, second.wsUrl], created.body.id);
      await client.synced();
      const port = first.port;
      const killed = performance.now();
      await first.stop('SIGKILL');
      client.provider.synced = false;
      await waitFor(() => client.provider.wsconnected && client.provider.synced && client.provider.serverUrl === second.wsUrl, { timeoutMs: 20_000, intervalMs: 5, what: 'the client on the other relay' });
      times.push(performance.now() - killed);
      client.destroy();
      // The killed relay comes back on its port for the next round.
      cluster.relays[0] = await startRelay(cluster.redis, cluster.persister, port);
    }
  } finally {
    await cluster.stop();
  }
  return times;
}

async function relayMemory(sockets: number, rooms: number): Promise<ClusterReport['relayMemory']> {
  const cluster = await startCluster(1);
  const open: WebSocket[] = [];
  try {
    const relay = cluster.relays[0];
    const idleRssMb = rssMb(relay.child.pid!);
    const sheets: string[] = [];
    for (let i = 0; i < rooms; i++) {
      const created = await cluster.persister.api('/sheets', { body: { title: `room ${i}`, template: 'products' } });
      sheets.push(created.body.id);
    }
    for (let i = 0; i < sockets; i++) {
      const socket = new WebSocket(`${relay.wsUrl}/${sheets[i % rooms]}?token=${TEST_ADMIN_TOKEN}`);
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.send(encodeSyncStep1(new Y.Doc()));
      open.push(socket);
    }
    await new Promise((r) => setTimeout(r, 1000));
    return { sockets, rooms, rssMb: rssMb(relay.child.pid!), idleRssMb };
  } finally {
    for (const socket of open) socket.terminate();
    await cluster.stop();
  }
}

export async function benchCluster(options = { rounds: 3, seconds: 8, edits: 50_000, failovers: 3, sockets: 1000, rooms: 20 }): Promise<ClusterReport> {
  const latency = await latencyRounds(options.rounds, options.seconds);
  const persister = await persisterThroughput(options.edits);
  const failoverMs = await failover(options.failovers);
  const memory = await relayMemory(options.sockets, options.rooms);
  return { latency, persister, failoverMs, relayMemory: memory };
}

export function renderClusterMarkdown(r: ClusterReport): string {
  const bare = median(r.latency.filter((x) => x.server === 'bare').map((x) => x.p99));
  const cluster = median(r.latency.filter((x) => x.server === 'cluster').map((x) => x.p99));
  const rows = r.latency
    .map((x, i) => `| ${Math.floor(i / 2) + 1} | ${x.server === 'bare' ? '@y/websocket-server 0.1.1, both clients on it' : 'Cellar cluster, clients on two relays'} | ${x.samples} | ${fmt(x.p50, 2)} | ${fmt(x.p99, 2)} |`)
    .join('\n');
  return `## Cluster mode

A real \`redis-server\`, one persister and relays as child processes (\`bench/cluster.ts\`). Latency: 2 stock clients ×
50 cell edits/s, 8 s per round, rounds alternating.

| round | server | samples | p50 ms | p99 ms |
| --- | --- | --- | --- | --- |
${rows}

| measure | value | target |
| --- | --- | --- |
| two clients on different relays, p99 (median of rounds) | cluster ${fmt(cluster, 1)} ms vs bare ${fmt(bare, 1)} ms: **${fmt(cluster / bare, 2)} ×** | ≤ 2 × |
| persister sustained: single-cell edits added to a stream → all acknowledged (XACK after the DuckDB commit) | **${Math.round(r.persister.editsPerSecond).toLocaleString('en')} / s** (${r.persister.edits.toLocaleString('en')} in ${fmt(r.persister.seconds, 2)} s) | ≥ 50,000 / s |
| relay killed outright → its client synced on the other relay | **${r.failoverMs.map((v) => fmt(v, 0)).join(', ')} ms** | ≤ 2 s |
| relay memory (RSS), ${r.relayMemory.sockets.toLocaleString('en')} sockets on ${r.relayMemory.rooms} rooms | ${fmt(r.relayMemory.rssMb, 0)} MB (${fmt(r.relayMemory.idleRssMb, 0)} MB idle) | — |
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[2];
  if (only === 'persister') console.log(JSON.stringify(await persisterThroughput(50_000)));
  else console.log(JSON.stringify(await benchCluster(), null, 2));
  process.exit(0);
}
