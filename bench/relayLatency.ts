// Relay latency: 8 stock y-websocket clients × 50 cell edits/s on one sheet. Cellar's sync server (with
// persistence: update log, materializer, arbiter) against the bare @y/websocket-server@0.1.1 relay,
// alternating rounds in one run. Also measures update → durable in DuckDB (Cellar's save acknowledgement).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { MESSAGE_SAVED, readSaved } from '../lib/protocol';
import { initSheet, insertRows, readColumns, readRowOrder, rowsMap, setCell } from '../lib/sheetDoc';
import { connectStockClient, type StockClient } from '../sync-server/testing/stockClient';
import { freePort, startSyncServerProcess, waitFor } from '../sync-server/testing/syncServerProcess';
import { median, percentile } from './stats';

export interface RelayRound {
  server: 'cellar' | 'bare';
  samples: number;
  /** The server process's CPU while the clients edited, in % of one core (all its threads); Linux only. */
  cpuPercent?: number;
  p50: number;
  p99: number;
  durableP50?: number;
  durableP99?: number;
}

const now = () => performance.timeOrigin + performance.now();

/** CPU time of a process so far (user + system, all threads) in ms, from /proc; null where there is none. */
function processCpuMs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** A mark hook for runWorkload that measures a process's CPU between the start and the end of the edits. */
function cpuMeter(pid: number | undefined): { mark: () => void; percent: () => number | undefined } {
  let started: { cpu: number | null; at: number } | null = null;
  let result: number | undefined;
  return {
    mark() {
      if (!started) return void (started = { cpu: processCpuMs(pid), at: performance.now() });
      const cpu = processCpuMs(pid);
      if (cpu !== null && started.cpu !== null) result = ((cpu - started.cpu) / (performance.now() - started.at)) * 100;
    },
    percent: () => result,
  };
}

/** Client i connects to `wsUrl[i % n]` when given several (relays of a cluster). */
export async function runWorkload(
  wsUrl: string | string[],
  sheetId: string,
  options: { clients: number; ratePerClient: number; seconds: number; initialize: boolean; /** Called when the edits start and when they stop (profiling). */ mark?: () => void },
) {
  const urls = Array.isArray(wsUrl) ? wsUrl : [wsUrl];
  const clients: StockClient[] = [];
  for (let i = 0; i < options.clients; i++) clients.push(connectStockClient(urls[i % urls.length], sheetId));
  await Promise.all(clients.map((c) => c.synced()));
  const first = clients[0].doc;
  if (options.initialize) {
    initSheet(first, { title: 'bench', template: 'products', createdAt: Date.now() });
  }
  if (readRowOrder(first).length < 100) {
    const columns = readColumns(first);
    insertRows(first, Array.from({ length: 100 }, () => ({ [columns[0].id]: 'x' })), {}, { clock: new HybridLogicalClock(), userId: 'setup' });
  }
  await waitFor(() => clients.every((c) => readRowOrder(c.doc).length >= 100), { timeoutMs: 10_000, what: 'rows everywhere' });
  const rows = readRowOrder(first).map((r) => r.id);
  const columns = readColumns(first).filter((c) => c.type === 'text').map((c) => c.id);

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const durable: number[] = [];
  clients.forEach((client, index) => {
    rowsMap(client.doc).observeDeep((events, transaction) => {
      if (transaction.local) return;
      const at = now();
      for (const event of events) {
        if (event.path.length !== 2) continue;
        for (const key of (event as Y.YMapEvent<unknown>).keysChanged) {
          const cell = (event.target as Y.Map<{ v: string }>).get(key);
          const sent = cell && sentAt.get(cell.v);
          if (sent && !cell.v.startsWith(`${index}:`)) latencies.push(at - sent);
        }
      }
    });
  });
  const pendingDurable = clients.map(() => [] as Array<{ clock: number; sent: number }>);
  const timers: NodeJS.Timeout[] = [];
  const interval = 1000 / options.ratePerClient;
  clients.forEach((client, index) => {
    const clock = new HybridLogicalClock();
    let seq = 0;
    const editor = { clock, userId: `bench-${index}` };
    client.provider.messageHandlers[MESSAGE_SAVED] = (_e, decoder) => {
      const saved = readSaved(decoder);
      const reached = saved.get(client.doc.clientID) ?? 0;
      const at = now();
      const queue = pendingDurable[index];
      while (queue.length > 0 && queue[0].clock <= reached) durable.push(at - queue.shift()!.sent);
    };
    // Stagger the clients so edits spread over the interval.
    const start = setTimeout(() => {
      timers.push(
        setInterval(() => {
          const value = `${index}:${seq++}`;
          const row = rows[(index * 13 + seq) % rows.length];
          const col = columns[seq % columns.length];
          const sent = now();
          sentAt.set(value, sent);
          setCell(client.doc, row, col, value, editor);
          pendingDurable[index].push({ clock: Y.getState(client.doc.store, client.doc.clientID), sent });
        }, interval),
      );
    }, (index * interval) / options.clients);
    timers.push(start);
  });
  options.mark?.();
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  for (const timer of timers) clearInterval(timer);
  options.mark?.();
  await new Promise((resolve) => setTimeout(resolve, 500));
  for (const client of clients) client.destroy();
  return { latencies, durable };
}


