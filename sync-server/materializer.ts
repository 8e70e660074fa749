// Writes the merged document state into relational DuckDB tables in batches (read from the document by
// materializationTracker.ts, here or in the materializer worker): dirty rows are inserted into
// a TEMP staging table and upserted with one INSERT … ON CONFLICT per sheet; changed cells are appended
// to the history; schema changes rebuild the sheet's table and the views. Rows removed outright from the
// document are deleted from the table. Document content is never trusted: every value is coerced to its
// column's type, every identifier is quoted or mapped (relationalViews.ts), and one sheet's failure is
// retried with backoff (materializationHealth.ts) without holding up the others, a shutdown or an unload.
import { BOOLEAN, LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import type * as Y from 'yjs';
import { REBUILD_SKU_SALE_TOTALS_SQL, REFRESH_SKU_SALE_TOTALS_SQL, SKUS_OF_SALE_ROWS_SQL } from '../lib/insights/skuSaleTotals';
import {
  createSheetTableSql,
  createStagingTableSql,
  rebuildTable,
  ident,
  sheetTable,
  sheetViewSql,
  upsertFromStagingSql,
  workspaceViewSql,
  type StoredSheet,
} from '../lib/relationalViews';
import type { ColumnType, TemplateName } from '../lib/schema';
import { logger } from './logger';
import { MaterializationHealth } from './materializationHealth';
import { MaterializationTracker, textOf, type SheetBatch } from './materializationTracker';

export interface MaterializedChange {
  sheetId: string;
  template: TemplateName;
  rows: number;
  at: number;
}

/** Where the materializer's batches come from: the document read beside the room, or a worker's replica. */
export interface BatchSource {
  track(sheetId: string, doc: Y.Doc, seqSource: () => number, rebuild: boolean, currentWriter?: () => string | null): void;
  detach(sheetId: string): void;
  /** The pending changes of every tracked sheet with some, except those in `skip`. */
  take(skip: ReadonlySet<string>): SheetBatch[] | Promise<SheetBatch[]>;
  /** A batch that failed to write: its sheet is rebuilt whole next time. */
  giveBack(batch: SheetBatch): void;
  close?(): Promise<void>;
}

/** How long one take may read documents on the relaying thread before it leaves the rest for the next. */
const TAKE_BUDGET_MS = 20;

/** Batches read from the room's own document, on this thread (the default; CELLAR_MATERIALIZER_WORKER=1 uses the worker). */
export class LocalBatchSource implements BatchSource {
  private readonly tracker: MaterializationTracker;
  constructor(
    rowsPerChunk?: number,
    private readonly takeBudgetMs = TAKE_BUDGET_MS,
  ) {
    this.tracker = new MaterializationTracker(rowsPerChunk);
  }
  track(sheetId: string, doc: Y.Doc, seqSource: () => number, rebuild: boolean, currentWriter?: () => string | null): void {
    this.tracker.track(sheetId, doc, seqSource, rebuild, currentWriter);
  }
  detach(sheetId: string): void {
    this.tracker.detach(sheetId);
  }
  /** Reads for at most about TAKE_BUDGET_MS (this is the relaying thread): what is left waits for the next take. */
  take(skip: ReadonlySet<string>): SheetBatch[] {
    const deadline = performance.now() + this.takeBudgetMs;
    return this.tracker
      .dirtySheets()
      .filter((id) => !skip.has(id))
      .map((id) => this.tracker.take(id, deadline))
      .filter((batch): batch is SheetBatch => batch !== null);
  }
  giveBack(batch: SheetBatch): void {
    this.tracker.giveBack(batch);
  }
}

/** Past this many stale skus every total is recomputed: one aggregate instead of a long list to match. */
const MAX_SKUS_RECOMPUTED = 20_000;

export interface MaterializerOptions {
  intervalMs?: number;
  onMaterialized?: (change: MaterializedChange) => void;
  /** Rows per INSERT of a flush (history: ten times as many), so a big flush is many short statements. */
  rowsPerSlice?: number;
  /** Where batches are read (default: from the room's document on this thread). */
  source?: BatchSource;
}

export class Materializer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  stats = { rows: 0, cells: 0, flushes: 0, ms: 0 };
  readonly health = new MaterializationHealth();
  /** The last failure to rebuild the workspace views (`products`, `sales`), retried on every flush. */
  viewsError: string | null = null;
  private viewsStale = false;
  /** Skus whose `sku_sale_totals` row may differ from the sales materialized since (settleSkuSaleTotals). */
  private readonly staleSkus = new Set<string | null>();
  /** Every total may be stale (the skus a change touched could not be read): the next settling recomputes all. */
  private allSkusStale = false;
  private recomputing = false;
  /**
   * Counts committed changes to what the insights read (products and sales sheets, the workspace views);
   * bumped right after the commit, before the change is announced (the insight cache's key).
   */
  dataVersion = 0;
  readonly source: BatchSource;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly options: MaterializerOptions = {},
  ) {
    this.source = options.source ?? new LocalBatchSource(options.rowsPerSlice);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch((err) => logger.error({ err }, 'materialize failed')), this.options.intervalMs ?? 250);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops the batch source (the worker) after a last flush. */
  async close(): Promise<void> {
    this.stop();
    await this.source.close?.();
  }

  /** Starts tracking a loaded document. `rebuild` rewrites the sheet's table from the document. */
  track(sheetId: string, doc: Y.Doc, seqSource: () => number, rebuild: boolean, currentWriter: () => string | null = () => null): void {
    // A sheet that failed to materialize is rebuilt whole when it is tracked again.
    this.source.track(sheetId, doc, seqSource, rebuild || this.health.isFailing(sheetId), currentWriter);
  }

  /** Writes what is pending for the sheet, then stops tracking it. */
  async untrack(sheetId: string): Promise<void> {
    await this.flush({ force: true });
    this.detach(sheetId);
  }

  /** Stops tracking a sheet at once (after a flush: anything still pending is dropped). */
  detach(sheetId: string): void {
    this.source.detach(sheetId);
  }

  /**
   * Writes every dirty sheet. Concurrent callers take turns, each until what it finds dirty is written. A sheet
   * that fails is logged, put back and retried after its backoff (`force` ignores the backoff); it never
   * stops the others, and flush itself never throws for it: /health reports it (healthReport).
   */
  async flush(options: { force?: boolean } = {}): Promise<void> {
    // A batch cut at its read budget (a big import) leaves the rest pending: take again after a turn of the
    // event loop. Each take and its writes hold the connection on their own, so a view refresh or a settling
    // of the sales totals waits for one take, not for a whole import.
    for (let more = true; more; ) {
      while (this.running) await this.running;
      this.running = (async () => {
        more = await this.writeBatches(await this.source.take(options.force ? new Set() : this.health.waiting()));
      })();
      try {
        await this.running;
      } finally {
        this.running = null;
      }
      if (more) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Writes batches one by one; returns whether one of them left changes pending (it was not complete). */
  private async writeBatches(batches: SheetBatch[]): Promise<boolean> {
    let more = false;
    // Smallest first: a person's edit of one sheet is not written after another sheet's slice of a big import.
    const size = (batch: SheetBatch) => batch.rowCount + batch.changedCells.length;
    for (const batch of [...batches].sort((a, b) => size(a) - size(b))) {
      const started = performance.now();
      let result: { rows: number; tableReplaced: boolean };
      try {
        result = await this.writeSheet(batch);
      } catch (err) {
        this.source.giveBack(batch);
        const retryMs = this.health.failed(batch.sheetId, err);
        logger.error({ err, sheetId: batch.sheetId, retryMs }, 'materializing the sheet failed; retrying later, other sheets go on');
        continue;
      }
      more ||= !batch.complete;
      if (this.health.succeeded(batch.sheetId)) logger.info({ sheetId: batch.sheetId }, 'materializing the sheet works again');
      this.viewsStale ||= result.tableReplaced;
      this.stats.ms += performance.now() - started;
      this.stats.flushes += 1;
      try {
        this.options.onMaterialized?.({ sheetId: batch.sheetId, template: batch.meta.template as TemplateName, rows: result.rows, at: Date.now() });
      } catch (err) {
        logger.warn({ err, sheetId: batch.sheetId }, 'a change listener failed');
      }
    }
    if (this.viewsStale) {
      try {
        await this.refreshWorkspaceViews();
        this.viewsStale = false;
        this.viewsError = null;
      } catch (err) {
        this.viewsError = String((err as Error)?.message ?? err).slice(0, 300);
        logger.error({ err }, 'rebuilding the workspace views failed; retrying on the next flush');
      }
    }
    return more;
  }

  /** Health of materialization: the sheets that currently fail (empty when all is well). */
  healthReport(): { sheets: ReturnType<MaterializationHealth['report']>; views: string | null } {
    return { sheets: this.health.report(), views: this.viewsError };
  }

  /**
   * Writes one batch in one transaction. Rows, history and conflicts go in as JSON chunks that DuckDB
   * parses on its own threads (no appender: its calls and its close run on this thread).
   */
  private async writeSheet(batch: SheetBatch): Promise<{ rows: number; tableReplaced: boolean }> {
    const { sheetId, columns, rebuild, meta } = batch;
    const now = Date.now();
    const staging = `stage_${sheetId}`;
    const live = sheetTable(sheetId);
    // A rewrite goes to its own table, put in place of the live one by its last batch.
    const target = rebuild ? rebuildTable(sheetId) : live;
    const c = this.connection;
    // A sales sheet's change makes stale the totals of every sku its rows had before and have after, read
    // outside the transaction (this connection is the tables' only writer): a failed read never fails the write.
    const salesRows = meta.template === 'sales' ? [...batch.rowIds, ...batch.removedRows] : [];
    const skusBefore = salesRows.length > 0 ? await this.skusOfSaleRows(sheetId, salesRows) : null;
    await this.inTransaction(async () => {
      if (batch.removedRows.length > 0) {
        const ids = { ids: listValue(batch.removedRows) };
        await c.run(`DELETE FROM ${live} WHERE row_id IN (SELECT unnest($ids))`, ids, { ids: LIST(VARCHAR) });
        if (rebuild && !rebuild.first) await c.run(`DELETE FROM ${target} WHERE row_id IN (SELECT unnest($ids))`, ids, { ids: LIST(VARCHAR) });
      }
      if (rebuild?.first) await c.run(createSheetTableSql(sheetId, columns, target));
      if (batch.rowChunks.length > 0) {
        await c.run(createStagingTableSql(staging, columns));
        const types = ['VARCHAR', 'VARCHAR', 'BOOLEAN', ...columns.map((col) => (col.type === 'number' ? 'DOUBLE' : col.type === 'boolean' ? 'BOOLEAN' : 'VARCHAR'))];
        const insert = `INSERT INTO ${ident(staging)} SELECT ${fromJsonColumns(types)}`;
        for (const json of batch.rowChunks) await c.run(insert, { json });
        await c.run(upsertFromStagingSql(sheetId, staging, columns, target));
        await c.run(`DROP TABLE ${ident(staging)}`);
      }
      if (rebuild?.last) {
        await c.run(`DROP TABLE IF EXISTS ${live}`);
        await c.run(`ALTER TABLE ${target} RENAME TO ${live}`);
        await c.run('DELETE FROM sheet_columns WHERE sheet_id = $id', { id: sheetId });
        const json = JSON.stringify({ c0: columns.map((col) => col.id), c1: columns.map((col) => col.name), c2: columns.map((col) => col.type), c3: columns.map((col) => col.order), c4: columns.map((col) => col.deleted) });
        await c.run(`INSERT INTO sheet_columns SELECT $sheet, ${fromJsonColumns(['VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'BOOLEAN'])}`, { sheet: sheetId, json });
        await c.run(sheetViewSql(sheetId, columns));
      }
      if (batch.historyChunks.length > 0) {
        const insert = `INSERT INTO cell_history (sheet_id, recorded_at, row_id, col_id, value, t, author, identity_id)
          SELECT $sheet, $now, ${fromJsonColumns(['VARCHAR', 'VARCHAR', 'VARCHAR', 'DOUBLE', 'VARCHAR', 'VARCHAR'])}`;
        for (const json of batch.historyChunks) await c.run(insert, { sheet: sheetId, json, now });
        this.stats.cells += batch.changedCells.length;
      }
      if (batch.conflicts.length > 0) {
        const rows = batch.conflicts.map(({ record, identity }) => ({
          row: textOf(record?.row),
          col: textOf(record?.col),
          kept: JSON.stringify(record?.kept ?? null) ?? 'null',
          lost: JSON.stringify(record?.lost ?? null) ?? 'null',
          identity,
        }));
        await c.run(
          `INSERT INTO conflict_log (sheet_id, row_id, col_id, kept, lost, identity_id, recorded_at) SELECT $sheet, unnest($rows), unnest($cols), unnest($kept), unnest($lost), unnest($identities), $now`,
          {
            sheet: sheetId,
            rows: listValue(rows.map((r) => r.row)),
            cols: listValue(rows.map((r) => r.col)),
            kept: listValue(rows.map((r) => r.kept)),
            lost: listValue(rows.map((r) => r.lost)),
            identities: listValue(rows.map((r) => r.identity)),
            now,
          },
          { rows: LIST(VARCHAR), cols: LIST(VARCHAR), kept: LIST(VARCHAR), lost: LIST(VARCHAR), identities: LIST(VARCHAR) },
        );
      }
      await c.run(
        `INSERT INTO sheets (id, title, template, created_at, updated_at, row_count, column_count, materialized_seq)
         VALUES ($id, $title, $template, $created, $now, $rows, $cols, $seq)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at,
           row_count = excluded.row_count, column_count = excluded.column_count, materialized_seq = excluded.materialized_seq`,
        {
          id: sheetId,
          title: meta.title,
          template: meta.template,
          created: Number.isFinite(meta.createdAt) && meta.createdAt > 0 ? Math.floor(meta.createdAt) : now,
          now,
          rows: batch.liveRows,
          cols: columns.filter((col) => !col.deleted).length,
          seq: batch.seq,
        },
      );
    });
    if (skusBefore) for (const sku of [...skusBefore, ...(await this.skusOfSaleRows(sheetId, batch.rowIds))]) this.staleSkus.add(sku);
    if (meta.template !== 'blank') this.dataVersion++;
    this.stats.rows += batch.rowIds.length;
    return { rows: batch.rowIds.length, tableReplaced: rebuild?.last ?? false };
  }

  /** Recreates the workspace views between flushes (a sheet went to or came back from the trash). */
  async refreshViews(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.refreshWorkspaceViews();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Recreates `products` and `sales` over every stored live (not trashed) sheet of those templates. */
  async refreshWorkspaceViews(): Promise<void> {
    const reader = await this.connection.runAndReadAll(
      `SELECT s.id, s.template, c.col_id, c.name, c.type, c.deleted
       FROM sheets s JOIN sheet_columns c ON c.sheet_id = s.id
       WHERE s.template IN ('products', 'sales') AND s.id NOT IN (SELECT sheet_id FROM sheet_trash) ORDER BY s.id, c.ord, c.col_id`,
    );
    const sheets = new Map<string, StoredSheet>();
    for (const [id, template, colId, name, type, deleted] of reader.getRows()) {
      const sheet = sheets.get(String(id)) ?? { id: String(id), template: template as TemplateName, columns: [] };
      sheet.columns.push({ id: String(colId), name: String(name), type: type as ColumnType, deleted: deleted === true });
      sheets.set(sheet.id, sheet);
    }
    // The views and the totals read through them change together.
    await this.inTransaction(async () => {
      await this.connection.run(workspaceViewSql('products', [...sheets.values()]));
      await this.connection.run(workspaceViewSql('sales', [...sheets.values()]));
      for (const sql of REBUILD_SKU_SALE_TOTALS_SQL) await this.connection.run(sql);
    });
    this.staleSkus.clear();
    this.allSkusStale = false;
    this.dataVersion++;
  }

  /**
   * The skus (null: no sku) the given rows of a sales sheet have in the `sales` view now; when they cannot be
   * read, every total is marked stale instead (the write goes on).
   */
  private async skusOfSaleRows(sheetId: string, rowIds: readonly string[]): Promise<Set<string | null>> {
    if (rowIds.length === 0) return new Set();
    try {
      const reader = await this.connection.runAndReadAll(SKUS_OF_SALE_ROWS_SQL, { sheet: sheetId, rows: listValue(rowIds as string[]) }, { sheet: VARCHAR, rows: LIST(VARCHAR) });
      return new Set(reader.getRows().map(([sku]) => (sku === null ? null : String(sku))));
    } catch (err) {
      logger.warn({ err, sheetId }, 'could not read the skus a sales change touched; every sales total will be recomputed');
      this.allSkusStale = true;
      return new Set();
    }
  }

  /**
   * Brings `sku_sale_totals` up to date with what is materialized: the skus changed since it was last
   * settled are recomputed from the `sales` view, in one transaction. Readers call it before reading the
   * totals (a no-op when no sales changed), so editing sales costs no recomputation per flush (each one
   * scans every sale: ~30 ms at 1M) and a read after many flushes pays for one.
   */
  async settleSkuSaleTotals(): Promise<void> {
    // A recomputation in flight holds skus already taken from staleSkus: a reader arriving meanwhile waits for it.
    while (this.staleSkus.size > 0 || this.allSkusStale || this.recomputing) {
      while (this.running) await this.running;
      if (this.staleSkus.size === 0 && !this.allSkusStale) return;
      this.recomputing = true;
      this.running = this.recomputeStaleSkus();
      try {
        await this.running;
      } finally {
        this.running = null;
        this.recomputing = false;
      }
    }
  }

  private async recomputeStaleSkus(): Promise<void> {
    const skus = [...this.staleSkus];
    const all = this.allSkusStale || skus.length > MAX_SKUS_RECOMPUTED;
    this.staleSkus.clear();
    this.allSkusStale = false;
    const c = this.connection;
    try {
      await this.inTransaction(async () => {
        if (all) {
          for (const sql of REBUILD_SKU_SALE_TOTALS_SQL) await c.run(sql);
        } else {
          const values = { skus: listValue(skus.filter((sku): sku is string => sku !== null)), withNull: skus.includes(null) };
          for (const sql of REFRESH_SKU_SALE_TOTALS_SQL) await c.run(sql, values, { skus: LIST(VARCHAR), withNull: BOOLEAN });
        }
      });
    } catch (error) {
      for (const sku of skus) this.staleSkus.add(sku);
      this.allSkusStale ||= all;
      throw error;
    }
  }

  /** Runs `work` in one transaction on this connection, rolled back when it throws. */
  private async inTransaction(work: () => Promise<void>): Promise<void> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await work();
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

/**
 * The select list that unpacks a column-wise JSON chunk ({"c0": [...], "c1": [...], …}, bound as $json)
 * into rows of the given types: the lists are unnested side by side.
 */
function fromJsonColumns(types: readonly string[]): string {
  const shape = `{${types.map((type, i) => `"c${i}":["${type}"]`).join(',')}}`;
  return `${types.map((_, i) => `unnest(j.c${i})`).join(', ')} FROM (SELECT from_json($json, '${shape}') AS j)`;
}
