// Loads rooms on demand (stored state first, before anyone syncs), keeps them while they have sockets
// or server-side holds, and unloads them once idle and everything is flushed and compacted. Storage is
// behind two interfaces (documentStore.ts, sheetStore.ts); everything else a room does is a part.
import type { IncomingMessage } from 'node:http';
import { initSheet } from '../lib/sheetDoc';
import type { SheetMeta } from '../lib/schema';
import type { DocumentStore } from './documentStore';
import { logger } from './logger';
import { Room, SERVER_ORIGIN } from './room';
import type { RoomPart } from './roomPart';
import { saveAcknowledgement } from './saveAcknowledgement';
import type { SheetStore } from './sheetStore';
import type { Authorization } from './authorization';
import { SheetNotFoundError } from './sheetNotFoundError';

export interface RoomManagerOptions {
  /** How long an idle room stays loaded (a reconnecting client finds it warm). */
  idleUnloadMs?: number;
  /**
   * Compact the log into a snapshot after at least this many updates, once they also add up to half the
   * snapshot's size: encoding a big document's state blocks the event loop, so it is paid for rarely.
   */
  compactEvery?: number;
  /** Parts attached to every room after the built-in ones (merge arbitration, cluster streams). */
  parts?: RoomPart[];
  /** Updates of these origins are not appended to the document store (a relay: what came from the stream). */
  unlogged?: (origin: unknown) => boolean;
  /** Sheets are not all known here (a relay): open any id and let the document store say it does not exist. */
  openUnknown?: boolean;
}

export { SheetNotFoundError };

interface SinceSnapshot {
  updates: number;
  bytes: number;
  snapshotBytes: number;
}

export class RoomManager {
  private readonly rooms = new Map<string, Promise<Room>>();
  private readonly loaded = new Map<string, Room>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  private readonly sinceSnapshot = new Map<string, SinceSnapshot>();
  private readonly parts: RoomPart[];
  /** Unloads and compactions started in the background: shutdown waits for them before the store closes. */
  private readonly background = new Set<Promise<unknown>>();
  private closing = false;
  /** Sheets whose materialized tables lag their stored log (found at start-up). */
  readonly needsRebuild = new Set<string>();

  constructor(
    readonly documents: DocumentStore,
    readonly sheets: SheetStore | null,
    readonly knownSheets: Set<string>,
    private readonly options: RoomManagerOptions = {},
  ) {
    this.parts = [this.updateLogPart(), ...(sheets ? [this.materializerPart(sheets)] : []), saveAcknowledgement(), ...(options.parts ?? [])];
    documents.watch({
      stateAt: (sheetId) => this.loaded.get(sheetId)?.commitStarting(),
      committed: (sheetId, durable) => this.loaded.get(sheetId)?.markDurable(durable),
    });
  }

  get loadedRooms(): ReadonlyMap<string, Room> {
    return this.loaded;
  }

  /** Runs the parts' authenticate hooks: the first refusal wins. */
  async authenticate(request: IncomingMessage, sheetId: string): Promise<Authorization> {
    let allowed: Authorization = { ok: true, userId: null };
    for (const part of this.parts) {
      if (!part.authenticate) continue;
      const result = await part.authenticate(request, sheetId);
      if (!result.ok) return result;
      allowed = result;
    }
    return allowed;
  }

  /** Creates a sheet's document with its template's columns, stored before this resolves. */
  async create(sheetId: string, meta: SheetMeta): Promise<void> {
    if (this.knownSheets.has(sheetId)) throw new Error(`sheet ${sheetId} exists`);
    this.knownSheets.add(sheetId);
    const room = await this.open(sheetId, true);
    room.holds++;
    try {
      initSheet(room.doc, meta, SERVER_ORIGIN);
      await this.documents.flush();
      await room.flushParts();
    } finally {
      room.holds--;
      this.release(room);
    }
  }

  /** The loaded room; loads it first. Throws SheetNotFoundError for unknown sheets. */
  open(sheetId: string, creating = false): Promise<Room> {
    // After shutdown began nothing may load (its reads would reach a closed database).
    if (this.closing) return Promise.reject(new Error('the sync server is stopping'));
    if (!creating && !this.mayExist(sheetId)) return Promise.reject(new SheetNotFoundError(sheetId));
    this.cancelUnload(sheetId);
    let pending = this.rooms.get(sheetId);
    if (!pending) {
      pending = this.load(sheetId);
      this.rooms.set(sheetId, pending);
      pending.catch(() => this.rooms.delete(sheetId));
    }
    return pending;
  }

  /** Whether a sheet may exist: known here, or asked for when loading. */
  mayExist(sheetId: string): boolean {
    return this.knownSheets.has(sheetId) || this.options.openUnknown === true;
  }

