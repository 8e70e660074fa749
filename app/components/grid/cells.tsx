'use client';
// react-spreadsheet components, at module scope so their identity never changes: the typed viewer (with
// conflict and remote-edit marks), the editor (typed validation, `+5`/`-3` adjustments, a warning when
// someone else changes the cell being edited), and the column header.
import { createContext, memo, useContext, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import type { ColumnIndicatorProps, DataEditorProps, DataViewerProps, TableProps } from 'react-spreadsheet';
import { useStore } from 'zustand';
import { cellKey } from '@/lib/cellResolution';
import { formatValue } from '@/lib/cellValue';
import type { GridCell } from '@/lib/client/gridModel';
import type { SheetConnection } from '@/lib/client/sheetConnection';
import type { CellValue, ColumnType } from '@/lib/schema';
import type { ColumnInfo } from '@/lib/sheetDoc';

export interface GridContextValue {
  conn: SheetConnection;
  /** The columns of the grid window: react-spreadsheet's column indexes point into this list. */
  columns: ColumnInfo[];
  /** First display row of the window, read at the moment an editor opens. */
  windowStart: () => number;
  /** Writes typed text to a cell; returns an error message when refused (nothing written). */
  commitText: (rowId: string, colId: string, text: string) => string | null;
  /** Ctrl+Enter: writes the text into every cell of a multi-cell selection (one step): true when written,
   *  false when no range is selected, or why it was refused. */
  fillSelection: (text: string) => boolean | string;
  notify: (text: string, kind?: 'error' | 'info') => void;
  /** Widths of the window's columns (px) and of the row labels: the table's colgroup. */
  widths: number[];
  labelWidth: number;
  /** Drag preview (commit false) or the final width written to the document (one undo step). */
  resizeColumn: (colId: string, width: number, commit: boolean) => void;
  /** Double-click on the resize handle: the width that shows every value of the column. */
  fitColumn: (colId: string) => void;
  /** True once after a printable key started editing: the typed text replaces the cell's (as in Sheets). */
  consumeTypedStart: () => boolean;
  openColumnMenu: (colIdx: number) => void;
}

export const GridContext = createContext<GridContextValue | null>(null);

function useGrid(): GridContextValue {
  const ctx = useContext(GridContext);
  if (!ctx) throw new Error('GridContext missing');
  return ctx;
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

export function displayValue(value: CellValue | undefined, type: ColumnType | undefined): string {
  if (value === null || value === undefined) return '';
  if (type === 'number' && typeof value === 'number') return numberFormat.format(value);
  if (type === 'boolean' && typeof value === 'boolean') return value ? '✓' : '✗';
  return formatValue(value);
}

/**
 * Memoized: react-spreadsheet re-renders a cell for selection and focus changes with the same cell object;
 * the viewer then does nothing.
 */
export const CellViewer = memo(function CellViewer({ cell, column }: DataViewerProps<GridCell>) {
  const { columns } = useGrid();
  const type = columns[column]?.type;
  const value = cell?.value;
  const text = displayValue(value, type);
  const typeMismatch = value !== null && value !== undefined && type !== undefined && !matchesType(value, type);
  return (
    <span
      key={cell?.flash ?? 0}
      className={`cv cv-${type ?? 'text'}${cell?.flash ? ' cv-flash' : ''}${cell?.conflict ? ' cv-conflict' : ''}${typeMismatch ? ' cv-mismatch' : ''}`}
      title={cell?.conflict ? 'Concurrent edits to this cell: select it to choose a value' : typeMismatch ? `Not a ${type} value` : undefined}
      data-flash={cell?.flash ? 'true' : undefined}
      onMouseEnter={cell?.conflict || typeMismatch ? undefined : showFullTextIfCut}
    >
      {text}
    </span>
  );
});

/** Full text on hover, only for cells too narrow for it (measured when the pointer arrives, no re-render). */
function showFullTextIfCut(event: { currentTarget: HTMLElement }): void {
  const el = event.currentTarget;
  if (el.scrollWidth > el.clientWidth + 1) el.title = el.textContent ?? '';
  else el.removeAttribute('title');
}

/** react-spreadsheet's table with a colgroup carrying each window column's width (shared in the document). */
export function GridTable({ children }: TableProps) {
  const { widths, labelWidth } = useGrid();
  const total = labelWidth + widths.reduce((sum, w) => sum + w, 0);
  return (
    <table className="Spreadsheet__table" style={{ width: total }}>
      <colgroup>
        <col style={{ width: labelWidth }} />
        {widths.map((w, i) => (
          <col key={i} style={{ width: w }} />
        ))}
      </colgroup>
      <tbody>{children}</tbody>
    </table>
  );
}

function matchesType(value: CellValue, type: ColumnType): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return typeof value === 'string';
  }
}

