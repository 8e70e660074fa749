// Top-down spreading on a products sheet: a brand's (or a brand's family's) new total in a number column is
// spread over its member rows with lib/spread.ts and written as one transaction, so it syncs, persists and
// undoes in one step. Also the brand → family → product tree with subtotals that the plan view renders.
import type * as Y from 'yjs';
import type { CellValue } from './schema';
import { applyCellUpdates, readSheet, SheetError, type ColumnInfo, type Editor, type SheetSnapshot } from './sheetDoc';
import { inferDecimals, roundToDecimals, spreadTotal } from './spread';

export interface SpreadGroup {
  brand: string;
  family?: string;
}

export interface SpreadRequest {
  /** Column id, or its name when no column has that id. */
  column: string;
  group: SpreadGroup;
  total: number;
  /** Row ids of members that keep their value. */
  hold?: readonly string[];
}

export interface SpreadOutcome {
  column: string;
  decimals: number;
  /** Every member, in sheet order, with its value before and after (held and unchanged rows included). */
  members: { row: string; before: number; after: number }[];
  /** How many cells were written (unchanged members are not rewritten). */
  changed: number;
}

/**
 * Spreads `request.total` over the live rows whose brand (and family, when given) cell equals the group's.
 * Groups are matched on the exact cell text; an empty cell is the group ''. Current values include
 * adjustments; an empty cell counts as 0. The precision is the column's, inferred from all its values.
 */
export function applySpread(doc: Y.Doc, request: SpreadRequest, editor: Editor): SpreadOutcome {
  const sheet = readSheet(doc);
  const column = resolveColumn(sheet.columns, request.column);
  if (column.type !== 'number') throw new SheetError('invalid_value', `column ${column.name} is ${column.type}; only number columns can be spread`);
  const brandColumn = requireGroupColumn(sheet.columns, 'brand');
  const familyColumn = request.group.family === undefined ? undefined : requireGroupColumn(sheet.columns, 'family');

  const rows = sheet.rows.filter(
    (row) =>
      groupKey(row.values[brandColumn.id]) === request.group.brand &&
      (familyColumn === undefined || groupKey(row.values[familyColumn.id]) === request.group.family),
  );
  if (rows.length === 0) throw new SheetError('not_found', `no rows in ${describeGroup(request.group)}`);

  const memberIds = new Set(rows.map((row) => row.id));
  const held = new Set(request.hold ?? []);
  for (const id of held) if (!memberIds.has(id)) throw new SheetError('not_found', `row ${id} is not in ${describeGroup(request.group)}`);

  const decimals = inferDecimals(sheet.rows.map((row) => row.values[column.id]));
  const current = rows.map((row) => ({ id: row.id, value: numberOrZero(row.values[column.id]), held: held.has(row.id) }));
  const result = spreadTotal(current, request.total, decimals);
  if (!result.ok) throw new SheetError('invalid_value', `cannot spread ${request.total} over ${describeGroup(request.group)}: ${result.message}`);

  const members = current.map((m) => ({ row: m.id, before: m.value, after: result.values.get(m.id)! }));
  // An empty cell that stays 0 is left empty: it already counts as 0.
  const updates = members.filter((m) => m.after !== m.before).map((m) => ({ row: m.row, col: column.id, value: m.after }));
  applyCellUpdates(doc, updates, editor);
  return { column: column.id, decimals, members, changed: updates.length };
}

// ---------- plan tree ----------

export interface PlanProduct {
  rowId: string;
  sku: CellValue;
  name: CellValue;
  /** Number columns only, by column id; empty cells are null. */
  values: Record<string, number | null>;
}

export interface PlanFamily {
  family: string;
  totals: Record<string, number>;
  products: PlanProduct[];
}

export interface PlanBrand {
  brand: string;
  totals: Record<string, number>;
  families: PlanFamily[];
}

export interface PlanTree {
  /** The number columns that have totals, in display order, with the precision totals are rounded to. */
  columns: (ColumnInfo & { decimals: number })[];
  brands: PlanBrand[];
  totals: Record<string, number>;
}

/**
 * Groups a products sheet snapshot into brand → family → product with subtotals for every number column.
 * Brands and families sort by name (code-unit order, the same on every replica); products keep sheet order.
 * Empty brand or family cells form the group '' (the view labels it). Subtotals are sums of the members
 * (never stored), rounded to the column's precision so float drift never shows.
 */
export function buildPlanTree(sheet: SheetSnapshot): PlanTree {
  const byName = (name: string) => sheet.columns.find((c) => c.name === name);
  const brandColumn = byName('brand');
  const familyColumn = byName('family');
  const skuColumn = byName('sku');
  const nameColumn = byName('name');
  const columns = sheet.columns
    .filter((c) => c.type === 'number')
    .map((c) => ({ ...c, decimals: inferDecimals(sheet.rows.map((row) => row.values[c.id])) }));

  const brands = new Map<string, Map<string, PlanProduct[]>>();
  for (const row of sheet.rows) {
    const brand = brandColumn ? groupKey(row.values[brandColumn.id]) : '';
    const family = familyColumn ? groupKey(row.values[familyColumn.id]) : '';
    const product: PlanProduct = {
      rowId: row.id,
      sku: skuColumn ? row.values[skuColumn.id] : null,
      name: nameColumn ? row.values[nameColumn.id] : null,
      values: Object.fromEntries(columns.map((c) => [c.id, typeof row.values[c.id] === 'number' ? (row.values[c.id] as number) : null])),
    };
    const families = brands.get(brand) ?? new Map<string, PlanProduct[]>();
    brands.set(brand, families);
    const products = families.get(family) ?? [];
    families.set(family, products);
    products.push(product);
  }

  const sumOf = (products: readonly PlanProduct[]) =>
    Object.fromEntries(columns.map((c) => [c.id, roundToDecimals(products.reduce((sum, p) => sum + (p.values[c.id] ?? 0), 0), c.decimals)]));
  const planBrands = [...brands.keys()].sort(compareNames).map((brand): PlanBrand => {
    const families = brands.get(brand)!;
    return {
      brand,
      totals: sumOf([...families.values()].flat()),
      families: [...families.keys()].sort(compareNames).map((family) => ({ family, totals: sumOf(families.get(family)!), products: families.get(family)! })),
    };
  });
  return { columns, brands: planBrands, totals: sumOf(planBrands.flatMap((b) => b.families.flatMap((f) => f.products))) };
}

// ---------- helpers ----------

function resolveColumn(columns: readonly ColumnInfo[], idOrName: string): ColumnInfo {
  const byId = columns.find((c) => c.id === idOrName);
  if (byId) return byId;
  const named = columns.filter((c) => c.name === idOrName);
  if (named.length === 0) throw new SheetError('not_found', `no column ${idOrName}`);
  if (named.length > 1) throw new SheetError('invalid_request', `${named.length} columns are named ${idOrName}; use the column id`);
  return named[0];
}

function requireGroupColumn(columns: readonly ColumnInfo[], name: 'brand' | 'family'): ColumnInfo {
  const column = columns.find((c) => c.name === name);
  if (!column) throw new SheetError('not_found', `the sheet has no ${name} column to group by`);
  return column;
}

/** The group a brand or family cell puts its row in: its text, '' when empty. */
function groupKey(value: CellValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/** A number cell's value for spreading: empty (or a stale non-number after a retype) counts as 0. */
function numberOrZero(value: CellValue | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function describeGroup(group: SpreadGroup): string {
  return group.family === undefined ? `brand "${group.brand}"` : `brand "${group.brand}", family "${group.family}"`;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
