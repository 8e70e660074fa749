'use client';
// The sheet page: header (tabs, presence, save status, undo/redo), toolbar (rows, columns, receive/sell),
// the windowed grid and, beside a products sheet, the live low-stock panel.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { isReadOnly, SheetConnection, type SyncSettings } from '@/lib/client/sheetConnection';
import { effectiveView, isEmptyView, withFilter, withSort, EMPTY_VIEW } from '@/lib/client/sheetView';
import { COLUMN_TYPES, TEMPLATE_NAMES, type ColumnType, type TemplateName } from '@/lib/schema';
import {
  applyCellUpdates,
  deleteColumn,
  deleteRows,
  insertColumn,
  insertRowsUndoable,
  moveColumn,
  moveRow,
  renameColumn,
  retypeColumn,
} from '@/lib/sheetDoc';
import ConflictPopover from './ConflictPopover';
import { CsvControls } from './CsvControls';
import ColumnMenu from './ColumnMenu';
import FilterDialog from './FilterDialog';
import FindBar from './FindBar';
import SheetGrid, { READ_ONLY_MESSAGE, type ActiveCell, type GridHandle, type GridSelection } from './grid/SheetGrid';
import SheetPreview, { type SheetWindow } from './grid/SheetPreview';
import { AccessBanner, SaveStatusBadge, UndoRedoButtons, useSheetConnection, useUndoRedoShortcuts } from './SessionControls';
import SheetMenu from './SheetMenu';
import { useSheetView } from './useSheetView';
import './sheet.css';

interface SheetSummary {
  id: string;
  title: string;
  template: TemplateName;
}

interface Notice {
  id: number;
  text: string;
  kind: 'error' | 'info';
}

export default function SheetApp({ sheetId, settings, preview = null }: { sheetId: string; settings: SyncSettings; preview?: SheetWindow | null }) {
  const conn = useSheetConnection(sheetId, settings);

  return (
    <div className="sheet-app">
      {conn ? <SheetWorkspace conn={conn} preview={preview} /> : preview ? <SheetPreview window={preview} chrome /> : <div className="sheet-loading">Opening sheet…</div>}
    </div>
  );
}

const OPENING = 'The sheet is still opening';

