// Yjs work off the event loop, in one worker thread (sync-server/updateWorkerThread.ts): big updates cut
// into slices, and stored updates merged into a snapshot for compaction. Started on first use and stopped
// when idle, so a server that never needs it never starts it. Requests are answered in order; a worker that
// dies fails its requests (sockets concerned are closed, a compaction is retried later) and is restarted on
// the next one.
import { Worker } from 'node:worker_threads';
import { logger } from './logger';
import type { UpdateWorkRequest } from './updateWorkerThread';

const IDLE_STOP_MS = 30_000;

interface Pending {
  resolve: (results: Uint8Array[]) => void;
  reject: (error: Error) => void;
}

export class UpdateWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  /** The update cut into slices applied in order give the same document; rejects if it is not a Yjs update. */
  slice(update: Uint8Array, structsPerSlice: number): Promise<Uint8Array[]> {
    // A copy: the socket's buffer may be a view into a larger one the caller still uses.
    const copy = update.slice();
    return this.request((id) => ({ id, op: 'slice', update: copy, structsPerSlice }), [copy.buffer as ArrayBuffer]);
  }

  /** The document `updates` make (a snapshot and the log after it, in order), encoded as one update. */
  async merge(updates: Uint8Array[]): Promise<Uint8Array> {
    const [state] = await this.request((id) => ({ id, op: 'merge', updates }));
    return state;
  }

  private request(make: (id: number) => UpdateWorkRequest, transfer: ArrayBuffer[] = []): Promise<Uint8Array[]> {
    const worker = this.start();
    const id = this.nextId++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    return new Promise<Uint8Array[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Held while it has work: a caller awaiting an answer keeps the process alive (unref'd when idle).
      worker.ref();
      worker.postMessage(make(id), transfer);
    });
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('the update worker stopped'));
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // The worker is TypeScript, as the server: it registers tsx's loader before importing its module.
    const url = new URL('./updateWorkerThread.ts', import.meta.url).href;
    const worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`, { eval: true });
    worker.on('message', ({ id, results, error }: { id: number; results?: Uint8Array[]; error?: string }) => {
      const request = this.pending.get(id);
      this.pending.delete(id);
      if (request) {
        if (results) request.resolve(results.map((s) => new Uint8Array(s.buffer, s.byteOffset, s.byteLength)));
        else request.reject(new Error(error ?? 'the update worker failed'));
      }
      if (this.pending.size === 0) {
        worker.unref();
        this.stopWhenIdle();
      }
    });
    worker.on('error', (err) => {
      logger.error({ err }, 'the update worker failed');
      if (this.worker === worker) this.worker = null;
      this.failAll(err);
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error('the update worker exited'));
    });
    // Never what keeps the process alive (after the listeners: adding one refs the worker again).
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private stopWhenIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending.size > 0 || !this.worker) return;
      const worker = this.worker;
      this.worker = null;
      void worker.terminate();
    }, IDLE_STOP_MS);
    this.idleTimer.unref();
  }

  private failAll(error: Error): void {
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }
}

/** One update worker for the process (rooms and the update log share it). */
export const updateWorker = new UpdateWorker();
