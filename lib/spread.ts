// Top-down spreading (DESIGN.md "Top-down spreading"): a new group total is allocated over its members in
// proportion to their current values, with largest-remainder rounding at the column's precision so the
// members sum exactly to the total. Pure: no document, no I/O.
//
// Decisions beyond the design text:
// - Arithmetic is exact: the total and held values are counted in integer units of 10^-decimals, and the
//   weights (current values) are read as the decimals a person sees (String(value)), scaled to BigInts. So
//   "sums exactly" means the members' units add up to the total's units, with no float drift.
// - A total or a held value with more decimals than the precision is refused rather than silently rounded.
// - The free (non-held) members must absorb `total − held`. That remainder may be negative only when the
//   requested total itself is negative (a whole group going below zero, e.g. a loss column); holds that
//   exceed a non-negative total are refused, since they would push the other members below zero.
// - Proportional weights must share one sign: members with mixed positive and negative values are refused
//   (a proportional share of a total across mixed signs has no sensible meaning).

export interface SpreadMember {
  id: string;
  value: number;
  held?: boolean;
}

export type SpreadResult = { ok: true; values: Map<string, number> } | { ok: false; message: string };

/** The most decimals any precision may have: keeps unit counts far inside exact integer range. */
export const MAX_SPREAD_DECIMALS = 10;
/** Precision inferred from a column's values never goes finer than this (float noise like 0.1 + 0.2). */
export const MAX_INFERRED_DECIMALS = 4;
/** Every result is a count of units that must convert to a double exactly. */
const MAX_UNITS = BigInt(Number.MAX_SAFE_INTEGER);

export function spreadTotal(members: readonly SpreadMember[], total: number, decimals: number): SpreadResult {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_SPREAD_DECIMALS) {
    return refuse(`precision must be a whole number of decimals from 0 to ${MAX_SPREAD_DECIMALS}, got ${decimals}`);
  }
  if (typeof total !== 'number' || !Number.isFinite(total)) return refuse(`the total must be a finite number, got ${String(total)}`);
  if (members.length === 0) return refuse('the group has no members to spread over');
  const ids = new Set<string>();
  for (const member of members) {
    if (ids.has(member.id)) return refuse(`member ${member.id} appears twice`);
    ids.add(member.id);
    if (!Number.isFinite(member.value)) return refuse(`member ${member.id} has a value that is not a finite number`);
  }

  const totalUnits = toUnits(total, decimals);
  if (totalUnits === null) return refuse(`the total ${total} has more decimals than the column's precision (${describePrecision(decimals)})`);

  const values = new Map<string, number>();
  let heldUnits = 0n;
  const free: SpreadMember[] = [];
  for (const member of members) {
    if (!member.held) {
      free.push(member);
      continue;
    }
    const units = toUnits(member.value, decimals);
    if (units === null) return refuse(`held member ${member.id} has more decimals than the column's precision (${describePrecision(decimals)})`);
    heldUnits += units;
    values.set(member.id, member.value);
  }

  const freeUnits = totalUnits - heldUnits;
  if ([totalUnits, heldUnits, freeUnits].some((units) => units > MAX_UNITS || units < -MAX_UNITS)) {
    return refuse(`the total ${total} is too large to spread exactly at ${describePrecision(decimals)}`);
  }
  if (free.length === 0) {
    if (freeUnits === 0n) return { ok: true, values };
    return refuse(`every member is held, so the total stays ${fromUnits(heldUnits, decimals)}; release a hold to change it to ${total}`);
  }
  if (freeUnits < 0n && totalUnits >= 0n) {
    return refuse(
      `held members already sum to ${fromUnits(heldUnits, decimals)}, more than the new total ${total}; ` +
        'the other members would have to go below zero. Release a hold or raise the total',
    );
  }

  const weights = proportionalWeights(free);
  if (typeof weights === 'string') return refuse(weights);
  const allocation = largestRemainder(freeUnits, free.map((m) => m.id), weights);
  free.forEach((member, i) => values.set(member.id, fromUnits(allocation[i], decimals)));
  return { ok: true, values };
}

