// A document store in memory, for fast unit tests of rooms without DuckDB or child processes. Commits
// happen on the next microtask, so durability is asynchronous as with the real log.
import * as Y from 'yjs';
import type { DocumentStore, DurabilityWatcher, StoredDocument } from './documentStore';

export class MemoryDocumentStore implements DocumentStore {
  readonly snapshots = new Map<string, { state: Uint8Array; seq: number }>();
  readonly logs = new Map<string, Array<{ seq: number; update: Uint8Array }>>();
  private readonly pending: Array<{ sheetId: string; seq: number; update: Uint8Array }> = [];
  private readonly seqs = new Map<string, number>();
  private watcher: DurabilityWatcher | null = null;
  private committing: Promise<void> | null = null;

  watch(watcher: DurabilityWatcher): void {
    this.watcher = watcher;
  }

  async load(sheetId: string): Promise<StoredDocument> {
    const snapshot = this.snapshots.get(sheetId);
    const log = (this.logs.get(sheetId) ?? []).filter((entry) => entry.seq > (snapshot?.seq ?? 0));
    const lastSeq = Math.max(snapshot?.seq ?? 0, ...log.map((entry) => entry.seq));
    this.seqs.set(sheetId, Math.max(lastSeq, this.seqs.get(sheetId) ?? 0));
    return {
      updates: [...(snapshot ? [snapshot.state] : []), ...log.map((entry) => entry.update)],
      lastSeq,
      sinceSnapshot: log.length,
      bytesSinceSnapshot: log.reduce((total, entry) => total + entry.update.byteLength, 0),
      snapshotBytes: snapshot?.state.byteLength ?? 0,
    };
  }

  append(sheetId: string, update: Uint8Array): number {
    const seq = (this.seqs.get(sheetId) ?? 0) + 1;
    this.seqs.set(sheetId, seq);
    this.pending.push({ sheetId, seq, update });
    this.committing ??= Promise.resolve().then(() => this.commit());
    return seq;
  }

  lastSeq(sheetId: string): number {
    return this.seqs.get(sheetId) ?? 0;
  }

  async flush(): Promise<void> {
    while (this.committing) await this.committing;
  }

  async compact(sheetId: string, uptoSeq: number): Promise<number> {
    await this.flush();
    const snapshot = this.snapshots.get(sheetId);
    const log = this.logs.get(sheetId) ?? [];
    const updates = [...(snapshot ? [snapshot.state] : []), ...log.filter((entry) => entry.seq <= uptoSeq).map((entry) => entry.update)];
    const state = Y.mergeUpdates(updates);
    this.snapshots.set(sheetId, { state, seq: uptoSeq });
    this.logs.set(sheetId, log.filter((entry) => entry.seq > uptoSeq));
    return state.byteLength;
  }

  private commit(): void {
    const batch = this.pending.splice(0);
    const sheets = new Set(batch.map((entry) => entry.sheetId));
    const states = new Map([...sheets].map((sheetId) => [sheetId, this.watcher?.stateAt(sheetId)]));
    for (const entry of batch) {
      const log = this.logs.get(entry.sheetId) ?? [];
      log.push({ seq: entry.seq, update: entry.update });
      this.logs.set(entry.sheetId, log);
    }
    this.committing = null;
    for (const [sheetId, state] of states) if (state) this.watcher?.committed(sheetId, state);
  }
}
