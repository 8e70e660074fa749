'use client';
// The windowed grid: react-spreadsheet is not virtualized, so it gets only the rows around the viewport
// (the store's window) inside a scroll container whose height stands for every row. Presence is an
// overlay; copy/paste, clearing, undo and redo go to the document in one transaction each.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import Spreadsheet, { createFormulaParser, type Mode, type Point, type Selection, type SpreadsheetRef } from 'react-spreadsheet';
import { useStore } from 'zustand';
import { applyPaste, parseTsv, planPaste, planTypedEdits, toTsv } from '@/lib/client/edits';
import type { Peer, SheetConnection } from '@/lib/client/sheetConnection';
import { applyCellUpdates, SheetError, type CellUpdate } from '@/lib/sheetDoc';
import { CellEditor, CellViewer, ColumnHeader, GridContext, type GridContextValue } from './cells';

export interface ActiveCell {
  rowId: string;
  colId: string;
  row: number;
  col: number;
}

export interface GridSelection {
  /** Display indexes, inclusive. */
  top: number;
  bottom: number;
  left: number;
  right: number;
}

interface Props {
  conn: SheetConnection;
  notify: (text: string, kind?: 'error' | 'info') => void;
  onActiveChange: (active: ActiveCell | null, selection: GridSelection | null) => void;
  openColumnMenu: (colIdx: number) => void;
}

const DEFAULT_ROW_HEIGHT = 28;

// Cellar cells hold typed values, not formulas. react-spreadsheet builds a formula parser for every
// data change (twice); one shared parser over no data keeps a remote edit's repaint cheap.
let sharedParser: ReturnType<typeof createFormulaParser> | null = null;
function inertFormulaParser(): ReturnType<typeof createFormulaParser> {
  sharedParser ??= createFormulaParser([]);
  return sharedParser;
}
/** Rows kept above the first visible row, so small scrolls and arrow keys stay inside the window. */
const OVERSCAN_ABOVE = 10;
const WINDOW_STEP = 10;

