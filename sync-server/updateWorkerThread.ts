// The worker thread for Yjs work too big for the event loop that serves every socket: cutting a big update
// into slices (lib/updateSlices.ts; decoding a frame of the largest accepted size takes a few hundred
// milliseconds) and merging a stored snapshot and log into one document state for compaction (encoding a
// 100,000-row sheet takes a second or more).
import { parentPort } from 'node:worker_threads';
import * as Y from 'yjs';
import { sliceUpdate } from '../lib/updateSlices';

export type UpdateWorkRequest =
  | { id: number; op: 'slice'; update: Uint8Array; structsPerSlice: number }
  | { id: number; op: 'merge'; updates: Uint8Array[] };

/** The document the updates make, applied in order, as one update (what a snapshot stores). */
function mergeToState(updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc();
  try {
    doc.transact(() => {
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

function work(request: UpdateWorkRequest): Uint8Array[] {
  switch (request.op) {
    case 'slice':
      return sliceUpdate(request.update, request.structsPerSlice);
    case 'merge':
      return [mergeToState(request.updates)];
  }
}

parentPort!.on('message', (request: UpdateWorkRequest) => {
  try {
    const results = work(request);
    parentPort!.postMessage({ id: request.id, results }, results.map((s) => s.buffer as ArrayBuffer));
  } catch (err) {
    parentPort!.postMessage({ id: request.id, error: (err as Error).message ?? String(err) });
  }
});
