'use client';
// The grid's own keys, on top of react-spreadsheet's (which knows only the window's cells): F2 edits the
// active cell, → stops at the last column, Tab past the last column (Shift+Tab before the first) leaves the
// grid for the page's next (previous) control, Ctrl/⌘+arrows jump to the sheet's edges (moving the window),
// Delete clears the selected range and Ctrl/⌘+D fills it down (one transaction each, so one undo step),
// Ctrl/⌘+Z / Y undo and redo only this user's edits, Ctrl/⌘+F opens Find.
import { useCallback, type KeyboardEvent, type RefObject } from 'react';
import type { Mode } from 'react-spreadsheet';
import type { SheetConnection } from '@/lib/client/sheetConnection';
import type { ActiveCell } from './gridTypes';
import { focusBeyond } from './focusBeyond';

export interface GridKeyboardActions {
  conn: SheetConnection;
  mode: RefObject<Mode>;
  active: RefObject<ActiveCell | null>;
  typedStart: RefObject<boolean>;
  /** Moves the active cell to a sheet position (scrolling the window there) and selects it. */
  goTo: (row: number, col: number) => void;
  /** Opens the editor on the active cell, keeping its text. */
  startEdit: () => void;
  clearSelection: () => void;
  fillDown: () => void;
  openFind?: () => void;
  /** The grid's outermost element: Tab at an edge leaves it for the control beyond. */
  container: RefObject<HTMLElement | null>;
}

const ARROWS: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

export function useGridKeyboard(actions: GridKeyboardActions): (event: KeyboardEvent) => void {
  const { conn, mode, active, typedStart, goTo, startEdit, clearSelection, fillDown, openFind, container } = actions;
  return useCallback(
    (event: KeyboardEvent) => {
      const key = event.key.toLowerCase();
      const mod = event.ctrlKey || event.metaKey;
      if (mod && key === 'f' && openFind) {
        event.preventDefault();
        openFind();
        return;
      }
      if (mode.current === 'edit') return; // the input's own keys (Ctrl+A, its own undo, …)
      typedStart.current = event.key.length === 1 && !mod && !event.altKey;
      if (mod && (key === 'z' || key === 'y')) {
        event.preventDefault();
        if (key === 'y' || event.shiftKey) conn.redo();
        else conn.undo();
        return;
      }
      if (event.key === 'Delete' || event.key === 'Backspace') {
        event.preventDefault();
        clearSelection();
        return;
      }
      if (mod && key === 'd') {
        event.preventDefault();
        fillDown();
        return;
      }
      const a = active.current;
      if (!a) return;
      if (event.key === 'F2') {
        event.preventDefault();
        startEdit();
        return;
      }
      const lastRow = conn.model.rowCount - 1;
      const lastCol = conn.model.columns.length - 1;
      if (mod && !event.shiftKey && event.key.startsWith('Arrow')) {
        event.preventDefault();
        if (event.key === 'ArrowUp') goTo(0, a.col);
        else if (event.key === 'ArrowDown') goTo(lastRow, a.col);
        else if (event.key === 'ArrowLeft') goTo(a.row, 0);
        else goTo(a.row, lastCol);
        return;
      }
      // Tab moves between cells; at the grid's edge it leaves the grid, so the keyboard is never held in it.
      if (event.key === 'Tab' && !mod && !event.altKey && (event.shiftKey ? a.col <= 0 : a.col >= lastCol)) {
        event.preventDefault();
        focusBeyond(container.current ?? event.currentTarget, event.shiftKey ? 'backward' : 'forward');
        return;
      }
      // react-spreadsheet wraps → at its last column to the next row; Sheets stays put.
      if (event.key === 'ArrowRight' && !event.shiftKey && a.col >= lastCol) {
        event.preventDefault();
        return;
      }
      // A plain arrow onto a cell outside the rendered window (react-spreadsheet knows only the window, and
      // the window follows the scroll a frame later): move there ourselves.
      const step = event.shiftKey || mod ? null : ARROWS[event.key];
      if (step) {
        const row = a.row + step[0];
        const col = a.col + step[1];
        if (row < 0 || col < 0 || row > lastRow || col > lastCol) return;
        const m = conn.model;
        const inWindow = row >= m.windowStart && row < m.windowStart + m.data.length && col >= m.colStart && col < m.colStart + m.windowColumns.length;
        if (!inWindow) {
          event.preventDefault();
          goTo(row, col);
        }
      }
    },
    [conn, mode, active, typedStart, goTo, startEdit, clearSelection, fillDown, openFind, container],
  );
}
