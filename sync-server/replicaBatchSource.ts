// The materializer's batches from a worker thread (materializerWorker.ts) that keeps a replica of every
// tracked document: the room's thread only forwards each update it applied (bytes, writer, whether the
// cell arbiter made it), gathered for a few milliseconds, and asks for the batches at a flush.
// Observing, reading rows and encoding them as JSON happen in the worker; DuckDB stays with this thread.
import { Worker } from 'node:worker_threads';
import * as Y from 'yjs';
import { CELL_ARBITER_ORIGIN } from '../lib/cellArbiter';
import { logger } from './logger';
import type { BatchSource } from './materializer';
import type { SheetBatch } from './materializationTracker';
import type { FromWorker, ToWorker } from './materializerWorker';

/**
 * Updates are gathered this long before they go to the worker: a message costs the sending thread far
 * more than its bytes, and the replicas are only read at a flush (every 250 ms), which sends first.
 */
const REPLICA_SEND_MS = 25;

interface Tracked {
  doc: Y.Doc;
  seqSource: () => number;
  currentWriter: () => string | null;
  onUpdate: (update: Uint8Array, origin: unknown) => void;
}

export class ReplicaBatchSource implements BatchSource {
  private worker!: Worker;
  private readonly tracked = new Map<string, Tracked>();
  private pending: Extract<ToWorker, { t: 'updates' }>['items'] = [];
  private scheduled = false;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (message: FromWorker) => void; reject: (error: Error) => void }>();
  private closed = false;
  /** Workers started (1 + restarts after a crash). */
  starts = 0;
  private broken: Error | null = null;

  /** Resolves once the first worker listens (start-up waits for it, so the first flushes are not late). */
  readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(private readonly options: { rowsPerChunk?: number } = {}) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.start();
  }

  private start(): void {
    this.starts++;
    let ready = false;
    const entry = new URL('./materializerWorker.ts', import.meta.url);
    const workerData = { rowsPerChunk: this.options.rowsPerChunk };
    // Run from TypeScript sources (tsx), a worker does not inherit the loader's hooks on Node 20: it
    // registers them itself before importing the module. Messages wait in the port until it listens.
    const worker = entry.pathname.endsWith('.ts')
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); }).catch((err) => { console.error(err); process.exit(70); });`,
          { eval: true, workerData },
        )
      : new Worker(entry, { workerData });
    // The worker never keeps the process alive: shutdown flushes, then terminates it.
    worker.unref();
    worker.on('message', (message: FromWorker) => {
      if (message.t === 'ready') {
        ready = true;
        return this.markReady();
      }
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.t === 'failed') waiter.reject(new Error(`materializer worker: ${message.error}`));
      else waiter.resolve(message);
    });
    worker.on('error', (err) => logger.error({ err }, 'the materializer worker failed'));
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      const error = new Error(`the materializer worker exited (${code})`);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
      if (this.closed) return;
      if (!ready) {
        // It dies as it starts: restarting would only loop. Every take fails from now on (/health).
        this.broken = error;
        logger.fatal({ code }, 'the materializer worker exits as it starts; materializing stops');
        this.markReady();
        return;
      }
      // A new worker with fresh replicas: every sheet is rebuilt whole from the room's document.
      logger.error({ code }, 'the materializer worker exited; restarting it, loaded sheets are rebuilt');
      this.pending = [];
      this.start();
      for (const [sheetId, tracked] of this.tracked) this.post({ t: 'track', sheetId, state: Y.encodeStateAsUpdate(tracked.doc), rebuild: true });
    });
    this.worker = worker;
  }

  track(sheetId: string, doc: Y.Doc, seqSource: () => number, rebuild: boolean, currentWriter: () => string | null = () => null): void {
    this.detach(sheetId);
    // Registered now, so every update after this state reaches the replica, in the document's order.
    const onUpdate = (update: Uint8Array, origin: unknown) => {
      this.pending.push({ sheetId, update, writer: currentWriter(), arbiter: origin === CELL_ARBITER_ORIGIN });
      if (this.scheduled) return;
      this.scheduled = true;
      setTimeout(() => this.sendPending(), REPLICA_SEND_MS).unref();
    };
    doc.on('update', onUpdate);
    this.tracked.set(sheetId, { doc, seqSource, currentWriter, onUpdate });
    const state = Y.encodeStateAsUpdate(doc);
    this.post({ t: 'track', sheetId, state, rebuild }, [state.buffer as ArrayBuffer]);
  }

  detach(sheetId: string): void {
    const tracked = this.tracked.get(sheetId);
    if (!tracked) return;
    tracked.doc.off('update', tracked.onUpdate);
    this.tracked.delete(sheetId);
    this.post({ t: 'detach', sheetId });
  }

  async take(skip: ReadonlySet<string>): Promise<SheetBatch[]> {
    if (this.tracked.size === 0) return [];
    const seqs: Record<string, number> = {};
    for (const [sheetId, tracked] of this.tracked) seqs[sheetId] = tracked.seqSource();
    const ask = () => this.request((id) => ({ t: 'take', id, skip: [...skip], seqs }));
    // A worker that died meanwhile was restarted with fresh replicas (exit handler): ask the new one.
    const reply = await ask().catch((err) => (this.closed ? Promise.reject(err) : ask()));
    return reply.t === 'batches' ? reply.batches : [];
  }

  giveBack(batch: SheetBatch): void {
    this.post({ t: 'giveBack', batch });
  }

  /** The replica's state of a sheet (tests: it equals the room's document). */
  async replicaState(sheetId: string): Promise<Uint8Array | null> {
    const reply = await this.request((id) => ({ t: 'state', id, sheetId }));
    return reply.t === 'state' ? reply.state : null;
  }

  /** Kills the worker as a crash would (tests: the source restarts it and rebuilds). */
  async crashWorker(): Promise<void> {
    await this.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [sheetId] of this.tracked) this.detach(sheetId);
    await this.worker.terminate();
  }

  private request(message: (id: number) => ToWorker): Promise<FromWorker> {
    if (this.closed) return Promise.reject(new Error('the materializer worker is closed'));
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise<FromWorker>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post(message(id));
    });
  }

  /** Everything gathered goes first, so the worker sees messages in the order they were made. */
  private post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.sendPending();
    if (!this.closed || message.t === 'detach') this.worker.postMessage(message, transfer);
  }

  private sendPending(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const items = this.pending;
    this.pending = [];
    this.worker.postMessage({ t: 'updates', items } satisfies ToWorker);
  }
}
