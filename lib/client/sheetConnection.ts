// Browser-only: one open sheet. Owns the Y.Doc, its IndexedDB copy, the y-websocket connection (the stock
// client, which reconnects with backoff), the undo manager (local origin only), the HLC, presence, the
// honest save status, and a zustand store with the windowed grid view the page renders.
import { deleteDB } from 'lib0/indexeddb';
import { IndexeddbPersistence } from 'y-indexeddb';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { retainConcurrentCellValues } from '../cellRetention';
import { observeRemoteClock } from '../clockObserver';
import { HybridLogicalClock } from '../hlc';
import { configureLimits, type Limits } from '../limits';
import { CLOSE_NO_SUCH_SHEET, CLOSE_SHEET_FULL, MESSAGE_SAVED, readSaved } from '../protocol';
import type { SheetMeta } from '../schema';
import {
  adjustmentsArray,
  columnsMap,
  conflictsArray,
  metaMap,
  readMeta,
  recordUserName,
  rowsMap,
  type ColumnInfo,
  type Editor,
} from '../sheetDoc';
import { localCopyKey, pendingKey, sheetDatabaseName, unsavedKey } from './deviceData';
import { GridModel, type GridMatrix, type GridWindow } from './gridModel';
import type { ViewSpec } from './sheetView';
import { loadIdentity, saveIdentity, type UserIdentity } from './identity';
import { computeLowStock, type LowStockItem } from './lowStock';
import { installQuietSync, holdUpdateListeners } from './quietSync';
import { PendingChanges, saveStatus, type SaveState } from './saveStatus';
import { SocketTokenSource, type SheetRole, type TokenOutcome } from './socketToken';
import { UnsavedCells } from './unsavedCells';

export interface SyncSettings {
  syncPublicUrl: string | null;
  syncPort: number;
  /** The server's per-sheet caps, so an edit past them is refused here, before it is made (the server refuses it anyway). */
  sheetCaps?: Pick<Limits, 'cellsPerSheet' | 'rowsPerSheet'>;
}

export interface PeerCursor {
  row: string;
  col: string;
}

export interface Peer {
  clientId: number;
  userId: string;
  name: string;
  color: string;
  cursor: PeerCursor | null;
}

export interface SheetViewState {
  sheetId: string;
  meta: SheetMeta | null;
  columns: ColumnInfo[];
  /** Rows in this page's view, and in the sheet. */
  rowCount: number;
  totalRowCount: number;
  /** This page's sort and filters (null: the document's order, every row). */
  view: ViewSpec | null;
  windowStart: number;
  /** First column of the grid window, and the window's columns (`data[r][c]` belongs to `windowColumns[c]`). */
  colStart: number;
  windowColumns: ColumnInfo[];
  data: GridMatrix;
  rowLabels: string[];
  columnLabels: string[];
  /** Local copy or server has delivered the sheet. */
  loaded: boolean;
  status: { state: SaveState; label: string };
  /** Distinct statuses shown, oldest first (tests and diagnostics). */
  statusLog: string[];
  pending: number;
  peers: Peer[];
  canUndo: boolean;
  canRedo: boolean;
  lowStock: LowStockItem[] | null;
  user: UserIdentity;
  /** The workspace role the socket token was issued for (null until known). */
  role: SheetRole | null;
  /** Access to the sheet was revoked: edits stay on this device, not saved. */
  revoked: boolean;
  /** The server has no such sheet (never had, or it was deleted); as revoked, edits stay here, not saved. */
  missing: boolean;
}

export interface ConnectionOptions {
  /** Connect to the sync server (default true). */
  websocket?: boolean;
  /** Keep a local copy in IndexedDB (default true). */
  indexeddb?: boolean;
  windowSize?: number;
  storage?: Storage | null;
  /** Announce this user to others (awareness) and record their name (default true). False: a background
   *  copy for offline use, invisible to everyone. */
  presence?: boolean;
}

/** A performance mark (visible in DevTools and to the grid benchmark). */
function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name);
}

export function syncUrl(settings: SyncSettings, location: { protocol: string; hostname: string }): string {
  if (settings.syncPublicUrl) return settings.syncPublicUrl.replace(/\/$/, '');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const host = location.hostname.includes(':') ? `[${location.hostname}]` : location.hostname;
  return `${scheme}://${host}:${settings.syncPort}`;
}

