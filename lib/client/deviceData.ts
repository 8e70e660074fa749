// What this browser keeps of the workspace for offline use (a local copy of each sheet in IndexedDB, lists
// and markers in localStorage, rendered pages in the service worker's cache), and forgetting all of it when
// someone signs out, so the next person at this browser cannot read it offline. Edits not yet saved are part
// of it: signing out asks first (sheetsWithUnsavedChanges).
import { deleteDB } from 'lib0/indexeddb';
import { FORGET_MESSAGE, KEPT_CACHE_PREFIX } from './serviceWorkerMessages';

/** Every key of this app in localStorage starts so. */
const KEY_PREFIX = 'cellar-';
const SHEET_DB_PREFIX = 'cellar-sheet-';
const LOCAL_COPY_PREFIX = 'cellar-local-copy-';
const PENDING_PREFIX = 'cellar-pending-';
const UNSAVED_PREFIX = 'cellar-unsaved-';

/** The IndexedDB database holding this device's copy of a sheet. */
export const sheetDatabaseName = (sheetId: string) => `${SHEET_DB_PREFIX}${sheetId}`;
/** The localStorage marker saying this device has a copy of a sheet ('1'). */
export const localCopyKey = (sheetId: string) => `${LOCAL_COPY_PREFIX}${sheetId}`;
/** The localStorage lists of a sheet's edits the server has not acknowledged (saveStatus.ts, unsavedCells.ts). */
export const pendingKey = (sheetId: string) => `${PENDING_PREFIX}${sheetId}`;
export const unsavedKey = (sheetId: string) => `${UNSAVED_PREFIX}${sheetId}`;

/** The sheet a key of `prefix` belongs to, or null. */
const sheetOf = (key: string, prefix: string) => (key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : null);

export interface KeyedStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  removeItem(key: string): void;
}

function keysOf(storage: KeyedStorage): string[] {
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key !== null) keys.push(key);
  }
  return keys;
}

/** The sheets with edits made on this device that the server has not saved yet. */
export function sheetsWithUnsavedChanges(storage: KeyedStorage): string[] {
  const sheets = new Set<string>();
  for (const key of keysOf(storage)) {
    for (const prefix of [PENDING_PREFIX, UNSAVED_PREFIX]) {
      const sheetId = sheetOf(key, prefix);
      if (!sheetId) continue;
      try {
        const list = JSON.parse(storage.getItem(key) ?? '[]');
        if (Array.isArray(list) && list.length > 0) sheets.add(sheetId);
      } catch {
        sheets.add(sheetId); // unreadable: count it rather than lose it unasked
      }
    }
  }
  return [...sheets];
}

/** The IndexedDB copies to delete: every `cellar-sheet-*` database the browser lists, and those the markers name. */
export function sheetDatabases(storage: KeyedStorage, listed: readonly string[]): string[] {
  const names = new Set(listed.filter((name) => name.startsWith(SHEET_DB_PREFIX)));
  for (const key of keysOf(storage)) {
    const sheetId = sheetOf(key, LOCAL_COPY_PREFIX);
    if (sheetId) names.add(sheetDatabaseName(sheetId));
  }
  return [...names];
}

/** Deletes this app's local copies, lists and cached pages on this browser (after signing out). */
export async function forgetDeviceData(): Promise<void> {
  const storage = globalThis.localStorage;
  // The worker first, at once: it may still be fetching pages to keep (the offline warm-up), which it must drop.
  const worker = forgetInServiceWorker().catch(() => undefined);
  const listed = typeof indexedDB !== 'undefined' && 'databases' in indexedDB ? (await indexedDB.databases()).map((db) => db.name ?? '') : [];
  await Promise.all(sheetDatabases(storage, listed).map((name) => deleteDB(name).catch(() => undefined)));
  for (const key of keysOf(storage)) if (key.startsWith(KEY_PREFIX)) storage.removeItem(key);
  await worker;
  if (typeof caches !== 'undefined') {
    for (const name of await caches.keys()) if (!name.startsWith(KEPT_CACHE_PREFIX)) await caches.delete(name);
  }
}

/** Longest signing out waits for the service worker's answer (a worker that is busy starting, say). */
const WORKER_ANSWER_MS = 2000;

/** Tells the service worker to forget (app/sw.ts) and waits for its answer, or WORKER_ANSWER_MS. */
async function forgetInServiceWorker(): Promise<void> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const worker = navigator.serviceWorker.controller ?? (await navigator.serviceWorker.getRegistration())?.active ?? null;
  if (!worker) return;
  const channel = new MessageChannel();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, WORKER_ANSWER_MS);
    channel.port1.onmessage = () => {
      clearTimeout(timer);
      resolve();
    };
    worker.postMessage({ type: FORGET_MESSAGE }, [channel.port2]);
  });
  channel.port1.close();
}
