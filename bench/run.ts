// `npm run bench`: every performance measure of docs/DESIGN.md, side by side where a reference exists,
// written to docs/BENCHMARKS.md (machine, command, numbers). Never asserted in tests.
// Pass section names to run a subset: `npm run bench -- relay persistence`.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { benchAbuse, renderAbuseMarkdown } from './abuse';
import { benchCluster, renderClusterMarkdown } from './cluster';
import { ensureBuild } from '../e2e/servers';
import { benchGrid } from './grid';
import { benchInsights, renderInsightsMarkdown } from './insights';
import { benchPersistence } from './persistence';
import { benchRelayLatency, relayRatios } from './relayLatency';
import type { RoomMemoryReport } from './roomMemory';
import { fmt, median } from './stats';

const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
const sections: string[] = [];
const log = (line: string) => console.log(`bench: ${line}`);

if (wanted('persistence')) {
  log('persistence throughput…');
  const p = await benchPersistence();
  sections.push(`## Cell edits persisted to DuckDB

${p.edits.toLocaleString('en')} single-cell edits, each its own Yjs update as a client sends it, applied to the server's
document and persisted through the update log (group commits) and the materializer (staging table +
one upsert per sheet) until DuckDB holds the last value of every cell (checked). Reference: the same kind of
edit persisted one \`INSERT … ON CONFLICT DO UPDATE\` per edit (${p.baselineEdits.toLocaleString('en')} edits).

| measure | value | target |
| --- | --- | --- |
| sustained edits persisted | **${Math.round(p.editsPerSecond).toLocaleString('en')} / s** (${fmt(p.seconds, 2)} s; ${p.logBatches} log commits, ${p.materializedRows.toLocaleString('en')} row upserts) | ≥ 50,000 / s |
| one upsert per edit | ${Math.round(p.baselineEditsPerSecond).toLocaleString('en')} / s | — |
| ratio | **${fmt(p.ratio, 0)} ×** | ≥ 100 × |
`);
}

if (wanted('relay')) {
  log('relay latency (5 alternating rounds, ~2 min)…');
  const rounds = await benchRelayLatency({ rounds: 5, seconds: 8, clients: 8, ratePerClient: 50 });
  const cellar = rounds.filter((r) => r.server === 'cellar');
  const { perRound, median: ratio, worst } = relayRatios(rounds);
  const rows = perRound
    .map(
      (r) =>
        `| ${r.round} | ${r.bare.samples.toLocaleString('en')} / ${r.cellar.samples.toLocaleString('en')} | ${fmt(r.bare.cpuPercent ?? NaN, 0)} / ${fmt(r.cellar.cpuPercent ?? NaN, 0)} | ${fmt(r.bare.p50, 2)} / ${fmt(r.cellar.p50, 2)} | ${fmt(r.bare.p99, 2)} | ${fmt(r.cellar.p99, 2)} | **${fmt(r.ratio, 2)} ×** | ${fmt(r.cellar.durableP50 ?? NaN, 1)} | ${fmt(r.cellar.durableP99 ?? NaN, 1)} |`,
    )
    .join('\n');
  sections.push(`## Relay latency and durability

8 stock y-websocket clients (Node, \`ws\`) × 50 cell edits/s each on one sheet, 8 s per server per round, 5 rounds;
in each round both servers run the same workload one after the other (which goes first alternates). Reference:
@y/websocket-server 0.1.1 (no persistence); Cellar: update log + materializer + arbiter. Latency: a
client's edit → each other client observes it (same process clock). Durable: an edit → the server's save
acknowledgement covering it (committed to DuckDB). Server CPU: the server process, all its threads, while
the clients edit.

| round | samples ref / Cellar | server CPU % of a core, ref / Cellar | p50 ms ref / Cellar | p99 ms reference | p99 ms Cellar | p99 ratio | durable p50 ms | durable p99 ms |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows}

| measure | value | target |
| --- | --- | --- |
| relay p99 ratio (Cellar / reference), median of rounds | **${fmt(ratio, 2)} ×** (worst round ${fmt(worst, 2)} ×) | ≤ 1.10 × |
| update → durable in DuckDB, p99 (median of rounds) | **${fmt(median(cellar.map((r) => r.durableP99 ?? NaN)), 1)} ms** | ≤ 100 ms |
`);
}

if (wanted('abuse')) {
  log('abuse: the attacks of issue 8 against a real sync server (~2 min)…');
  sections.push(renderAbuseMarkdown(await benchAbuse(log)));
}

if (wanted('cluster')) {
  log('cluster mode (redis-server, persister, relays; ~2 min)…');
  sections.push(renderClusterMarkdown(await benchCluster()));
}

