// The plan view's pure helpers: which held rows belong to a group being spread, what a typed plan number
// means, and the URL state (column, holds) the view keeps so a reload or a shared link shows the same plan.
import type { PlanBrand, PlanFamily, PlanTree } from '../sheetSpread';

export interface PlanGroupRef {
  brand: string;
  family?: string;
}

/** The product row ids of a brand (or a brand's family), in tree order. */
export function groupMembers(tree: PlanTree, group: PlanGroupRef): string[] {
  const brand = tree.brands.find((b) => b.brand === group.brand);
  if (!brand) return [];
  const families = group.family === undefined ? brand.families : brand.families.filter((f) => f.family === group.family);
  return families.flatMap((f) => f.products.map((p) => p.rowId));
}

/** The held rows that are members of the group: applySpread refuses holds outside the group. */
export function holdsInGroup(tree: PlanTree, group: PlanGroupRef, holds: ReadonlySet<string>): string[] {
  return groupMembers(tree, group).filter((id) => holds.has(id));
}

export type HoldState = 'none' | 'some' | 'all';

export function holdState(rowIds: readonly string[], holds: ReadonlySet<string>): HoldState {
  let held = 0;
  for (const id of rowIds) if (holds.has(id)) held++;
  return held === 0 ? 'none' : held === rowIds.length ? 'all' : 'some';
}

export function familyRowIds(family: PlanFamily): string[] {
  return family.products.map((p) => p.rowId);
}

export function brandRowIds(brand: PlanBrand): string[] {
  return brand.families.flatMap(familyRowIds);
}

/**
 * A number typed into the plan: plain decimals with optional thousands separators (`1,200`, `-3.5`).
 * Empty means "no value" (allowed for a product cell, not for a total).
 */
export function parsePlanNumber(text: string, allowEmpty: boolean): { ok: true; value: number | null } | { ok: false; message: string } {
  const trimmed = text.trim().replace(/[\s_]/g, '');
  if (trimmed === '') return allowEmpty ? { ok: true, value: null } : { ok: false, message: 'a total needs a number' };
  const normalized = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(trimmed) ? trimmed.replace(/,/g, '') : trimmed;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(normalized)) return { ok: false, message: `“${text.trim()}” is not a number` };
  const value = Number(normalized);
  if (!Number.isFinite(value)) return { ok: false, message: `“${text.trim()}” is not a finite number` };
  return { ok: true, value };
}

export interface PlanUrlState {
  column: string | null;
  holds: Set<string>;
}

/** Reads `?column=…&hold=a,b` (holds are row ids). */
export function readPlanUrl(search: string): PlanUrlState {
  const params = new URLSearchParams(search);
  const holds = new Set(
    (params.get('hold') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => /^[A-Za-z0-9_-]{1,64}$/.test(s)),
  );
  return { column: params.get('column') || null, holds };
}

/** The query string for the state, keeping any other parameters. */
export function writePlanUrl(search: string, state: PlanUrlState): string {
  const params = new URLSearchParams(search);
  if (state.column) params.set('column', state.column);
  else params.delete('column');
  if (state.holds.size > 0) params.set('hold', [...state.holds].sort().join(','));
  else params.delete('hold');
  const text = params.toString();
  return text ? `?${text}` : '';
}
