// Server-side arbiter for concurrent cell sets (DESIGN "Merge semantics" 2): the later HLC stamp wins.
//
// Yjs orders concurrent `cells.set(col, …)` items of one key by clientID and shows the rightmost, which may
// be the older edit. The server sees every update, so after each transaction that adds cell items it
// compares the writes that raced (the items the transaction added plus the value visible before it) and,
// when Yjs shows the wrong one, sets the winner again. That re-assert is an ordinary sequential set (its
// writer saw the value it replaces), so it converges everywhere, plain y-websocket clients included.
// Every concurrent loser is recorded once in `conflicts`.
//
// "Concurrent" is judged from the items: an item's `origin` is the item its writer saw when setting the
// key, so following origins tells which earlier writes the writer had seen (a sequential overwrite,
// not a conflict). Deleted items' content is garbage-collected at the end of a transaction, so the
// arbiter runs in `afterTransaction`, which Yjs calls before that cleanup.
import * as Y from 'yjs';
import { cellLocation, forEachNewItem, isCellsMapRemoved, isNewItem, readCellItem } from './cellItems';
import { compareStamps } from './hlc';
import type { Cell, ConflictRecord } from './schema';
import { conflictsArray } from './sheetDoc';

/** Default origin of the arbiter's own transactions (re-asserts and conflict records). */
export const CELL_ARBITER_ORIGIN = Object.freeze({ name: 'cellArbiter' });

export interface CellArbiterOptions {
  origin?: unknown;
  onConflict?: (record: ConflictRecord) => void;
  /**
   * The server's clock and how far ahead of it a new cell's time may be (DESIGN "limits"): a set stamped
   * later than that counts as stamped now, and is re-asserted so, so it cannot beat later real edits.
   */
  futureStamps?: { now: () => number; aheadMs: () => number };
}

interface Decision {
  cells: Y.Map<Cell>;
  row: string;
  col: string;
  bestCell: Cell;
  reassert: boolean;
  lost: Cell[];
  /** Conflict records to drop: their lost value is shown again. */
  dismiss: string[];
}

/** Arbitrates every later transaction of `doc`; returns the function that detaches it. */
export function attachCellArbiter(doc: Y.Doc, options: CellArbiterOptions = {}): () => void {
  const origin = options.origin ?? CELL_ARBITER_ORIGIN;
  // The Yjs clients that wrote each re-asserted value originally: a copy's item belongs to this doc's
  // client, but its original writer has seen it, so that writer's next edit is sequential, not a conflict.
  const originalWriters = new Map<string, Set<number>>();

  const onTransaction = (transaction: Y.Transaction) => {
    const decisions = decide(transaction, originalWriters, options.futureStamps);
    if (decisions.length > 0) apply(doc, decisions, origin, originalWriters, options.onConflict);
  };
  doc.on('afterTransaction', onTransaction);
  return () => doc.off('afterTransaction', onTransaction);
}

function decide(transaction: Y.Transaction, originalWriters: Map<string, Set<number>>, future: CellArbiterOptions['futureStamps']): Decision[] {
  const clamp = future ? clampTo(future.now(), future.aheadMs()) : (cell: Cell) => cell;
  const doc = transaction.doc;
  const touched = new Map<Y.Map<Cell>, Map<string, { row: string; items: Y.Item[] }>>();
  forEachNewItem(transaction, (item) => {
    const location = cellLocation(doc, item);
    if (!location) return;
    let keys = touched.get(location.cells);
    if (!keys) touched.set(location.cells, (keys = new Map()));
    const entry = keys.get(location.col);
    if (entry) entry.items.push(item);
    else keys.set(location.col, { row: location.row, items: [item] });
  });

  const decisions: Decision[] = [];
  // Keys whose shown value was removed without a replacement.
  transaction.changed.forEach((keys, type) => {
    if (!(type instanceof Y.Map) || type._item === null) return;
    for (const col of keys) {
      if (col === null || touched.get(type as Y.Map<Cell>)?.has(col)) continue;
      const item = type._map.get(col);
      if (!item) continue;
      const location = cellLocation(doc, item);
      if (!location || isCellsMapRemoved(location.cells)) continue;
      const decision = decideRemoval(transaction, location.cells, location.row, location.col, originalWriters);
      if (decision) decisions.push(decision);
    }
  });
  touched.forEach((keys, cells) => {
    if (isCellsMapRemoved(cells)) return;
    keys.forEach(({ row, items }, col) => {
      const decision = decideKey(transaction, cells, row, col, items, originalWriters, clamp);
      if (decision) decisions.push(decision);
    });
  });
  return decisions;
}

