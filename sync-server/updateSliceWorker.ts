// The worker thread that cuts big updates into slices (lib/updateSlices.ts), off the event loop that
// serves every socket: decoding a frame of the largest accepted size takes a few hundred milliseconds.
import { parentPort } from 'node:worker_threads';
import { sliceUpdate } from '../lib/updateSlices';

parentPort!.on('message', ({ id, update, structsPerSlice }: { id: number; update: Uint8Array; structsPerSlice: number }) => {
  try {
    const slices = sliceUpdate(update, structsPerSlice);
    parentPort!.postMessage({ id, slices }, slices.map((s) => s.buffer as ArrayBuffer));
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).message ?? String(err) });
  }
});
