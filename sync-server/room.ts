// A room: one sheet's live Y.Doc, its awareness and its connected sockets. Every update, from a socket
// or the server itself, is relayed to the other sockets and appended to the durable log.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type WebSocket from 'ws';
import { MESSAGE_AWARENESS, MESSAGE_SAVED, MESSAGE_SYNC } from '../lib/protocol';
import { checkUpdateShape } from '../lib/updateGuard';

/** Transaction origin of updates replayed from storage: neither relayed nor logged again. */
export const LOAD_ORIGIN = Symbol('load');
/** Shortest interval between two save acknowledgements to a room's sockets. */
const SAVED_NOTICE_MS = 15;

/** Transaction origin of server-side edits (internal API). */
export const SERVER_ORIGIN = Symbol('server');

export class Room {
  readonly doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  /** Each socket and the awareness client ids it controls. */
  readonly sockets = new Map<WebSocket, Set<number>>();
  /** Per-client clocks that are durably committed: what a client needs to know its edits are saved. */
  readonly durable = new Map<number, number>();
  /** Server-side users of the room (internal API calls) that keep it loaded. */
  holds = 0;
  private savedTimer: NodeJS.Timeout | null = null;
  private lastSavedNotice = 0;
  private readonly detachers: Array<() => void> = [];
  /**
   * The sync step 2 message for a client with nothing (a fresh browser opening the sheet), encoded once
   * per change of the document rather than once per opening: ~0.2 s for a 100,000-cell sheet.
   */
  private fullSyncMessage: Uint8Array | null = null;

  constructor(
    readonly sheetId: string,
    private readonly appendToLog: (update: Uint8Array) => void,
  ) {
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.doc.on('update', this.onUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
  }

  /** Applies stored state without relaying or logging it. */
  load(updates: readonly Uint8Array[]): void {
    if (updates.length > 0) Y.applyUpdate(this.doc, Y.mergeUpdates(updates as Uint8Array[]), LOAD_ORIGIN);
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(this.doc))) this.durable.set(client, clock);
  }

  onDispose(detach: () => void): void {
    this.detachers.push(detach);
  }

  private onUpdate = (update: Uint8Array, origin: unknown): void => {
    this.fullSyncMessage = null;
    if (origin === LOAD_ORIGIN) return;
    this.appendToLog(update);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    for (const socket of this.sockets.keys()) if (socket !== origin) send(socket, message);
  };

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = added.concat(updated, removed);
    const controlled = this.sockets.get(origin as WebSocket);
    if (controlled) {
      for (const id of added) controlled.add(id);
      for (const id of removed) controlled.delete(id);
    }
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    const message = encoding.toUint8Array(encoder);
    for (const socket of this.sockets.keys()) send(socket, message);
  };

  /** Adds a socket: sends sync step 1, the durable state and the peers' awareness. */
  addSocket(socket: WebSocket): void {
    this.sockets.set(socket, new Set());
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, this.doc);
    send(socket, encoding.toUint8Array(encoder));
    send(socket, this.savedMessage());
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) {
      const awarenessEncoder = encoding.createEncoder();
      encoding.writeVarUint(awarenessEncoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(awarenessEncoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, states));
      send(socket, encoding.toUint8Array(awarenessEncoder));
    }
  }

  removeSocket(socket: WebSocket): void {
    const controlled = this.sockets.get(socket);
    this.sockets.delete(socket);
    if (controlled && controlled.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...controlled], null);
  }

  /**
   * Handles one message from a socket. Updates are decoded in full before they are applied, so a
   * malformed one throws and changes nothing.
   */
  handleMessage(socket: WebSocket, data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const syncType = decoding.readVarUint(decoder);
      if (syncType === syncProtocol.messageYjsSyncStep1) {
        const stateVector = decoding.readVarUint8Array(decoder);
        const empty = Y.decodeStateVector(stateVector).size === 0;
        if (empty && this.fullSyncMessage) return send(socket, this.fullSyncMessage);
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
        encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(this.doc, stateVector));
        const message = encoding.toUint8Array(encoder);
        if (empty) this.fullSyncMessage = message;
        send(socket, message);
      } else if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
        const update = decoding.readVarUint8Array(decoder);
        // Decoded and checked against the schema in full before anything is applied.
        const problem = checkUpdateShape(this.doc, update);
        if (problem) throw new Error(`update refused: ${problem}`);
        Y.applyUpdate(this.doc, update, socket);
      } else {
        throw new Error(`unknown sync message type ${syncType}`);
      }
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), socket);
    } else if (type === 3) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]));
      send(socket, encoding.toUint8Array(encoder));
    } else {
      throw new Error(`unknown message type ${type}`);
    }
  }

  /** The document's state vector: taken when a log batch starts, it is what that commit makes durable. */
  stateVector(): Map<number, number> {
    return Y.decodeStateVector(Y.encodeStateVector(this.doc));
  }

  /**
   * Records a committed state vector and tells the sockets, at most once per SAVED_NOTICE_MS so a busy
   * room does not flood its clients with acknowledgements.
   */
  markDurable(committed: Map<number, number>): void {
    for (const [client, clock] of committed) if ((this.durable.get(client) ?? 0) < clock) this.durable.set(client, clock);
    if (this.sockets.size === 0 || this.savedTimer) return;
    const elapsed = Date.now() - this.lastSavedNotice;
    const notify = () => {
      this.savedTimer = null;
      this.lastSavedNotice = Date.now();
      const message = this.savedMessage();
      for (const socket of this.sockets.keys()) send(socket, message);
    };
    if (elapsed >= SAVED_NOTICE_MS) notify();
    else this.savedTimer = setTimeout(notify, SAVED_NOTICE_MS - elapsed);
  }

  private savedMessage(): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SAVED);
    encoding.writeVarUint8Array(encoder, Y.encodeStateVector(this.durable));
    return encoding.toUint8Array(encoder);
  }

  get idle(): boolean {
    return this.sockets.size === 0 && this.holds === 0;
  }

  destroy(): void {
    if (this.savedTimer) clearTimeout(this.savedTimer);
    for (const detach of this.detachers) detach();
    this.awareness.destroy();
    this.doc.destroy();
  }
}

function send(socket: WebSocket, message: Uint8Array): void {
  if (socket.readyState !== socket.OPEN) return;
  socket.send(message, (error) => {
    if (error) socket.terminate();
  });
}
