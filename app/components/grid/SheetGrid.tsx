'use client';
// The windowed grid: react-spreadsheet is not virtualized and re-checks every cell it renders on each data
// change, so it gets only the cells around the viewport — a window of rows and of columns, sized to the
// scroll container — inside a spacer that stands for the whole sheet. Row labels stay at the left edge
// (sticky). Presence is an overlay; copy/paste, clearing, undo and redo go to the document in one
// transaction each. react-spreadsheet knows window indexes; everything outside it uses sheet indexes.
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type Ref } from 'react';
import Spreadsheet, { createFormulaParser, type Mode, type Point, type Selection, type SpreadsheetRef } from 'react-spreadsheet';
import { useStore } from 'zustand';
import { applyPaste, parseTsv, planPaste, planTypedEdits, toTsv } from '@/lib/client/edits';
import { columnOffsets, fittedWidth, visibleColumns } from '@/lib/client/columnGeometry';
import { planClearRange, planFillDown, planFillText } from '@/lib/client/rangeEdits';
import type { GridWindow } from '@/lib/client/gridModel';
import type { Peer, SheetConnection } from '@/lib/client/sheetConnection';
import { COLUMN_WIDTH_MAX, COLUMN_WIDTH_MIN } from '@/lib/schema';
import { applyCellUpdates, setColumnWidth, SheetError, type CellUpdate } from '@/lib/sheetDoc';
import { CellEditor, CellViewer, ColumnHeader, displayValue, GridContext, GridTable, type GridContextValue } from './cells';
import type { ActiveCell, GridSelection } from './gridTypes';
import { useGridKeyboard } from './useGridKeyboard';

export type { ActiveCell, GridSelection } from './gridTypes';

/** What the page can ask of the grid (Find jumps to a match). */
export interface GridHandle {
  /** Selects a cell anywhere in the view, scrolling to it; `keepFocus`: focus stays where it is (Find). */
  goTo: (row: number, col: number, keepFocus?: boolean) => void;
  focus: () => void;
}

interface Props {
  conn: SheetConnection;
  notify: (text: string, kind?: 'error' | 'info') => void;
  onActiveChange: (active: ActiveCell | null, selection: GridSelection | null) => void;
  openColumnMenu: (colIdx: number) => void;
  openFind?: () => void;
  handle?: Ref<GridHandle>;
  /** The first `frozen` columns stay at the left edge (this browser's choice). */
  frozen?: number;
}

const DEFAULT_ROW_HEIGHT = 28;
/** Row-label width before the first measurement (sheet.css sets the real one). */
const DEFAULT_LABEL_WIDTH = 56;
/** Fit-to-content never makes a column wider than this. */
const FIT_MAX = 600;

// Cellar cells hold typed values, not formulas. react-spreadsheet builds a formula parser for every
// data change (twice); one shared parser over no data keeps a remote edit's repaint cheap.
let sharedParser: ReturnType<typeof createFormulaParser> | null = null;
function inertFormulaParser(): ReturnType<typeof createFormulaParser> {
  sharedParser ??= createFormulaParser([]);
  return sharedParser;
}
/** Rows kept above and below the visible ones, so arrow keys stay inside the window; the window moves in steps. */
const OVERSCAN_ABOVE = 2;
const OVERSCAN_BELOW = 2;
const WINDOW_STEP = 4;
/** Columns kept left and right of the visible ones. */
const COL_OVERSCAN = 1;

