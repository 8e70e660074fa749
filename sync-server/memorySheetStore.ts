// A sheet store in memory, for fast unit tests: each flush keeps a copy of the merged sheet as read
// from its document, and the cells whose value changed.
import type * as Y from 'yjs';
import { readSheet } from '../lib/sheetDoc';
import type { MaterializedChange } from './materializer';
import type { CellHistory, MaterializedSheet, SheetStore, SheetSummary } from './sheetStore';

interface Tracked {
  doc: Y.Doc;
  seqSource: () => number;
  dirty: boolean;
  detach: () => void;
}

export class MemorySheetStore implements SheetStore {
  readonly sheets = new Map<string, MaterializedSheet & { createdAt: number; seq: number }>();
  private readonly cells = new Map<string, CellHistory['changes']>();
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners = new Set<(change: MaterializedChange) => void>();

  async known(): Promise<Set<string>> {
    return new Set(this.sheets.keys());
  }

  async lagging(storedSeqs: Map<string, number>): Promise<string[]> {
    return [...storedSeqs].filter(([id, seq]) => this.sheets.get(id)?.seq !== seq).map(([id]) => id);
  }

  track(sheetId: string, doc: Y.Doc, seqSource: () => number, rebuild: boolean): void {
    const tracked: Tracked = { doc, seqSource, dirty: rebuild, detach: () => undefined };
    const onUpdate = () => (tracked.dirty = true);
    doc.on('update', onUpdate);
    tracked.detach = () => doc.off('update', onUpdate);
    this.tracked.set(sheetId, tracked);
  }

  detach(sheetId: string): void {
    this.tracked.get(sheetId)?.detach();
    this.tracked.delete(sheetId);
  }

  async flush(): Promise<void> {
    for (const [sheetId, tracked] of this.tracked) {
      if (!tracked.dirty) continue;
      tracked.dirty = false;
      const snapshot = readSheet(tracked.doc);
      const previous = this.sheets.get(sheetId);
      const now = Date.now();
      for (const row of snapshot.rows) {
        for (const [col, value] of Object.entries(row.values)) {
          const before = previous?.rows.find((r) => r.id === row.id)?.values[col];
          if (before === value || (before === undefined && value === null)) continue;
          const key = `${sheetId}\u0000${row.id}\u0000${col}`;
          this.cells.set(key, [...(this.cells.get(key) ?? []), { value, t: null, by: null, recordedAt: new Date(now).toISOString() }]);
        }
      }
      this.sheets.set(sheetId, {
        id: sheetId,
        title: snapshot.meta.title,
        template: snapshot.meta.template,
        updatedAt: new Date(now).toISOString(),
        createdAt: snapshot.meta.createdAt,
        seq: tracked.seqSource(),
        columns: snapshot.columns.map(({ id, name, type }) => ({ id, name, type })),
        rows: snapshot.rows,
      });
      for (const listener of this.listeners) listener({ sheetId, template: snapshot.meta.template, rows: snapshot.rows.length, at: now });
    }
  }

  async list(): Promise<{ sheets: SheetSummary[] }> {
    return {
      sheets: [...this.sheets.values()]
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
        .map((s) => ({
          id: s.id,
          title: s.title,
          template: s.template,
          rowCount: s.rows.length,
          columnCount: s.columns.length,
          updatedAt: s.updatedAt,
          createdAt: new Date(s.createdAt).toISOString(),
        })),
    };
  }

  async read(sheetId: string, options: { limit?: number } = {}): Promise<MaterializedSheet | null> {
    const sheet = this.sheets.get(sheetId);
    if (!sheet) return null;
    const { id, title, template, updatedAt, columns, rows } = sheet;
    if (options.limit !== undefined) return { id, title, template, updatedAt, columns, rows: rows.slice(0, options.limit), rowCount: rows.length };
    return { id, title, template, updatedAt, columns, rows };
  }

  async history(sheetId: string, row: string, col: string): Promise<CellHistory> {
    return { sheetId, row, col, changes: this.cells.get(`${sheetId}\u0000${row}\u0000${col}`) ?? [], conflicts: [] };
  }

  subscribe(listener: (change: MaterializedChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {}

  stop(): void {}
}
