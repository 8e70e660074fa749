// An in-memory model of Cellar's sync topology for merge tests: one hub (the sync server's copy, running the
// cell arbiter) and client replicas that go offline and online. Messages travel client → hub → every online
// client, as the y-websocket relay sends them, but are delivered in whatever order (and as often) a test
// asks. Wall clocks are one shared "now" plus a per-replica skew, so clock skew is reproducible.
import * as Y from 'yjs';
import { attachCellArbiter, type CellArbiterOptions } from '../lib/cellArbiter';
import { retainConcurrentCellValues } from '../lib/cellRetention';
import { observeRemoteClock } from '../lib/clockObserver';
import { HybridLogicalClock } from '../lib/hlc';
import { adjustmentsArray, conflictsArray, initSheet, insertColumn, insertRows, rowsMap, type Editor } from '../lib/sheetDoc';

export type Endpoint = 'hub' | number;

export interface Message {
  from: Endpoint;
  to: Endpoint;
  update: Uint8Array;
}

export interface Replica {
  name: string;
  doc: Y.Doc;
  clock: HybridLogicalClock;
  editor: Editor;
}

export interface ClientReplica extends Replica {
  index: number;
  online: boolean;
  undo: Y.UndoManager;
}

export interface NetworkOptions {
  /** Yjs clientIDs of the clients (their count is the number of clients). */
  clientIds: readonly number[];
  hubClientId?: number;
  /** Per-client wall-clock skew in ms. */
  skews?: readonly number[];
  startTime?: number;
  /** Runs once on the hub before any client joins (e.g. create the sheet and its first rows). */
  setup?: (hub: Replica) => void;
  arbiter?: CellArbiterOptions;
  /** Clients keep values that lost a concurrent race until the server has them (default true). */
  retainLosers?: boolean;
}

/** Origin of updates a client applies from the hub, so they are not sent back. */
const FROM_HUB = Object.freeze({ name: 'fromHub' });

export class MergeNetwork {
  now: number;
  readonly hub: Replica;
  readonly clients: ClientReplica[];
  inFlight: Message[] = [];
  private readonly detach: Array<() => void> = [];

  constructor(options: NetworkOptions) {
    this.now = options.startTime ?? 1_700_000_000_000;
    this.hub = this.makeReplica('hub', options.hubClientId ?? 1, 0);
    this.detach.push(attachCellArbiter(this.hub.doc, options.arbiter));
    options.setup?.(this.hub);
    // The relay forwards every hub update, the arbiter's re-asserts included, to every online client.
    this.hub.doc.on('update', (update: Uint8Array) => {
      for (const client of this.clients) if (client.online) this.inFlight.push({ from: 'hub', to: client.index, update });
    });
    const initial = Y.encodeStateAsUpdate(this.hub.doc);
    this.clients = options.clientIds.map((clientId, index) => {
      const base = this.makeReplica(`client${index}`, clientId, options.skews?.[index] ?? 0);
      // Real clients install this; `retainLosers: false` shows what happens without it.
      if (options.retainLosers !== false) this.detach.push(retainConcurrentCellValues(base.doc));
      Y.applyUpdate(base.doc, initial, FROM_HUB);
      const origin = base.editor.origin;
      const undo = new Y.UndoManager([rowsMap(base.doc), adjustmentsArray(base.doc), conflictsArray(base.doc)], {
        trackedOrigins: new Set([origin]),
        captureTimeout: 0,
      });
      const client: ClientReplica = { ...base, index, online: true, undo };
      base.doc.on('update', (update: Uint8Array, from: unknown) => {
        if (from !== FROM_HUB && client.online) this.inFlight.push({ from: index, to: 'hub', update });
      });
      return client;
    });
  }

  private makeReplica(name: string, clientId: number, skew: number): Replica {
    const doc = new Y.Doc();
    doc.clientID = clientId;
    const clock = new HybridLogicalClock(() => this.now + skew);
    this.detach.push(observeRemoteClock(doc, clock));
    // Inserts are created under an untracked origin, then revealed under the tracked one (insertRowsUndoable).
    return { name, doc, clock, editor: { clock, userId: `user-${name}`, origin: { name: `${name}-local` }, untrackedOrigin: { name: `${name}-untracked` } } };
  }

