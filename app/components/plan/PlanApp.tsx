'use client';
// The plan view of a products sheet: brand → family → product rows with subtotals in one number column
// (plan_units by default). It runs on the same SheetConnection as the grid (IndexedDB copy, y-websocket,
// local undo origin), so it works offline and updates live. Editing a brand or family subtotal spreads it
// over the members with applySpread — one transaction, one undo step; product values are edited directly.
// Holds (locks) are per product row and live in the URL (`?hold=rowId,…`), with the column (`?column=`).
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { brandRowIds, familyRowIds, holdState, holdsInGroup, parsePlanNumber, readPlanUrl, writePlanUrl, type PlanGroupRef } from '@/lib/client/planView';
import { isReadOnly, SheetConnection, type SyncSettings } from '@/lib/client/sheetConnection';
import type { CellValue } from '@/lib/schema';
import { applyCellUpdates, readSheet, SheetError } from '@/lib/sheetDoc';
import { applySpread, buildPlanTree, type PlanTree } from '@/lib/sheetSpread';
import { READ_ONLY_MESSAGE } from '../grid/SheetGrid';
import { AccessBanner, SaveStatusBadge, UndoRedoButtons, useSheetConnection, useUndoRedoShortcuts } from '../SessionControls';
import '../sheet.css';
import './plan.css';

/** Above this many products the plan opens with families folded. */
const MAX_UNFOLDED_PRODUCTS = 300;

interface Message {
  kind: 'error' | 'info';
  text: string;
}

export default function PlanApp({ sheetId, settings }: { sheetId: string; settings: SyncSettings }) {
  // The grid window is not rendered here: keep the model's window tiny.
  const conn = useSheetConnection(sheetId, settings, { windowSize: 1 });

  return (
    <div className="sheet-app plan-app">
      {conn ? <PlanWorkspace conn={conn} /> : <div className="sheet-loading">Opening plan…</div>}
    </div>
  );
}

