// Memory of a loaded 100,000-cell room (5,000 × 20) in the sync server, and its unloading once the last
// client leaves. Runs the server in this process to read its heap; needs --expose-gc:
//   node --expose-gc --import tsx bench/roomMemory.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { decodeMessage, encodeSyncStep1 } from '../lib/protocol';
import { insertColumn, insertRows, readColumns } from '../lib/sheetDoc';
import { serverParts } from '../sync-server/extensions';
import { startSyncServer } from '../sync-server/syncServer';
import { connectStockClient } from '../sync-server/testing/stockClient';
import { FULL_SYNC_KEEP_MS } from '../sync-server/room';
import { TEST_ADMIN_TOKEN, waitFor } from '../sync-server/testing/syncServerProcess';

export interface RoomMemoryReport {
  cells: number;
  /** The loaded room once no fresh client is syncing (its first-sync cache dropped). */
  roomMb: number;
  /** The same room right after a fresh client's first sync, with the cached first-sync reply. */
  roomWithCacheMb: number;
  /** A bare Y.Doc holding the same sheet (applied from the same update), measured in the same run. */
  bareDocMb: number;
  ratio: number;
  loadMs: number;
  unloadedAfterMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function usedMb(): number {
  for (let i = 0; i < 3; i++) gc!();
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.external) / 1e6;
}

export async function benchRoomMemory(): Promise<RoomMemoryReport> {
  if (!gc) throw new Error('run with node --expose-gc');
  const dir = mkdtempSync(join(tmpdir(), 'cellar-bench-memory-'));
  const idleUnloadMs = 1000;
  const server = await startSyncServer({
    databaseFile: join(dir, 'cellar.duckdb'),
    secret: 'bench',
    adminToken: TEST_ADMIN_TOKEN,
    port: 0,
    idleUnloadMs,
    parts: serverParts(),
  });
  try {
    const wsUrl = server.url.replace('http', 'ws');
    const created = await fetch(`${server.url}/internal/sheets`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench', 'x-cellar-auth': `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'memory', template: 'blank' }),
    });
    const { id } = (await created.json()) as { id: string };
    // Fill it from a client, then let the room unload.
    const writer = connectStockClient(wsUrl, id);
    await writer.synced();
    while (readColumns(writer.doc).length < 20) insertColumn(writer.doc, { name: `N${readColumns(writer.doc).length}`, type: 'number' }, undefined);
    const columns = readColumns(writer.doc);
    const rows = Array.from({ length: 5000 }, (_, r) => Object.fromEntries(columns.map((c, i) => [c.id, c.type === 'number' ? r * 20 + i : `r${r}c${i}`])));
    insertRows(writer.doc, rows, {}, { clock: new HybridLogicalClock(), userId: 'bench' });
    await writer.savedOwnEdits();
    writer.destroy();
    await waitFor(() => server.rooms.loadedRooms.size === 0, { timeoutMs: 30_000, what: 'the room to unload' });

    /**
     * Opens the room from a bare socket that asks for everything; resolves with a copy of the first-sync
     * reply's update when `keep` (never while the room is measured: it would count as the room's memory).
     */
    const openBare = (keep = false) => {
      const socket = new WebSocket(`${wsUrl}/${id}?token=${TEST_ADMIN_TOKEN}`);
      const reply = new Promise<Uint8Array | null>((resolve, reject) => {
        socket.on('open', () => socket.send(encodeSyncStep1(new Y.Doc())));
        socket.on('message', (data: Buffer) => {
          const message = decodeMessage(new Uint8Array(data));
          if (message.type === 'update' && message.step2) resolve(keep ? message.update.slice() : null);
        });
        socket.on('error', reject);
      });
      return { socket, reply };
    };

    const baseline = usedMb();
    const loadStarted = performance.now();
    // A bare socket that keeps nothing: a client replica in this process would be counted as the server's memory.
    const first = openBare();
    await first.reply;
    const loadMs = performance.now() - loadStarted;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const withCache = usedMb();
    // Steady state: no fresh client has come for a while, the room holds its document only.
    await new Promise((resolve) => setTimeout(resolve, FULL_SYNC_KEEP_MS + 300));
    const loaded = usedMb();
    if (server.rooms.loadedRooms.size !== 1) throw new Error('expected the room to be loaded while measuring');
    first.socket.close();
    const leftAt = performance.now();
    await waitFor(() => server.rooms.loadedRooms.size === 0, { timeoutMs: 30_000, what: 'the room to unload' });
    const unloadedAfterMs = performance.now() - leftAt;

    // The reference in the same run: a bare Y.Doc applied from the sheet's whole update, nothing else.
    const again = openBare(true);
    const update = (await again.reply)!;
    again.socket.close();
    await waitFor(() => server.rooms.loadedRooms.size === 0, { timeoutMs: 30_000, what: 'the room to unload' });
    const beforeBare = usedMb();
    const bare = new Y.Doc();
    Y.applyUpdate(bare, update);
    const bareDocMb = usedMb() - beforeBare;
    if (bare.getMap('rows').size !== 5000) throw new Error('the bare document should hold the sheet');
    const roomMb = loaded - baseline;
    return { cells: 100_000, roomMb, roomWithCacheMb: withCache - baseline, bareDocMb, ratio: roomMb / bareDocMb, loadMs, unloadedAfterMs };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchRoomMemory()));
  process.exit(0);
}