export default function SheetGrid({ conn, notify, onActiveChange, openColumnMenu, openFind, handle, frozen = 0 }: Props) {
  const store = conn.store;
  const data = useStore(store, (s) => s.data);
  const rowLabels = useStore(store, (s) => s.rowLabels);
  const columnLabels = useStore(store, (s) => s.columnLabels);
  const columns = useStore(store, (s) => s.columns);
  const windowColumns = useStore(store, (s) => s.windowColumns);
  const rowCount = useStore(store, (s) => s.rowCount);
  const windowStart = useStore(store, (s) => s.windowStart);
  const colStart = useStore(store, (s) => s.colStart);
  const peers = useStore(store, (s) => s.peers);
  const view = useStore(store, (s) => s.view);

  const scrollRef = useRef<HTMLDivElement>(null);
  const tableWrapRef = useRef<HTMLDivElement>(null);
  const sheetRef = useRef<SpreadsheetRef>(null);
  const [rowHeight, setRowHeight] = useState(DEFAULT_ROW_HEIGHT);
  const [headerHeight, setHeaderHeight] = useState(DEFAULT_ROW_HEIGHT);
  /** Widths being dragged (not yet written to the document). */
  const [dragWidths, setDragWidths] = useState<ReadonlyMap<string, number>>(() => new Map());
  const offsets = useMemo(() => columnOffsets(columns, dragWidths), [columns, dragWidths]);
  const frozenCount = Math.min(frozen, columns.length);
  const frozenWidth = offsets[frozenCount] ?? 0;
  const [labelWidth, setLabelWidth] = useState(DEFAULT_LABEL_WIDTH);
  /** The window has been sized to the scroll container: only then is the table rendered. */
  const [sized, setSized] = useState(false);
  const [colGeometry, setColGeometry] = useState<{ left: number; width: number }[]>([]);
  const mode = useRef<Mode>('view');
  const active = useRef<ActiveCell | null>(null);
  const selection = useRef<GridSelection | null>(null);
  const windowStartRef = useRef(windowStart);
  windowStartRef.current = windowStart;
  const colStartRef = useRef(colStart);
  colStartRef.current = colStart;
  const pendingWindow = useRef<GridWindow | null>(null);
  /** A printable key was pressed in view mode: the editor it opens starts empty. */
  const typedStart = useRef(false);
  /** react-spreadsheet's own active point (window indexes): activating it again would open the editor. */
  const sheetActive = useRef<Point | null>(null);
  const activateInWindow = useCallback((point: Point) => {
    const current = sheetActive.current;
    if (current && current.row === point.row && current.column === point.column) return;
    sheetActive.current = point;
    sheetRef.current?.activate(point);
  }, []);

  const commitText = useCallback(
    (rowId: string, colId: string, text: string): string | null => {
      const column = conn.model.columns.find((c) => c.id === colId);
      if (!column) return 'this column no longer exists';
      const plan = planTypedEdits([{ rowId, column, text }]);
      if (!plan.ok) return plan.errors[0].message;
      return write(conn, plan.updates);
    },
    [conn],
  );

  const gridContext = useMemo<GridContextValue>(
    () => ({
      conn,
      columns: windowColumns,
      windowStart: () => windowStartRef.current,
      commitText,
      fillSelection: (text: string) => {
        const range = selection.current;
        if (!range || (range.top === range.bottom && range.left === range.right)) return false;
        const plan = planFillText(range, conn.model, text);
        if (!plan.ok) return plan.errors[0].message;
        return write(conn, plan.updates) ?? true;
      },
      notify,
      widths: windowColumns.map((c) => dragWidths.get(c.id) ?? offsets[conn.model.indexOfColumn(c.id) + 1] - offsets[conn.model.indexOfColumn(c.id)]),
      labelWidth,
      resizeColumn: (colId: string, width: number, commit: boolean) => {
        const clamped = Math.round(Math.min(COLUMN_WIDTH_MAX, Math.max(COLUMN_WIDTH_MIN, width)));
        if (!commit) return setDragWidths((prev) => new Map(prev).set(colId, clamped));
        setDragWidths((prev) => {
          const next = new Map(prev);
          next.delete(colId);
          return next;
        });
        try {
          setColumnWidth(conn.doc, colId, clamped, conn.origin);
        } catch (error) {
          notify(error instanceof Error ? error.message : String(error), 'error');
        }
      },
      fitColumn: (colId: string) => {
        const column = conn.model.columns.find((c) => c.id === colId);
        const probe = scrollRef.current?.querySelector('.cv');
        if (!column) return;
        const canvas = document.createElement('canvas').getContext('2d');
        if (!canvas) return;
        canvas.font = probe ? getComputedStyle(probe).font : '13.6px system-ui';
        const texts = function* () {
          for (const rowId of conn.model.rowIds) yield displayValue(conn.model.valueAt(rowId, colId), column.type);
        };
        const cells = fittedWidth(texts(), (t) => canvas.measureText(t).width, 18, COLUMN_WIDTH_MIN, FIT_MAX);
        const header = canvas.measureText(column.name).width + canvas.measureText(column.type).width + 48;
        try {
          setColumnWidth(conn.doc, colId, Math.min(FIT_MAX, Math.max(cells, header)), conn.origin);
        } catch (error) {
          notify(error instanceof Error ? error.message : String(error), 'error');
        }
      },
      consumeTypedStart: () => {
        const typed = typedStart.current;
        typedStart.current = false;
        return typed;
      },
      openColumnMenu: (col: number) => openColumnMenu(colStartRef.current + col),
    }),
    [conn, windowColumns, commitText, notify, openColumnMenu, dragWidths, offsets, labelWidth],
  );

  // ---- geometry: measure real row and column sizes after each render that can change them ----
  useLayoutEffect(() => {
    const table = tableWrapRef.current?.querySelector('table');
    if (!table) return;
    const rows = table.querySelectorAll('tr');
    if (rows.length > 0) {
      const h = rows[0].getBoundingClientRect().height;
      if (h > 0 && Math.abs(h - headerHeight) > 0.5) setHeaderHeight(h);
    }
    if (rows.length > 1) {
      const h = rows[1].getBoundingClientRect().height;
      if (h > 0 && Math.abs(h - rowHeight) > 0.5) setRowHeight(h);
    }
    const ths = rows[0]?.querySelectorAll('th') ?? [];
    const tableLeft = table.getBoundingClientRect().left;
    const geometry: { left: number; width: number }[] = [];
    ths.forEach((th, i) => {
      if (i === 0) return; // corner
      const rect = th.getBoundingClientRect();
      geometry.push({ left: rect.left - tableLeft, width: rect.width });
    });
    setColGeometry((prev) => (sameGeometry(prev, geometry) ? prev : geometry));
    if (geometry.length > 0 && geometry[0].left > 0 && Math.abs(geometry[0].left - labelWidth) > 0.5) setLabelWidth(geometry[0].left);
    // Layout reads force a reflow: only when the shape can change, not on every cell edit.
  }, [data.length, windowColumns, headerHeight, rowHeight, labelWidth, offsets]);

  // ---- windowing: rows and columns around the viewport ----
  const desiredWindow = useCallback((): GridWindow | null => {
    const el = scrollRef.current;
    if (!el) return null;
    const first = Math.max(0, Math.floor((el.scrollTop - headerHeight) / rowHeight));
    const rowStart = Math.max(0, Math.floor((first - OVERSCAN_ABOVE) / WINDOW_STEP) * WINDOW_STEP);
    const visibleRows = Math.ceil(Math.max(rowHeight, el.clientHeight - headerHeight) / rowHeight) + 1;
    const rowCount = OVERSCAN_ABOVE + WINDOW_STEP + visibleRows + OVERSCAN_BELOW; // fixed for a viewport
    // Frozen columns must always be rendered (they stick to the left edge): the window then holds every column.
    if (frozenCount > 0) return { rowStart, rowCount, colStart: 0, colCount: Infinity };
    const cols = visibleColumns(offsets, el.scrollLeft, el.clientWidth - labelWidth);
    return { rowStart, rowCount, colStart: Math.max(0, cols.first - COL_OVERSCAN), colCount: cols.last - cols.first + 1 + 2 * COL_OVERSCAN };
  }, [headerHeight, rowHeight, labelWidth, offsets, frozenCount]);

  const applyWindow = useCallback(() => {
    const next = desiredWindow();
    if (!next) return;
    // Never move the window under an open editor: it is bound to a window cell.
    if (mode.current === 'edit') pendingWindow.current = next;
    else conn.setWindow(next);
  }, [conn, desiredWindow]);

  // Size the window before the table's first render (no paint of a too-large window), and again whenever
  // the container or the measured geometry changes.
  useLayoutEffect(() => {
    applyWindow();
    setSized(true);
  }, [applyWindow]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => applyWindow());
    observer.observe(el);
    return () => observer.disconnect();
  }, [applyWindow]);

  const frame = useRef(0);
  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      applyWindow();
    });
  }, [applyWindow]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Keep the logical active cell active after the window moves (react-spreadsheet knows window indexes).
  useEffect(() => {
    const a = active.current;
    if (!a || mode.current === 'edit') return;
    const index = conn.model.indexOfRow(a.rowId);
    const colIndex = conn.model.indexOfColumn(a.colId);
    if (index < 0 || colIndex < 0) return;
    const rel = index - windowStart;
    const relCol = colIndex - colStart;
    if (rel >= 0 && rel < data.length && relCol >= 0 && relCol < windowColumns.length) {
      a.row = index;
      a.col = colIndex;
      activateInWindow({ row: rel, column: relCol });
    }
    // Only when the window moves.
  }, [windowStart, colStart]);

  const ensureVisible = useCallback(
    (absRow: number, absCol: number) => {
      const el = scrollRef.current;
      if (!el) return;
      const top = headerHeight + absRow * rowHeight;
      const visibleTop = el.scrollTop + headerHeight;
      const visibleBottom = el.scrollTop + el.clientHeight;
      if (top < visibleTop) el.scrollTop = top - headerHeight;
      else if (top + rowHeight > visibleBottom) el.scrollTop = top + rowHeight - el.clientHeight;
      // Horizontally: the row labels (and frozen columns) cover the left edge.
      if (absCol < frozenCount) return;
      const cover = labelWidth + frozenWidth;
      const left = labelWidth + offsets[absCol];
      const width = offsets[absCol + 1] - offsets[absCol];
      if (left < el.scrollLeft + cover) el.scrollLeft = left - cover;
      else if (left + width > el.scrollLeft + el.clientWidth) el.scrollLeft = left + width - el.clientWidth;
    },
    [headerHeight, rowHeight, labelWidth, offsets, frozenCount, frozenWidth],
  );

  const onActivate = useCallback(
    (point: Point) => {
      const row = windowStartRef.current + point.row;
      const colIndex = colStartRef.current + point.column;
      const rowId = conn.model.rowIdAt(row);
      const col = conn.model.columns[colIndex];
      sheetActive.current = point;
      if (!rowId || !col) return;
      active.current = { rowId, colId: col.id, row, col: colIndex };
      conn.setCursor({ row: rowId, col: col.id });
      ensureVisible(row, colIndex);
      onActiveChange(active.current, selection.current);
    },
    [conn, ensureVisible, onActiveChange],
  );

  const onSelect = useCallback(
    (sel: Selection) => {
      const range = sel.toRange(conn.store.getState().data);
      // Focus leaving the grid (a toolbar button, say) empties react-spreadsheet's selection: keep ours, so
      // "Delete row" acts on the rows that were selected.
      if (!range) return;
      const start = windowStartRef.current;
      const left = colStartRef.current;
      selection.current = { top: start + range.start.row, bottom: start + range.end.row, left: left + range.start.column, right: left + range.end.column };
      onActiveChange(active.current, selection.current);
    },
    [conn, onActiveChange],
  );

  const onModeChange = useCallback(
    (next: Mode) => {
      mode.current = next;
      if (next === 'view') {
        // react-spreadsheet may have changed its internal copy (typing over a cell clears it first):
        // hand it the store's matrix again; unchanged cells keep identity.
        const state = conn.store.getState();
        conn.store.setState({ data: state.data.slice() });
        if (pendingWindow.current !== null) {
          const next = pendingWindow.current;
          pendingWindow.current = null;
          conn.setWindow(next);
        }
      }
    },
    [conn],
  );

  const onBlur = useCallback(() => {
    // Focus left the grid (a toolbar button, say): keep the logical active cell for row actions.
  }, []);

  const selectedRange = useCallback((): GridSelection | null => {
    if (selection.current) return selection.current;
    const a = active.current;
    return a ? { top: a.row, bottom: a.row, left: a.col, right: a.col } : null;
  }, []);

  const clearSelection = useCallback(() => {
    const range = selectedRange();
    if (!range) return;
    const message = write(conn, planClearRange(range, conn.model));
    if (message) notify(message, 'error');
  }, [conn, notify, selectedRange]);

  const fillDown = useCallback(() => {
    const range = selectedRange();
    if (!range) return;
    const message = write(conn, planFillDown(range, conn.model));
    if (message) notify(message, 'error');
  }, [conn, notify, selectedRange]);

  const goTo = useCallback(
    (row: number, col: number, keepFocus = false) => {
      const focused = keepFocus ? (document.activeElement as HTMLElement | null) : null;
      const r = Math.max(0, Math.min(row, conn.model.rowCount - 1));
      const c = Math.max(0, Math.min(col, conn.model.columns.length - 1));
      const rowId = conn.model.rowIdAt(r);
      const column = conn.model.columns[c];
      if (!rowId || !column) return;
      active.current = { rowId, colId: column.id, row: r, col: c };
      selection.current = { top: r, bottom: r, left: c, right: c };
      conn.setCursor({ row: rowId, col: column.id });
      ensureVisible(r, c);
      // Move the window now (not on the scroll event) so the target is in it; then activate it there.
      const next = desiredWindow();
      if (next && mode.current !== 'edit') conn.setWindow(next);
      const rel = { row: r - conn.model.windowStart, column: c - conn.model.colStart };
      if (rel.row >= 0 && rel.row < conn.model.data.length && rel.column >= 0 && rel.column < conn.model.windowColumns.length) {
        // After the new window reaches react-spreadsheet (its data prop), so the point exists there.
        requestAnimationFrame(() => {
          activateInWindow(rel);
          // react-spreadsheet focuses its active cell when it appears; give focus back (to the find box).
          if (focused) requestAnimationFrame(() => focused.isConnected && document.activeElement !== focused && focused.focus());
        });
      }
      onActiveChange(active.current, selection.current);
    },
    [conn, ensureVisible, desiredWindow, activateInWindow, onActiveChange],
  );

  const startEdit = useCallback(() => {
    if (conn.readOnly) return notify(READ_ONLY_MESSAGE, 'error');
    const point = sheetActive.current;
    if (point) sheetRef.current?.activate(point); // activating the active cell again opens its editor
  }, [conn, notify]);

  // The view changed (sorted, filtered): follow the active row to its new place, or drop it when hidden.
  useEffect(() => {
    const a = active.current;
    if (!a) return;
    const index = conn.model.indexOfRow(a.rowId);
    if (index < 0) {
      active.current = null;
      selection.current = null;
      onActiveChange(null, null);
    } else if (index !== a.row) goTo(index, a.col);
    // Only when the view changes.
  }, [view]);

  useImperativeHandle(handle, () => ({ goTo, focus: () => scrollRef.current?.querySelector<HTMLElement>('.Spreadsheet__active-cell')?.focus() }), [goTo]);

  const onKeyDown = useGridKeyboard({ conn, mode, active, typedStart, goTo, startEdit, clearSelection, fillDown, openFind, container: scrollRef });

  // ---- clipboard: TSV, validated, one transaction ----
  useEffect(() => {
    const inGrid = () => {
      const root = scrollRef.current;
      const focused = document.activeElement;
      return !!root && !!focused && root.contains(focused) && mode.current === 'view' && focused.tagName !== 'INPUT';
    };
    const copy = (event: ClipboardEvent, cut: boolean) => {
      if (!inGrid()) return;
      const range = selectedRange();
      if (!range) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const matrix: (string | number | boolean | null)[][] = [];
      for (let r = range.top; r <= range.bottom; r++) {
        const rowId = conn.model.rowIdAt(r);
        const line: (string | number | boolean | null)[] = [];
        for (let c = range.left; c <= range.right; c++) {
          const col = conn.model.columns[c];
          line.push(rowId && col ? conn.model.valueAt(rowId, col.id) : null);
        }
        matrix.push(line);
      }
      event.clipboardData?.setData('text/plain', toTsv(matrix));
      if (cut) clearSelection();
    };
    const onCopy = (event: ClipboardEvent) => copy(event, false);
    const onCut = (event: ClipboardEvent) => copy(event, true);
    const onPaste = (event: ClipboardEvent) => {
      if (!inGrid()) return;
      const range = selectedRange();
      if (!range) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      if (conn.readOnly) return notify(READ_ONLY_MESSAGE, 'error');
      const text = event.clipboardData?.getData('text/plain') ?? '';
      const plan = planPaste(
        { rowIds: conn.model.rowIds, columns: conn.model.columns, anchorRow: range.top, anchorCol: range.left },
        parseTsv(text),
        { rows: range.bottom - range.top + 1, cols: range.right - range.left + 1 },
      );
      if (!plan.ok) {
        notify(`Paste refused, nothing changed: ${plan.errors[0].message}${plan.errors.length > 1 ? ` (and ${plan.errors.length - 1} more)` : ''}`, 'error');
        return;
      }
      try {
        applyPaste(conn.doc, plan, conn.editor);
        if (plan.truncatedColumns > 0) notify(`Pasted ${plan.cells} cells; ${plan.truncatedColumns} column(s) beyond the sheet were left out`, 'info');
      } catch (error) {
        notify(error instanceof Error ? error.message : String(error), 'error');
      }
    };
    window.addEventListener('copy', onCopy, true);
    window.addEventListener('cut', onCut, true);
    window.addEventListener('paste', onPaste, true);
    return () => {
      window.removeEventListener('copy', onCopy, true);
      window.removeEventListener('cut', onCut, true);
      window.removeEventListener('paste', onPaste, true);
    };
  }, [conn, notify, selectedRange, clearSelection]);

  const totalHeight = headerHeight + rowCount * rowHeight;
  const totalWidth = labelWidth + offsets[columns.length];
  const top = windowStart * rowHeight;
  const left = offsets[colStart] ?? 0;

  return (
    <GridContext.Provider value={gridContext}>
      <div className="grid-scroll" ref={scrollRef} onScroll={onScroll} data-testid="grid-scroll">
        <div className="grid-spacer" style={{ height: totalHeight, width: totalWidth }}>
          {frozenCount > 0 && <style>{frozenCss(frozenCount, offsets, labelWidth)}</style>}
          <div className={`grid-window${frozenCount > 0 ? ' grid-frozen' : ''}`} ref={tableWrapRef} style={{ top, left } as CSSProperties}>
            {sized && windowColumns.length > 0 && (
              <Spreadsheet
                ref={sheetRef}
                data={data}
                createFormulaParser={inertFormulaParser}
                rowLabels={rowLabels}
                columnLabels={columnLabels}
                DataViewer={CellViewer}
                DataEditor={CellEditor}
                ColumnIndicator={ColumnHeader}
                Table={GridTable}
                onActivate={onActivate}
                onSelect={onSelect}
                onModeChange={onModeChange}
                onKeyDown={onKeyDown}
                onBlur={onBlur}
              />
            )}
            <PresenceOverlay
              peers={peers}
              conn={conn}
              windowStart={windowStart}
              windowRows={data.length}
              colStart={colStart}
              rowHeight={rowHeight}
              headerHeight={headerHeight}
              geometry={colGeometry}
            />
          </div>
          {rowCount === 0 && columns.length > 0 && <div className="grid-empty">No rows yet — use “+ Row” or paste.</div>}
        </div>
      </div>
    </GridContext.Provider>
  );
}