/** The plan tree, rebuilt from the document at most once per frame after any change. */
function usePlanTree(conn: SheetConnection): PlanTree | null {
  const [tree, setTree] = useState<PlanTree | null>(null);
  useEffect(() => {
    let frame = 0;
    const rebuild = () => {
      frame = 0;
      if (conn.doc.getMap('meta').size === 0) return;
      setTree(buildPlanTree(readSheet(conn.doc)));
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(rebuild);
    };
    rebuild();
    conn.doc.on('afterTransaction', schedule);
    return () => {
      conn.doc.off('afterTransaction', schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [conn]);
  return tree;
}

function PlanWorkspace({ conn }: { conn: SheetConnection }) {
  const store = conn.store;
  const meta = useStore(store, (s) => s.meta);
  const loaded = useStore(store, (s) => s.loaded);
  const status = useStore(store, (s) => s.status);
  const canUndo = useStore(store, (s) => s.canUndo);
  const canRedo = useStore(store, (s) => s.canRedo);
  // A viewer (or someone whose access was revoked) reads the plan; the server would drop their edits.
  const readOnly = useStore(store, isReadOnly);
  const tree = usePlanTree(conn);

  // ---- URL state: column and holds ----
  const [urlState, setUrlState] = useState(() => readPlanUrl(typeof window === 'undefined' ? '' : window.location.search));
  const holds = urlState.holds;
  useEffect(() => {
    const search = writePlanUrl(window.location.search, urlState);
    if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
  }, [urlState]);

  const column = useMemo(() => {
    if (!tree) return undefined;
    const wanted = urlState.column;
    return (
      tree.columns.find((c) => c.id === wanted) ??
      tree.columns.find((c) => c.name === wanted) ??
      tree.columns.find((c) => c.name === 'plan_units') ??
      tree.columns[0]
    );
  }, [tree, urlState.column]);

  const setHolds = useCallback((ids: readonly string[], held: boolean) => {
    setUrlState((state) => {
      const next = new Set(state.holds);
      for (const id of ids) {
        if (held) next.add(id);
        else next.delete(id);
      }
      return { ...state, holds: next };
    });
  }, []);

  // ---- messages ----
  const [message, setMessage] = useState<Message | null>(null);
  const messageTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const show = useCallback((next: Message | null) => {
    if (messageTimer.current) clearTimeout(messageTimer.current);
    messageTimer.current = null;
    setMessage(next);
    // Refusals stay until the next action or dismissal; confirmations fade.
    if (next?.kind === 'info') messageTimer.current = setTimeout(() => setMessage(null), 5000);
  }, []);
  useEffect(() => () => void (messageTimer.current && clearTimeout(messageTimer.current)), []);

  // ---- edits ----
  const refuseReadOnly = useCallback((): string => {
    show({ kind: 'error', text: READ_ONLY_MESSAGE });
    return READ_ONLY_MESSAGE;
  }, [show]);
  const spread = useCallback(
    (group: PlanGroupRef, total: number): string | null => {
      if (!tree || !column) return 'the plan is not loaded yet';
      if (conn.readOnly) return refuseReadOnly();
      const hold = holdsInGroup(tree, group, holds);
      try {
        const outcome = applySpread(conn.doc, { column: column.id, group, total, hold }, conn.editor);
        const held = hold.length > 0 ? `, ${hold.length} held` : '';
        show({ kind: 'info', text: `Spread ${formatNumber(total, column.decimals)} over ${outcome.members.length} products (${outcome.changed} changed${held}). Undo reverts it in one step.` });
        return null;
      } catch (error) {
        const text = error instanceof SheetError || error instanceof Error ? error.message : String(error);
        show({ kind: 'error', text: `Not changed: ${text}` });
        return text;
      }
    },
    [conn, tree, column, holds, show, refuseReadOnly],
  );

  const setProduct = useCallback(
    (rowId: string, value: number | null): string | null => {
      if (!column) return 'the plan is not loaded yet';
      if (conn.readOnly) return refuseReadOnly();
      try {
        applyCellUpdates(conn.doc, [{ row: rowId, col: column.id, value }], conn.editor);
        show(null);
        return null;
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        show({ kind: 'error', text: `Not changed: ${text}` });
        return text;
      }
    },
    [conn, column, show, refuseReadOnly],
  );

  // ---- undo / redo from the keyboard, outside text fields (which keep their own undo) ----
  useUndoRedoShortcuts(conn, textFieldShortcutTarget);

  useEffect(() => {
    if (meta?.title) document.title = `${meta.title} plan — Cellar`;
  }, [meta?.title]);

  // ---- collapsing ----
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  // A big plan opens with its families folded (brand and family subtotals only): thousands of product
  // rows with inputs are slow to render and hard to read. Decided once, when the plan first loads.
  const foldDecided = useRef(false);
  useEffect(() => {
    if (!tree || foldDecided.current) return;
    foldDecided.current = true;
    const products = tree.brands.reduce((n, b) => n + brandRowIds(b).length, 0);
    if (products > MAX_UNFOLDED_PRODUCTS) {
      setCollapsed(new Set(tree.brands.flatMap((b) => b.families.map((f) => `f:${b.brand}\u0001${f.family}`))));
    }
  }, [tree]);
  const toggle = (key: string) =>
    setCollapsed((set) => {
      const next = new Set(set);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  const notProducts = meta && meta.template !== 'products';
  const decimals = column?.decimals ?? 0;

  return (
    <>
      <header className="sheet-header">
        <nav className="plan-crumbs" aria-label="Sheet">
          <a href={`/sheets/${conn.sheetId}`} data-testid="grid-link">
            ← {meta?.title ?? 'Sheet'}
          </a>
          <h1>Plan</h1>
        </nav>
        <div className="header-right">
          <SaveStatusBadge status={status} conn={conn} />
        </div>
      </header>
      <AccessBanner conn={conn} />

      <div className="toolbar" role="toolbar">
        <UndoRedoButtons conn={conn} canUndo={canUndo} canRedo={canRedo} />
        <span className="sep" />
        {tree && tree.columns.length > 0 && (
          <label className="plan-column-select">
            Column{' '}
            <select data-testid="plan-column" value={column?.id ?? ''} onChange={(e) => setUrlState((s) => ({ ...s, column: tree.columns.find((c) => c.id === e.target.value)?.name ?? e.target.value }))}>
              {tree.columns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {holds.size > 0 && (
          <button type="button" onClick={() => setUrlState((s) => ({ ...s, holds: new Set() }))} data-testid="release-holds">
            Release {holds.size} hold{holds.size === 1 ? '' : 's'}
          </button>
        )}
        <span className="toolbar-info">Edit a brand or family total to spread it over its products, in proportion; held products keep their value.</span>
      </div>

      {message && (
        <div className={`plan-message plan-message-${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid={message.kind === 'error' ? 'plan-error' : 'plan-info'}>
          <span>{message.text}</span>
          <button type="button" onClick={() => show(null)} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}

      <main className="plan-main">
        {notProducts ? (
          <p className="sheet-loading">The plan view is for products sheets; this sheet is a {meta.template} sheet.</p>
        ) : !tree || !column ? (
          <p className="sheet-loading">{status.state === 'refused' ? status.label : loaded && tree ? 'This sheet has no number column to plan.' : 'Loading plan…'}</p>
        ) : (
          <table className="plan-table" data-testid="plan-table" data-column={column.name}>
            <thead>
              <tr>
                <th className="plan-hold-col" title="Held products keep their value when a total is spread">
                  Hold
                </th>
                <th>Brand / family / product</th>
                <th>SKU</th>
                <th className="num">{column.name}</th>
                <th className="num">Share</th>
              </tr>
            </thead>
            <tbody>
              {tree.brands.map((brand) => {
                const brandKey = `b:${brand.brand}`;
                const brandIds = brandRowIds(brand);
                const brandOpen = !collapsed.has(brandKey);
                return [
                  <tr key={brandKey} className="plan-brand" data-level="brand" data-brand={brand.brand}>
                    <td className="plan-hold-col">
                      <HoldBox state={holdState(brandIds, holds)} label={`Hold every product of ${groupLabel(brand.brand)}`} onChange={(held) => setHolds(brandIds, held)} />
                    </td>
                    <td>
                      <button type="button" className="plan-toggle" aria-expanded={brandOpen} onClick={() => toggle(brandKey)}>
                        {brandOpen ? '▾' : '▸'}
                      </button>
                      {groupLabel(brand.brand)}
                      <span className="plan-count">{brandIds.length}</span>
                    </td>
                    <td />
                    <td className="num">
                      <PlanNumber
                        value={brand.totals[column.id]}
                        decimals={decimals}
                        label={`${column.name} total of ${groupLabel(brand.brand)}`}
                        readOnly={readOnly}
                        onCommit={(n) => (n === null ? 'a total needs a number' : spread({ brand: brand.brand }, n))}
                      />
                    </td>
                    <td className="num plan-share">{share(brand.totals[column.id], tree.totals[column.id])}</td>
                  </tr>,
                  ...(brandOpen
                    ? brand.families.flatMap((family) => {
                        const familyKey = `f:${brand.brand}\u0001${family.family}`;
                        const familyIds = familyRowIds(family);
                        const familyOpen = !collapsed.has(familyKey);
                        return [
                          <tr key={familyKey} className="plan-family" data-level="family" data-brand={brand.brand} data-family={family.family}>
                            <td className="plan-hold-col">
                              <HoldBox state={holdState(familyIds, holds)} label={`Hold every product of ${groupLabel(brand.brand)} ${groupLabel(family.family)}`} onChange={(held) => setHolds(familyIds, held)} />
                            </td>
                            <td className="plan-indent-1">
                              <button type="button" className="plan-toggle" aria-expanded={familyOpen} onClick={() => toggle(familyKey)}>
                                {familyOpen ? '▾' : '▸'}
                              </button>
                              {groupLabel(family.family)}
                              <span className="plan-count">{familyIds.length}</span>
                            </td>
                            <td />
                            <td className="num">
                              <PlanNumber
                                value={family.totals[column.id]}
                                decimals={decimals}
                                label={`${column.name} total of ${groupLabel(brand.brand)} ${groupLabel(family.family)}`}
                                readOnly={readOnly}
                                onCommit={(n) => (n === null ? 'a total needs a number' : spread({ brand: brand.brand, family: family.family }, n))}
                              />
                            </td>
                            <td className="num plan-share">{share(family.totals[column.id], brand.totals[column.id])}</td>
                          </tr>,
                          ...(familyOpen
                            ? family.products.map((product) => {
                                const held = holds.has(product.rowId);
                                const value = product.values[column.id];
                                return (
                                  <tr key={product.rowId} className={`plan-product${held ? ' plan-held' : ''}`} data-level="product" data-row={product.rowId} data-sku={text(product.sku)}>
                                    <td className="plan-hold-col">
                                      <HoldBox state={held ? 'all' : 'none'} label={`Hold ${text(product.sku) || text(product.name) || 'product'}`} onChange={(h) => setHolds([product.rowId], h)} />
                                    </td>
                                    <td className="plan-indent-2">{text(product.name)}</td>
                                    <td>{text(product.sku)}</td>
                                    <td className="num">
                                      <PlanNumber value={value} decimals={decimals} allowEmpty readOnly={readOnly} label={`${column.name} of ${text(product.sku) || text(product.name)}`} onCommit={(n) => setProduct(product.rowId, n)} />
                                    </td>
                                    <td className="num plan-share">{share(value ?? 0, family.totals[column.id])}</td>
                                  </tr>
                                );
                              })
                            : []),
                        ];
                      })
                    : []),
                ];
              })}
            </tbody>
            <tfoot>
              <tr className="plan-total" data-level="total">
                <td />
                <td>Total</td>
                <td />
                <td className="num" data-value={tree.totals[column.id]}>
                  {formatNumber(tree.totals[column.id], decimals)}
                </td>
                <td />
              </tr>
            </tfoot>
          </table>
        )}
      </main>
    </>
  );
}

function HoldBox({ state, label, onChange }: { state: 'none' | 'some' | 'all'; label: string; onChange: (held: boolean) => void }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <label className="plan-hold" title={label}>
      <input ref={ref} type="checkbox" checked={state === 'all'} aria-label={label} onChange={(e) => onChange(e.target.checked)} />
      {state !== 'none' && <span className="plan-hold-tag">{state === 'all' ? 'held' : 'some'}</span>}
    </label>
  );
}

/**
 * A number that can be edited in place: shows the live value; while focused keeps the person's draft
 * (a remote change does not overwrite it); Enter or leaving the field commits, Escape reverts.
 */
function PlanNumber({
  value,
  decimals,
  label,
  allowEmpty = false,
  readOnly = false,
  onCommit,
}: {
  value: number | null | undefined;
  decimals: number;
  label: string;
  allowEmpty?: boolean;
  /** Shown, selectable and copyable, not editable (a viewer). */
  readOnly?: boolean;
  onCommit: (value: number | null) => string | null;
}) {
  const shown = value === null || value === undefined ? '' : formatNumber(value, decimals);
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const skipBlur = useRef(false);

  const commit = (): boolean => {
    if (draft === null || draft === shown) {
      setDraft(null);
      return true;
    }
    const parsed = parsePlanNumber(draft, allowEmpty);
    if (!parsed.ok) {
      setError(parsed.message);
      return false;
    }
    if (parsed.value === (value ?? null)) {
      setDraft(null);
      return true;
    }
    const refused = onCommit(parsed.value);
    if (refused) {
      setError(refused);
      setDraft(null); // the value stays what the document says; the message says why
      return false;
    }
    setError(null);
    setDraft(null);
    return true;
  };

  const messageId = useId();
  return (
    <span className="plan-input-wrap">
    <input
      className={`plan-input${error ? ' plan-input-error' : ''}`}
      aria-describedby={error ? messageId : undefined}
      type="text"
      inputMode="decimal"
      aria-label={label}
      readOnly={readOnly}
      aria-invalid={error ? true : undefined}
      title={error ?? undefined}
      data-value={value ?? ''}
      value={draft ?? shown}
      onFocus={(e) => {
        setDraft(shown);
        e.currentTarget.select();
      }}
      onChange={(e) => {
        setDraft(e.target.value);
        setError(null);
      }}
      onBlur={() => {
        if (skipBlur.current) {
          skipBlur.current = false;
          return;
        }
        commit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          if (commit()) {
            skipBlur.current = true;
            e.currentTarget.blur();
          }
        } else if (e.key === 'Escape') {
          e.preventDefault();
          setDraft(null);
          setError(null);
          skipBlur.current = true;
          e.currentTarget.blur();
        }
      }}
    />
    {error && (
      <span className="plan-input-message" id={messageId} role="alert">
        {error}
      </span>
    )}
    </span>
  );
}

const formatters = new Map<number, Intl.NumberFormat>();
function formatNumber(value: number, decimals: number): string {
  let format = formatters.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { maximumFractionDigits: Math.max(decimals, 0) });
    formatters.set(decimals, format);
  }
  return format.format(value);
}

function share(part: number, whole: number): string {
  if (!whole) return '';
  return `${Math.round((part / whole) * 1000) / 10}%`;
}

function groupLabel(name: string): string {
  return name === '' ? '(none)' : name;
}

function text(value: CellValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Text fields keep their own undo; checkboxes (holds) do not. */
function textFieldShortcutTarget(target: HTMLElement): boolean {
  return (target.tagName === 'INPUT' && (target as HTMLInputElement).type !== 'checkbox') || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT';
}