export class SheetConnection {
  readonly doc = new Y.Doc();
  /** Origin of this user's own transactions; the only origin the undo manager tracks. */
  readonly origin = { name: 'cellar-local-edit' };
  /** Origin of this user's transactions the undo manager must not track (rows created hidden, see insertRowsUndoable). */
  readonly untrackedOrigin = { name: 'cellar-local-untracked' };
  readonly clock = new HybridLogicalClock();
  readonly user: UserIdentity;
  readonly editor: Editor;
  readonly undoManager: Y.UndoManager;
  readonly model: GridModel;
  readonly pending: PendingChanges;
  /** Cells changed here and not yet acknowledged: what is kept, and exportable, if access is revoked. */
  readonly unsaved: UnsavedCells;
  readonly awareness: Awareness;
  readonly store: StoreApi<SheetViewState>;
  provider: WebsocketProvider | null = null;
  persistence: IndexeddbPersistence | null = null;
  /** The last state vector the server reported as durably stored. */
  lastSaved: Map<number, number> | null = null;

  private connected = false;
  private synced = false;
  private everConnected = false;
  private refused: string | null = null;
  private browserOnline = true;
  /**
   * The last try to reach the server failed at the network (no answer at all). The browser's own online
   * flag misses such cases (a network without a route to the server; Chromium after an offline reload).
   */
  private unreachable = false;
  private lowStockTimer: ReturnType<typeof setTimeout> | null = null;
  private cleanups: (() => void)[] = [];
  private destroyed = false;
  private presence = true;
  /** Resolves once the server's state is in and stored in IndexedDB (or after `timeoutMs`: false). */
  whenSynced(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const provider = this.provider;
      if (!provider) return resolve(false);
      if (provider.synced) return resolve(true);
      const timer = setTimeout(() => (provider.off('sync', onSync), resolve(false)), timeoutMs);
      const onSync = (synced: boolean) => {
        if (!synced) return;
        clearTimeout(timer);
        provider.off('sync', onSync);
        resolve(true);
      };
      provider.on('sync', onSync);
    });
  }

  /** The IndexedDB copy is loading with the update listeners held aside: do not connect before it is in. */
  private waitingForCopy = false;
  readonly tokens: SocketTokenSource;
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private refusals = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private tokenRetries = 0;

  constructor(
    readonly sheetId: string,
    readonly settings: SyncSettings,
    options: ConnectionOptions = {},
  ) {
    mark('cellar:connection-start');
    if (settings.sheetCaps) configureLimits(settings.sheetCaps);
    this.tokens = new SocketTokenSource(sheetId);
    const storage = options.storage === undefined ? (typeof localStorage === 'undefined' ? null : localStorage) : options.storage;
    this.user = loadIdentity(storage);
    this.editor = { clock: this.clock, userId: this.user.id, origin: this.origin, untrackedOrigin: this.untrackedOrigin };
    // Merge semantics on the client: keep the content of values that lost a concurrent race until the
    // server has them (it arbitrates by HLC), and move the clock past every stamp this replica receives,
    // from the server or from IndexedDB, so an edit made after seeing a value is stamped later than it.
    this.cleanups.push(retainConcurrentCellValues(this.doc));
    this.cleanups.push(observeRemoteClock(this.doc, this.clock));
    this.pending = new PendingChanges(pendingKey(sheetId), storage);
    this.unsaved = new UnsavedCells(this.doc, unsavedKey(sheetId), storage);
    this.browserOnline = typeof navigator === 'undefined' ? true : navigator.onLine;

    this.undoManager = new Y.UndoManager([columnsMap(this.doc), rowsMap(this.doc), adjustmentsArray(this.doc), conflictsArray(this.doc)], {
      trackedOrigins: new Set([this.origin]),
      // Every transaction is its own step: a paste or a multi-cell action is one transaction, so one step.
      captureTimeout: 0,
    });

    // No `clock` here: observeRemoteClock (above) observes every remote stamp, IndexedDB's included.
    this.model = new GridModel(this.doc, {
      windowSize: options.windowSize,
      isRemote: (transaction) => !transaction.local && transaction.origin === this.provider && this.provider !== null,
    });

    this.store = createStore<SheetViewState>(() => ({
      sheetId,
      meta: null,
      columns: this.model.columns,
      rowCount: this.model.rowCount,
      totalRowCount: this.model.totalRowCount,
      view: this.model.view,
      windowStart: this.model.windowStart,
      colStart: this.model.colStart,
      windowColumns: this.model.windowColumns,
      data: this.model.data,
      rowLabels: this.model.rowLabels,
      columnLabels: this.model.columnLabels,
      loaded: false,
      status: { state: 'connecting', label: 'Connecting…' },
      statusLog: [],
      pending: this.pending.count,
      peers: [],
      canUndo: false,
      canRedo: false,
      lowStock: null,
      user: this.user,
      role: null,
      revoked: false,
      missing: false,
    }));

    this.cleanups.push(
      this.model.subscribe((change) => {
        const patch: Partial<SheetViewState> = {};
        if (change.data || change.rows || change.columns) {
          patch.data = this.model.data;
          patch.rowLabels = this.model.rowLabels;
          patch.columnLabels = this.model.columnLabels;
          patch.columns = this.model.columns;
          patch.rowCount = this.model.rowCount;
          patch.totalRowCount = this.model.totalRowCount;
          patch.windowStart = this.model.windowStart;
          patch.colStart = this.model.colStart;
          patch.windowColumns = this.model.windowColumns;
        }
        if (Object.keys(patch).length > 0) this.store.setState(patch);
        this.scheduleLowStock();
      }),
    );

    // Pending local changes: every local transaction that wrote something.
    const onAfterTransaction = (transaction: Y.Transaction) => {
      if (!transaction.local) return;
      const before = transaction.beforeState.get(this.doc.clientID) ?? 0;
      const after = transaction.afterState.get(this.doc.clientID) ?? 0;
      if (after > before) this.pending.record(this.doc.clientID, after, true);
      else if (transaction.deleteSet.clients.size > 0) this.pending.record(this.doc.clientID, after, false);
    };
    this.doc.on('afterTransaction', onAfterTransaction);
    this.cleanups.push(() => this.doc.off('afterTransaction', onAfterTransaction));
    this.cleanups.push(this.pending.onChange(() => this.updateStatus()));

    const onMeta = () => {
      const meta = metaMap(this.doc).size > 0 ? readMeta(this.doc) : null;
      this.store.setState({ meta });
      if (meta) this.markLoaded();
      this.scheduleLowStock();
    };
    metaMap(this.doc).observe(onMeta);
    this.cleanups.push(() => metaMap(this.doc).unobserve(onMeta));

    const onStack = () => this.store.setState({ canUndo: this.undoManager.canUndo(), canRedo: this.undoManager.canRedo() });
    this.undoManager.on('stack-item-added', onStack);
    this.undoManager.on('stack-item-popped', onStack);
    this.undoManager.on('stack-cleared', onStack);

    if (options.indexeddb !== false && typeof indexedDB !== 'undefined') {
      try {
        this.persistence = new IndexeddbPersistence(sheetDatabaseName(sheetId), this.doc);
        void this.persistence.whenSynced.then(() => {
          mark('cellar:indexeddb-loaded');
          if (metaMap(this.doc).size > 0) this.markLoaded();
        });
      } catch {
        this.persistence = null;
      }
    }

    if (options.websocket !== false && typeof window !== 'undefined') {
      // Connects once the IndexedDB copy is in (below), so the first state vector carries it and the server
      // sends only what is missing instead of the whole sheet again.
      const provider = new WebsocketProvider(syncUrl(settings, window.location), sheetId, this.doc, {
        connect: false,
        maxBackoffTime: 5000,
      });
      this.provider = provider;
      installQuietSync(provider, (update) => this.persistence?._storeUpdate(update, provider));
      this.awareness = provider.awareness;
      provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
        const stateVector = readSaved(decoder);
        this.lastSaved = stateVector;
        this.pending.acknowledge(stateVector);
        this.unsaved.acknowledge(stateVector);
      };
      provider.on('status', ({ status }) => {
        mark(`cellar:ws-${status}`);
        this.connected = status === 'connected';
        if (this.connected) {
          this.everConnected = true;
          this.refused = null;
          this.unreachable = false;
        }
        if (!this.connected) this.synced = false;
        this.updateStatus();
      });
      provider.on('sync', (isSynced: boolean) => {
        if (isSynced) mark('cellar:synced');
        if (isSynced) this.refusals = 0;
        this.synced = isSynced;
        if (isSynced) {
          this.markLoaded();
          this.recordName();
        }
        this.updateStatus();
      });
      provider.on('connection-close', (event) => {
        // An expired token (4401) or a lowered role (4403): get a new token first; the answer says
        // whether access remains. Any other close with a stale token: renew before the reconnect.
        if (event && (event.code === 4401 || event.code === 4403)) {
          // A server that keeps refusing fresh tokens is not retried in a tight loop.
          if (++this.refusals > 3) {
            this.refused = `The server refused this sheet (${event.code})`;
            this.updateStatus();
            return;
          }
          void this.renewAndConnect(true);
          return;
        }
        if (event && event.code >= 4400 && event.code < 4500) {
          this.refused = refusalText(event.code);
          this.updateStatus();
          return;
        }
        // `event` is null when this page closed the socket itself (offline, destroy): nothing to renew.
        if (event && !this.tokens.fresh() && !this.destroyed) {
          // Not from inside the provider's close handling: disconnecting there would re-enter it.
          queueMicrotask(() => {
            if (this.destroyed) return;
            provider.disconnect();
            void this.renewAndConnect(false);
          });
        }
      });
      const goOffline = () => {
        this.browserOnline = false;
        provider.disconnect();
        this.updateStatus();
      };
      const goOnline = () => {
        this.browserOnline = true;
        // While the IndexedDB copy loads, startSync connects when it is in (see there).
        if (!this.refused && !this.waitingForCopy) void this.renewAndConnect(false);
        this.updateStatus();
      };
      window.addEventListener('offline', goOffline);
      window.addEventListener('online', goOnline);
      const leave = () => this.awareness.setLocalState(null);
      window.addEventListener('pagehide', leave);
      this.cleanups.push(() => {
        window.removeEventListener('offline', goOffline);
        window.removeEventListener('online', goOnline);
        window.removeEventListener('pagehide', leave);
      });
    } else {
      this.awareness = new Awareness(this.doc);
    }
    this.startSync(storage);

    this.presence = options.presence !== false;
    if (this.presence) {
      this.awareness.setLocalStateField('user', { id: this.user.id, name: this.user.name, color: this.user.color });
      this.awareness.setLocalStateField('cursor', null);
    }
    const onAwareness = () => this.updatePeers();
    this.awareness.on('change', onAwareness);
    this.cleanups.push(() => this.awareness.off('change', onAwareness));
    this.updateStatus();
    onMeta();
  }

  /**
   * Loads the IndexedDB copy without re-encoding it for the update listeners (nothing needs it: the server
   * gets what it lacks through the sync handshake), then connects to the server. A local edit, or a copy
   * that takes too long, ends the wait early. A browser that has never kept a copy of this sheet (per
   * localStorage) connects at once instead: there is nothing to wait for.
   */
  private startSync(storage: Storage | null): void {
    const provider = this.provider;
    const connect = () => void this.renewAndConnect(false);
    const persistence = this.persistence;
    const copyKey = localCopyKey(this.sheetId);
    let hasCopy = true;
    try {
      hasCopy = storage?.getItem(copyKey) === '1';
    } catch {
      // storage unavailable: wait for the copy as usual
    }
    if (persistence && provider) {
      const onSynced = (synced: boolean) => {
        if (!synced) return;
        provider.off('sync', onSynced);
        try {
          storage?.setItem(copyKey, '1');
        } catch {
          // ignore
        }
      };
      if (!hasCopy) provider.on('sync', onSynced);
    }
    if (!persistence || persistence.synced || !hasCopy) return connect();
    const release = holdUpdateListeners(this.doc);
    this.waitingForCopy = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const done = () => {
      release();
      this.waitingForCopy = false;
      this.doc.off('beforeTransaction', onLocal);
      persistence.off('synced', done);
      if (timer !== null) clearTimeout(timer);
      timer = null;
      connect();
    };
    const onLocal = (transaction: Y.Transaction) => {
      if (transaction.local) done();
    };
    this.doc.on('beforeTransaction', onLocal);
    persistence.on('synced', done);
    timer = setTimeout(done, 2000);
    this.cleanups.push(done);
  }

  /**
   * Connects with a valid socket token, fetching one first when it is missing or about to expire (also
   * after a refusal, `force`). Offline, nothing happens: the `online` event comes back here.
   */
  private async renewAndConnect(force: boolean): Promise<void> {
    const provider = this.provider;
    if (!provider || this.destroyed) return;
    if (force || !this.tokens.fresh()) {
      const outcome = await this.tokens.refresh();
      if (this.destroyed) return;
      if (outcome !== 'ok') return this.onTokenRefused(outcome);
      this.tokenRetries = 0;
      this.unreachable = false;
      this.applyToken();
    }
    if (this.browserOnline && !this.refused && !provider.wsconnected && !provider.wsconnecting) provider.connect();
  }

  private applyToken(): void {
    if (!this.provider || !this.tokens.token) return;
    this.provider.params = { ...this.provider.params, token: this.tokens.token };
    if (this.store.getState().role !== this.tokens.role) this.store.setState({ role: this.tokens.role });
    if (this.renewTimer !== null) clearTimeout(this.renewTimer);
    // Renew ahead of expiry, so a reconnect never needs a round trip first (and works offline-to-online).
    this.renewTimer = setTimeout(() => {
      this.renewTimer = null;
      void this.tokens.refresh().then((outcome) => {
        if (this.destroyed) return;
        if (outcome === 'ok') this.applyToken();
        else if (outcome !== 'offline') this.onTokenRefused(outcome);
      });
    }, this.tokens.renewDelayMs());
  }

  private onTokenRefused(outcome: Exclude<TokenOutcome, 'ok'>): void {
    if (outcome === 'offline') {
      this.unreachable = true;
      // The network may come back before the browser says so (or just after): try again, backing off.
      if (this.retryTimer === null && !this.destroyed) {
        const delay = Math.min(500 * 2 ** this.tokenRetries++, 5000);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          if (this.browserOnline) void this.renewAndConnect(true);
        }, delay);
      }
      this.updateStatus();
      return;
    }
    // Access is gone: stop reconnecting; local edits stay in IndexedDB, shown as not saved.
    this.provider?.disconnect();
    this.refused =
      outcome === 'missing'
        ? `${refusalText(CLOSE_NO_SUCH_SHEET)}: changes on this device are not saved`
        : outcome === 'unauthorized'
          ? 'Signed out or access revoked: changes on this device are not saved'
          : 'Access to this sheet was revoked: changes on this device are not saved';
    this.store.setState({ revoked: true, missing: outcome === 'missing' });
    this.updateStatus();
  }

  private markLoaded(): void {
    if (this.store.getState().loaded) return;
    mark('cellar:loaded');
    this.store.setState({ loaded: true });
  }

  private updateStatus(): void {
    if (this.destroyed) return;
    const status = saveStatus({
      browserOnline: this.browserOnline && !this.unreachable,
      connected: this.connected,
      synced: this.synced,
      pending: this.pending.count,
      refused: this.refused,
      everConnected: this.everConnected,
    });
    const state = this.store.getState();
    const log = state.statusLog;
    const kindChanged = log.length === 0 || log[log.length - 1] !== status.state;
    this.store.setState({
      status,
      pending: this.pending.count,
      statusLog: kindChanged ? [...log, status.state].slice(-50) : log,
    });
  }

  private updatePeers(): void {
    const peers: Peer[] = [];
    const seen = new Set<string>();
    this.awareness.getStates().forEach((state, clientId) => {
      if (clientId === this.doc.clientID) return;
      const user = state?.user as { id?: string; name?: string; color?: string } | undefined;
      if (!user || typeof user.id !== 'string') return;
      const cursor = state.cursor && typeof state.cursor.row === 'string' && typeof state.cursor.col === 'string' ? (state.cursor as PeerCursor) : null;
      const key = `${user.id}:${clientId}`;
      if (seen.has(key)) return;
      seen.add(key);
      peers.push({ clientId, userId: user.id, name: String(user.name ?? 'Someone'), color: String(user.color ?? '#888'), cursor });
    });
    peers.sort((a, b) => a.name.localeCompare(b.name) || a.clientId - b.clientId);
    this.store.setState({ peers });
  }

  private scheduleLowStock(): void {
    const meta = this.store.getState().meta;
    if (!meta || meta.template !== 'products') return;
    if (this.lowStockTimer !== null) return;
    this.lowStockTimer = setTimeout(() => {
      this.lowStockTimer = null;
      if (!this.destroyed) this.store.setState({ lowStock: computeLowStock(this.doc) });
    }, 120);
  }

  /** Moves the grid window; the store gets the new matrix. */
  setWindowStart(start: number): void {
    if (this.model.setWindowStart(start)) {
      this.store.setState({ data: this.model.data, rowLabels: this.model.rowLabels, windowStart: this.model.windowStart });
    }
  }

  /** Moves and resizes the grid window (rows and columns); the store gets the new matrix. */
  setWindow(window: GridWindow): void {
    if (this.model.setWindow(window)) {
      const m = this.model;
      this.store.setState({ data: m.data, rowLabels: m.rowLabels, columnLabels: m.columnLabels, windowStart: m.windowStart, colStart: m.colStart, windowColumns: m.windowColumns });
    }
  }

  /** Sorts and filters this page's view of the sheet (nothing is written to the document). */
  setView(spec: ViewSpec | null): void {
    mark('cellar:view-start');
    const m = this.model;
    const changed = m.setView(spec);
    const patch: Partial<SheetViewState> = { view: m.view };
    if (changed) Object.assign(patch, { data: m.data, rowLabels: m.rowLabels, rowCount: m.rowCount, totalRowCount: m.totalRowCount, windowStart: m.windowStart });
    this.store.setState(patch);
  }

  setCursor(cursor: PeerCursor | null): void {
    const current = this.awareness.getLocalState()?.cursor as PeerCursor | null | undefined;
    if (current?.row === cursor?.row && current?.col === cursor?.col) return;
    this.awareness.setLocalStateField('cursor', cursor);
  }

  /** Viewers (and anyone whose access was revoked) may look and copy, not change. */
  get readOnly(): boolean {
    return isReadOnly(this.store.getState());
  }

  /** The rows with changes this device has not got saved, as CSV (for people whose access was revoked). */
  unsavedCsv(): string {
    return this.unsaved.toCsv((row, col) => this.model.valueAt(row, col));
  }

  rename(name: string): void {
    const user = { ...this.user, name: name.trim().slice(0, 40) || this.user.name };
    Object.assign(this.user, user);
    saveIdentity(this.user);
    this.awareness.setLocalStateField('user', { id: user.id, name: user.name, color: user.color });
    this.store.setState({ user: { ...this.user } });
    this.recordName();
  }

  /** Keeps this user's display name in the document (`users`), so others see it on records even offline. */
  private recordName(): void {
    // A viewer writes nothing: the server would drop it and the page would wait for it forever.
    if (this.destroyed || !this.presence || this.readOnly) return;
    try {
      recordUserName(this.doc, this.user.id, this.user.name, this.untrackedOrigin);
    } catch {
      // best effort: names are a courtesy
    }
  }

  undo(): void {
    this.undoManager.undo();
  }

  redo(): void {
    this.undoManager.redo();
  }

  /**
   * Deletes this device's copy of the sheet (IndexedDB), with the edits the server has not taken, and stops
   * keeping one: reloaded, the page starts from the server's copy. For a refused sheet (full, say), whose
   * unsaved edits would otherwise be sent, and refused, on every reload.
   */
  async discardLocalCopy(): Promise<void> {
    const persistence = this.persistence;
    this.persistence = null;
    if (persistence) {
      await persistence.destroy();
      // y-indexeddb's clearData does not wait for the deletion; a reload before it ends would load the copy again.
      await deleteDB(persistence.name);
    }
    // What the copy's edits left in localStorage: its marker, and the pending and unsaved lists (which would
    // otherwise show them as "Saving…" forever).
    for (const key of [localCopyKey(this.sheetId), pendingKey(this.sheetId), unsavedKey(this.sheetId)]) {
      try {
        globalThis.localStorage?.removeItem(key);
      } catch {
        // storage unavailable: nothing was kept there
      }
    }
  }

  destroy(): void {
    this.destroyed = true;
    if (this.lowStockTimer !== null) clearTimeout(this.lowStockTimer);
    if (this.renewTimer !== null) clearTimeout(this.renewTimer);
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    for (const cleanup of this.cleanups) cleanup();
    this.awareness.setLocalState(null);
    this.undoManager.destroy();
    this.model.destroy();
    this.unsaved.destroy();
    this.provider?.destroy();
    void this.persistence?.destroy();
    this.doc.destroy();
  }
}

/** Whether a page may not change the sheet: a viewer's, or after access was revoked (a store selector). */
export function isReadOnly(state: Pick<SheetViewState, 'role' | 'revoked'>): boolean {
  return state.role === 'viewer' || state.revoked;
}

/** What the page says when the server closed the sheet's socket for good (4400–4499, lib/protocol.ts). */
function refusalText(code: number): string {
  if (code === CLOSE_NO_SUCH_SHEET) return 'This sheet does not exist on the server';
  if (code === CLOSE_SHEET_FULL) return 'This sheet is full (the server’s limit on cells and rows): your latest edits were not saved';
  return `The server refused this sheet (${code})`;
}