function PresenceOverlay({
  peers,
  conn,
  windowStart,
  windowRows,
  colStart,
  rowHeight,
  headerHeight,
  geometry,
}: {
  peers: Peer[];
  conn: SheetConnection;
  windowStart: number;
  windowRows: number;
  colStart: number;
  rowHeight: number;
  headerHeight: number;
  geometry: { left: number; width: number }[];
}) {
  return (
    <div className="presence-overlay" aria-hidden="true">
      {peers.map((peer) => {
        if (!peer.cursor) return null;
        const row = conn.model.indexOfRow(peer.cursor.row) - windowStart;
        const col = conn.model.indexOfColumn(peer.cursor.col) - colStart;
        if (row < 0 || row >= windowRows || col < 0 || !geometry[col]) return null;
        const g = geometry[col];
        return (
          <div
            key={peer.clientId}
            className="peer-cursor"
            data-peer={peer.name}
            style={{ top: headerHeight + row * rowHeight, left: g.left, width: g.width, height: rowHeight, borderColor: peer.color }}
          >
            <span className="peer-label" style={{ background: peer.color }}>
              {peer.name}
            </span>
          </div>
        );
      })}
    </div>
  );
}

export const READ_ONLY_MESSAGE = 'Read-only: you can look at this sheet and copy from it, not change it';

