// A relay's document store: a room loads from the persister (its state and the last stream entry that
// state holds) plus the stream after that entry; updates are appended to the sheet's stream (XADD);
// "durable" is what the persister publishes after its DuckDB commits. A relay never opens DuckDB.
import type { Redis } from 'ioredis';
import * as Y from 'yjs';
import type { StateVector } from '../../lib/protocol';
import type { DocumentStore, DurabilityWatcher, StoredDocument } from '../documentStore';
import { SheetNotFoundError } from '../roomManager';
import { durableKey, entryFields, STREAMS_CHANNEL, STREAMS_SET, updatesKey } from './streamKeys';

export interface PersisterEndpoint {
  /** The persister's internal API, e.g. http://127.0.0.1:1234. */
  url: string;
  secret: string;
}

export class RelayDocumentStore implements DocumentStore {
  private watcher: DurabilityWatcher | null = null;
  private readonly seqs = new Map<string, number>();
  private readonly pending = new Set<Promise<unknown>>();
  /** The last stream entry each loaded sheet's state holds: where its follower starts. */
  readonly loadedUpTo = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly persister: PersisterEndpoint,
    private readonly relayId: string,
  ) {}

  watch(watcher: DurabilityWatcher): void {
    this.watcher = watcher;
  }

  async load(sheetId: string): Promise<StoredDocument> {
    const response = await fetch(`${this.persister.url}/internal/sheets/${encodeURIComponent(sheetId)}/document`, {
      headers: { authorization: `Bearer ${this.persister.secret}` },
    });
    if (response.status === 404) throw new SheetNotFoundError(sheetId);
    if (!response.ok) throw new Error(`the persister answered ${response.status} for the document of ${sheetId}`);
    const state = new Uint8Array(await response.arrayBuffer());
    let upTo = response.headers.get('x-cellar-stream-id') || '0';
    const updates = [state];
    const key = updatesKey(sheetId);
    // What the stream holds after the persister's state: entries it has not consumed yet.
    for (;;) {
      const entries = (await this.redis.xrangeBuffer(key, upTo === '0' ? '-' : `(${upTo}`, '+', 'COUNT', 5000)) as Array<[Buffer, Buffer[]]>;
      for (const [id, fields] of entries) {
        const update = entryFields(fields).get('u');
        if (update) updates.push(new Uint8Array(update));
        upTo = id.toString();
      }
      if (entries.length < 5000) break;
    }
    this.loadedUpTo.set(sheetId, upTo);
    const [durable] = await Promise.all([this.redis.getBuffer(durableKey(sheetId)), this.redis.sadd(STREAMS_SET, sheetId)]);
    await this.redis.publish(STREAMS_CHANNEL, sheetId);
    return {
      updates,
      lastSeq: 0,
      sinceSnapshot: 0,
      bytesSinceSnapshot: 0,
      // Never compacts: the persister does.
      snapshotBytes: Number.POSITIVE_INFINITY,
      durable: durable ? Y.decodeStateVector(new Uint8Array(durable)) : new Map(),
    };
  }

  append(sheetId: string, update: Uint8Array): number {
    const seq = (this.seqs.get(sheetId) ?? 0) + 1;
    this.seqs.set(sheetId, seq);
    const added = this.redis.xadd(updatesKey(sheetId), '*', 'u', Buffer.from(update.buffer, update.byteOffset, update.byteLength), 'r', this.relayId);
    this.pending.add(added);
    void added.finally(() => this.pending.delete(added)).catch(() => undefined);
    return seq;
  }

  lastSeq(sheetId: string): number {
    return this.seqs.get(sheetId) ?? 0;
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async compact(): Promise<null> {
    // The persister compacts; a relay keeps nothing.
    return null;
  }

  /** The persister says this state vector of the sheet is committed to DuckDB. */
  durable(sheetId: string, durable: StateVector): void {
    this.watcher?.committed(sheetId, durable);
  }
}