function decideKey(
  transaction: Y.Transaction,
  cells: Y.Map<Cell>,
  row: string,
  col: string,
  newItems: Y.Item[],
  originalWriters: Map<string, Set<number>>,
  clamp: (cell: Cell) => Cell,
): Decision | null {
  const visibleBefore = findVisibleBefore(transaction, cells, col);
  if (isPlainOverwrite(transaction, cells, col, newItems, visibleBefore, clamp)) return null;
  const candidates: Y.Item[] = [];
  if (visibleBefore && isCandidate(visibleBefore)) candidates.push(visibleBefore);
  for (const item of newItems) if (isCandidate(item)) candidates.push(item);
  if (candidates.length === 0) return null;

  const seen = itemsSeenByNewWrites(transaction, newItems);
  const writersOf = (item: Y.Item) => {
    const writers = new Set([item.id.client]);
    const cell = readCellItem(item)!;
    for (const writer of originalWriters.get(stampKey(row, col, cell)) ?? []) writers.add(writer);
    return writers;
  };
  // A client always sees its own earlier writes, even when its later write's origin does not lead to them
  // (e.g. the server re-asserted the client's value and the client had not received the copy yet).
  for (const candidate of candidates) {
    if (seen.has(candidate)) continue;
    const writers = writersOf(candidate);
    const ownLater = newItems.some(
      (item) => item !== candidate && writers.has(item.id.client) && (!isNewItem(transaction, candidate) || item.id.clock > candidate.id.clock),
    );
    if (ownLater) seen.add(candidate);
  }

  const frontier = candidates.filter((item) => !seen.has(item));
  if (frontier.length === 0) return null;
  // A new write stamped too far ahead competes (and is shown) as stamped now.
  const contenders: Contender[] = frontier.map((item) => ({
    cell: isNewItem(transaction, item) ? clamp(readCellItem(item)!) : readCellItem(item)!,
    item,
    writers: writersOf(item),
  }));
  contenders.push(...revivedLosers(transaction.doc, row, col, visibleBefore, seen, contenders, originalWriters));

  const visibleAfter = visibleItem(cells, col);
  let best = contenders[0];
  for (const contender of contenders.slice(1)) {
    const order = compareStamps(contender.cell, best.cell);
    if (order > 0 || (order === 0 && contender.item !== null && contender.item === visibleAfter)) best = contender;
  }
  const shown = visibleAfter ? readCellItem(visibleAfter) : undefined;
  const reassert = shown === undefined || !sameStamp(shown, best.cell);
  const losers = contenders.filter((c) => c.item !== null && !sameStamp(c.cell, best.cell));
  const dismiss = best.item === null ? [conflictKey(row, col, best.cell)] : [];
  if (!reassert && losers.length === 0 && dismiss.length === 0) return null;
  if (reassert) originalWriters.set(stampKey(row, col, best.cell), best.writers);
  for (const loser of losers) originalWriters.set(stampKey(row, col, loser.cell), loser.writers);
  return { cells, row, col, bestCell: best.cell, reassert, lost: losers.map((c) => c.cell), dismiss };
}

