// A room: one sheet's live Y.Doc, its awareness and its connected sockets. Every update, from a socket
// or the server itself, is relayed to the other sockets and handed to the room's parts (the update log,
// the materializer, the stream of cluster mode: see roomPart.ts).
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  CLOSE_TOO_BIG,
  decodeMessage,
  encodeAwareness,
  encodeSaved,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeUpdate,
  type StateVector,
} from '../lib/protocol';
import { checkUpdate, UpdateCheck } from '../lib/updateGuard';
import { closeForRefusal, UpdateRefusedError } from './updateRefusal';
import { AwarenessGate } from './awarenessGate';
import { HeldUpdates } from './heldUpdates';
import { logger } from './logger';
import { updateWorker } from './updateWorker';
import type { RoomPart } from './roomPart';
import type { RoomSocket } from './roomSocket';

/** Transaction origin of updates replayed from storage: neither relayed nor logged again. */
export const LOAD_ORIGIN = Symbol('load');

/** Transaction origin of server-side edits (internal API). */
export const SERVER_ORIGIN = Symbol('server');

/**
 * Updates larger than this are cut into slices in a worker thread, checked a few items at a time and applied
 * slice by slice, the event loop free between turns (a frame of the largest accepted size is ~0.3 s to decode,
 * ~0.5 s to check and ~1 s to apply with the room's parts); smaller ones are checked and applied at once.
 */
export const BIG_UPDATE_BYTES = 128 * 1024;
const STRUCTS_PER_SLICE = 2000;
/**
 * Stored state past this is applied in turns when the room loads (~0.1 s of applying at once). Its big updates
 * are sliced by 10,000 structs: each slice applies in ≤ ~60 ms and all of them no slower than the whole (with
 * 2,000 the slices wait on each other's items: slower, and up to ~0.2 s for one).
 */
const LOAD_SLICE_BYTES = 512 * 1024;
const LOAD_STRUCTS_PER_SLICE = 10_000;
/** Longest stretch of a big update's work in one turn of the event loop. */
const TURN_MS = 8;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** How long the first-sync reply for fresh clients is kept after its last use. */
export const FULL_SYNC_KEEP_MS = 1000;