export interface RelayLatencyOptions {
  rounds: number;
  seconds: number;
  clients: number;
  ratePerClient: number;
  /** Extra environment of Cellar's server (an ablation, e.g. CELLAR_MATERIALIZER_WORKER=0). */
  cellarEnv?: Record<string, string>;
}

/** Each round runs both servers on the same workload; which goes first alternates from round to round. */
export async function benchRelayLatency(options: RelayLatencyOptions = { rounds: 5, seconds: 8, clients: 8, ratePerClient: 50 }): Promise<RelayRound[]> {
  const rounds: RelayRound[] = [];
  const bareRound = async (round: number): Promise<RelayRound> => {
    const port = await freePort();
    const bare = spawn(process.execPath, ['--import', 'tsx', 'bench/bareRelayServer.ts', String(port)], { stdio: 'ignore' });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`)).ok, { timeoutMs: 20_000, what: 'bare relay' });
      const meter = cpuMeter(bare.pid);
      const result = await runWorkload(`ws://127.0.0.1:${port}`, `bench-${round}`, { ...options, initialize: true, mark: meter.mark });
      return { server: 'bare', samples: result.latencies.length, cpuPercent: meter.percent(), p50: median(result.latencies), p99: percentile(result.latencies, 99) };
    } finally {
      bare.kill('SIGTERM');
    }
  };
  const cellarRound = async (): Promise<RelayRound> => {
    // Persistence on: update log, materializer, arbiter.
    const cellar = await startSyncServerProcess({ env: { LOG_LEVEL: 'warn', ...options.cellarEnv } });
    try {
      const created = await cellar.api('/sheets', { body: { title: 'bench', template: 'products' } });
      const meter = cpuMeter(cellar.child.pid);
      const result = await runWorkload(cellar.wsUrl, created.body.id, { ...options, initialize: false, mark: meter.mark });
      return {
        server: 'cellar',
        samples: result.latencies.length,
        cpuPercent: meter.percent(),
        p50: median(result.latencies),
        p99: percentile(result.latencies, 99),
        durableP50: median(result.durable),
        durableP99: percentile(result.durable, 99),
      };
    } finally {
      await cellar.stop('SIGTERM');
    }
  };
  for (let round = 0; round < options.rounds; round++) {
    if (round % 2 === 0) rounds.push(await bareRound(round), await cellarRound());
    else rounds.push(await cellarRound(), await bareRound(round));
  }
  return rounds;
}

/** Each round's pair and p99 ratio (Cellar / reference), and the median ratio: "every run" needs every round. */
export function relayRatios(rounds: RelayRound[]): { perRound: Array<{ round: number; bare: RelayRound; cellar: RelayRound; ratio: number }>; median: number; worst: number } {
  const perRound = [];
  for (let i = 0; i + 1 < rounds.length; i += 2) {
    const pair = [rounds[i], rounds[i + 1]];
    const bare = pair.find((r) => r.server === 'bare')!;
    const cellar = pair.find((r) => r.server === 'cellar')!;
    perRound.push({ round: i / 2 + 1, bare, cellar, ratio: cellar.p99 / bare.p99 });
  }
  const ratios = perRound.map((r) => r.ratio);
  return { perRound, median: median(ratios), worst: Math.max(...ratios) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = await benchRelayLatency({ rounds: Number(process.env.ROUNDS) || 5, seconds: 8, clients: 8, ratePerClient: 50, cellarEnv: process.env.CELLAR_ENV ? JSON.parse(process.env.CELLAR_ENV) : undefined });
  const { perRound, median: ratio, worst } = relayRatios(rounds);
  const cpu = (r: RelayRound) => (r.cpuPercent === undefined ? '' : `, CPU ${r.cpuPercent.toFixed(0)} %`);
  for (const r of perRound) {
    console.log(`round ${r.round}: Cellar p99 ${r.cellar.p99.toFixed(2)} ms (p50 ${r.cellar.p50.toFixed(2)}${cpu(r.cellar)}) vs reference ${r.bare.p99.toFixed(2)} ms (p50 ${r.bare.p50.toFixed(2)}${cpu(r.bare)}) → ${r.ratio.toFixed(2)} ×; durable p50 ${r.cellar.durableP50?.toFixed(1)} p99 ${r.cellar.durableP99?.toFixed(1)} ms`);
  }
  console.log(`median ratio ${ratio.toFixed(2)} ×, worst ${worst.toFixed(2)} ×`);
}
