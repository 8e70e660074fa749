// Redis names of cluster mode: one stream per sheet holds every update any relay accepted (and the
// persister's own edits); pub/sub channels carry presence and what is durable.

/** Stream of a sheet's updates: entries `u` (the Yjs update) and `r` (the id of the process that added it). */
export const updatesKey = (sheetId: string) => `cellar:sheet:${sheetId}:updates`;
/** Channel of a sheet's awareness between relays. */
export const awarenessChannel = (sheetId: string) => `cellar:sheet:${sheetId}:awareness`;
/** Key and channel of a sheet's durable state vector, as the persister last committed it. */
export const durableKey = (sheetId: string) => `cellar:sheet:${sheetId}:durable`;
/** Set of the sheets that have a stream (the persister consumes each). */
export const STREAMS_SET = 'cellar:streams';
/** Channel that tells the persister a stream appeared. */
export const STREAMS_CHANNEL = 'cellar:streams:new';
/** Channel of revoked identities (closes their sockets on every relay). */
export const REVOCATIONS_CHANNEL = 'cellar:revocations';
/** The persister's consumer group on every stream. */
export const PERSISTER_GROUP = 'persister';
/** The id the persister writes into `r` of its own entries. */
export const PERSISTER_ID = 'persister';

export function sheetFromKey(key: string): string | null {
  const match = /^cellar:sheet:([A-Za-z0-9_-]{1,64}):(updates|awareness|durable)$/.exec(key);
  return match ? match[1] : null;
}

/** Transaction origin of updates that came from the stream: relayed to sockets, never appended again. */
export const STREAM_ORIGIN = Symbol('stream');

/** Fields of a raw stream entry (XREAD with buffers) as a map. */
export function entryFields(fields: Buffer[]): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i].toString(), fields[i + 1]);
  return map;
}

/**
 * The update of a raw stream entry (XREAD with buffers), or null when it has none or was added by
 * `skipFrom`: read without building a map or strings per entry (the persister reads tens of thousands a
 * second; field names are one byte, compared as bytes).
 */
export function entryUpdate(fields: Buffer[], skipFrom: string): Uint8Array | null {
  let update: Buffer | null = null;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    if (name.length !== 1) continue;
    if (name[0] === 0x75 /* u */) update = fields[i + 1];
    else if (name[0] === 0x72 /* r */ && fields[i + 1].toString() === skipFrom) return null;
  }
  return update ? new Uint8Array(update.buffer, update.byteOffset, update.byteLength) : null;
}