export function CellEditor({ cell, row, column }: DataEditorProps<GridCell>) {
  const grid = useGrid();
  // Fix the edited cell by id when the editor opens: the window may move while it is open.
  const [target] = useState(() => {
    const rowId = grid.conn.model.rowIdAt(grid.windowStart() + row) ?? '';
    const col = grid.columns[column];
    return { rowId, colId: col?.id ?? '', column: col, startValue: rowId && col ? grid.conn.model.valueAt(rowId, col.id) : null };
  });
  // A key press that starts editing clears the cell first (react-spreadsheet), so the draft starts empty.
  const [draft, setDraft] = useState(() => (grid.consumeTypedStart() || cell === undefined || cell.value === undefined ? '' : formatValue(cell.value)));
  const [initialText] = useState(draft);
  const [error, setError] = useState<string | null>(null);
  const [remote, setRemote] = useState<{ value: CellValue } | null>(null);
  const draftRef = useRef(draft);
  const done = useRef(false);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    draftRef.current = draft;
  }, [draft]);

  // Someone else changes this cell while it is being edited: keep the draft, say so.
  useEffect(() => {
    if (!target.rowId || !target.colId) return;
    const key = cellKey(target.rowId, target.colId);
    return grid.conn.model.subscribe((change) => {
      if (!change.remoteCells.has(key)) return;
      const now = grid.conn.model.valueAt(target.rowId, target.colId);
      if (now !== target.startValue) setRemote({ value: now });
    });
  }, [grid.conn, target]);

  // Leaving the cell by clicking elsewhere commits the draft (if it changed); Escape cancels.
  useEffect(() => {
    done.current = false;
    const input = inputRef.current;
    if (input) {
      input.focus();
      const end = input.value.length;
      input.setSelectionRange(end, end);
    }
    return () => {
      if (done.current || draftRef.current === initialText || !target.rowId) return;
      done.current = true;
      const message = grid.commitText(target.rowId, target.colId, draftRef.current);
      if (message) grid.notify(`Not saved: ${message}`, 'error');
    };
  }, [grid, initialText, target]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      const outcome = grid.fillSelection(draft);
      if (typeof outcome === 'string') {
        event.preventDefault();
        event.stopPropagation();
        setError(outcome);
        return;
      }
      if (outcome) {
        done.current = true; // the range, this cell included, holds the text
        return;
      }
      // No range selected: an ordinary Enter.
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      if (draft === initialText && !remote) {
        done.current = true;
        return;
      }
      const message = target.rowId ? grid.commitText(target.rowId, target.colId, draft) : 'this row no longer exists';
      if (message) {
        // Refused in place: stay in the cell, nothing written.
        event.preventDefault();
        event.stopPropagation();
        setError(message);
        return;
      }
      done.current = true;
    } else if (event.key === 'Escape') {
      done.current = true;
    }
  };

  const type = target.column?.type ?? 'text';
  return (
    <div className="Spreadsheet__data-editor cell-editor">
      <input
        ref={inputRef}
        type="text"
        value={draft}
        aria-invalid={error ? true : undefined}
        aria-label={target.column ? `${target.column.name} (${type})` : 'cell'}
        onChange={(e) => {
          setDraft(e.target.value);
          setError(null);
        }}
        onKeyDown={onKeyDown}
        autoFocus
      />
      {error && (
        <div className="cell-editor-error" role="alert">
          {error}
        </div>
      )}
      {!error && remote && (
        <div className="cell-editor-warning" role="status">
          Changed by someone else to “{displayValue(remote.value, type)}” while you were editing. Enter keeps yours, Esc keeps theirs.
        </div>
      )}
      {!error && !remote && type === 'number' && draft === '' && <div className="cell-editor-hint">number, or +5 / −3 to adjust</div>}
    </div>
  );
}

