// Loads rooms on demand (stored state first, before anyone syncs), keeps them while they have sockets
// or server-side holds, and unloads them once idle and everything is flushed and compacted.
import * as Y from 'yjs';
import { initSheet } from '../lib/sheetDoc';
import type { SheetMeta } from '../lib/schema';
import { logger } from './logger';
import type { Materializer } from './materializer';
import { Room, SERVER_ORIGIN } from './room';
import type { UpdateLog } from './updateLog';

export interface RoomManagerOptions {
  /** How long an idle room stays loaded (a reconnecting client finds it warm). */
  idleUnloadMs?: number;
  /**
   * Compact the log into a snapshot after at least this many updates, once they also add up to half the
   * snapshot's size: encoding a big document's state blocks the event loop, so it is paid for rarely.
   */
  compactEvery?: number;
  /** Attached to every loaded document (merge arbitration); returns a detach function. */
  extensions?: Array<(room: Room) => () => void>;
}

export class SheetNotFoundError extends Error {
  constructor(readonly sheetId: string) {
    super(`no sheet ${sheetId}`);
  }
}

export class RoomManager {
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly loaded = new Map<string, Room>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly sinceSnapshot = new Map<string, { updates: number; bytes: number; snapshotBytes: number }>();
  /** Sheets whose materialized tables lag their stored log (found at start-up). */
  readonly needsRebuild = new Set<string>();

  constructor(
    private readonly log: UpdateLog,
    private readonly materializer: Materializer,
    readonly knownSheets: Set<string>,
    private readonly options: RoomManagerOptions = {},
  ) {}

  get loadedRooms(): ReadonlyMap<string, Room> {
    return this.loaded;
  }

  /** Creates a sheet's document with its template's columns, stored before this resolves. */
  async create(sheetId: string, meta: SheetMeta): Promise<void> {
    if (this.knownSheets.has(sheetId)) throw new Error(`sheet ${sheetId} exists`);
    this.knownSheets.add(sheetId);
    const room = await this.open(sheetId, true);
    room.holds++;
    try {
      initSheet(room.doc, meta, SERVER_ORIGIN);
      await this.log.flush();
      await this.materializer.flush();
    } finally {
      room.holds--;
      this.release(room);
    }
  }

  /** The loaded room; loads it first. Throws SheetNotFoundError for unknown sheets. */
  open(sheetId: string, creating = false): Promise<Room> {
    if (!creating && !this.knownSheets.has(sheetId)) return Promise.reject(new SheetNotFoundError(sheetId));
    this.cancelUnload(sheetId);
    let pending = this.rooms.get(sheetId);
    if (!pending) {
      pending = this.load(sheetId);
      this.rooms.set(sheetId, pending);
      pending.catch(() => this.rooms.delete(sheetId));
    }
    return pending;
  }

  /** Runs server-side work on a room, keeping it loaded meanwhile. */
  async withRoom<T>(sheetId: string, work: (room: Room) => T | Promise<T>): Promise<T> {
    const room = await this.open(sheetId);
    room.holds++;
    try {
      return await work(room);
    } finally {
      room.holds--;
      this.release(room);
    }
  }

  private async load(sheetId: string): Promise<Room> {
    const started = performance.now();
    const stored = await this.log.load(sheetId);
    const since = { updates: stored.sinceSnapshot, bytes: stored.bytesSinceSnapshot, snapshotBytes: stored.snapshotBytes };
    this.sinceSnapshot.set(sheetId, since);
    const room = new Room(sheetId, (update) => {
      this.log.append(sheetId, update);
      since.updates += 1;
      since.bytes += update.byteLength;
      if (since.updates >= (this.options.compactEvery ?? 2000) && since.bytes >= since.snapshotBytes / 2) {
        this.compact(room).catch((err) => logger.error({ err, sheetId }, 'compaction failed; the log keeps everything'));
      }
    });
    room.load(stored.updates);
    for (const extension of this.options.extensions ?? []) room.onDispose(extension(room));
    const rebuild = stored.updates.length === 0 || this.needsRebuild.delete(sheetId);
    this.materializer.track(sheetId, room.doc, () => this.log.lastSeq(sheetId), rebuild);
    this.loaded.set(sheetId, room);
    logger.info({ sheetId, ms: Math.round(performance.now() - started), updates: stored.updates.length }, 'room loaded');
    return room;
  }

  /** Called when a socket or hold goes away: schedules the unload of an idle room. */
  release(room: Room): void {
    if (!room.idle) return;
    this.cancelUnload(room.sheetId);
    this.unloadTimers.set(
      room.sheetId,
      setTimeout(() => void this.unload(room).catch((err) => logger.error({ err, sheetId: room.sheetId }, 'unload failed')), this.options.idleUnloadMs ?? 3000),
    );
  }

  private cancelUnload(sheetId: string): void {
    const timer = this.unloadTimers.get(sheetId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(sheetId);
  }

  private async compact(room: Room): Promise<void> {
    const since = this.sinceSnapshot.get(room.sheetId);
    const seq = this.log.lastSeq(room.sheetId);
    const state = Y.encodeStateAsUpdate(room.doc);
    if (since) Object.assign(since, { updates: 0, bytes: 0, snapshotBytes: state.byteLength });
    await this.log.compact(room.sheetId, state, seq);
  }

  private async unload(room: Room): Promise<void> {
    this.unloadTimers.delete(room.sheetId);
    await this.log.flush();
    await this.materializer.untrack(room.sheetId);
    if ((this.sinceSnapshot.get(room.sheetId)?.updates ?? 0) > 0) await this.compact(room);
    if (!room.idle) {
      // Someone came back while we flushed: keep the room and track it again.
      this.materializer.track(room.sheetId, room.doc, () => this.log.lastSeq(room.sheetId), true);
      return;
    }
    this.rooms.delete(room.sheetId);
    this.loaded.delete(room.sheetId);
    room.destroy();
    logger.info({ sheetId: room.sheetId }, 'room unloaded');
  }

  /** Flushes everything and unloads every room (shutdown). */
  async closeAll(): Promise<void> {
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    await this.log.flush();
    await this.materializer.flush();
    for (const room of this.loaded.values()) {
      if ((this.sinceSnapshot.get(room.sheetId)?.updates ?? 0) > 0) await this.compact(room);
      room.destroy();
    }
    this.loaded.clear();
    this.rooms.clear();
  }
}
