// Where a room's document is kept: loaded whole, appended to update by update, compacted into a
// snapshot, and told back what is durable. The DuckDB update log (updateLog.ts), the in-memory store
// (memoryDocumentStore.ts) and cluster mode's relay store (cluster/relayDocumentStore.ts) implement it.
import type { StateVector } from '../lib/protocol';

export interface StoredDocument {
  updates: Uint8Array[];
  lastSeq: number;
  /** Updates appended since the last snapshot, and their bytes (drive compaction). */
  sinceSnapshot: number;
  bytesSinceSnapshot: number;
  snapshotBytes: number;
  /** What is durable when the store knows better than "everything loaded" (a relay: the persister's word). */
  durable?: StateVector;
}

/** How a store learns a document's state at a commit and reports it durable (the room manager). */
export interface DurabilityWatcher {
  /** Called when a batch is taken, while the document holds exactly the updates appended so far. */
  stateAt(sheetId: string): StateVector | undefined;
  /** Called after the batch's commit with what `stateAt` returned (or what the store was told). */
  committed(sheetId: string, durable: StateVector): void;
}

export interface DocumentStore {
  /** Reads a sheet's snapshot and the updates after it, in order. */
  load(sheetId: string): Promise<StoredDocument>;
  /** Queues an update for the next commit; returns its sequence number. */
  append(sheetId: string, update: Uint8Array): number;
  /** Highest sequence number appended for the sheet. */
  lastSeq(sheetId: string): number;
  /** Resolves when everything appended so far is committed. */
  flush(): Promise<void>;
  /**
   * Replaces the stored updates up to `uptoSeq` (appended: flushed first) with one snapshot that holds every
   * one of them, built from what is stored, off the event loop; resolves with the snapshot's size, or null
   * when this store keeps no snapshots.
   */
  compact(sheetId: string, uptoSeq: number): Promise<number | null>;
  watch(watcher: DurabilityWatcher): void;
}
