// The wire protocol, as pure encode/decode functions used by the sync server, the browser, the test
// clients and the benches. Message types 0–3 are y-websocket's (sync, awareness, auth, query-awareness);
// Cellar's own start at 100, which the stock client logs as unknown and ignores.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
/** Server → client: varUint8Array of the encoded state vector that is durably committed to DuckDB. */
export const MESSAGE_SAVED = 100;

// Close codes the stock client treats as final (4400–4499), and 1009 for oversized messages (the size
// limit is `messageBytes` in lib/limits.ts).
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_NO_SUCH_SHEET = 4404;
export const CLOSE_BAD_MESSAGE = 4400;
/** An update that would take the sheet past its cell or row cap (`cellsPerSheet`, `rowsPerSheet`): nothing of it was applied. */
export const CLOSE_SHEET_FULL = 4413;
export const CLOSE_TOO_BIG = 1009;

/** A state vector: Yjs client id → the number of its items covered. */
export type StateVector = Map<number, number>;

function message(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Sync step 1: the sender's state vector, asking for what it lacks. */
export function encodeSyncStep1(doc: Y.Doc): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(e, doc);
  });
}

/** Sync step 2: the update holding what a peer with `stateVector` lacks. */
export function encodeSyncStep2(doc: Y.Doc, stateVector?: Uint8Array): Uint8Array {
  return encodeSyncStep2Update(Y.encodeStateAsUpdate(doc, stateVector));
}

export function encodeSyncStep2Update(update: Uint8Array): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(e, update);
  });
}

/** A document update to relay. */
export function encodeUpdate(update: Uint8Array): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeUpdate(e, update);
  });
}

/** The awareness states of `clients` (all known clients when omitted). */
export function encodeAwareness(awareness: awarenessProtocol.Awareness, clients?: number[]): Uint8Array {
  return encodeAwarenessUpdate(awarenessProtocol.encodeAwarenessUpdate(awareness, clients ?? [...awareness.getStates().keys()]));
}

export function encodeAwarenessUpdate(update: Uint8Array): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, update);
  });
}

export function encodeQueryAwareness(): Uint8Array {
  return message((e) => encoding.writeVarUint(e, MESSAGE_QUERY_AWARENESS));
}

/** The save acknowledgement: the state vector durably committed. */
export function encodeSaved(durable: StateVector): Uint8Array {
  return message((e) => {
    encoding.writeVarUint(e, MESSAGE_SAVED);
    encoding.writeVarUint8Array(e, Y.encodeStateVector(durable));
  });
}

/** The body of a save acknowledgement, read from a decoder positioned after the message type. */
export function readSaved(decoder: decoding.Decoder): StateVector {
  return Y.decodeStateVector(decoding.readVarUint8Array(decoder));
}

/** A message from a peer, decoded in full (a malformed one throws). */
export type ClientMessage =
  | { type: 'sync-step-1'; stateVector: Uint8Array }
  | { type: 'update'; update: Uint8Array; step2: boolean }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'saved'; durable: StateVector };

export function decodeMessage(data: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(data);
  const type = decoding.readVarUint(decoder);
  if (type === MESSAGE_SYNC) {
    const syncType = decoding.readVarUint(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) return { type: 'sync-step-1', stateVector: decoding.readVarUint8Array(decoder) };
    if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
      return { type: 'update', update: decoding.readVarUint8Array(decoder), step2: syncType === syncProtocol.messageYjsSyncStep2 };
    }
    throw new Error(`unknown sync message type ${syncType}`);
  }
  if (type === MESSAGE_AWARENESS) return { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
  if (type === MESSAGE_QUERY_AWARENESS) return { type: 'query-awareness' };
  if (type === MESSAGE_SAVED) return { type: 'saved', durable: readSaved(decoder) };
  throw new Error(`unknown message type ${type}`);
}

/** Whether a client's own edits (its clock in `local`) are covered by a durable state vector. */
export function coversOwnEdits(durable: StateVector, doc: Y.Doc): boolean {
  return (durable.get(doc.clientID) ?? 0) >= Y.getState(doc.store, doc.clientID);
}