if (wanted('memory')) {
  log('room memory…');
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'bench/roomMemory.ts'], { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  const m = JSON.parse(line) as RoomMemoryReport;
  sections.push(`## Sync-server memory of a loaded room

A 5,000 × 20 sheet (${m.cells.toLocaleString('en')} cells) loaded from DuckDB into the server (heap + external, after GC,
minus the same process with the room unloaded), against a bare \`Y.Doc\` applied from the same sheet's whole update in
the same run. The room is measured once no fresh client has synced for 1 s (its cached first-sync reply dropped);
right after a fresh client's first sync it also holds that reply.

| measure | value | target |
| --- | --- | --- |
| memory of the loaded room | **${fmt(m.roomMb, 1)} MB** = **${fmt(m.ratio, 3)} ×** a bare Y.Doc (${fmt(m.bareDocMb, 1)} MB) | ≤ 1.1 × a bare Y.Doc |
| the same room right after a fresh client's first sync (cached reply) | ${fmt(m.roomWithCacheMb, 1)} MB | — |
| load (snapshot + log → first sync) | ${fmt(m.loadMs, 0)} ms | — |
| unloaded after the last client left | ${fmt(m.unloadedAfterMs, 0)} ms (idle delay 1,000 ms, then flush + compaction) | unloaded after its last flush |
`);
}

if (wanted('insights')) {
  log('insights (generates 100k products / 1M sales; builds the web app if needed)…');
  ensureBuild(log);
  const report = await benchInsights({ log });
  sections.push(renderInsightsMarkdown(report));
}

if (wanted('grid')) {
  log('browser grid (builds the web app if needed)…');
  const g = await benchGrid({ log });
  sections.push(`## Browser grid (Chromium, production build)

A ${g.rows.toLocaleString('en')} × ${g.columns} sheet (${g.cells.toLocaleString('en')} cells).

| measure | median | runs | target |
| --- | --- | --- | --- |
| open → first paint, cold (no local copy; the server-rendered first screen) | **${fmt(g.openFirstPaintMs.coldMedian, 0)} ms** | ${g.openFirstPaintMs.cold.map((v) => fmt(v, 0)).join(', ')} | ≤ 0.5 s |
| open → live document loaded, cold (\`cellar:loaded\`) | ${fmt(g.liveLoadedMs.coldMedian, 0)} ms | ${g.liveLoadedMs.cold.map((v) => fmt(v, 0)).join(', ')} | — |
| open → first paint, warm (IndexedDB copy) | ${fmt(g.openFirstPaintMs.warmMedian, 0)} ms | ${g.openFirstPaintMs.warm.map((v) => fmt(v, 0)).join(', ')} | — |
| remote single-cell edit → repaint, in page | **${fmt(g.remoteEditRepaintMs.inPageMedian, 1)} ms** | ${g.remoteEditRepaintMs.inPage.map((v) => fmt(v, 0)).join(', ')} | ≤ 50 ms |
| remote edit → repaint, sender to paint | ${fmt(g.remoteEditRepaintMs.endToEndMedian, 1)} ms | ${g.remoteEditRepaintMs.endToEnd.map((v) => fmt(v, 0)).join(', ')} | — |
| sort applied (desc, number column) → repaint | **${fmt(g.viewApplyRepaintMs.sortMedian, 1)} ms** | ${g.viewApplyRepaintMs.sort.map((v) => fmt(v, 0)).join(', ')} | ≤ 100 ms |
| filter applied (text contains) → repaint | **${fmt(g.viewApplyRepaintMs.filterMedian, 1)} ms** | ${g.viewApplyRepaintMs.filter.map((v) => fmt(v, 0)).join(', ')} | ≤ 100 ms |
| remote single-cell edit while sorted → repaint, in page | **${fmt(g.remoteEditWhileSortedMs.inPageMedian, 1)} ms** | ${g.remoteEditWhileSortedMs.inPage.map((v) => fmt(v, 0)).join(', ')} | ≤ 50 ms |

The document a cold client receives, as one update: Yjs V1 (what y-protocols' sync sends) ${g.transfer.v1Bytes.toLocaleString('en')} B
(deflated at level 1, as permessage-deflate would: ${g.transfer.v1DeflateBytes.toLocaleString('en')} B, ${fmt(g.transfer.deflateMs, 0)} ms to deflate, ${fmt(g.transfer.inflateMs, 0)} ms to inflate);
V2 ${g.transfer.v2Bytes.toLocaleString('en')} B (deflated ${g.transfer.v2DeflateBytes.toLocaleString('en')} B). Encoding V1 ${fmt(g.transfer.encodeV1Ms, 0)} ms, V2 ${fmt(g.transfer.encodeV2Ms, 0)} ms.
`);
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${osType()} ${release()}, Node ${process.version}`;
const document = `# Benchmarks

Measured by \`npm run bench\` (${only.size ? `sections: ${[...only].join(', ')}` : 'all sections'}) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.
Machine: ${machine}. Targets from docs/DESIGN.md; nothing here is asserted in tests.
Why the missed targets are missed: [PERFORMANCE.md](PERFORMANCE.md).

${sections.join('\n')}`;
if (only.size === 0) writeFileSync('docs/BENCHMARKS.md', document);
console.log(document);
process.exit(0);