/**
 * The common case, decided without the general walk (a persister applies tens of thousands a second): the
 * key's new writes form one chain, each written over the one before (its origin), from the value shown
 * before the transaction; the last is shown, stamped within the future limit and no older than the value
 * it replaced. The general path finds nothing to do for it either: every write but the last was seen by a
 * later one, so the last is the one contender, shown, nothing lost, nothing revived.
 */
function isPlainOverwrite(
  transaction: Y.Transaction,
  cells: Y.Map<Cell>,
  col: string,
  newItems: Y.Item[],
  visibleBefore: Y.Item | null,
  clamp: (cell: Cell) => Cell,
): boolean {
  const last = cells._map.get(col);
  if (last === undefined || last.deleted || !isNewItem(transaction, last)) return false;
  const cell = readCellItem(last);
  if (cell === undefined || clamp(cell) !== cell) return false;
  const store = transaction.doc.store;
  let chained = 1;
  let current: Y.Item = last;
  for (;;) {
    if (current.origin === null) return visibleBefore === null && chained === newItems.length;
    const previous = Y.getItem(store, current.origin);
    if (!(previous instanceof Y.Item)) return visibleBefore === null && chained === newItems.length;
    if (!isNewItem(transaction, previous)) {
      if (chained !== newItems.length) return false;
      if (visibleBefore === null) return true;
      if (previous !== visibleBefore) return false;
      const replaced = readCellItem(visibleBefore);
      return replaced === undefined || compareStamps(cell, replaced) >= 0;
    }
    if (++chained > newItems.length) return false;
    current = previous;
  }
}

interface Contender {
  cell: Cell;
  /** Null for a value revived from a conflict record. */
  item: Y.Item | null;
  writers: Set<number>;
}

/**
 * When a write reverts the shown value to an older stamp (an undo restores the value before it), the
 * values the shown one had beaten compete again: it was only the undone value that made them lose.
 */
function revivedLosers(
  doc: Y.Doc,
  row: string,
  col: string,
  visibleBefore: Y.Item | null,
  seen: Set<Y.Item>,
  contenders: Contender[],
  originalWriters: Map<string, Set<number>>,
): Contender[] {
  const replaced = visibleBefore && seen.has(visibleBefore) ? readCellItem(visibleBefore) : undefined;
  if (!replaced || !contenders.some((c) => compareStamps(c.cell, replaced) < 0)) return [];
  return losersBeatenBy(doc, row, col, replaced, originalWriters);
}

/** The lost values of the open conflict records `kept` won (a record a user already resolved stays resolved). */
function losersBeatenBy(doc: Y.Doc, row: string, col: string, kept: Cell, originalWriters: Map<string, Set<number>>): Contender[] {
  return conflictsArray(doc)
    .toArray()
    .filter((record) => record.row === row && record.col === col && sameStamp(record.kept, kept))
    .map((record) => ({ cell: record.lost, item: null, writers: originalWriters.get(stampKey(row, col, record.lost)) ?? new Set<number>() }));
}

/** The shown value was removed outright (an undo whose restore Yjs refused): the values it had beaten come back. */
function decideRemoval(
  transaction: Y.Transaction,
  cells: Y.Map<Cell>,
  row: string,
  col: string,
  originalWriters: Map<string, Set<number>>,
): Decision | null {
  const removed = cells._map.get(col);
  if (!removed || !removed.deleted || removed.right !== null || !Y.isDeleted(transaction.deleteSet, removed.id)) return null;
  const removedCell = readCellItem(removed);
  if (!removedCell) return null;
  const revived = losersBeatenBy(transaction.doc, row, col, removedCell, originalWriters);
  if (revived.length === 0) return null;
  const best = revived.reduce((a, b) => (compareStamps(b.cell, a.cell) > 0 ? b : a));
  originalWriters.set(stampKey(row, col, best.cell), best.writers);
  return { cells, row, col, bestCell: best.cell, reassert: true, lost: [], dismiss: [conflictKey(row, col, best.cell)] };
}

