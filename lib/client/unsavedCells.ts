// Browser-side: which cells this device changed that the server has not acknowledged yet (by the Yjs
// clock after each local transaction), kept in localStorage so they survive an offline reload. When
// access is revoked these are the edits that stay on the device, not saved, and can be exported as CSV.
import * as Y from 'yjs';
import { toCsv, type CsvValue } from '../csv';
import { readColumns, rowsMap } from '../sheetDoc';

interface Entry {
  row: string;
  col: string;
  clock: number;
  client: number;
}

const MAX_ENTRIES = 20_000;

export class UnsavedCells {
  private entries = new Map<string, Entry>();
  private readonly detach: () => void;

  constructor(
    private readonly doc: Y.Doc,
    private readonly key: string,
    private readonly storage: Storage | null,
  ) {
    try {
      const stored = JSON.parse(storage?.getItem(key) ?? '[]') as Entry[];
      for (const e of stored) if (e && typeof e.row === 'string' && typeof e.col === 'string') this.entries.set(`${e.row}\u0000${e.col}`, e);
    } catch {
      // nothing stored
    }
    const onChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, transaction: Y.Transaction) => {
      if (!transaction.local) return;
      const clock = transaction.afterState.get(doc.clientID) ?? 0;
      for (const event of events) {
        const path = event.path;
        if (path.length === 2 && path[1] === 'cells') {
          for (const col of (event as Y.YMapEvent<unknown>).keysChanged) this.add(String(path[0]), col, clock);
        } else if (path.length === 0) {
          for (const row of (event as Y.YMapEvent<unknown>).keysChanged) {
            const cells = rowsMap(doc).get(row)?.get('cells');
            if (cells instanceof Y.Map) for (const col of cells.keys()) this.add(row, col, clock);
          }
        }
      }
      this.save();
    };
    rowsMap(doc).observeDeep(onChange);
    this.detach = () => rowsMap(doc).unobserveDeep(onChange);
  }

  private add(row: string, col: string, clock: number): void {
    if (this.entries.size >= MAX_ENTRIES) return;
    this.entries.set(`${row}\u0000${col}`, { row, col, clock, client: this.doc.clientID });
  }

  private save(): void {
    try {
      this.storage?.setItem(this.key, JSON.stringify([...this.entries.values()]));
    } catch {
      // storage full or unavailable: the list lasts for this page
    }
  }

  /** Drops what the server reports durable. */
  acknowledge(saved: Map<number, number>): void {
    let changed = false;
    for (const [key, entry] of this.entries) {
      if ((saved.get(entry.client) ?? 0) >= entry.clock) {
        this.entries.delete(key);
        changed = true;
      }
    }
    if (changed) this.save();
  }

  get count(): number {
    return this.entries.size;
  }

  /** The rows holding unsaved cells, every column, as CSV (row id first), values as this device has them. */
  toCsv(valueAt: (row: string, col: string) => unknown): string {
    const columns = readColumns(this.doc);
    const rows = [...new Set([...this.entries.values()].map((e) => e.row))];
    const body = rows.map((row) => [row, ...columns.map((c) => (valueAt(row, c.id) ?? null) as CsvValue)]);
    return toCsv(['row_id', ...columns.map((c) => c.name)], body);
  }

  destroy(): void {
    this.detach();
  }
}
