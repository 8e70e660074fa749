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
import { encodeSyncStep1, encodeUpdate } from '../lib/protocol';
import { readColumns, readRowOrder, setCell } from '../lib/sheetDoc';
import { PERSISTER_GROUP, STREAMS_CHANNEL, STREAMS_SET, updatesKey } from '../sync-server/cluster/streamKeys';
import { startRedis, type RedisProcess } from '../sync-server/testing/redisProcess';
import { connectStockClient } from '../sync-server/testing/stockClient';
import { freePort, startSyncServerProcess, TEST_ADMIN_TOKEN, waitFor, type SyncServerProcess } from '../sync-server/testing/syncServerProcess';
import { benchPersistence } from './persistence';
import { runWorkload } from './relayLatency';
import { fmt, median, percentile } from './stats';

export interface ClusterReport {
  latency: Array<{ server: 'bare' | 'cluster'; samples: number; p50: number; p99: number }>;
  persister: PersisterRound[];
  failoverMs: number[];
  relayMemory: { sockets: number; rooms: number; rssMb: number; idleRssMb: number };
  relayThroughput: Array<Awaited<ReturnType<typeof relayThroughput>>>;
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
  const persister = await startSyncServerProcess({ env: { ...env, CELLAR_ROLE: 'persister', }, nodeArgs: [...(process.env.PERSISTER_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PERSISTER_PROFILE}`] : []), ...(process.env.PERSISTER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])] });
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

/** CPU seconds (user + system) a process has used so far. */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

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

export interface PersisterRound {
  mode: 'embedded' | 'cluster';
  edits: number;
  /** First edit handed over → DuckDB holds the last value of every edited cell (checked). */
  seconds: number;
  editsPerSecond: number;
  /** Cluster: how long the producers took to add every entry to the stream (bounds what can be measured). */
  addSeconds?: number;
  /** Cluster: first entry added → every entry acknowledged by the persister (XACK after its DuckDB commit). */
  ackedSeconds?: number;
  /** Cluster: CPU seconds the persister process used meanwhile (all its threads: DuckDB's too). */
  persisterCpuSeconds?: number;
  /** Embedded: CPU seconds of the bench process (all threads) over the timed span. */
  cpuSeconds?: number;
  /** Cluster: Redis memory of the stream per entry (MEMORY USAGE), what a backlog costs. */
  streamBytesPerEntry?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The persister's sustained throughput, end to end: `producers` connections (as relays) add single-cell
 * edits to a sheet's stream, each edit its own entry, made beforehand by clients that each own half the
 * rows; timed from the first entry added until every entry is acknowledged AND DuckDB (read back through
 * the persister's API) holds the last value of every edited cell. The same workload as bench/persistence.ts.
 */
export async function persisterThroughput(options = { edits: 200_000, rows: 5000, producers: 2, clients: 50 }): Promise<PersisterRound> {
  const cluster = await startCluster(0);
  const redis = new Redis(cluster.redis.url);
  const producers = Array.from({ length: options.producers }, () => new Redis(cluster.redis.url, { enableAutoPipelining: false }));
  try {
    const created = await cluster.persister.api('/sheets', { body: { title: 'throughput', template: 'products' } });
    const sheetId = created.body.id as string;
    const appended = await cluster.persister.api(`/sheets/${sheetId}/rows`, { body: { rows: Array.from({ length: options.rows }, () => ({})) } });
    if (appended.status !== 201) throw new Error(`appending rows failed: ${JSON.stringify(appended.body)}`);
    const response = await fetch(`${cluster.persister.httpUrl}/internal/sheets/${sheetId}/document`, { headers: { authorization: `Bearer ${cluster.persister.secret}` } });
    const state = new Uint8Array(await response.arrayBuffer());
    // The clients: replicas of the sheet, each making one update per edit on its own rows, half of them on
    // each producer (as on two relays). Many clients, as many users: one client making 100,000 edits in
    // a few seconds would stamp them (HLC, +1 ms per edit) past the server's future-stamp limit.
    const updates: Uint8Array[][] = producers.map(() => []);
    const clients = Array.from({ length: options.clients }, (_, k) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      doc.on('update', (update: Uint8Array) => updates[k % producers.length].push(update));
      return { doc, editor: { clock: new HybridLogicalClock(), userId: `bench-${k}` } };
    });
    const rows = readRowOrder(clients[0].doc).map((r) => r.id);
    const columns = readColumns(clients[0].doc).filter((c) => c.type === 'number').map((c) => c.id);
    if (rows.length !== options.rows) throw new Error(`expected ${options.rows} rows, found ${rows.length}`);
    const expected = new Map<string, { row: string; col: string; value: number }>();
    for (let i = 0; i < options.edits; i++) {
      // The same cells as bench/persistence.ts; a row belongs to one client (no concurrent sets to arbitrate).
      const r = (i * 7919) % rows.length;
      const row = rows[r];
      const col = columns[i % columns.length];
      const client = clients[r % clients.length];
      setCell(client.doc, row, col, i, client.editor);
      expected.set(`${row}|${col}`, { row, col, value: i });
    }
    await redis.sadd(STREAMS_SET, sheetId);
    await redis.publish(STREAMS_CHANNEL, sheetId);
    await waitFor(async () => ((await redis.xinfo('GROUPS', updatesKey(sheetId)).catch(() => [])) as unknown[]).length > 0, { what: 'the persister group' });
    const key = updatesKey(sheetId);

    const cpuBefore = cpuSeconds(cluster.persister.child.pid!);
    const started = performance.now();
    await Promise.all(
      updates.map(async (list, p) => {
        for (let i = 0; i < list.length; i += 500) {
          const pipeline = producers[p].pipeline();
          for (const update of list.slice(i, i + 500)) pipeline.xadd(key, '*', 'u', Buffer.from(update), 'r', `bench-${p}`);
          await pipeline.exec();
        }
      }),
    );
    const addSeconds = (performance.now() - started) / 1000;
    await waitFor(
      async () => {
        const groups = (await redis.xinfo('GROUPS', key)) as unknown[][];
        const group = groups.map((g) => Object.fromEntries(Array.from({ length: g.length / 2 }, (_, k) => [g[2 * k], g[2 * k + 1]]))).find((g) => g.name === PERSISTER_GROUP);
        return group && Number(group.pending) === 0 && Number(group.lag) === 0;
      },
      { timeoutMs: 300_000, intervalMs: 10, what: 'every entry acknowledged' },
    );
    const ackedSeconds = (performance.now() - started) / 1000;
    // Every last value in DuckDB, read back through the persister (it owns the file).
    let mismatch = '';
    for (const deadline = Date.now() + 60_000; ; await sleep(10)) {
      const sheet = (await cluster.persister.api(`/sheets/${sheetId}`)).body as { rows: Array<{ id: string; values: Record<string, unknown> }> };
      const byId = new Map(sheet.rows.map((r) => [r.id, r.values]));
      mismatch = '';
      for (const { row, col, value } of expected.values()) {
        if (Number(byId.get(row)?.[col]) !== value) {
          mismatch = `${row}/${col}: ${byId.get(row)?.[col]} != ${value}`;
          break;
        }
      }
      if (!mismatch) break;
      if (Date.now() > deadline) throw new Error(`DuckDB does not hold every last value: ${mismatch}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const persisterCpuSeconds = cpuSeconds(cluster.persister.child.pid!) - cpuBefore;
    // What the backlog costs Redis (nothing is trimmed yet: the persister keeps the last 30 s).
    const streamBytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
    const streamEntries = await redis.xlen(key);
    return { mode: 'cluster', edits: options.edits, seconds, editsPerSecond: options.edits / seconds, addSeconds, ackedSeconds, persisterCpuSeconds, streamBytesPerEntry: streamBytes / streamEntries };
  } finally {
    redis.disconnect();
    for (const producer of producers) producer.disconnect();
    await cluster.stop();
  }
}

/** Rounds alternating the embedded persistence path (bench/persistence.ts) and the persister, same workload. */
async function persisterRounds(rounds: number, edits: number, { clusterOnly = false } = {}): Promise<PersisterRound[]> {
  const results: PersisterRound[] = [];
  for (let round = 0; round < rounds; round++) {
    if (!clusterOnly) {
      const embedded = await benchPersistence({ rows: 5000, edits, baselineEdits: 200 });
      results.push({ mode: 'embedded', edits, seconds: embedded.seconds, editsPerSecond: embedded.editsPerSecond, cpuSeconds: embedded.cpuSeconds });
    }
    results.push(await persisterThroughput({ edits, rows: 5000, producers: 2, clients: 50 }));
  }
  return results;
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

/**
 * What one relay carries in edits: `sockets` raw y-websocket sockets on one sheet each send `perSocket`
 * single-cell edits (made beforehand) as fast as the socket takes them; timed until the sheet's stream
 * holds every one (each checked by the schema guard, applied, fanned out to the room's other sockets, and
 * XADDed), with the relay's CPU time meanwhile. The bench process also receives the fan-out, on the same
 * cores, so this is a lower bound.
 */
export async function relayThroughput(options = { sockets: 10, perSocket: 5000 }): Promise<{ edits: number; seconds: number; editsPerSecond: number; relayCpuSeconds: number; fanOut: number }> {
  const cluster = await startCluster(1);
  const redis = new Redis(cluster.redis.url);
  const open: WebSocket[] = [];
  try {
    const relay = cluster.relays[0];
    const created = await cluster.persister.api('/sheets', { body: { title: 'relay throughput', template: 'products' } });
    const sheetId = created.body.id as string;
    await cluster.persister.api(`/sheets/${sheetId}/rows`, { body: { rows: Array.from({ length: options.sockets * 10 }, () => ({})) } });
    const response = await fetch(`${cluster.persister.httpUrl}/internal/sheets/${sheetId}/document`, { headers: { authorization: `Bearer ${cluster.persister.secret}` } });
    const state = new Uint8Array(await response.arrayBuffer());
    const messages: Uint8Array[][] = [];
    for (let k = 0; k < options.sockets; k++) {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, state);
      const list: Uint8Array[] = [];
      doc.on('update', (update: Uint8Array) => list.push(encodeUpdate(update)));
      const rows = readRowOrder(doc).map((r) => r.id).filter((_, i) => i % options.sockets === k);
      const columns = readColumns(doc).filter((c) => c.type === 'number').map((c) => c.id);
      const editor = { clock: new HybridLogicalClock(), userId: `relay-bench-${k}` };
      for (let i = 0; i < options.perSocket; i++) setCell(doc, rows[i % rows.length], columns[i % columns.length], i, editor);
      messages.push(list);
    }
    let received = 0;
    for (let k = 0; k < options.sockets; k++) {
      const socket = new WebSocket(`${relay.wsUrl}/${sheetId}?token=${TEST_ADMIN_TOKEN}`);
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      socket.on('message', () => received++);
      socket.send(encodeSyncStep1(new Y.Doc()));
      open.push(socket);
    }
    await sleep(500);
    const key = updatesKey(sheetId);
    const before = await redis.xlen(key);
    const edits = options.sockets * options.perSocket;
    const cpuBefore = cpuSeconds(relay.child.pid!);
    const started = performance.now();
    open.forEach((socket, k) => {
      for (const message of messages[k]) socket.send(message);
    });
    await waitFor(async () => (await redis.xlen(key)) - before >= edits, { timeoutMs: 120_000, intervalMs: 10, what: 'every edit in the stream' });
    const seconds = (performance.now() - started) / 1000;
    return { edits, seconds, editsPerSecond: edits / seconds, relayCpuSeconds: cpuSeconds(relay.child.pid!) - cpuBefore, fanOut: options.sockets - 1 };
  } finally {
    for (const socket of open) socket.terminate();
    redis.disconnect();
    await cluster.stop();
  }
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

export async function benchCluster(options = { rounds: 3, seconds: 8, edits: 200_000, persisterRounds: 3, failovers: 3, sockets: 1000, rooms: 20 }): Promise<ClusterReport> {
  const latency = await latencyRounds(options.rounds, options.seconds);
  const persister = await persisterRounds(options.persisterRounds, options.edits);
  const failoverMs = await failover(options.failovers);
  const memory = await relayMemory(options.sockets, options.rooms);
  const relayRates = [await relayThroughput({ sockets: 2, perSocket: 20_000 }), await relayThroughput({ sockets: 10, perSocket: 5000 })];
  return { latency, persister, failoverMs, relayMemory: memory, relayThroughput: relayRates };
}

export function renderClusterMarkdown(r: ClusterReport): string {
  const bare = median(r.latency.filter((x) => x.server === 'bare').map((x) => x.p99));
  const cluster = median(r.latency.filter((x) => x.server === 'cluster').map((x) => x.p99));
  const rows = r.latency
    .map((x, i) => `| ${Math.floor(i / 2) + 1} | ${x.server === 'bare' ? '@y/websocket-server 0.1.1, both clients on it' : 'Cellar cluster, clients on two relays'} | ${x.samples} | ${fmt(x.p50, 2)} | ${fmt(x.p99, 2)} |`)
    .join('\n');
  const persisted = r.persister.filter((x) => x.mode === 'cluster');
  const embedded = r.persister.filter((x) => x.mode === 'embedded');
  const persisterRate = median(persisted.map((x) => x.editsPerSecond));
  const embeddedRate = median(embedded.map((x) => x.editsPerSecond));
  const persisterRows = r.persister
    .map(
      (x, i) =>
        `| ${Math.floor(i / 2) + 1} | ${x.mode === 'embedded' ? 'embedded (bench/persistence.ts: log + materializer, no room, no arbiter)' : 'persister (stream → room + arbiter → log + materializer)'} | ${Math.round(x.editsPerSecond).toLocaleString('en')} | ${fmt(x.seconds, 2)} | ${x.addSeconds === undefined ? '—' : fmt(x.addSeconds, 2)} | ${x.ackedSeconds === undefined ? '—' : fmt(x.ackedSeconds, 2)} | ${fmt(x.persisterCpuSeconds ?? x.cpuSeconds ?? NaN, 2)} | ${Math.round(x.edits / (x.persisterCpuSeconds ?? x.cpuSeconds ?? NaN)).toLocaleString('en')} |`,
    )
    .join('\n');
  const edits = r.persister[0]?.edits ?? 0;
  return `## Cluster mode

A real \`redis-server\`, one persister and relays as child processes (\`bench/cluster.ts\`). Latency: 2 stock clients ×
50 cell edits/s, 8 s per round, rounds alternating.

| round | server | samples | p50 ms | p99 ms |
| --- | --- | --- | --- | --- |
${rows}

Persister throughput: ${edits.toLocaleString('en')} single-cell edits on 5,000 rows, each its own Yjs update made
beforehand by 50 clients (each owning its rows), added to the sheet's stream by 2 connections (as 2 relays, pipelined);
timed from the first entry added until every entry is acknowledged (XACK after the DuckDB commit) and DuckDB, read
back through the persister's API, holds the last value of every edited cell (checked). Rounds alternate with the
embedded persistence path on the same edits (bench/persistence.ts). CPU: the persister's process, or the
embedded bench's, all threads, over the timed span. On a shared machine the CPU columns are the steadier
comparison.

| round | path | edits/s | s | entries added by (s) | all acknowledged by (s) | CPU s | edits per CPU-second |
| --- | --- | --- | --- | --- | --- | --- | --- |
${persisterRows}

| measure | value | target |
| --- | --- | --- |
| two clients on different relays, p99 (median of rounds) | cluster ${fmt(cluster, 1)} ms vs bare ${fmt(bare, 1)} ms: **${fmt(cluster / bare, 2)} ×** | ≤ 2 × |
| persister sustained, stream → DuckDB holds every last value (median of rounds) | **${Math.round(persisterRate).toLocaleString('en')} / s** (embedded path in the same run: ${Math.round(embeddedRate).toLocaleString('en')} / s, ${fmt(persisterRate / embeddedRate, 2)} ×); ${Math.round(median(persisted.map((x) => x.edits / (x.persisterCpuSeconds ?? NaN)))).toLocaleString('en')} edits per persister CPU-second | ≥ 50,000 / s |
| a stream's Redis memory per entry (a single-cell edit), what a backlog costs | ${fmt(median(persisted.map((x) => x.streamBytesPerEntry ?? NaN)), 0)} B | — |
| relay killed outright → its client synced on the other relay | **${r.failoverMs.map((v) => fmt(v, 0)).join(', ')} ms** | ≤ 2 s |
| relay memory (RSS), ${r.relayMemory.sockets.toLocaleString('en')} sockets on ${r.relayMemory.rooms} rooms | ${fmt(r.relayMemory.rssMb, 0)} MB (${fmt(r.relayMemory.idleRssMb, 0)} MB idle) | — |
${r.relayThroughput.map((t) => `| one relay, edits from ${t.fanOut + 1} sockets on one sheet (each fanned out to ${t.fanOut}) → all in the stream | ${Math.round(t.editsPerSecond).toLocaleString('en')} / s (${t.edits.toLocaleString('en')} in ${fmt(t.seconds, 2)} s; relay CPU ${fmt(t.relayCpuSeconds, 2)} s: ${Math.round(t.edits / t.relayCpuSeconds).toLocaleString('en')} edits per CPU-second) | — |`).join('\n')}
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv[2];
  // `npx tsx bench/cluster.ts persister [rounds] [edits] [cluster-only]`; PERSISTER_PROFILE=<dir> writes the
  // persister's CPU profile there, PERSISTER_NODE_ARGS adds node flags to it.
  if (only === 'latency') console.log(JSON.stringify(await latencyRounds(Number(process.argv[3] ?? 3), 8)));
  else if (only === 'relay') console.log(JSON.stringify(await relayThroughput({ sockets: Number(process.argv[3] ?? 10), perSocket: Number(process.argv[4] ?? 5000) }), null, 2));
  else if (only === 'persister') console.log(JSON.stringify(await persisterRounds(Number(process.argv[3] ?? 1), Number(process.argv[4] ?? 200_000), { clusterOnly: process.argv[5] === 'cluster-only' }), null, 2));
  else console.log(JSON.stringify(await benchCluster(), null, 2));
  process.exit(0);
}