function SheetWorkspace({ conn, preview }: { conn: SheetConnection; preview: SheetWindow | null }) {
  const store = conn.store;
  const meta = useStore(store, (s) => s.meta);
  const loaded = useStore(store, (s) => s.loaded);
  // A viewer (or someone whose access was revoked): nothing that changes the sheet is offered.
  const readOnly = useStore(store, isReadOnly);
  const status = useStore(store, (s) => s.status);
  const statusLog = useStore(store, (s) => s.statusLog);
  const peers = useStore(store, (s) => s.peers);
  const canUndo = useStore(store, (s) => s.canUndo);
  const canRedo = useStore(store, (s) => s.canRedo);
  const columns = useStore(store, (s) => s.columns);
  const rowCount = useStore(store, (s) => s.rowCount);
  const totalRowCount = useStore(store, (s) => s.totalRowCount);
  const [requestedView, setView] = useSheetView(conn);
  const view = useMemo(() => effectiveView(requestedView, columns), [requestedView, columns]);
  const viewActive = !isEmptyView(view);
  /** Why adding rows, columns or an import is not offered right now (the buttons' title). */
  const unavailable = readOnly ? READ_ONLY_MESSAGE : loaded ? undefined : OPENING;
  const [filterColumn, setFilterColumn] = useState<string | null>(null);
  const [frozen, setFrozen] = useFrozenColumns(conn.sheetId);
  const user = useStore(store, (s) => s.user);
  const lowStock = useStore(store, (s) => s.lowStock);

  const [notices, setNotices] = useState<Notice[]>([]);
  const noticeId = useRef(0);
  const notify = useCallback((text: string, kind: 'error' | 'info' = 'info') => {
    const id = ++noticeId.current;
    setNotices((list) => [...list.slice(-3), { id, text, kind }]);
    setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), kind === 'error' ? 8000 : 4000);
  }, []);

  const [active, setActive] = useState<ActiveCell | null>(null);
  const [selection, setSelection] = useState<GridSelection | null>(null);
  const onActiveChange = useCallback((a: ActiveCell | null, s: GridSelection | null) => {
    setActive(a ? { ...a } : null);
    setSelection(s ? { ...s } : null);
  }, []);

  const [columnMenu, setColumnMenu] = useState<number | null>(null);
  const grid = useRef<GridHandle>(null);
  const [findOpen, setFindOpen] = useState(false);
  const [toolsOpen, setToolsOpen] = useState(false);
  const openFind = useCallback(() => setFindOpen(true), []);
  const closeFind = useCallback(() => {
    setFindOpen(false);
    grid.current?.focus();
  }, []);
  const goTo = useCallback((row: number, col: number) => grid.current?.goTo(row, col, true), []);
  const [quantity, setQuantity] = useState('1');

  const tryWrite = useCallback(
    (fn: () => void) => {
      if (conn.readOnly) return notify(READ_ONLY_MESSAGE, 'error');
      try {
        fn();
      } catch (error) {
        notify(error instanceof Error ? error.message : String(error), 'error');
      }
    },
    [notify, conn],
  );

  // ---- rows ----
  const selectedRowIds = useCallback((): string[] => {
    const range = selection ?? (active ? { top: active.row, bottom: active.row, left: active.col, right: active.col } : null);
    if (!range) return [];
    const ids: string[] = [];
    for (let r = range.top; r <= range.bottom; r++) {
      const id = conn.model.rowIdAt(r);
      if (id) ids.push(id);
    }
    return ids;
  }, [active, selection, conn]);

  const addRow = () =>
    tryWrite(() => {
      const after = active ? conn.model.rowIdAt(active.row) : undefined;
      // Undo of the insert hides the row (a soft delete), so others' edits in it survive.
      insertRowsUndoable(conn.doc, [{}], { after: after ?? undefined }, conn.editor);
    });
  const removeRows = () => {
    const ids = selectedRowIds();
    if (ids.length === 0) return notify('Select a row first');
    tryWrite(() => deleteRows(conn.doc, ids, conn.origin));
    notify(`Deleted ${ids.length} row${ids.length === 1 ? '' : 's'} — Undo brings ${ids.length === 1 ? 'it' : 'them'} back`);
  };
  const moveActiveRow = (delta: -1 | 1) => {
    if (!active) return notify('Select a row first');
    if (viewActive) return notify('Rows move in the document’s order: clear the sort and filters first');
    const index = conn.model.indexOfRow(active.rowId);
    const target = index + delta;
    if (index < 0 || target < 0 || target >= conn.model.rowCount) return;
    // Moving up: after the row two above (or to the top); moving down: after the next row.
    const after = delta === -1 ? (target === 0 ? null : conn.model.rowIdAt(target - 1)!) : conn.model.rowIdAt(target)!;
    tryWrite(() => moveRow(conn.doc, active.rowId, after, conn.origin));
  };

  // ---- columns ----
  const [newColumn, setNewColumn] = useState<{ name: string; type: ColumnType } | null>(null);
  const addColumn = () => {
    if (!newColumn || !newColumn.name.trim()) return;
    const after = active ? conn.model.columns[active.col]?.id : undefined;
    tryWrite(() => insertColumn(conn.doc, { name: newColumn.name.trim(), type: newColumn.type }, after, conn.origin));
    setNewColumn(null);
  };

  // ---- receive / sell (products) ----
  const stockColumn = columns.find((c) => c.name === 'stock' && c.type === 'number');
  const adjustStock = (sign: 1 | -1) => {
    if (!active || !stockColumn) return notify('Select a product row first');
    const qty = Number(quantity);
    if (!Number.isFinite(qty) || qty <= 0) return notify('Quantity must be a positive number', 'error');
    tryWrite(() => applyCellUpdates(conn.doc, [{ row: active.rowId, col: stockColumn.id, adjust: sign * qty }], conn.editor));
  };

  // ---- global undo/redo when focus is outside the grid (which has its own) and not in a text field ----
  useUndoRedoShortcuts(conn, outsideGridShortcutTarget);

  useEffect(() => {
    if (meta?.title) document.title = `${meta.title} — Cellar`;
  }, [meta?.title]);

  const isProducts = meta?.template === 'products';
  const menuColumn = columnMenu !== null ? columns[columnMenu] : undefined;

  return (
    <>
      <header className="sheet-header">
        <SheetTabs currentId={conn.sheetId} currentTitle={meta?.title} notify={notify} readOnly={readOnly} />
        {readOnly ? null : <SheetMenu sheetId={conn.sheetId} title={meta?.title ?? ''} notify={notify} />}
        <div className="header-right">
          <div className="peers" data-testid="peers" aria-label="People here">
            {peers.map((p) => (
              <span key={p.clientId} className="peer-chip" style={{ borderColor: p.color }} title={p.name} data-peer={p.name}>
                <span className="peer-dot" style={{ background: p.color }} />
                {p.name}
              </span>
            ))}
          </div>
          <UserName name={user.name} color={user.color} onRename={(n) => conn.rename(n)} />
          <SaveStatusBadge status={status} log={statusLog} conn={conn} />
        </div>
      </header>

      <AccessBanner conn={conn} />
      <div className={`toolbar${toolsOpen ? ' toolbar-open' : ''}`} role="toolbar">
        <UndoRedoButtons conn={conn} canUndo={canUndo} canRedo={canRedo} />
        {/* On a phone the rest of the toolbar folds into this menu. */}
        <button type="button" className="toolbar-toggle" aria-expanded={toolsOpen} onClick={() => setToolsOpen(!toolsOpen)}>
          ☰ Tools
        </button>
        <span className="sep" />
        {/* Until the document is here (from this device's copy or the server), there is nothing to add to:
            a row, a column or an import made against an empty document would land out of place. */}
        <button type="button" onClick={addRow} disabled={!loaded || readOnly} title={unavailable} data-testid="add-row">
          + Row
        </button>
        <button type="button" onClick={removeRows} disabled={!active}>
          Delete row
        </button>
        <button type="button" onClick={() => moveActiveRow(-1)} disabled={!active || viewActive} title="Move row up" aria-label="Move row up">
          ↑
        </button>
        <button type="button" onClick={() => moveActiveRow(1)} disabled={!active || viewActive} title="Move row down" aria-label="Move row down">
          ↓
        </button>
        <span className="sep" />
        {newColumn ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              addColumn();
            }}
          >
            <input autoFocus placeholder="column name" value={newColumn.name} onChange={(e) => setNewColumn({ ...newColumn, name: e.target.value })} />
            <select value={newColumn.type} onChange={(e) => setNewColumn({ ...newColumn, type: e.target.value as ColumnType })}>
              {COLUMN_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
            <button type="submit">Add</button>
            <button type="button" onClick={() => setNewColumn(null)}>
              Cancel
            </button>
          </form>
        ) : (
          <button type="button" onClick={() => setNewColumn({ name: '', type: 'text' })} disabled={!loaded || readOnly} title={unavailable}>
            + Column
          </button>
        )}
        {isProducts && (
          <>
            <span className="sep" />
            <label className="qty">
              Qty <input type="number" min="0" step="any" value={quantity} onChange={(e) => setQuantity(e.target.value)} aria-label="Quantity" />
            </label>
            <button type="button" onClick={() => adjustStock(1)} disabled={!active || readOnly} data-testid="receive">
              Receive
            </button>
            <button type="button" onClick={() => adjustStock(-1)} disabled={!active || readOnly} data-testid="sell">
              Sell
            </button>
            <span className="sep" />
            <a href={`/sheets/${conn.sheetId}/plan`} className="plan-link" data-testid="plan-link" title="Brand → family → product plan with top-down spreading">
              Plan view
            </a>
          </>
        )}
        <span className="sep" />
        <CsvControls conn={conn} notify={notify} ready={loaded} readOnly={readOnly} />
        <span className="sep" />
        <button type="button" className="toolbar-find" onClick={() => setFindOpen((open) => !open)} aria-pressed={findOpen} title="Find in every row (Ctrl+F)">
          Find
        </button>
        {/* Fixed width, one line: the selection changing the text must never move the grid. */}
        <span className="toolbar-info" data-testid="toolbar-info">
          {viewActive ? `${rowCount.toLocaleString()} of ${totalRowCount.toLocaleString()} rows` : `${rowCount.toLocaleString()} rows`} × {columns.length} columns
          {active && ` · ${columns[active.col]?.name ?? ''} ${active.row + 1}`}
        </span>
      </div>
      {viewActive && (
        <div className="view-bar" data-testid="view-bar">
          <span>
            This page’s view: {view.sort && `sorted by ${columns.find((c) => c.id === view.sort!.col)?.name ?? '?'} (${view.sort.dir === 'asc' ? 'ascending' : 'descending'})`}
            {view.sort && view.filters.length > 0 && ', '}
            {view.filters.length > 0 && `filtered on ${view.filters.map((f) => columns.find((c) => c.id === f.col)?.name ?? '?').join(', ')}`} —{' '}
            <span data-testid="view-count">
              {rowCount.toLocaleString()} of {totalRowCount.toLocaleString()} rows
            </span>
          </span>
          <button type="button" onClick={() => setView(EMPTY_VIEW)}>
            Clear view
          </button>
        </div>
      )}
      {findOpen && <FindBar conn={conn} from={active ? { row: active.row, col: active.col } : null} goTo={goTo} onClose={closeFind} />}

      {active && (
        <ConflictPopover
          key={`${active.rowId}:${active.colId}`}
          conn={conn}
          rowId={active.rowId}
          colId={active.colId}
          columnName={columns[active.col]?.name ?? ''}
          onError={(message) => notify(message, 'error')}
        />
      )}

      <main className={`sheet-main${isProducts ? ' with-panel' : ''}`}>
        {loaded || columns.length > 0 ? (
          <SheetGrid conn={conn} notify={notify} onActiveChange={onActiveChange} openColumnMenu={setColumnMenu} openFind={openFind} handle={grid} frozen={frozen} />
        ) : preview && status.state !== 'refused' ? (
          // The server's first screen stays until the document is here (no blank flash in between).
          <SheetPreview window={preview} />
        ) : (
          <div className="sheet-loading">{status.state === 'refused' ? status.label : 'Loading sheet…'}</div>
        )}
        {isProducts && <LowStockPanel items={lowStock} />}
      </main>

      {menuColumn && columnMenu !== null && (
        <ColumnMenu
          key={menuColumn.id}
          name={menuColumn.name}
          type={menuColumn.type}
          canLeft={columnMenu > 0}
          canRight={columnMenu < columns.length - 1}
          sorted={view.sort?.col === menuColumn.id ? view.sort.dir : null}
          filtered={view.filters.some((f) => f.col === menuColumn.id)}
          onSort={(dir) => {
            setView(withSort(view, dir ? { col: menuColumn.id, dir } : null));
            setColumnMenu(null);
          }}
          onFilter={() => {
            setFilterColumn(menuColumn.id);
            setColumnMenu(null);
          }}
          frozen={frozen}
          position={columnMenu + 1}
          onFreeze={(count) => {
            setFrozen(count);
            setColumnMenu(null);
          }}
          onClose={() => setColumnMenu(null)}
          readOnly={readOnly}
          onRename={(name) => tryWrite(() => renameColumn(conn.doc, menuColumn.id, name, conn.origin))}
          onRetype={(type) => tryWrite(() => retypeColumn(conn.doc, menuColumn.id, type, conn.origin))}
          onDelete={() => {
            tryWrite(() => deleteColumn(conn.doc, menuColumn.id, conn.origin));
            setColumnMenu(null);
          }}
          onMove={(delta) => {
            const target = columnMenu + delta;
            const after = delta === -1 ? (target === 0 ? null : columns[target - 1].id) : columns[target].id;
            tryWrite(() => moveColumn(conn.doc, menuColumn.id, after, conn.origin));
            setColumnMenu(target);
          }}
        />
      )}

      {filterColumn && columns.find((c) => c.id === filterColumn) && (
        <FilterDialog
          conn={conn}
          column={columns.find((c) => c.id === filterColumn)!}
          current={view.filters.find((f) => f.col === filterColumn)}
          onApply={(filter) => {
            setView(withFilter(view, filterColumn, filter));
            setFilterColumn(null);
          }}
          onClose={() => setFilterColumn(null)}
        />
      )}

      <div className="notices" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
            {n.text}
          </div>
        ))}
      </div>
    </>
  );
}