/** Applies cell updates as one local transaction; returns an error message or null. */
export function write(conn: SheetConnection, updates: CellUpdate[]): string | null {
  if (updates.length === 0) return null;
  if (conn.readOnly) return READ_ONLY_MESSAGE;
  try {
    applyCellUpdates(conn.doc, updates, conn.editor);
    return null;
  } catch (error) {
    return error instanceof SheetError || error instanceof Error ? error.message : String(error);
  }
}

/** Frozen columns stick to the left edge after the row labels (td/th n+1: the row label is the first cell). */
function frozenCss(count: number, offsets: readonly number[], labelWidth: number): string {
  const rules: string[] = [];
  for (let i = 0; i < count; i++) {
    const nth = i + 2;
    rules.push(`.grid-frozen .Spreadsheet__table tr > :nth-child(${nth}) { position: sticky; left: ${labelWidth + offsets[i]}px; z-index: 2; background: #fff; }`);
    rules.push(`.grid-frozen .Spreadsheet__table tr:first-child > :nth-child(${nth}) { z-index: 4; background: #f1f1ee; }`);
  }
  rules.push(`.grid-frozen .Spreadsheet__table tr > :nth-child(${count + 1}) { box-shadow: 2px 0 0 #c9c9c1; }`);
  return rules.join('\n');
}

function sameGeometry(a: { left: number; width: number }[], b: { left: number; width: number }[]): boolean {
  return a.length === b.length && a.every((g, i) => Math.abs(g.left - b[i].left) < 0.5 && Math.abs(g.width - b[i].width) < 0.5);
}
