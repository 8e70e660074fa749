// Updates that arrived before an item they depend on (schema guard verdict `held`): kept unapplied, per
// socket and bounded, and checked again once the document has the missing item. Yjs would keep them as
// pending structs and apply them, unchecked, when the parent arrives; here nothing is applied unchecked.
import * as Y from 'yjs';
import { limits } from '../lib/limits';

interface Held {
  update: Uint8Array;
  missing: Y.ID;
}

export class HeldUpdates<Socket> {
  private readonly bySocket = new Map<Socket, { updates: Held[]; bytes: number }>();

  /** Keeps an update; false when the socket has too many waiting already (the caller refuses it). */
  hold(socket: Socket, update: Uint8Array, missing: Y.ID): boolean {
    const entry = this.bySocket.get(socket) ?? { updates: [], bytes: 0 };
    if (entry.updates.length >= limits().heldUpdatesPerSocket || entry.bytes + update.byteLength > limits().heldBytesPerSocket) return false;
    entry.updates.push({ update, missing });
    entry.bytes += update.byteLength;
    this.bySocket.set(socket, entry);
    return true;
  }

  get size(): number {
    let count = 0;
    for (const entry of this.bySocket.values()) count += entry.updates.length;
    return count;
  }

  /** Takes the held updates whose missing item the document now has, in arrival order per socket. */
  takeReady(doc: Y.Doc): Array<{ socket: Socket; update: Uint8Array }> {
    const ready: Array<{ socket: Socket; update: Uint8Array }> = [];
    for (const [socket, entry] of this.bySocket) {
      const keep: Held[] = [];
      for (const held of entry.updates) {
        if (Y.getState(doc.store, held.missing.client) > held.missing.clock) ready.push({ socket, update: held.update });
        else keep.push(held);
      }
      if (keep.length === entry.updates.length) continue;
      entry.updates = keep;
      entry.bytes = keep.reduce((total, h) => total + h.update.byteLength, 0);
      if (keep.length === 0) this.bySocket.delete(socket);
    }
    return ready;
  }

  /** Forgets a socket's held updates (it closed; its client resends what the server lacks on reconnect). */
  drop(socket: Socket): void {
    this.bySocket.delete(socket);
  }
}
