'use client';
// Controls every sheet page shares: the save status, undo/redo buttons and their keyboard shortcuts.
import { useEffect, useState } from 'react';
import type { SaveState } from '@/lib/client/saveStatus';
import { SheetConnection, type SyncSettings } from '@/lib/client/sheetConnection';

/**
 * The page's connection to one sheet (Y.Doc, IndexedDB, WebSocket, undo), made on mount and destroyed on
 * unmount; also exposed as `window.__cellar` for tests and benchmarks. Null until made.
 */
export function useSheetConnection(sheetId: string, settings: SyncSettings, options?: { windowSize?: number }): SheetConnection | null {
  const [conn, setConn] = useState<SheetConnection | null>(null);
  const windowSize = options?.windowSize;
  useEffect(() => {
    const caps = settings.sheetCaps;
    const connection = new SheetConnection(sheetId, { syncPublicUrl: settings.syncPublicUrl, syncPort: settings.syncPort, sheetCaps: caps }, windowSize === undefined ? {} : { windowSize });
    setConn(connection);
    (window as unknown as { __cellar?: SheetConnection }).__cellar = connection;
    return () => {
      connection.destroy();
      setConn(null);
    };
    // settings is plain data from the server; its fields are what matter.
  }, [sheetId, settings.syncPublicUrl, settings.syncPort, settings.sheetCaps?.cellsPerSheet, settings.sheetCaps?.rowsPerSheet, windowSize]);
  return conn;
}

export function SaveStatusBadge({ status, log, conn }: { status: { state: SaveState; label: string }; log?: readonly string[]; conn?: SheetConnection }) {
  return (
    <>
      <span className={`save-status save-${status.state}`} data-testid="save-status" data-state={status.state} data-log={log?.join(' ')} role="status">
        {status.state === 'offline' && <span className="offline-badge">Offline</span>}
        {status.state === 'offline' ? status.label.replace(/^Offline( — )?/, '') || 'Edits are kept on this device' : status.label}
      </span>
      {status.state === 'refused' && conn ? <DiscardUnsavedButton conn={conn} /> : null}
    </>
  );
}

/**
 * Shown when the server refused the sheet: the edits it would not take stay on this device and would be sent,
 * and refused, again on every reload. This drops them (after asking) and reloads from the server's copy.
 */
function DiscardUnsavedButton({ conn }: { conn: SheetConnection }) {
  const discard = async () => {
    if (!window.confirm('Discard the edits on this device that the server has not saved, and reload the sheet from the server?')) return;
    await conn.discardLocalCopy();
    window.location.reload();
  };
  return (
    <button type="button" className="link-button" onClick={() => void discard()}>
      Discard unsaved edits
    </button>
  );
}

export function UndoRedoButtons({ conn, canUndo, canRedo }: { conn: SheetConnection; canUndo: boolean; canRedo: boolean }) {
  return (
    <>
      <button type="button" onClick={() => conn.undo()} disabled={!canUndo} title="Undo (Ctrl+Z)" data-testid="undo">
        ↶ Undo
      </button>
      <button type="button" onClick={() => conn.redo()} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)" data-testid="redo">
        ↷ Redo
      </button>
    </>
  );
}

/** Ctrl/Cmd+Z undoes, Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y redoes, except where `handledElsewhere` says the target has its own undo. */
export function useUndoRedoShortcuts(conn: SheetConnection, handledElsewhere: (target: HTMLElement) => boolean): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && handledElsewhere(target)) return;
      const key = event.key.toLowerCase();
      if (!(event.ctrlKey || event.metaKey) || (key !== 'z' && key !== 'y')) return;
      event.preventDefault();
      if (key === 'y' || event.shiftKey) conn.redo();
      else conn.undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [conn, handledElsewhere]);
}
