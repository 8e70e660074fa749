'use client';
// Controls every sheet page shares (grid and plan): the save status, undo/redo buttons and their keyboard
// shortcuts, and the banner that says when the page cannot change the sheet.
import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
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

/** Says when this page cannot change the sheet: a viewer's grid is read-only; revoked access keeps edits here, unsaved. */
export function AccessBanner({ conn }: { conn: SheetConnection }) {
  const role = useStore(conn.store, (s) => s.role);
  const revoked = useStore(conn.store, (s) => s.revoked);
  const missing = useStore(conn.store, (s) => s.missing);
  const pending = useStore(conn.store, (s) => s.pending);
  const exportUnsaved = () => {
    const url = URL.createObjectURL(new Blob([conn.unsavedCsv()], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${conn.store.getState().meta?.title || conn.sheetId} - unsaved changes.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  if (revoked) {
    return (
      <div className="access-banner access-revoked" role="alert" data-testid={missing ? 'sheet-missing' : 'access-revoked'}>
        {missing ? (
          <>
            This sheet does not exist on the server: its link is wrong, or it was deleted (a deleted sheet stays in the <a href="/">sheet list</a>’s
            trash for 30 days).{' '}
          </>
        ) : (
          'Your access to this sheet was revoked. '
        )}
        {pending > 0 || conn.unsaved.count > 0 ? (
          <>
            {Math.max(pending, conn.unsaved.count)} change{Math.max(pending, conn.unsaved.count) === 1 ? '' : 's'} made on this device {pending === 1 ? 'is' : 'are'} not saved
            and stay here.{' '}
            <button type="button" onClick={exportUnsaved} data-testid="export-unsaved">
              Export unsaved changes (CSV)
            </button>
          </>
        ) : (
          'Nothing made on this device was lost.'
        )}
      </div>
    );
  }
  if (role === 'viewer') {
    return (
      <div className="access-banner" role="status" data-testid="read-only">
        Read-only: you are a viewer of this workspace, so you can look and copy but not change anything.
      </div>
    );
  }
  return null;
}