export function ColumnHeader({ column, label, selected, onSelect }: ColumnIndicatorProps) {
  const grid = useGrid();
  const info = grid.columns[column];
  // Only the headers follow the view (marks), not every cell.
  const sort = useStore(grid.conn.store, (s) => (info && s.view?.sort?.col === info.id ? s.view.sort.dir : null));
  const filtered = useStore(grid.conn.store, (s) => !!info && !!s.view?.filters.some((f) => f.col === info.id));
  return (
    <th
      className={`Spreadsheet__header col-header${selected ? ' Spreadsheet__header--selected' : ''}${sort || filtered ? ' col-header-view' : ''}`}
      onClick={(e) => onSelect(column, e.shiftKey)}
      tabIndex={0}
      data-col={info?.id}
      data-sort={sort ?? undefined}
      data-filtered={filtered ? 'true' : undefined}
      aria-sort={sort === 'asc' ? 'ascending' : sort === 'desc' ? 'descending' : undefined}
    >
      <span className="col-name">{label ?? info?.name}</span>
      <span className="col-type">{info?.type}</span>
      {sort && (
        <span className="col-mark" title={`This page is sorted by this column, ${sort === 'asc' ? 'ascending' : 'descending'}`}>
          {sort === 'asc' ? '▲' : '▼'}
        </span>
      )}
      {filtered && (
        <span className="col-mark" title="This page is filtered on this column">
          ⧩
        </span>
      )}
      {info && <ResizeHandle colId={info.id} name={info.name} width={grid.widths[column]} />}
      <button
        type="button"
        className="col-menu-button"
        aria-label={`Column ${info?.name ?? ''} options`}
        onClick={(e) => {
          e.stopPropagation();
          grid.openColumnMenu(column);
        }}
        onMouseDown={(e) => e.stopPropagation()}
      >
        ⋮
      </button>
    </th>
  );
}

/** Drag to resize (the width is written once, on release: one undo step); double-click fits the content. */
function ResizeHandle({ colId, name, width }: { colId: string; name: string; width: number }) {
  const grid = useGrid();
  const start = useRef<{ x: number; width: number } | null>(null);
  const onPointerDown = (event: ReactPointerEvent<HTMLSpanElement>) => {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.setPointerCapture(event.pointerId);
    start.current = { x: event.clientX, width };
  };
  const widthAt = (event: ReactPointerEvent<HTMLSpanElement>) => (start.current ? start.current.width + event.clientX - start.current.x : width);
  return (
    <span
      className="col-resize"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize column ${name}`}
      aria-valuenow={Math.round(width)}
      title="Drag to resize, double-click to fit"
      onPointerDown={onPointerDown}
      onPointerMove={(event) => {
        if (start.current) grid.resizeColumn(colId, widthAt(event), false);
      }}
      onPointerUp={(event) => {
        if (!start.current) return;
        const moved = Math.abs(event.clientX - start.current.x) >= 2;
        const next = widthAt(event);
        start.current = null;
        if (moved) grid.resizeColumn(colId, next, true);
      }}
      onClick={(e) => e.stopPropagation()}
      onMouseDown={(e) => e.stopPropagation()}
      onDoubleClick={(e) => {
        e.stopPropagation();
        grid.fitColumn(colId);
      }}
    />
  );
}
