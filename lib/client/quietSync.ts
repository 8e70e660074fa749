// Opening a big sheet fast: Yjs re-encodes every transaction as an update for its `update` listeners
// (y-websocket, y-indexeddb). For the two transactions that bring in someone else's data — the IndexedDB
// copy loading and an update from the server — that encoding is pure waste (≈ 170 ms and much garbage for a
// 100,000-cell sheet): y-websocket does not send back what the server sent, and y-indexeddb can store the
// bytes it was given. These helpers apply such data with the `update` listeners held aside, synchronously
// restored afterwards, so every local edit is still seen by both.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { messageSync, type WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

type Listener = (...args: unknown[]) => void;
type Observers = Map<string, Set<Listener>>;

function observersOf(doc: Y.Doc): Observers {
  return (doc as unknown as { _observers: Observers })._observers;
}

/**
 * Holds the doc's `update` listeners aside until the returned function is called (idempotent). Listeners
 * added meanwhile are kept. While held, no transaction is encoded for them: only use this around
 * transactions whose data the listeners do not need (see the module comment).
 */
export function holdUpdateListeners(doc: Y.Doc): () => void {
  const observers = observersOf(doc);
  const held = observers.get('update');
  if (held) observers.delete('update');
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (!held) return;
    const added = observers.get('update');
    if (added) for (const listener of added) held.add(listener);
    observers.set('update', held);
  };
}

/** Applies an update from elsewhere without encoding it again for the `update` listeners. */
export function applyQuietly(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
  const release = holdUpdateListeners(doc);
  try {
    Y.applyUpdate(doc, update, origin);
  } finally {
    release();
  }
}

/**
 * Replaces the provider's sync-message handler with one that applies the server's updates quietly and
 * hands their bytes to `store` (the IndexedDB copy). Same protocol behaviour as y-websocket's own handler:
 * step 1 is answered with step 2; step 2 marks the provider synced.
 */
export function installQuietSync(provider: WebsocketProvider, store: (update: Uint8Array) => void): void {
  provider.messageHandlers[messageSync] = (encoder, decoder, _provider, emitSynced) => {
    encoding.writeVarUint(encoder, messageSync);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case syncProtocol.messageYjsSyncStep1:
        syncProtocol.readSyncStep1(decoder, encoder, provider.doc);
        break;
      case syncProtocol.messageYjsSyncStep2:
      case syncProtocol.messageYjsUpdate: {
        const update = decoding.readVarUint8Array(decoder);
        try {
          applyQuietly(provider.doc, update, provider);
          store(update);
        } catch (error) {
          console.error('Caught error while handling a Yjs update', error);
        }
        break;
      }
      default:
        throw new Error('Unknown sync message type');
    }
    if (emitSynced && type === syncProtocol.messageYjsSyncStep2 && !provider.synced) provider.synced = true;
  };
}
