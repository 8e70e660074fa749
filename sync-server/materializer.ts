// Writes the merged document state into relational DuckDB tables in batches: dirty rows are appended to
// a TEMP staging table and upserted with one INSERT … ON CONFLICT per sheet; changed cells are appended
// to the history; schema changes rebuild the sheet's table and the views. Rows removed outright from the
// document are deleted from the table. Document content is never trusted: every value is coerced to its
// column's type, every identifier is quoted or mapped (relationalViews.ts), and one sheet's failure is
// retried with backoff (materializationHealth.ts) without holding up the others, a shutdown or an unload.
import { LIST, VARCHAR, listValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import * as Y from 'yjs';
import { cellKey, indexAdjustments, resolveCell, type AdjustmentIndex } from '../lib/cellResolution';
import {
  createSheetTableSql,
  createStagingTableSql,
  ident,
  sheetTable,
  sheetViewSql,
  upsertFromStagingSql,
  workspaceViewSql,
  type StoredColumn,
  type StoredSheet,
} from '../lib/relationalViews';
import type { Adjustment, Cell, CellValue, ColumnType, ConflictRecord, TemplateName } from '../lib/schema';
import { adjustmentsArray, columnsMap, conflictsArray, metaMap, readMeta, rowsMap } from '../lib/sheetDoc';
import { CELL_ARBITER_ORIGIN } from '../lib/cellArbiter';
import { logger } from './logger';
import { MaterializationHealth } from './materializationHealth';

export interface MaterializedChange {
  sheetId: string;
  template: TemplateName;
  rows: number;
  at: number;
}

interface TrackedSheet {
  sheetId: string;
  doc: Y.Doc;
  dirtyRows: Set<string>;
  changedCells: Map<string, ChangedCell>;
  newConflicts: Array<{ record: ConflictRecord; identity: string | null }>;
  /** The authenticated identity behind each cell's latest change (the arbiter re-asserts keep it). */
  cellWriters: Map<string, string | null>;
  schemaDirty: boolean;
  metaDirty: boolean;
  adjustmentIndex: AdjustmentIndex | null;
  /** Log sequence the document had reached when it was last read for writing. */
  seqSource: () => number;
  detach: () => void;
}

interface ChangedCell {
  row: string;
  col: string;
  identity: string | null;
}

export interface MaterializerOptions {
  intervalMs?: number;
  onMaterialized?: (change: MaterializedChange) => void;
  /** Rows appended between two yields of the event loop, so a big flush never stalls relaying. */
  rowsPerSlice?: number;
}

/** Lets other work run between slices of a long write. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Materializer {
  private readonly sheets = new Map<string, TrackedSheet>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  stats = { rows: 0, cells: 0, flushes: 0, ms: 0 };
  readonly health = new MaterializationHealth();
  /** The last failure to rebuild the workspace views (`products`, `sales`), retried on every flush. */
  viewsError: string | null = null;
  private viewsStale = false;
  /**
   * Counts committed changes to what the insights read (products and sales sheets, the workspace views);
   * bumped right after the commit, before the change is announced (the insight cache's key).
   */
  dataVersion = 0;

  constructor(
    private readonly connection: DuckDBConnection,
    private readonly options: MaterializerOptions = {},
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush().catch((err) => logger.error({ err }, 'materialize failed')), this.options.intervalMs ?? 250);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Starts tracking a loaded document. `rebuild` rewrites the sheet's table from the document. */
  track(sheetId: string, doc: Y.Doc, seqSource: () => number, rebuild: boolean, currentWriter: () => string | null = () => null): void {
    const tracked: TrackedSheet = {
      sheetId,
      doc,
      dirtyRows: new Set(),
      changedCells: new Map(),
      newConflicts: [],
      cellWriters: new Map(),
      // A sheet that failed to materialize is rebuilt whole when it is tracked again.
      schemaDirty: rebuild || this.health.isFailing(sheetId),
      metaDirty: rebuild || this.health.isFailing(sheetId),
      adjustmentIndex: null,
      seqSource,
      detach: () => undefined,
    };
    // Attribution: the identity whose update is being applied; a re-assert by the cell arbiter restores
    // an earlier value, so that cell keeps the identity recorded for it.
    const changed = (row: string, col: string, origin: unknown) => {
      const key = cellKey(row, col);
      const identity = origin === CELL_ARBITER_ORIGIN && tracked.cellWriters.has(key) ? tracked.cellWriters.get(key)! : currentWriter();
      tracked.cellWriters.set(key, identity);
      tracked.changedCells.set(key, { row, col, identity });
    };
    const onRows = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, transaction: Y.Transaction) => {
      for (const event of events) {
        if (event.target === rowsMap(doc)) {
          for (const key of (event as Y.YMapEvent<unknown>).keysChanged) {
            tracked.dirtyRows.add(key);
            // A new row arrives with its cells: they start its cells' history.
            const row = rowsMap(doc).get(key);
            const cells = row instanceof Y.Map ? row.get('cells') : undefined;
            if (event.changes.keys.get(key)?.action === 'add' && cells instanceof Y.Map) {
              for (const col of cells.keys()) changed(key, col, transaction.origin);
            }
          }
          continue;
        }
        const path = event.path; // computed on each access: read once
        const rowId = String(path[0]);
        tracked.dirtyRows.add(rowId);
        if (path.length === 2 && path[1] === 'cells') {
          for (const col of (event as Y.YMapEvent<unknown>).keysChanged) changed(rowId, col, transaction.origin);
        }
      }
    };
    const onColumns = () => {
      tracked.schemaDirty = true;
    };
    const onAdjustments = (event: Y.YArrayEvent<Adjustment>) => {
      tracked.adjustmentIndex = null;
      for (const item of event.changes.added) {
        for (const adjustment of item.content.getContent() as Adjustment[]) {
          if (!adjustment || typeof adjustment.row !== 'string' || typeof adjustment.col !== 'string') continue;
          tracked.dirtyRows.add(adjustment.row);
          changed(adjustment.row, adjustment.col, event.transaction.origin);
        }
      }
    };
    const onConflicts = (event: Y.YArrayEvent<ConflictRecord>) => {
      const identity = currentWriter();
      for (const item of event.changes.added) for (const record of item.content.getContent() as ConflictRecord[]) tracked.newConflicts.push({ record, identity });
    };
    const onMeta = () => {
      tracked.metaDirty = true;
    };
    rowsMap(doc).observeDeep(onRows);
    columnsMap(doc).observeDeep(onColumns);
    adjustmentsArray(doc).observe(onAdjustments);
    conflictsArray(doc).observe(onConflicts);
    metaMap(doc).observe(onMeta);
    tracked.detach = () => {
      rowsMap(doc).unobserveDeep(onRows);
      columnsMap(doc).unobserveDeep(onColumns);
      adjustmentsArray(doc).unobserve(onAdjustments);
      conflictsArray(doc).unobserve(onConflicts);
      metaMap(doc).unobserve(onMeta);
    };
    this.sheets.set(sheetId, tracked);
  }

  /** Writes what is pending for the sheet, then stops tracking it. */
  async untrack(sheetId: string): Promise<void> {
    await this.flush({ force: true });
    this.detach(sheetId);
  }

  /** Stops tracking a sheet at once (after a flush: anything still pending is dropped). */
  detach(sheetId: string): void {
    this.sheets.get(sheetId)?.detach();
    this.sheets.delete(sheetId);
  }

  isDirty(sheetId: string): boolean {
    const t = this.sheets.get(sheetId);
    return !!t && (t.dirtyRows.size > 0 || t.schemaDirty || t.metaDirty || t.newConflicts.length > 0);
  }

  /**
   * Writes every dirty sheet. Concurrent callers share one run, then run again if more is dirty. A sheet
   * that fails is logged, put back and retried after its backoff (`force` ignores the backoff); it never
   * stops the others, and flush itself never throws for it: /health reports it (healthReport).
   */
  async flush(options: { force?: boolean } = {}): Promise<void> {
    while (this.running) await this.running;
    const dirty = [...this.sheets.values()].filter((t) => this.isDirty(t.sheetId) && (options.force || this.health.mayAttempt(t.sheetId)));
    if (dirty.length === 0 && !this.viewsStale) return;
    this.running = (async () => {
      for (const tracked of dirty) {
        const started = performance.now();
        let result: { rows: number; schemaChanged: boolean };
        try {
          result = await this.writeSheet(tracked);
        } catch (err) {
          const retryMs = this.health.failed(tracked.sheetId, err);
          logger.error({ err, sheetId: tracked.sheetId, retryMs }, 'materializing the sheet failed; retrying later, other sheets go on');
          continue;
        }
        if (this.health.succeeded(tracked.sheetId)) logger.info({ sheetId: tracked.sheetId }, 'materializing the sheet works again');
        this.viewsStale ||= result.schemaChanged;
        this.stats.ms += performance.now() - started;
        this.stats.flushes += 1;
        try {
          this.options.onMaterialized?.({ sheetId: tracked.sheetId, template: readMeta(tracked.doc).template, rows: result.rows, at: Date.now() });
        } catch (err) {
          logger.warn({ err, sheetId: tracked.sheetId }, 'a change listener failed');
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
    })();
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Health of materialization: the sheets that currently fail (empty when all is well). */
  healthReport(): { sheets: ReturnType<MaterializationHealth['report']>; views: string | null } {
    return { sheets: this.health.report(), views: this.viewsError };
  }

  private async writeSheet(tracked: TrackedSheet): Promise<{ rows: number; schemaChanged: boolean }> {
    const { doc, sheetId } = tracked;
    // Everything below is read synchronously from the document, so the write is one consistent state.
    const schemaChanged = tracked.schemaDirty;
    const columns = storedColumns(doc);
    const rowIds = schemaChanged ? [...rowsMap(doc).keys()] : [...tracked.dirtyRows];
    const changedCells = [...tracked.changedCells.values()];
    const conflicts = tracked.newConflicts;
    const meta = readMeta(doc);
    const seq = tracked.seqSource();
    tracked.dirtyRows = new Set();
    tracked.changedCells = new Map();
    tracked.newConflicts = [];
    tracked.schemaDirty = false;
    tracked.metaDirty = false;
    tracked.adjustmentIndex ??= indexAdjustments(adjustmentsArray(doc).toArray().filter(isAdjustment));
    const index = tracked.adjustmentIndex;
    let liveRows = 0;
    rowsMap(doc).forEach((row) => {
      if (row.get('deleted') !== true) liveRows++;
    });
    const now = Date.now();
    const staging = `stage_${sheetId}`;
    const c = this.connection;
    const perSlice = this.options.rowsPerSlice ?? 2000;
    // Rows the document no longer has at all (removed outright, not soft-deleted) leave the table too.
    const removedRows = schemaChanged ? [] : rowIds.filter((id) => !(rowsMap(doc).get(id) instanceof Y.Map));

    await c.run('BEGIN TRANSACTION');
    try {
      if (removedRows.length > 0) {
        await c.run(`DELETE FROM ${sheetTable(sheetId)} WHERE row_id IN (SELECT unnest($ids))`, { ids: listValue(removedRows) }, { ids: LIST(VARCHAR) });
      }
      if (schemaChanged) {
        await c.run(createSheetTableSql(sheetId, columns));
        await c.run('DELETE FROM sheet_columns WHERE sheet_id = $id', { id: sheetId });
        const appender = await c.createAppender('sheet_columns');
        for (const column of columns) {
          appendText(appender, sheetId);
          appendText(appender, column.id);
          appendText(appender, column.name);
          appendText(appender, column.type);
          appendText(appender, column.order);
          appender.appendBoolean(column.deleted);
          appender.endRow();
        }
        appender.closeSync();
        await c.run(sheetViewSql(sheetId, columns));
      }
      if (rowIds.length > 0) {
        await c.run(createStagingTableSql(staging, columns));
        const appender = await c.createAppender(staging);
        let sliced = 0;
        for (const rowId of rowIds) {
          const row = rowsMap(doc).get(rowId);
          if (!(row instanceof Y.Map)) continue;
          const cells = row.get('cells');
          appendText(appender, rowId);
          appendText(appender, textOf(row.get('order')));
          appender.appendBoolean(row.get('deleted') === true);
          for (const column of columns) {
            const cell = cells instanceof Y.Map ? asCell(cells.get(column.id)) : undefined;
            appendTyped(appender, column.type, resolveCell(cell, index.get(cellKey(rowId, column.id))));
          }
          appender.endRow();
          if (++sliced % perSlice === 0) {
            appender.flushSync();
            await yieldToLoop();
          }
        }
        appender.closeSync();
        await c.run(upsertFromStagingSql(sheetId, staging, columns));
        await c.run(`DROP TABLE ${ident(staging)}`);
      }
      if (changedCells.length > 0) {
        const appender = await c.createAppender('cell_history');
        let sliced = 0;
        for (const { row, col, identity } of changedCells) {
          if (++sliced % (perSlice * 10) === 0) {
            appender.flushSync();
            await yieldToLoop();
          }
          const rowMap = rowsMap(doc).get(row);
          const cells = rowMap instanceof Y.Map ? rowMap.get('cells') : undefined;
          const cell = cells instanceof Y.Map ? asCell(cells.get(col)) : undefined;
          const adjustments = index.get(cellKey(row, col));
          const latestAdjustment = adjustments?.at(-1);
          const stamp = latestAdjustment && (!cell || latestAdjustment.t > cell.t) ? latestAdjustment : cell;
          appendText(appender, sheetId);
          appendText(appender, row);
          appendText(appender, col);
          appendText(appender, JSON.stringify(resolveCell(cell, adjustments)) ?? null);
          if (stamp && Number.isFinite(stamp.t)) appender.appendDouble(stamp.t);
          else appender.appendNull();
          appendText(appender, stamp ? textOf(stamp.by) : null);
          appender.appendBigInt(BigInt(now));
          appendText(appender, identity);
          appender.endRow();
        }
        appender.closeSync();
        this.stats.cells += changedCells.length;
      }
      if (conflicts.length > 0) {
        const appender = await c.createAppender('conflict_log');
        for (const { record: conflict, identity } of conflicts) {
          appendText(appender, sheetId);
          appendText(appender, textOf(conflict?.row));
          appendText(appender, textOf(conflict?.col));
          appendText(appender, JSON.stringify(conflict?.kept ?? null) ?? 'null');
          appendText(appender, JSON.stringify(conflict?.lost ?? null) ?? 'null');
          appender.appendBigInt(BigInt(now));
          appendText(appender, identity);
          appender.endRow();
        }
        appender.closeSync();
      }
      await c.run(
        `INSERT INTO sheets (id, title, template, created_at, updated_at, row_count, column_count, materialized_seq)
         VALUES ($id, $title, $template, $created, $now, $rows, $cols, $seq)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, updated_at = excluded.updated_at,
           row_count = excluded.row_count, column_count = excluded.column_count, materialized_seq = excluded.materialized_seq`,
        {
          id: sheetId,
          title: textOf(meta.title),
          template: textOf(meta.template),
          created: Number.isFinite(meta.createdAt) && meta.createdAt > 0 ? Math.floor(meta.createdAt) : now,
          now,
          rows: liveRows,
          cols: columns.filter((col) => !col.deleted).length,
          seq,
        },
      );
      await c.run('COMMIT');
      if (meta.template !== 'blank') this.dataVersion++;
    } catch (error) {
      await c.run('ROLLBACK').catch(() => undefined);
      // Put the work back so the next flush retries it, as a full rebuild from the document (which also
      // heals a table left in a bad state).
      tracked.schemaDirty = true;
      tracked.metaDirty = true;
      for (const id of rowIds) tracked.dirtyRows.add(id);
      for (const cell of changedCells) tracked.changedCells.set(cellKey(cell.row, cell.col), cell);
      tracked.newConflicts.unshift(...conflicts);
      throw error;
    }
    this.stats.rows += rowIds.length;
    return { rows: rowIds.length, schemaChanged };
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
    await this.connection.run(workspaceViewSql('products', [...sheets.values()]));
    await this.connection.run(workspaceViewSql('sales', [...sheets.values()]));
    this.dataVersion++;
  }
}

function storedColumns(doc: Y.Doc): Array<StoredColumn & { order: string }> {
  const columns: Array<StoredColumn & { order: string }> = [];
  columnsMap(doc).forEach((column, id) => {
    if (!(column instanceof Y.Map)) return;
    const type = column.get('type');
    columns.push({
      id,
      name: textOf(column.get('name')),
      type: type === 'number' || type === 'boolean' || type === 'date' ? type : 'text',
      order: textOf(column.get('order')),
      deleted: column.get('deleted') === true,
    });
  });
  return columns.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : 1));
}