function UserName({ name, color, onRename }: { name: string; color: string; onRename: (name: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(name);
  if (!editing)
    return (
      <button type="button" className="me" onClick={() => (setDraft(name), setEditing(true))} title="Your name as others see it" data-testid="me">
        <span className="peer-dot" style={{ background: color }} />
        {name}
      </button>
    );
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onRename(draft);
        setEditing(false);
      }}
    >
      <input autoFocus value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={() => setEditing(false)} aria-label="Your name" />
    </form>
  );
}

function LowStockPanel({ items }: { items: ReturnType<SheetConnection['store']['getState']>['lowStock'] }) {
  return (
    <aside className="side-panel" data-testid="low-stock" aria-label="Low stock">
      <h2>Low stock</h2>
      <p className="panel-note">stock ≤ reorder level, live from this sheet</p>
      {items === null ? (
        <p>Computing…</p>
      ) : items.length === 0 ? (
        <p>Nothing below its reorder level.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>SKU</th>
              <th>Name</th>
              <th>Stock</th>
              <th>Reorder</th>
            </tr>
          </thead>
          <tbody>
            {items.slice(0, 200).map((item) => (
              <tr key={item.rowId} data-sku={item.sku}>
                <td>{item.sku}</td>
                <td>{item.name}</td>
                <td className={item.stock <= 0 ? 'out' : undefined}>{item.stock}</td>
                <td>{item.reorderLevel}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {items && items.length > 200 && <p className="panel-note">and {items.length - 200} more</p>}
    </aside>
  );
}

/** Frozen columns are this browser's choice for a sheet (kept in localStorage), like its view. */
function useFrozenColumns(sheetId: string): [number, (count: number) => void] {
  const key = `cellar-frozen-${sheetId}`;
  const [frozen, setFrozenState] = useState(0);
  useEffect(() => {
    const stored = Number(localStorage.getItem(key) ?? 0);
    if (Number.isInteger(stored) && stored > 0 && stored <= 20) setFrozenState(stored);
  }, [key]);
  const setFrozen = useCallback(
    (count: number) => {
      setFrozenState(count);
      try {
        if (count > 0) localStorage.setItem(key, String(count));
        else localStorage.removeItem(key);
      } catch {
        // private mode: this page only
      }
    },
    [key],
  );
  return [frozen, setFrozen];
}

const TABS_CACHE = 'cellar-sheet-list';

function SheetTabs({ currentId, currentTitle, notify, readOnly }: { currentId: string; currentTitle?: string; notify: (t: string, k?: 'error' | 'info') => void; readOnly: boolean }) {
  const [sheets, setSheets] = useState<SheetSummary[]>(() => {
    if (typeof localStorage === 'undefined') return [];
    try {
      return JSON.parse(localStorage.getItem(TABS_CACHE) ?? '[]');
    } catch {
      return [];
    }
  });
  const [creating, setCreating] = useState<{ title: string; template: TemplateName } | null>(null);

  useEffect(() => {
    let cancelled = false;
    fetch('/api/sheets', { cache: 'no-store' })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
      .then((body: { sheets: SheetSummary[] }) => {
        if (cancelled || !Array.isArray(body?.sheets)) return;
        setSheets(body.sheets);
        try {
          localStorage.setItem(TABS_CACHE, JSON.stringify(body.sheets.map(({ id, title, template }) => ({ id, title, template }))));
        } catch {
          // ignore
        }
      })
      .catch(() => {
        // offline: keep the cached list
      });
    return () => {
      cancelled = true;
    };
  }, []);

  const create = async () => {
    if (!creating) return;
    try {
      const response = await fetch('/api/sheets', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: creating.title.trim() || 'Untitled', template: creating.template }),
      });
      const body = await response.json().catch(() => null);
      if (!response.ok || !body?.id) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
      window.location.href = `/sheets/${body.id}`;
    } catch (error) {
      notify(`Could not create the sheet: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  };

  // The tabs scroll in one line: keep the current one in sight (a phone shows only a few).
  const tabsRef = useRef<HTMLElement>(null);
  useEffect(() => {
    const nav = tabsRef.current;
    const current = nav?.querySelector<HTMLElement>('.tab-current');
    if (!nav || !current) return;
    const offset = current.getBoundingClientRect().left - nav.getBoundingClientRect().left;
    if (offset < 0 || offset + current.offsetWidth > nav.clientWidth) nav.scrollLeft += offset - 8;
  }, [sheets, currentId]);

  const list = sheets.some((s) => s.id === currentId) ? sheets : [...sheets, { id: currentId, title: currentTitle ?? currentId, template: 'blank' as TemplateName }];
  return (
    <nav className="sheet-tabs" aria-label="Sheets" ref={tabsRef}>
      {list.map((s) => (
        <a
          key={s.id}
          href={`/sheets/${s.id}`}
          className={`tab${s.id === currentId ? ' tab-current' : ''}`}
          aria-current={s.id === currentId ? 'page' : undefined}
          title={s.id === currentId ? (currentTitle ?? s.title) : s.title}
        >
          {s.id === currentId ? (currentTitle ?? s.title) : s.title}
        </a>
      ))}
      {creating ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <input autoFocus placeholder="title" value={creating.title} onChange={(e) => setCreating({ ...creating, title: e.target.value })} />
          <select value={creating.template} onChange={(e) => setCreating({ ...creating, template: e.target.value as TemplateName })}>
            {TEMPLATE_NAMES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
          <button type="submit">Create</button>
          <button type="button" onClick={() => setCreating(null)}>
            ✕
          </button>
        </form>
      ) : readOnly ? null : (
        <button type="button" className="tab tab-new" onClick={() => setCreating({ title: '', template: 'products' })} title="New sheet from a template">
          + Sheet
        </button>
      )}
    </nav>
  );
}

/** Text fields and the grid (react-spreadsheet handles its own keys) keep their own undo. */
function outsideGridShortcutTarget(target: HTMLElement): boolean {
  return target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.closest('.Spreadsheet') !== null;
}