  /** Runs server-side work on a room, keeping it loaded meanwhile; its edits are attributed to `writer`. */
  async withRoom<T>(sheetId: string, work: (room: Room) => T | Promise<T>, writer: string | null = null): Promise<T> {
    const room = await this.open(sheetId);
    room.holds++;
    const previous = room.writer;
    room.writer = writer;
    try {
      return await work(room);
    } finally {
      room.writer = previous;
      room.holds--;
      this.release(room);
    }
  }

  /** Closes every open socket of one identity, in every loaded room (live revocation). */
  closeIdentity(identityId: string, code: number, reason: string): number {
    let closed = 0;
    for (const room of this.loaded.values()) closed += room.closeIdentity(identityId, code, reason);
    return closed;
  }

  private async load(sheetId: string): Promise<Room> {
    const started = performance.now();
    const stored = await this.documents.load(sheetId);
    this.sinceSnapshot.set(sheetId, { updates: stored.sinceSnapshot, bytes: stored.bytesSinceSnapshot, snapshotBytes: stored.snapshotBytes });
    const room = new Room(sheetId, this.parts);
    room.loadedUpdates = stored.updates.length;
    await room.load(stored.updates, stored.durable);
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
      setTimeout(() => this.inBackground(this.unload(room).catch((err) => logger.error({ err, sheetId: room.sheetId }, 'unload failed'))), this.options.idleUnloadMs ?? 3000),
    );
  }

  private cancelUnload(sheetId: string): void {
    const timer = this.unloadTimers.get(sheetId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(sheetId);
  }

  /** Compacts the stored log up to what is appended now (the store builds the snapshot off this thread). */
  private async compact(room: Room): Promise<void> {
    const since = this.sinceSnapshot.get(room.sheetId);
    const seq = this.documents.lastSeq(room.sheetId);
    if (since) Object.assign(since, { updates: 0, bytes: 0 });
    const snapshotBytes = await this.documents.compact(room.sheetId, seq);
    if (since && snapshotBytes !== null) since.snapshotBytes = snapshotBytes;
  }

  /** Flushes the room's log and parts and compacts, until no update raced the flush. */
  private async settle(room: Room): Promise<void> {
    for (;;) {
      const seen = room.updates;
      await this.documents.flush();
      await room.flushParts();
      // A failed compaction loses nothing (the log keeps every update): the room unloads all the same.
      if ((this.sinceSnapshot.get(room.sheetId)?.updates ?? 0) > 0) await this.compact(room).catch((err) => logger.error({ err, sheetId: room.sheetId }, 'compaction failed; the log keeps everything'));
      if (room.updates === seen || !room.idle) return;
    }
  }

  private async unload(room: Room): Promise<void> {
    this.unloadTimers.delete(room.sheetId);
    await this.settle(room);
    // Someone came back while we flushed: keep the room.
    if (!room.idle) return;
    this.rooms.delete(room.sheetId);
    this.loaded.delete(room.sheetId);
    this.sinceSnapshot.delete(room.sheetId);
    room.destroy();
    logger.info({ sheetId: room.sheetId }, 'room unloaded');
  }

  /** Flushes everything and unloads every room (shutdown). */
  async closeAll(): Promise<void> {
    this.closing = true;
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    await this.backgroundSettled();
    await this.documents.flush();
    await this.sheets?.flush();
    for (const room of this.loaded.values()) {
      await this.settle(room);
      room.destroy();
    }
    await this.backgroundSettled();
    this.loaded.clear();
    this.rooms.clear();
  }

  /** Keeps track of work started without a caller waiting for it, so shutdown can. */
  private inBackground(work: Promise<unknown>): void {
    this.background.add(work);
    const forget = () => this.background.delete(work);
    work.then(forget, forget);
  }

  private async backgroundSettled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** The update log as a part: every update is appended to the document store; compaction when due. */
  private updateLogPart(): RoomPart {
    return {
      onUpdate: (room, update, origin) => {
        if (this.options.unlogged?.(origin)) return;
        this.documents.append(room.sheetId, update);
        const since = this.sinceSnapshot.get(room.sheetId);
        if (!since) return;
        since.updates += 1;
        since.bytes += update.byteLength;
        if (since.updates >= (this.options.compactEvery ?? 2000) && since.bytes >= since.snapshotBytes / 2) {
          this.inBackground(this.compact(room).catch((err) => logger.error({ err, sheetId: room.sheetId }, 'compaction failed; the log keeps everything')));
        }
      },
    };
  }

  /** The materializer as a part: tracks a loaded document; a new or lagging sheet is rebuilt whole. */
  private materializerPart(sheets: SheetStore): RoomPart {
    return {
      afterLoad: (room) => {
        const rebuild = room.loadedUpdates === 0 || this.needsRebuild.delete(room.sheetId);
        sheets.track(room.sheetId, room.doc, () => this.documents.lastSeq(room.sheetId), rebuild, () => room.writer);
        return () => sheets.detach(room.sheetId);
      },
      flush: () => sheets.flush(),
    };
  }
}
