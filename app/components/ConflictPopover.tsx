'use client';
// The conflict popover: when the active cell has open conflict records (concurrent edits, DESIGN "Merge
// semantics" 2), it lists every value that raced there with who wrote it and when, and "Keep this one"
// makes that value the cell's value for everyone and closes the conflict: one transaction, one undo step.
import { useEffect, useLayoutEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { formatValue } from '@/lib/cellValue';
import { conflictCandidates, keepConflictValue, type ConflictCandidate } from '@/lib/client/conflictActions';
import type { SheetConnection } from '@/lib/client/sheetConnection';
import { conflictsArray, rowsMap, userName } from '@/lib/sheetDoc';

export interface ConflictPopoverProps {
  conn: SheetConnection;
  rowId: string;
  colId: string;
  columnName: string;
  onError: (message: string) => void;
}

export default function ConflictPopover({ conn, rowId, colId, columnName, onError }: ConflictPopoverProps) {
  const candidates = useConflictCandidates(conn, rowId, colId);
  const peers = useStore(conn.store, (s) => s.peers);
  const user = useStore(conn.store, (s) => s.user);
  const anchor = useActiveCellAnchor(candidates.length > 0, rowId, colId);
  if (candidates.length === 0) return null;

  const who = (by: string) => {
    if (by === user.id) return `you (${user.name})`;
    return peers.find((p) => p.userId === by)?.name ?? userName(conn.doc, by) ?? by;
  };
  const keep = (candidate: ConflictCandidate) => {
    try {
      keepConflictValue(conn.doc, rowId, colId, candidate, conn.editor);
    } catch (error) {
      onError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div
      className="conflict-popover"
      role="dialog"
      aria-label={`Concurrent edits to ${columnName}`}
      data-testid="conflict-popover"
      style={anchor ? { position: 'fixed', top: anchor.top, left: anchor.left } : undefined}
    >
      <p className="conflict-title">
        Concurrent edits to <strong>{columnName}</strong>: the later one is shown. Keep either value.
      </p>
      <ul>
        {candidates.map((candidate) => (
          <li key={`${candidate.cell.t}:${candidate.cell.by}`} data-testid="conflict-value" data-current={candidate.current ? 'true' : undefined}>
            <span className="conflict-value">{formatValue(candidate.cell.v) || <em>empty</em>}</span>
            <span className="conflict-meta">
              by {who(candidate.cell.by)}, <time dateTime={new Date(candidate.cell.t).toISOString()}>{new Date(candidate.cell.t).toLocaleString()}</time>
              {candidate.current && ' · shown now'}
            </span>
            <button type="button" onClick={() => keep(candidate)} data-testid="keep-value">
              Keep this one
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The cell's conflict candidates, recomputed when the conflicts or the cell change. */
function useConflictCandidates(conn: SheetConnection, rowId: string, colId: string): ConflictCandidate[] {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const conflicts = conflictsArray(conn.doc);
    const rows = rowsMap(conn.doc);
    const bump = () => setVersion((v) => v + 1);
    const onRows = (events: Array<{ path: Array<string | number> }>) => {
      if (events.some((event) => event.path[0] === rowId)) bump();
    };
    conflicts.observe(bump);
    rows.observeDeep(onRows);
    return () => {
      conflicts.unobserve(bump);
      rows.unobserveDeep(onRows);
    };
  }, [conn, rowId]);
  return useMemo(() => {
    void version;
    return conflictCandidates(conn.doc, rowId, colId);
  }, [conn, rowId, colId, version]);
}

/** Places the popover under the active cell when react-spreadsheet shows one; else it sits above the grid. */
function useActiveCellAnchor(open: boolean, rowId: string, colId: string): { top: number; left: number } | null {
  const [anchor, setAnchor] = useState<{ top: number; left: number } | null>(null);
  useLayoutEffect(() => {
    if (!open) return;
    const place = () => {
      const cell = document.querySelector('.Spreadsheet__active-cell');
      if (!cell) return setAnchor(null);
      const rect = cell.getBoundingClientRect();
      const left = Math.max(8, Math.min(rect.left, window.innerWidth - 360));
      setAnchor({ top: Math.min(rect.bottom + 4, window.innerHeight - 160), left });
    };
    place();
    const frame = requestAnimationFrame(place);
    window.addEventListener('resize', place);
    document.addEventListener('scroll', place, true);
    return () => {
      cancelAnimationFrame(frame);
      window.removeEventListener('resize', place);
      document.removeEventListener('scroll', place, true);
    };
  }, [open, rowId, colId]);
  return anchor;
}