  replicas(): Replica[] {
    return [this.hub, ...this.clients];
  }

  disconnect(index: number): void {
    const client = this.clients[index];
    if (!client.online) return;
    client.online = false;
    // A closed socket loses what was in flight; the next connection's sync covers it.
    this.inFlight = this.inFlight.filter((message) => message.from !== index && message.to !== index);
  }

  /** Reconnects with the y-websocket handshake: each side sends what the other lacks. */
  connect(index: number): void {
    const client = this.clients[index];
    if (client.online) return;
    client.online = true;
    this.queueSync(client);
  }

  private queueSync(client: ClientReplica): void {
    const toHub = Y.encodeStateAsUpdate(client.doc, Y.encodeStateVector(this.hub.doc));
    const toClient = Y.encodeStateAsUpdate(this.hub.doc, Y.encodeStateVector(client.doc));
    this.inFlight.push({ from: client.index, to: 'hub', update: toHub }, { from: 'hub', to: client.index, update: toClient });
  }

  /**
   * Delivers one in-flight message. `keep` leaves it in flight to be delivered again (a duplicate);
   * `inOrder` delivers the oldest message on the picked message's link instead, as a WebSocket would.
   */
  deliver(position: number, { keep = false, inOrder = false } = {}): void {
    if (this.inFlight.length === 0) return;
    let index = position % this.inFlight.length;
    if (inOrder) {
      const { from, to } = this.inFlight[index];
      index = this.inFlight.findIndex((message) => message.from === from && message.to === to);
    }
    const message = this.inFlight[index];
    if (!keep) this.inFlight.splice(index, 1);
    if (message.to === 'hub') Y.applyUpdate(this.hub.doc, message.update, { client: message.from });
    else Y.applyUpdate(this.clients[message.to].doc, message.update, FROM_HUB);
  }

  /** Delivers everything in flight, oldest first, including what the deliveries cause. */
  flush(limit = 100_000): void {
    for (let delivered = 0; this.inFlight.length > 0; delivered++) {
      if (delivered > limit) throw new Error('messages kept flowing: the relay does not quiesce');
      this.deliver(0);
    }
  }

  /** Brings every client online and syncs until all replicas hold the same updates. */
  settle(maxRounds = 20): void {
    for (const client of this.clients) this.connect(client.index);
    for (let round = 0; round < maxRounds; round++) {
      this.flush();
      if (this.isSynced()) return;
      for (const client of this.clients) this.queueSync(client);
    }
    throw new Error(`replicas did not converge within ${maxRounds} sync rounds`);
  }

  isSynced(): boolean {
    const hubState = Y.encodeStateVector(this.hub.doc);
    return this.replicas().every(({ doc }) => {
      const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
      return !pending && Buffer.compare(Buffer.from(Y.encodeStateVector(doc)), Buffer.from(hubState)) === 0;
    });
  }

  destroy(): void {
    for (const detach of this.detach) detach();
    for (const client of this.clients) client.undo.destroy();
    for (const replica of this.replicas()) replica.doc.destroy();
  }
}

export interface StockSheet {
  /** A text column and a number column. */
  text: string;
  stock: string;
  rows: string[];
}

/** A network whose hub created a sheet with `rowCount` rows of stock 10 before the clients joined. */
export function stockSheetNetwork(options: Omit<NetworkOptions, 'setup'>, rowCount = 1): { net: MergeNetwork; sheet: StockSheet } {
  const sheet: StockSheet = { text: '', stock: '', rows: [] };
  const net = new MergeNetwork({
    ...options,
    setup: (hub) => {
      [sheet.text] = initSheet(hub.doc, { title: 'Stock', template: 'blank', createdAt: 0 });
      sheet.stock = insertColumn(hub.doc, { name: 'stock', type: 'number' }, undefined);
      const values = Array.from({ length: rowCount }, (_, i) => ({ [sheet.text]: `item${i}`, [sheet.stock]: 10 }));
      sheet.rows = insertRows(hub.doc, values, {}, hub.editor);
    },
  });
  return { net, sheet };
}
