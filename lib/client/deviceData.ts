// What this browser keeps of the workspace for offline use (a local copy of each sheet in IndexedDB, lists
// and markers in localStorage, rendered pages in the service worker's cache), and forgetting all of it when
// someone signs out, so the next person at this browser cannot read it offline. Edits not yet saved are part
// of it: signing out asks first (sheetsWithUnsavedChanges).
import { deleteDB } from 'lib0/indexeddb';

/** Every key of this app in localStorage starts so; sheets' copies in IndexedDB are `cellar-sheet-<id>`. */
const KEY_PREFIX = 'cellar-';
const SHEET_DB_PREFIX = 'cellar-sheet-';
/** Per-sheet lists of edits the server has not acknowledged (saveStatus.ts, unsavedCells.ts). */
const UNSAVED_LISTS = [/^cellar-pending-(.+)$/, /^cellar-unsaved-(.+)$/];
/** The service worker's build-time cache (scripts and styles, no data) stays; every other cache goes. */
const KEPT_CACHE_PREFIX = 'serwist-precache';

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
    for (const pattern of UNSAVED_LISTS) {
      const sheetId = pattern.exec(key)?.[1];
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
    const sheetId = /^cellar-local-copy-(.+)$/.exec(key)?.[1];
    if (sheetId) names.add(`${SHEET_DB_PREFIX}${sheetId}`);
  }
  return [...names];
}

/** Deletes this app's local copies, lists and cached pages on this browser (after signing out). */
export async function forgetDeviceData(): Promise<void> {
  const storage = globalThis.localStorage;
  const listed = typeof indexedDB !== 'undefined' && 'databases' in indexedDB ? (await indexedDB.databases()).map((db) => db.name ?? '') : [];
  await Promise.all(sheetDatabases(storage, listed).map((name) => deleteDB(name).catch(() => undefined)));
  for (const key of keysOf(storage)) if (key.startsWith(KEY_PREFIX)) storage.removeItem(key);
  if (typeof caches !== 'undefined') {
    for (const name of await caches.keys()) if (!name.startsWith(KEPT_CACHE_PREFIX)) await caches.delete(name);
  }
}
