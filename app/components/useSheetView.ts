'use client';
// This page's sort and filters: read from the URL query when the sheet opens, written back (replaceState,
// no navigation) when they change, so a view can be shared by its link and never touches the document.
import { useCallback, useEffect } from 'react';
import { useStore } from 'zustand';
import type { SheetConnection } from '@/lib/client/sheetConnection';
import { EMPTY_VIEW, parseViewQuery, writeViewQuery, type ViewSpec } from '@/lib/client/sheetView';

export function useSheetView(conn: SheetConnection): [ViewSpec, (next: ViewSpec) => void] {
  const view = useStore(conn.store, (s) => s.view) ?? EMPTY_VIEW;

  useEffect(() => {
    conn.setView(parseViewQuery(new URLSearchParams(window.location.search)));
  }, [conn]);

  const setView = useCallback(
    (next: ViewSpec) => {
      conn.setView(next);
      const query = writeViewQuery(new URLSearchParams(window.location.search), next).toString();
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`);
    },
    [conn],
  );
  return [view, setView];
}