export default function SheetGrid({ conn, notify, onActiveChange, openColumnMenu }: Props) {
  const store = conn.store;
  const data = useStore(store, (s) => s.data);
  const rowLabels = useStore(store, (s) => s.rowLabels);
  const columnLabels = useStore(store, (s) => s.columnLabels);
  const columns = useStore(store, (s) => s.columns);
  const rowCount = useStore(store, (s) => s.rowCount);
  const windowStart = useStore(store, (s) => s.windowStart);
  const peers = useStore(store, (s) => s.peers);

  const scrollRef = useRef<HTMLDivElement>(null);
  const tableWrapRef = useRef<HTMLDivElement>(null);
  const sheetRef = useRef<SpreadsheetRef>(null);
  const [rowHeight, setRowHeight] = useState(DEFAULT_ROW_HEIGHT);
  const [headerHeight, setHeaderHeight] = useState(DEFAULT_ROW_HEIGHT);
  const [colGeometry, setColGeometry] = useState<{ left: number; width: number }[]>([]);
  const mode = useRef<Mode>('view');
  const active = useRef<ActiveCell | null>(null);
  const selection = useRef<GridSelection | null>(null);
  const windowStartRef = useRef(windowStart);
  windowStartRef.current = windowStart;
  const pendingWindow = useRef<number | null>(null);

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
    () => ({ conn, columns, windowStart: () => windowStartRef.current, commitText, notify, openColumnMenu }),
    [conn, columns, commitText, notify, openColumnMenu],
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
    // Layout reads force a reflow: only when the shape can change, not on every cell edit.
  }, [data.length, columns, headerHeight, rowHeight]);

  // ---- windowing ----
  const desiredStart = useCallback(() => {
    const el = scrollRef.current;
    if (!el) return 0;
    const first = Math.max(0, Math.floor((el.scrollTop - headerHeight) / rowHeight));
    return Math.max(0, Math.floor((first - OVERSCAN_ABOVE) / WINDOW_STEP) * WINDOW_STEP);
  }, [headerHeight, rowHeight]);

  const frame = useRef(0);
  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const start = desiredStart();
      // Never move the window under an open editor: it is bound to a window row.
      if (mode.current === 'edit') pendingWindow.current = start;
      else conn.setWindowStart(start);
    });
  }, [conn, desiredStart]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Keep the logical active cell active after the window moves (react-spreadsheet knows window indexes).
  useEffect(() => {
    const a = active.current;
    if (!a || mode.current === 'edit') return;
    const index = conn.model.indexOfRow(a.rowId);
    if (index < 0) return;
    const rel = index - windowStart;
    if (rel >= 0 && rel < data.length) {
      if (rel + windowStart !== a.row) a.row = index;
      sheetRef.current?.activate({ row: rel, column: a.col });
    }
    // Only when the window moves.
  }, [windowStart]);

  const ensureVisible = useCallback(
    (absRow: number) => {
      const el = scrollRef.current;
      if (!el) return;
      const top = headerHeight + absRow * rowHeight;
      const visibleTop = el.scrollTop + headerHeight;
      const visibleBottom = el.scrollTop + el.clientHeight;
      if (top < visibleTop) el.scrollTop = top - headerHeight;
      else if (top + rowHeight > visibleBottom) el.scrollTop = top + rowHeight - el.clientHeight;
    },
    [headerHeight, rowHeight],
  );

  const onActivate = useCallback(
    (point: Point) => {
      const row = windowStartRef.current + point.row;
      const rowId = conn.model.rowIdAt(row);
      const col = conn.model.columns[point.column];
      if (!rowId || !col) return;
      active.current = { rowId, colId: col.id, row, col: point.column };
      conn.setCursor({ row: rowId, col: col.id });
      ensureVisible(row);
      onActiveChange(active.current, selection.current);
    },
    [conn, ensureVisible, onActiveChange],
  );

  const onSelect = useCallback(
    (sel: Selection) => {
      const range = sel.toRange(conn.store.getState().data);
      const start = windowStartRef.current;
      selection.current = range
        ? { top: start + range.start.row, bottom: start + range.end.row, left: range.start.column, right: range.end.column }
        : null;
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
          const start = pendingWindow.current;
          pendingWindow.current = null;
          conn.setWindowStart(start);
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
    const updates: CellUpdate[] = [];
    for (let r = range.top; r <= range.bottom; r++) {
      const rowId = conn.model.rowIdAt(r);
      if (!rowId) continue;
      for (let c = range.left; c <= range.right; c++) {
        const col = conn.model.columns[c];
        if (col && conn.model.valueAt(rowId, col.id) !== null) updates.push({ row: rowId, col: col.id, value: null });
      }
    }
    const message = write(conn, updates);
    if (message) notify(message, 'error');
  }, [conn, notify, selectedRange]);

  const onKeyDown = useCallback(
    (event: React.KeyboardEvent) => {
      const key = event.key.toLowerCase();
      if ((event.ctrlKey || event.metaKey) && (key === 'z' || key === 'y')) {
        if (mode.current === 'edit') return; // the input's own undo
        event.preventDefault();
        if (key === 'y' || event.shiftKey) conn.redo();
        else conn.undo();
        return;
      }
      if (mode.current === 'view' && (event.key === 'Delete' || event.key === 'Backspace')) {
        event.preventDefault();
        clearSelection();
      }
    },
    [conn, clearSelection],
  );

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
  const top = windowStart * rowHeight;

  return (
    <GridContext.Provider value={gridContext}>
      <div className="grid-scroll" ref={scrollRef} onScroll={onScroll} data-testid="grid-scroll">
        <div className="grid-spacer" style={{ height: totalHeight }}>
          <div className="grid-window" ref={tableWrapRef} style={{ top }}>
            {columns.length > 0 && (
              <Spreadsheet
                ref={sheetRef}
                data={data}
                createFormulaParser={inertFormulaParser}
                rowLabels={rowLabels}
                columnLabels={columnLabels}
                DataViewer={CellViewer}
                DataEditor={CellEditor}
                ColumnIndicator={ColumnHeader}
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
  rowHeight,
  headerHeight,
  geometry,
}: {
  peers: Peer[];
  conn: SheetConnection;
  windowStart: number;
  windowRows: number;
  rowHeight: number;
  headerHeight: number;
  geometry: { left: number; width: number }[];
}) {
  return (
    <div className="presence-overlay" aria-hidden="true">
      {peers.map((peer) => {
        if (!peer.cursor) return null;
        const row = conn.model.indexOfRow(peer.cursor.row) - windowStart;
        const col = conn.model.indexOfColumn(peer.cursor.col);
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

/** Applies cell updates as one local transaction; returns an error message or null. */
export function write(conn: SheetConnection, updates: CellUpdate[]): string | null {
  if (updates.length === 0) return null;
  try {
    applyCellUpdates(conn.doc, updates, conn.editor);
    return null;
  } catch (error) {
    return error instanceof SheetError || error instanceof Error ? error.message : String(error);
  }
}

function sameGeometry(a: { left: number; width: number }[], b: { left: number; width: number }[]): boolean {
  return a.length === b.length && a.every((g, i) => Math.abs(g.left - b[i].left) < 0.5 && Math.abs(g.width - b[i].width) < 0.5);
}