/** Decimals to spread a column at: the most any of its numbers shows, capped (0 for whole units). */
export function inferDecimals(values: Iterable<unknown>): number {
  let decimals = 0;
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    decimals = Math.max(decimals, Math.min(decimalParts(value).scale, MAX_INFERRED_DECIMALS));
  }
  return decimals;
}

/** Rounds a sum of column values back to the column's precision (hides float drift in subtotals). */
export function roundToDecimals(value: number, decimals: number): number {
  const units = Math.round(value * 10 ** decimals);
  return units / 10 ** decimals || 0;
}

// ---------- allocation ----------

/**
 * Largest-remainder allocation of `units` over non-negative integer weights: each member gets the floor of
 * its exact share, and the units left over go one each to the largest remainders, ties to the smaller id.
 * A negative total is allocated as the mirror image of its magnitude, so rounding is symmetric.
 */
function largestRemainder(units: bigint, ids: readonly string[], weights: readonly bigint[]): bigint[] {
  const sign = units < 0n ? -1n : 1n;
  const magnitude = units * sign;
  const weightSum = weights.reduce((sum, w) => sum + w, 0n);
  const shares = weights.map((w) => (magnitude * w) / weightSum);
  let left = magnitude - shares.reduce((sum, s) => sum + s, 0n);
  // Members whose remainder is zero (zero weights included) never need a leftover unit: the leftover is
  // the sum of the remainders divided by weightSum, which is less than the count of non-zero remainders.
  const order = weights
    .map((w, i) => ({ i, remainder: (magnitude * w) % weightSum }))
    .filter((entry) => entry.remainder > 0n)
    .sort((a, b) => (a.remainder !== b.remainder ? (a.remainder > b.remainder ? -1 : 1) : compareIds(ids[a.i], ids[b.i])));
  for (const { i } of order) {
    if (left === 0n) break;
    shares[i] += 1n;
    left -= 1n;
  }
  return shares.map((share) => share * sign);
}

/** Exact integer weights for the free members, or the reason they cannot be spread proportionally. */
function proportionalWeights(free: readonly SpreadMember[]): bigint[] | string {
  const positive = free.some((m) => m.value > 0);
  const negative = free.some((m) => m.value < 0);
  if (positive && negative) {
    return 'members have both positive and negative values, so the total cannot be spread in proportion to them';
  }
  // All zero: an equal split.
  if (!positive && !negative) return free.map(() => 1n);
  const parts = free.map((m) => decimalParts(Math.abs(m.value)));
  const scale = Math.max(...parts.map((p) => p.scale));
  return parts.map((p) => p.digits * 10n ** BigInt(scale - p.scale));
}

// ---------- exact decimal units ----------

/** `value` as a count of 10^-decimals units, or null when it has finer decimals than that. */
function toUnits(value: number, decimals: number): bigint | null {
  const { digits, scale } = decimalParts(value);
  if (scale <= decimals) return digits * 10n ** BigInt(decimals - scale);
  const divisor = 10n ** BigInt(scale - decimals);
  return digits % divisor === 0n ? digits / divisor : null;
}

function fromUnits(units: bigint, decimals: number): number {
  // Dividing an exact integer by a power of ten yields the double nearest the decimal (123 / 100 → 1.23).
  return Number(units) / 10 ** decimals || 0;
}

/** The decimal a person sees for `value` (its shortest round-trip form) as digits / 10^scale, exactly. */
function decimalParts(value: number): { digits: bigint; scale: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!match) throw new Error(`cannot read ${value} as a decimal`);
  const [, minus, whole, fraction = '', exponentText] = match;
  const exponent = exponentText ? Number(exponentText) : 0;
  let digits = BigInt(whole + fraction);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: minus ? -digits : digits, scale };
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describePrecision(decimals: number): string {
  return decimals === 0 ? 'whole units' : `${decimals} decimal${decimals === 1 ? '' : 's'}`;
}

function refuse(message: string): SpreadResult {
  return { ok: false, message };
}
