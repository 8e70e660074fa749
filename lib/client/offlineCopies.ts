// Browser-only: keeps a local copy (IndexedDB) of every sheet, so sheets never opened on this device open
// offline too. One sheet at a time, in the background, invisible to others (no presence), and only sheets
// with no copy yet (the copy then stays current whenever the sheet is opened).
import { localCopyKey } from './deviceData';
import { SheetConnection, type SyncSettings } from './sheetConnection';

/** Sheets copied per page visit at most (most recently updated first): the rest follow on later visits. */
export const MAX_COPIES_PER_VISIT = 10;
/** Larger sheets are copied when they are opened, not in the background. */
export const MAX_BACKGROUND_CELLS = 100_000;
/** A browser starts background copies at most this often. */
export const COPY_INTERVAL_MS = 30 * 60 * 1000;
const COPIED_AT_KEY = 'cellar-offline-copies-at';

export interface SheetListing {
  id: string;
  rowCount?: number;
  columnCount?: number;
  updatedAt?: string;
}

/** Which sheets to copy now: none if this browser copied recently; else the newest ones without a copy. */
export function sheetsToCopy(sheets: readonly SheetListing[], exclude: string | undefined, now: number, storage: Storage | null): string[] {
  try {
    const last = Number(storage?.getItem(COPIED_AT_KEY) ?? 0);
    if (now - last < COPY_INTERVAL_MS) return [];
  } catch {
    // storage unavailable: copy anyway
  }
  return sheets
    .filter((s) => s.id !== exclude && !hasLocalCopy(s.id, storage) && (s.rowCount ?? 0) * (s.columnCount ?? 0) <= MAX_BACKGROUND_CELLS)
    .sort((a, b) => (b.updatedAt ?? '').localeCompare(a.updatedAt ?? ''))
    .slice(0, MAX_COPIES_PER_VISIT)
    .map((s) => s.id);
}

export function markCopied(now: number, storage: Storage | null): void {
  try {
    storage?.setItem(COPIED_AT_KEY, String(now));
  } catch {
    // ignore
  }
}

export function hasLocalCopy(sheetId: string, storage: Storage | null): boolean {
  try {
    return storage?.getItem(localCopyKey(sheetId)) === '1';
  } catch {
    return false;
  }
}

/** Copies the given sheets one after another; stops when `signal` aborts or the browser goes offline. */
export async function copySheetsForOffline(sheetIds: readonly string[], settings: SyncSettings, signal: AbortSignal): Promise<string[]> {
  const copied: string[] = [];
  for (const id of sheetIds) {
    if (signal.aborted || !navigator.onLine) break;
    const conn = new SheetConnection(id, settings, { presence: false });
    try {
      if (await conn.whenSynced(15_000)) copied.push(id);
      // Let y-indexeddb finish writing what arrived before the copy is closed.
      await new Promise((resolve) => setTimeout(resolve, 400));
    } finally {
      conn.destroy();
    }
  }
  return copied;
}
