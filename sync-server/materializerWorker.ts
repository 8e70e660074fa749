// The materializer worker: a replica of each loaded room's document, kept by applying every update the
// room applied, in the room's order, with the writer and origin it had. The materialization tracker
// observes the replicas and reads the batches, so none of that work runs on the relaying thread; the
// main thread writes the batches to DuckDB (one owner of the file). Started by replicaBatchSource.ts.
import { parentPort, workerData } from 'node:worker_threads';
import * as Y from 'yjs';
import { CELL_ARBITER_ORIGIN } from '../lib/cellArbiter';
import { MaterializationTracker, type SheetBatch } from './materializationTracker';

/** Messages to the worker. Updates come in order, per room as the room applied them. */
export type ToWorker =
  | { t: 'track'; sheetId: string; state: Uint8Array; rebuild: boolean }
  | { t: 'updates'; items: Array<{ sheetId: string; update: Uint8Array; writer: string | null; arbiter: boolean }> }
  | { t: 'detach'; sheetId: string }
  | { t: 'take'; id: number; skip: string[]; seqs: Record<string, number> }
  | { t: 'giveBack'; batch: SheetBatch }
  | { t: 'state'; id: number; sheetId: string };

export type FromWorker =
  | { t: 'batches'; id: number; batches: SheetBatch[] }
  | { t: 'state'; id: number; state: Uint8Array | null }
  | { t: 'failed'; id: number; error: string }
  | { t: 'ready'; id: 0 };

/** Origin of replica updates that came from no arbiter: any value the tracker does not single out. */
const REPLICA_ORIGIN = Symbol('replica');

export function serveReplicas(port: { on(event: 'message', listener: (message: ToWorker) => void): void; postMessage(message: FromWorker, transfer?: ArrayBuffer[]): void }, rowsPerChunk?: number): void {
  const tracker = new MaterializationTracker(rowsPerChunk);
  const replicas = new Map<string, { doc: Y.Doc; writer: string | null; seq: number }>();
  port.on('message', (message) => {
    switch (message.t) {
      case 'track': {
        replicas.get(message.sheetId)?.doc.destroy();
        tracker.detach(message.sheetId);
        const replica = { doc: new Y.Doc(), writer: null as string | null, seq: 0 };
        Y.applyUpdate(replica.doc, message.state);
        replicas.set(message.sheetId, replica);
        tracker.track(message.sheetId, replica.doc, () => replica.seq, message.rebuild, () => replica.writer);
        return;
      }
      case 'updates':
        for (const { sheetId, update, writer, arbiter } of message.items) {
          const replica = replicas.get(sheetId);
          if (!replica) continue;
          replica.writer = writer;
          Y.applyUpdate(replica.doc, update, arbiter ? CELL_ARBITER_ORIGIN : REPLICA_ORIGIN);
          replica.writer = null;
        }
        return;
      case 'detach':
        tracker.detach(message.sheetId);
        replicas.get(message.sheetId)?.doc.destroy();
        replicas.delete(message.sheetId);
        return;
      case 'take': {
        try {
          const skip = new Set(message.skip);
          const batches: SheetBatch[] = [];
          for (const sheetId of tracker.dirtySheets()) {
            if (skip.has(sheetId)) continue;
            const replica = replicas.get(sheetId);
            if (replica) replica.seq = message.seqs[sheetId] ?? replica.seq;
            const batch = tracker.take(sheetId);
            if (batch) batches.push(batch);
          }
          port.postMessage({ t: 'batches', id: message.id, batches });
        } catch (error) {
          port.postMessage({ t: 'failed', id: message.id, error: String((error as Error)?.stack ?? error) });
        }
        return;
      }
      case 'giveBack':
        tracker.giveBack(message.batch);
        return;
      case 'state': {
        const replica = replicas.get(message.sheetId);
        const state = replica ? Y.encodeStateAsUpdate(replica.doc) : null;
        port.postMessage({ t: 'state', id: message.id, state }, state ? [state.buffer as ArrayBuffer] : []);
        return;
      }
    }
  });
  port.postMessage({ t: 'ready', id: 0 });
}

if (parentPort) serveReplicas(parentPort as never, (workerData as { rowsPerChunk?: number } | null)?.rowsPerChunk);