/** A value that can win: readable, and not removed outright (a deleted item with nothing to its right was deleted by its writer, not overwritten). */
function isCandidate(item: Y.Item): boolean {
  return readCellItem(item) !== undefined && !(item.deleted && item.right === null);
}

/** The key's value before the transaction: the rightmost older item, if it was not already deleted. */
function findVisibleBefore(transaction: Y.Transaction, cells: Y.Map<Cell>, col: string): Y.Item | null {
  let item = cells._map.get(col) ?? null;
  while (item !== null && isNewItem(transaction, item)) item = item.left;
  if (item === null) return null;
  if (item.deleted && !Y.isDeleted(transaction.deleteSet, item.id)) return null;
  return item;
}

function visibleItem(cells: Y.Map<Cell>, col: string): Y.Item | null {
  const item = cells._map.get(col);
  return item && !item.deleted ? item : null;
}

/**
 * Items some new write had seen: walking each new item's origins back through the new items to the first
 * older one. Older items never point at new ones, and the older value visible before the transaction is
 * the only older item any new write can still be racing, so the walk stops there.
 */
function itemsSeenByNewWrites(transaction: Y.Transaction, newItems: Y.Item[]): Set<Y.Item> {
  const store = transaction.doc.store;
  const seen = new Set<Y.Item>();
  for (const item of newItems) {
    let current: Y.Item = item;
    while (current.origin !== null) {
      const previous = Y.getItem(store, current.origin);
      if (!(previous instanceof Y.Item) || seen.has(previous)) break;
      seen.add(previous);
      if (!isNewItem(transaction, previous)) break;
      current = previous;
    }
  }
  return seen;
}

function apply(
  doc: Y.Doc,
  decisions: Decision[],
  origin: unknown,
  originalWriters: Map<string, Set<number>>,
  onConflict: CellArbiterOptions['onConflict'],
): void {
  const recorded: ConflictRecord[] = [];
  doc.transact(() => {
    const conflicts = conflictsArray(doc);
    const dismissed = new Set(decisions.flatMap((decision) => decision.dismiss));
    if (dismissed.size > 0) {
      const records = conflicts.toArray();
      for (let i = records.length - 1; i >= 0; i--) {
        if (dismissed.has(conflictKey(records[i].row, records[i].col, records[i].lost))) conflicts.delete(i, 1);
      }
    }
    const known = new Set(conflicts.toArray().map((record) => conflictKey(record.row, record.col, record.lost)));
    for (const { cells, row, col, bestCell, reassert, lost } of decisions) {
      if (reassert) cells.set(col, { ...bestCell });
      for (const cell of lost) {
        const key = conflictKey(row, col, cell);
        if (known.has(key)) continue;
        known.add(key);
        const record: ConflictRecord = { row, col, kept: { ...bestCell }, lost: { ...cell } };
        conflicts.push([record]);
        recorded.push(record);
      }
    }
  }, origin);
  // Forgetting original writers costs at most a spurious conflict record later, so a crude bound will do.
  if (originalWriters.size > 10_000) originalWriters.clear();
  if (onConflict) for (const record of recorded) onConflict(record);
}

/** A cell stamped more than `aheadMs` after `now` gets `now` as its time. */
export function clampTo(now: number, aheadMs: number): (cell: Cell) => Cell {
  return (cell) => (cell.t > now + aheadMs ? { ...cell, t: now } : cell);
}

/** Conflict records are deduplicated on the losing write: one record per (row, col, lost stamp). */
export function conflictKey(row: string, col: string, lost: Pick<Cell, 't' | 'by'>): string {
  return `${row}\u0001${col}\u0001${lost.t}\u0001${lost.by}`;
}

function stampKey(row: string, col: string, cell: Cell): string {
  return conflictKey(row, col, cell);
}

function sameStamp(a: Cell, b: Cell): boolean {
  return compareStamps(a, b) === 0;
}
