// A cell's visible value: its latest set plus every adjustment stamped after that set.
import { compareStamps } from './hlc';
import type { Adjustment, Cell, CellValue } from './schema';

export type AdjustmentIndex = Map<string, Adjustment[]>;

export function cellKey(row: string, col: string): string {
  return `${row}\u0001${col}`;
}

/** Groups adjustments by cell, each list in one total order so every replica sums the same floats. */
export function indexAdjustments(adjustments: Iterable<Adjustment>): AdjustmentIndex {
  const index: AdjustmentIndex = new Map();
  for (const adjustment of adjustments) {
    const key = cellKey(adjustment.row, adjustment.col);
    const list = index.get(key);
    if (list) list.push(adjustment);
    else index.set(key, [adjustment]);
  }
  for (const list of index.values()) list.sort(compareAdjustments);
  return index;
}

export function compareAdjustments(a: Adjustment, b: Adjustment): number {
  return compareStamps(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** True when the adjustment happened after the set, so it applies on top of it. */
export function adjustmentApplies(adjustment: Adjustment, cell: Cell | undefined): boolean {
  return cell === undefined || compareStamps(adjustment, cell) > 0;
}

export function resolveCell(cell: Cell | undefined, adjustments: readonly Adjustment[] | undefined): CellValue {
  const base = cell ? cell.v : null;
  if (!adjustments || adjustments.length === 0) return base;
  if (base !== null && typeof base !== 'number') return base;
  let total = base ?? 0;
  let applied = false;
  for (const adjustment of adjustments) {
    if (!adjustmentApplies(adjustment, cell)) continue;
    total += adjustment.d;
    applied = true;
  }
  if (!applied) return base;
  // Keep sums like 0.1 + 0.2 readable without changing integer arithmetic.
  return Math.round(total * 1e9) / 1e9;
}