export class Room {
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  /** Each socket and the awareness client ids it controls. */
  readonly sockets = new Map<RoomSocket, Set<number>>();
  /** Per-client clocks that are durably committed: what a client needs to know its edits are saved. */
  readonly durable: StateVector = new Map();
  /** Server-side users of the room (internal API calls) that keep it loaded. */
  holds = 0;
  /** The authenticated identity whose edit is being applied right now (attribution in history), or null. */
  writer: string | null = null;
  /** Updates applied since the room was created (not counting stored state): tells an unload it raced one. */
  updates = 0;
  /** How many stored updates the room was loaded from (0: a new sheet). */
  loadedUpdates = 0;
  private readonly detachers: Array<() => void> = [];
  /** Updates waiting for an item they depend on (see lib/updateGuard.ts): never applied unchecked. */
  private readonly held = new HeldUpdates<RoomSocket>();
  private readonly awarenessGates = new Map<RoomSocket, AwarenessGate>();
  /**
   * Updates waiting while a big update is checked and applied over several turns: every socket's updates
   * then go through here in arrival order, so each is checked against the document it is applied to.
   */
  private readonly inbox: Array<{ socket: RoomSocket; update: Uint8Array }> = [];
  private draining: Promise<void> | null = null;
  private destroyed = false;
  /**
   * The sync step 2 message for a client with nothing (a fresh browser opening the sheet), encoded once
   * per change of the document rather than once per opening (~0.2 s for a 100,000-cell sheet), and kept
   * only while fresh clients keep arriving: dropped FULL_SYNC_KEEP_MS after its last use, so a loaded
   * room does not carry a second copy of its document (≈ 5 MB at 100,000 cells) between openings.
   */
  private fullSyncMessage: Uint8Array | null = null;
  private fullSyncTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly sheetId: string,
    private readonly parts: readonly RoomPart[] = [],
  ) {
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.doc.on('update', this.onUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /**
   * Applies stored state without relaying or logging it, then runs the parts' afterLoad. Stored state past
   * LOAD_SLICE_BYTES is applied update by update, each past BIG_UPDATE_BYTES (the snapshot of a big sheet)
   * cut into slices in the update worker, the event loop free between turns: applied whole, a 100,000-cell
   * sheet held every socket of the server for ~0.7 s. This costs the room's first opener time (slicing a
   * 5 MB snapshot takes the worker ~0.75 s). Small stored state is applied at once (load then completes
   * synchronously).
   */
  async load(updates: readonly Uint8Array[], durable?: StateVector): Promise<void> {
    const bytes = updates.reduce((sum, update) => sum + update.byteLength, 0);
    if (bytes <= LOAD_SLICE_BYTES) {
      if (updates.length > 0) Y.applyUpdate(this.doc, Y.mergeUpdates(updates as Uint8Array[]), LOAD_ORIGIN);
    } else {
      // Each stored update on its own (merging them is itself a whole-document pass), big ones in slices.
      let turn = performance.now();
      for (const update of updates) {
        const slices = update.byteLength > BIG_UPDATE_BYTES ? await updateWorker.slice(update, LOAD_STRUCTS_PER_SLICE) : [update];
        for (const slice of slices) {
          Y.applyUpdate(this.doc, slice, LOAD_ORIGIN);
          if (performance.now() - turn >= TURN_MS) {
            await nextTurn();
            turn = performance.now();
          }
        }
      }
    }
    for (const [client, clock] of durable ?? this.stateVector()) this.durable.set(client, clock);
    for (const part of this.parts) {
      const detach = part.afterLoad?.(this);
      if (detach) this.detachers.push(detach);
    }
  }

  private onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.dropFullSync();
    if (origin === LOAD_ORIGIN) return;
    this.updates++;
    for (const part of this.parts) part.onUpdate?.(this, update, origin);
    const message = encodeUpdate(update);
    for (const socket of this.sockets.keys()) if (socket !== origin) socket.send(message);
  };

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = added.concat(updated, removed);
    const controlled = this.sockets.get(origin as RoomSocket);
    if (controlled) {
      for (const id of added) controlled.add(id);
      for (const id of removed) controlled.delete(id);
    }
    const message = encodeAwareness(this.awareness, changed);
    for (const socket of this.sockets.keys()) socket.send(message);
  };

  /** Adds a socket: sends sync step 1, the durable state and the peers' awareness. */
  addSocket(socket: RoomSocket): void {
    this.sockets.set(socket, new Set());
    this.awarenessGates.set(socket, new AwarenessGate());
    socket.send(encodeSyncStep1(this.doc));
    socket.send(encodeSaved(this.durable));
    if (this.awareness.getStates().size > 0) socket.send(encodeAwareness(this.awareness));
  }

  removeSocket(socket: RoomSocket): void {
    const controlled = this.sockets.get(socket);
    this.sockets.delete(socket);
    this.held.drop(socket);
    this.awarenessGates.delete(socket);
    if (controlled && controlled.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...controlled], null);
  }

  /**
   * Handles one message from a socket. Updates are decoded in full before they are applied, so a
   * malformed one throws and changes nothing.
   */
  handleMessage(socket: RoomSocket, data: Uint8Array): void {
    const message = decodeMessage(data);
    switch (message.type) {
      case 'sync-step-1': {
        const empty = Y.decodeStateVector(message.stateVector).size === 0;
        if (!empty) return socket.send(encodeSyncStep2(this.doc, message.stateVector));
        this.fullSyncMessage ??= encodeSyncStep2(this.doc, message.stateVector);
        this.keepFullSync();
        return socket.send(this.fullSyncMessage);
      }
      case 'update': {
        // A viewer's document updates are dropped: never applied or relayed.
        if (socket.identity.readOnly) return;
        if (this.draining || message.update.byteLength > BIG_UPDATE_BYTES) return this.enqueue(socket, message.update);
        return this.receiveUpdate(socket, message.update);
      }
      case 'awareness': {
        const verdict = this.awarenessGates.get(socket)?.admit(message.update, this.sockets.get(socket) ?? new Set()) ?? 'drop';
        if (verdict === 'too-big') return socket.close(CLOSE_TOO_BIG, 'awareness state too large');
        if (verdict === 'apply') awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, socket);
        return;
      }
      case 'query-awareness':
        return socket.send(encodeAwareness(this.awareness));
      default:
        throw new Error(`unexpected message ${message.type} from a client`);
    }
  }

  /**
   * Checks an update against the schema in full before anything is applied; one that depends on an item
   * not here yet is held until it is, then checked (lib/updateGuard.ts). Throws (the socket is closed)
   * when it is refused.
   */
  private receiveUpdate(socket: RoomSocket, update: Uint8Array): void {
    const verdict = checkUpdate(this.doc, update);
    if (verdict.ok === 'held') {
      if (!this.held.hold(socket, update, verdict.missing)) throw new Error('update refused: too many updates wait for items that have not arrived');
      return;
    }
    if (verdict.ok === false) throw UpdateRefusedError.fromVerdict(verdict);
    this.applyFrom(socket, update);
    this.releaseHeld();
  }

  private enqueue(socket: RoomSocket, update: Uint8Array): void {
    this.inbox.push({ socket, update });
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  /** Resolves once the updates queued so far (big ones over several turns) are applied or refused. */
  async settled(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    for (let next = this.inbox.shift(); next && !this.destroyed; next = this.inbox.shift()) {
      const { socket, update } = next;
      if (!this.sockets.has(socket)) continue; // it closed: its client sends what the server lacks when it reconnects
      try {
        if (update.byteLength > BIG_UPDATE_BYTES) await this.receiveBigUpdate(socket, update);
        else this.receiveUpdate(socket, update);
      } catch (err) {
        const close = closeForRefusal(err);
        logger.warn({ sheetId: this.sheetId, err: (err as Error).message }, `${close.reason}; closing socket`);
        socket.close(close.code, close.reason);
      }
    }
  }

  /**
   * receiveUpdate for a big update, without stalling the event loop: sliced in the worker, every item checked
   * (a few thousand per turn) before anything is applied, then applied slice by slice. The document changes
   * meanwhile only by server-side edits; other sockets' updates wait in the inbox.
   */
  private async receiveBigUpdate(socket: RoomSocket, update: Uint8Array): Promise<void> {
    const slices = await updateWorker.slice(update, STRUCTS_PER_SLICE);
    const check = new UpdateCheck(this.doc);
    let verdict;
    let turn = performance.now();
    const due = async () => {
      if (performance.now() - turn < TURN_MS) return false;
      await nextTurn();
      turn = performance.now();
      return this.destroyed;
    };
    for (const slice of slices) {
      check.add(slice);
      if (await due()) return;
    }
    while (!(verdict = check.step(STRUCTS_PER_SLICE / 2))) if (await due()) return;
    if (verdict.ok === 'held') {
      if (!this.held.hold(socket, update, verdict.missing)) throw new Error('update refused: too many updates wait for items that have not arrived');
      return;
    }
    if (verdict.ok === false) throw UpdateRefusedError.fromVerdict(verdict);
    // Checked as a whole: from here on it is applied whole even if its socket closes.
    for (const slice of slices) {
      this.applyFrom(socket, slice);
      if (await due()) return;
    }
    this.releaseHeld();
  }

  private applyFrom(socket: RoomSocket, update: Uint8Array): void {
    const previous = this.writer;
    this.writer = socket.identity.userId;
    try {
      Y.applyUpdate(this.doc, update, socket);
    } finally {
      this.writer = previous;
    }
  }

  /** Checks and applies the held updates whose missing item has arrived (which may release others). */
  private releaseHeld(): void {
    for (let ready = this.held.takeReady(this.doc); ready.length > 0; ready = this.held.takeReady(this.doc)) {
      for (const { socket, update } of ready) {
        if (!this.sockets.has(socket)) continue;
        let verdict;
        try {
          verdict = checkUpdate(this.doc, update);
        } catch {
          verdict = { ok: false as const, problem: 'malformed update' };
        }
        if (verdict.ok === true) this.applyFrom(socket, update);
        else if (verdict.ok === 'held') this.held.hold(socket, update, verdict.missing);
        else {
          this.held.drop(socket);
          const close = closeForRefusal(UpdateRefusedError.fromVerdict(verdict));
          socket.close(close.code, close.reason);
        }
      }
    }
  }

  private keepFullSync(): void {
    if (this.fullSyncTimer) clearTimeout(this.fullSyncTimer);
    this.fullSyncTimer = setTimeout(() => this.dropFullSync(), FULL_SYNC_KEEP_MS);
    this.fullSyncTimer.unref?.();
  }

  private dropFullSync(): void {
    this.fullSyncMessage = null;
    if (this.fullSyncTimer) clearTimeout(this.fullSyncTimer);
    this.fullSyncTimer = null;
  }

  /** Whether the first-sync reply for fresh clients is cached right now (tests, memory benchmark). */
  get fullSyncCached(): boolean {
    return this.fullSyncMessage !== null;
  }

  /** The document's state vector: taken when a log batch starts, it is what that commit makes durable. */
  stateVector(): StateVector {
    return Y.decodeStateVector(Y.encodeStateVector(this.doc));
  }

  /** A commit of every update applied so far starts: returns the state it makes durable. */
  commitStarting(): StateVector {
    for (const part of this.parts) part.beforeCommit?.(this);
    return this.stateVector();
  }

  /** Records a committed state vector and runs the parts' afterCommit (the save acknowledgement). */
  markDurable(committed: StateVector): void {
    for (const [client, clock] of committed) if ((this.durable.get(client) ?? 0) < clock) this.durable.set(client, clock);
    for (const part of this.parts) part.afterCommit?.(this, committed);
  }

  /** Sends a message to every socket of the room. */
  broadcast(message: Uint8Array): void {
    for (const socket of this.sockets.keys()) socket.send(message);
  }

  /** Closes the sockets of one identity (live revocation); returns how many. */
  closeIdentity(identityId: string, code: number, reason: string): number {
    let closed = 0;
    for (const socket of [...this.sockets.keys()]) {
      if (socket.identity.userId !== identityId) continue;
      socket.close(code, reason);
      closed++;
    }
    return closed;
  }

  get idle(): boolean {
    return this.sockets.size === 0 && this.holds === 0;
  }

  /** Runs the parts' flush for this room. */
  async flushParts(): Promise<void> {
    for (const part of this.parts) await part.flush?.(this);
  }

  destroy(): void {
    this.destroyed = true;
    this.dropFullSync();
    for (const part of this.parts) part.beforeUnload?.(this);
    for (const detach of this.detachers) detach();
    this.awareness.destroy();
    this.doc.destroy();
  }
}
