// The sheet store in DuckDB: the materializer writes the relational tables, history and views; reads
// run on the pooled reader connections (MVCC snapshots, never waiting for writes).
import type * as Y from 'yjs';
import { physicalColumn, sheetTable } from '../lib/relationalViews';
import type { Database } from './database';
import { Materializer, type MaterializedChange } from './materializer';
import { ReplicaBatchSource } from './replicaBatchSource';
import type { CellHistory, MaterializedSheet, SheetStore, SheetSummary } from './sheetStore';

export class DuckDBSheetStore implements SheetStore {
  readonly materializer: Materializer;
  private readonly listeners = new Set<(change: MaterializedChange) => void>();

  constructor(
    private readonly db: Database,
    options: { intervalMs?: number; worker?: boolean } = {},
  ) {
    this.materializer = new Materializer(db.materializer, {
      intervalMs: options.intervalMs,
      // Reading documents into batches in a worker with replicas keeps it off the relaying thread.
      source: options.worker ? new ReplicaBatchSource() : undefined,
      onMaterialized: (change) => {
        for (const listener of this.listeners) listener(change);
      },
    });
  }

  subscribe(listener: (change: MaterializedChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async known(): Promise<Set<string>> {
    return this.db.read(async (c) => {
      const reader = await c.runAndReadAll('SELECT id FROM sheets UNION SELECT DISTINCT sheet_id FROM doc_updates UNION SELECT sheet_id FROM doc_snapshots');
      return new Set(reader.getRows().map((row) => String(row[0])));
    });
  }

  async lagging(storedSeqs: Map<string, number>): Promise<string[]> {
    const materialized = await this.db.read(async (c) => {
      const reader = await c.runAndReadAll('SELECT id, materialized_seq FROM sheets');
      return new Map(reader.getRows().map((row) => [String(row[0]), Number(row[1])]));
    });
    return [...storedSeqs].filter(([id, seq]) => materialized.get(id) !== seq).map(([id]) => id);
  }

  track(sheetId: string, doc: Y.Doc, seqSource: () => number, rebuild: boolean, currentWriter?: () => string | null): void {
    this.materializer.track(sheetId, doc, seqSource, rebuild, currentWriter);
  }

  detach(sheetId: string): void {
    this.materializer.detach(sheetId);
  }

  flush(): Promise<void> {
    return this.materializer.flush();
  }

  start(): void {
    this.materializer.start();
  }

  stop(): void {
    this.materializer.stop();
  }

  /** Resolves when the materializer can take batches (its worker, if any, is listening). */
  async ready(): Promise<void> {
    const source = this.materializer.source as { ready?: Promise<void> };
    await source.ready;
  }

  /** Stops the materializer's worker (after the last flush). */
  close(): Promise<void> {
    return this.materializer.close();
  }

  list(): Promise<{ sheets: SheetSummary[] }> {
    return this.db.read(async (c) => {
      const reader = await c.runAndReadAll(
        // Live sheets only: the trash (sheetTrash.ts) is listed on its own.
        'SELECT id, title, template, row_count, column_count, updated_at, created_at FROM sheets WHERE id NOT IN (SELECT sheet_id FROM sheet_trash) ORDER BY created_at, id',
      );
      return {
        sheets: reader.getRowObjectsJson().map((row) => ({
          id: String(row.id),
          title: String(row.title),
          template: String(row.template),
          rowCount: Number(row.row_count),
          columnCount: Number(row.column_count),
          updatedAt: new Date(Number(row.updated_at)).toISOString(),
          createdAt: new Date(Number(row.created_at)).toISOString(),
        })),
      };
    });
  }

  read(sheetId: string, options: { limit?: number } = {}): Promise<MaterializedSheet | null> {
    const limit = options.limit !== undefined && Number.isInteger(options.limit) && options.limit >= 0 ? ` LIMIT ${options.limit}` : '';
    return this.db.read(async (c) => {
      const sheet = (await c.runAndReadAll('SELECT title, template, updated_at, row_count FROM sheets WHERE id = $id', { id: sheetId })).getRowObjectsJson()[0];
      if (!sheet) return null;
      const columns = (
        await c.runAndReadAll('SELECT col_id, name, type FROM sheet_columns WHERE sheet_id = $id AND NOT deleted ORDER BY ord, col_id', { id: sheetId })
      )
        .getRowObjectsJson()
        .map((row) => ({ id: String(row.col_id), name: String(row.name), type: String(row.type) }));
      const select = ['row_id', ...columns.map((col) => physicalColumn(col.id))].join(', ');
      const rows = (await c.runAndReadAll(`SELECT ${select} FROM ${sheetTable(sheetId)} WHERE NOT deleted ORDER BY ord, row_id${limit}`)).getRowsJson();
      return {
        id: sheetId,
        title: String(sheet.title),
        template: String(sheet.template),
        updatedAt: new Date(Number(sheet.updated_at)).toISOString(),
        ...(limit ? { rowCount: Number(sheet.row_count) } : {}),
        columns,
        rows: rows.map((row) => {
          const values: Record<string, unknown> = {};
          columns.forEach((col, i) => (values[col.id] = row[i + 1] ?? null));
          return { id: String(row[0]), values };
        }),
      };
    });
  }

  history(sheetId: string, row: string, col: string): Promise<CellHistory> {
    return this.db.read(async (c) => {
      const changes = (
        await c.runAndReadAll(
          'SELECT value, t, author, recorded_at, identity_id FROM cell_history WHERE sheet_id = $s AND row_id = $r AND col_id = $c ORDER BY recorded_at, t',
          { s: sheetId, r: row, c: col },
        )
      ).getRowObjectsJson();
      const conflicts = (
        await c.runAndReadAll('SELECT kept, lost, recorded_at, identity_id FROM conflict_log WHERE sheet_id = $s AND row_id = $r AND col_id = $c ORDER BY recorded_at', {
          s: sheetId,
          r: row,
          c: col,
        })
      ).getRowObjectsJson();
      return {
        sheetId,
        row,
        col,
        changes: changes.map((h) => ({
          value: h.value === null ? null : JSON.parse(String(h.value)),
          t: h.t === null ? null : Number(h.t),
          by: h.author,
          identity: h.identity_id === null || h.identity_id === undefined ? null : String(h.identity_id),
          recordedAt: new Date(Number(h.recorded_at)).toISOString(),
        })),
        conflicts: conflicts.map((h) => ({
          kept: JSON.parse(String(h.kept)),
          lost: JSON.parse(String(h.lost)),
          identity: h.identity_id === null || h.identity_id === undefined ? null : String(h.identity_id),
          recordedAt: new Date(Number(h.recorded_at)).toISOString(),
        })),
      };
    });
  }
}