/** A cell as stored, or undefined when the value is not one (a hostile or stale write): its fields are checked, not trusted. */
function asCell(value: unknown): Cell | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { v, t, by } = value as Record<string, unknown>;
  if (typeof t !== 'number' || !Number.isFinite(t)) return undefined;
  const scalar = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  return { v: scalar ? (v as CellValue) : null, t, by: textOf(by) };
}

/** Text of a value that should be a string; anything else (a hostile write) becomes '' (numbers and booleans their text). */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

function isAdjustment(value: unknown): value is Adjustment {
  const a = value as Adjustment;
  return !!a && typeof a.row === 'string' && typeof a.col === 'string' && typeof a.d === 'number' && Number.isFinite(a.d) && typeof a.t === 'number';
}

function appendText(appender: DuckDBAppender, value: string | null): void {
  if (value === null) appender.appendNull();
  else appender.appendVarchar(value);
}

/** Appends a value of the column's type; a value of another type (a hostile or stale write) is NULL. */
function appendTyped(appender: DuckDBAppender, type: ColumnType, value: CellValue): void {
  if (type === 'number' && typeof value === 'number' && Number.isFinite(value)) appender.appendDouble(value);
  else if (type === 'boolean' && typeof value === 'boolean') appender.appendBoolean(value);
  else if ((type === 'text' || type === 'date') && typeof value === 'string') appender.appendVarchar(value);
  else appender.appendNull();
}
