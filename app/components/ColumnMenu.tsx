'use client';
// A column's menu: sort this page's view by it (ascending / descending), filter it, and the column's own
// settings (name, type, position, delete), which change the document for everyone.
import { useState } from 'react';
import { COLUMN_TYPES, type ColumnType } from '@/lib/schema';
import type { SortDirection } from '@/lib/client/sheetView';

export interface ColumnMenuProps {
  name: string;
  type: ColumnType;
  canLeft: boolean;
  canRight: boolean;
  sorted: SortDirection | null;
  filtered: boolean;
  onClose: () => void;
  onSort: (dir: SortDirection | null) => void;
  onFilter: () => void;
  /** Columns frozen now, and this column's place (1-based). */
  frozen: number;
  position: number;
  onFreeze: (count: number) => void;
  onRename: (name: string) => void;
  onRetype: (type: ColumnType) => void;
  onDelete: () => void;
  onMove: (delta: -1 | 1) => void;
  /** A viewer's page: the view options only, not the column's own settings. */
  readOnly?: boolean;
}

export default function ColumnMenu(props: ColumnMenuProps) {
  const [name, setName] = useState(props.name);
  return (
    <div
      className="column-menu"
      role="dialog"
      aria-label={`Column ${props.name}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onClose();
      }}
    >
      <div className="column-menu-view" role="menu" aria-label={`View by ${props.name}`}>
        <button type="button" role="menuitem" onClick={() => props.onSort('asc')} aria-pressed={props.sorted === 'asc'}>
          Sort ascending
        </button>
        <button type="button" role="menuitem" onClick={() => props.onSort('desc')} aria-pressed={props.sorted === 'desc'}>
          Sort descending
        </button>
        {props.sorted && (
          <button type="button" role="menuitem" onClick={() => props.onSort(null)}>
            Clear sort
          </button>
        )}
        <button type="button" role="menuitem" onClick={props.onFilter} aria-pressed={props.filtered}>
          Filter…
        </button>
        <button type="button" role="menuitem" onClick={() => props.onFreeze(props.frozen === props.position ? 0 : props.position)}>
          {props.frozen === props.position ? 'Unfreeze columns' : props.position === 1 ? 'Freeze this column' : `Freeze columns 1–${props.position}`}
        </button>
        <p className="column-menu-note">Sorting, filtering and freezing change only this page’s view.</p>
      </div>
      {props.readOnly ? null : (
        <>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim() && name.trim() !== props.name) props.onRename(name.trim());
            }}
          >
            <label>
              Name <input value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <button type="submit">Rename</button>
          </form>
          <label>
            Type{' '}
            <select value={props.type} onChange={(e) => props.onRetype(e.target.value as ColumnType)}>
              {COLUMN_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <div className="row-buttons">
            <button type="button" disabled={!props.canLeft} onClick={() => props.onMove(-1)}>
              ← Move left
            </button>
            <button type="button" disabled={!props.canRight} onClick={() => props.onMove(1)}>
              Move right →
            </button>
          </div>
        </>
      )}
      <div className="row-buttons">
        {props.readOnly ? null : (
          <button type="button" className="danger" onClick={props.onDelete}>
            Delete column
          </button>
        )}
        <button type="button" onClick={props.onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
