// Checks an incoming Yjs update against document schema v1 before it is applied, so a client that sends
// well-formed Yjs carrying the wrong shapes (a cell that is not { v, t, by }, a row that is not a map, a
// shared type the schema does not have, a text over its limit, a column id that differs from another only
// in case) is refused and changes nothing.
//
// Every item is checked, whatever order updates arrive in. An item's place in the document (which map,
// which key) comes from its parent, or from the neighbour it was inserted next to; when that item is in
// neither the update nor the document, the update cannot be checked yet and the verdict is `held`, naming
// the missing item. The caller keeps the update unapplied (Yjs would keep it as pending structs and apply
// it, unchecked, once the parent arrives) and checks it again when the document has that item.
import * as Y from 'yjs';
import { limits } from './limits';
import { ADJUSTMENTS, COLUMNS, CONFLICTS, META, ROWS, USERS } from './schema';
import { hasCell, sheetCellCount, sheetRowCount } from './sheetCapacity';
import {
  adjustmentProblem,
  cellProblem,
  columnFieldProblem,
  conflictProblem,
  idProblem,
  metaFieldProblem,
  rowFieldProblem,
  userProblem,
} from './schemaRules';

type Path = string[];
interface ItemLike {
  id: Y.ID;
  length: number;
  parent: unknown;
  parentSub: string | null;
  origin: Y.ID | null;
  rightOrigin: Y.ID | null;
  content: unknown;
}

/** `full`: refused only because the sheet would pass its cell or row cap (the update itself is well-formed). */
export type GuardVerdict = { ok: true } | { ok: false; problem: string; full?: true } | { ok: 'held'; missing: Y.ID };

const idKey = (id: Y.ID) => `${id.client}:${id.clock}`;
/** A place under a parent that was removed and garbage-collected: Yjs discards such items, nothing to check. */
const DEAD = Symbol('dead');
type Place = { path: Path; key: string | null } | typeof DEAD | { missing: Y.ID };

/** Checks an update against the document it is about to be applied to. Throws if it is not a Yjs update. */
export function checkUpdate(doc: Y.Doc, update: Uint8Array): GuardVerdict {
  const check = new UpdateCheck(doc);
  check.add(update);
  return check.step()!;
}

/**
 * The check of one update given in parts (the slices of a big update, lib/updateSlices.ts, in order), done
 * a few items at a time so a caller can keep its event loop free: `add` each part, then call `step` until it
 * returns the verdict. The document must not receive the update's parts meanwhile.
 */
export class UpdateCheck {
  private readonly items: ItemLike[] = [];
  // The update's items per client, in clock order (as decoded), for origin lookups by binary search: a
  // merged run of items covers several clocks. No per-clock index: big updates would allocate millions.
  private readonly byClient = new Map<number, ItemLike[]>();
  private readonly places = new Map<ItemLike, Place>();
  // The path of the types a map-typed item holds (its children's path), built once per owner.
  private readonly childPaths = new Map<ItemLike, Path>();
  private readonly newColumns = new Map<string, string>();
  // Cells (row and column ids) and rows the update creates, against the sheet's caps; the sheet's count once one is seen.
  private newCells: Set<string> | null = null;
  private sheetCells: number | null = null;
  private newRows: Set<string> | null = null;
  private next = 0;

  constructor(private readonly doc: Y.Doc) {}

  /** Adds an update's items (throws if it is not a Yjs update). Parts of one update come in clock order per client. */
  add(update: Uint8Array): void {
    const { structs } = Y.decodeUpdate(update);
    for (const struct of structs) {
      if (!(struct instanceof Y.Item)) continue;
      const item = struct as unknown as ItemLike;
      this.items.push(item);
      const list = this.byClient.get(item.id.client);
      if (list) list.push(item);
      else this.byClient.set(item.id.client, [item]);
    }
  }

  /** How many items are still to be checked. */
  get remaining(): number {
    return this.items.length - this.next;
  }

  /** Checks up to `count` more items: the verdict once it is known, or null when items remain. */
  step(count = Infinity): GuardVerdict | null {
    const end = Math.min(this.items.length, this.next + count);
    for (; this.next < end; this.next++) {
      const item = this.items[this.next];
      if (item.content instanceof Y.ContentDeleted) continue;
      const where = this.place(item);
      if (where === DEAD) continue;
      if ('missing' in where) return { ok: 'held', missing: where.missing };
      const { path, key } = where;
      const problem = checkItem(path, key, item.content) ?? (path.length === 1 && path[0] === COLUMNS ? columnKeyProblem(this.doc, key!, this.newColumns) : null);
      if (problem) return { ok: false, problem: `${placeName(path, key)}: ${problem}` };
      const full = path[0] !== ROWS ? null : path.length === 3 ? this.cellCapProblem(path[1], key!) : path.length === 1 ? this.rowCapProblem(key!) : null;
      if (full) return { ok: false, problem: `${placeName(path, key)}: ${full}`, full: true };
    }
    return this.next < this.items.length ? null : { ok: true };
  }

  /** A cell (checkItem has checked its place) that does not exist yet counts against the sheet's cap. */
  private cellCapProblem(row: string, col: string): string | null {
    if (hasCell(this.doc, row, col)) return null;
    const cell = `${row}\u0000${col}`;
    this.newCells ??= new Set();
    if (this.newCells.has(cell)) return null;
    this.newCells.add(cell);
    this.sheetCells ??= sheetCellCount(this.doc);
    const cap = limits().cellsPerSheet;
    return this.sheetCells + this.newCells.size > cap ? `a sheet has at most ${cap.toLocaleString('en-US')} cells` : null;
  }

  /** A row id not in the sheet yet counts against its row cap. */
  private rowCapProblem(row: string): string | null {
    if (this.newRows?.has(row) || this.doc.getMap(ROWS)._map.has(row)) return null;
    this.newRows ??= new Set();
    this.newRows.add(row);
    const cap = limits().rowsPerSheet;
    return sheetRowCount(this.doc) + this.newRows.size > cap ? `a sheet has at most ${cap.toLocaleString('en-US')} rows` : null;
  }

  private inUpdate(id: Y.ID): ItemLike | undefined {
    const list = this.byClient.get(id.client);
    if (!list) return undefined;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const item = list[mid];
      if (id.clock < item.id.clock) high = mid - 1;
      else if (id.clock >= item.id.clock + item.length) low = mid + 1;
      else return item;
    }
    return undefined;
  }

  private find(id: Y.ID): ItemLike | typeof DEAD | null {
    const local = this.inUpdate(id);
    if (local) return local;
    if (id.clock >= Y.getState(this.doc.store, id.client)) return null;
    const struct = Y.getItem(this.doc.store, id) as unknown;
    return struct instanceof Y.Item ? (struct as unknown as ItemLike) : DEAD;
  }

  // The path of the type an item lives in (['rows'], ['rows', rowId], ['rows', rowId, 'cells'], …) and its key.
  private place(item: ItemLike, depth = 0): Place {
    const known = this.places.get(item);
    if (known) return known;
    let result: Place;
    const parent = item.parent;
    if (depth > 64) result = DEAD;
    else if (typeof parent === 'string') result = { path: [parent], key: item.parentSub };
    else if (parent instanceof Y.ID) {
      const owner = this.find(parent);
      if (owner === null) result = { missing: parent };
      else if (owner === DEAD || !(owner.content instanceof Y.ContentType)) result = DEAD;
      else {
        const ownerPlace = this.place(owner, depth + 1);
        if (ownerPlace === DEAD || 'missing' in ownerPlace) result = ownerPlace;
        else if (ownerPlace.key === null) result = DEAD;
        else {
          let path = this.childPaths.get(owner);
          if (!path) this.childPaths.set(owner, (path = [...ownerPlace.path, ownerPlace.key]));
          result = { path, key: item.parentSub };
        }
      }
    } else if (parent instanceof Y.AbstractType) {
      const path = typePath(parent as Y.AbstractType<unknown>);
      result = path ? { path, key: item.parentSub } : DEAD;
    } else {
      // No parent written: it is the parent of the item it was inserted next to.
      const neighbourId = item.origin ?? item.rightOrigin;
      const neighbour = neighbourId ? this.find(neighbourId) : DEAD;
      if (neighbour === null) result = { missing: neighbourId! };
      else if (neighbour === DEAD) result = DEAD;
      else {
        const p = this.place(neighbour, depth + 1);
        result = p === DEAD || 'missing' in p ? p : { path: p.path, key: item.parentSub ?? neighbour.parentSub };
      }
    }
    this.places.set(item, result);
    return result;
  }
}

const placeName = (path: Path, key: string | null) => [...path, key ?? ''].filter(Boolean).join('.').slice(0, 200);

/** Why the update breaks the schema, or null when it is fine (an update that cannot be checked yet is refused). */
export function checkUpdateShape(doc: Y.Doc, update: Uint8Array): string | null {
  const verdict = checkUpdate(doc, update);
  if (verdict.ok === true) return null;
  if (verdict.ok === 'held') return `an item depends on ${idKey(verdict.missing)}, which has not arrived`;
  return verdict.problem;
}

/** Column ids are unique without regard to case (DuckDB's identifiers ignore case), and there are at most columnsPerSheet. */
function columnKeyProblem(doc: Y.Doc, key: string, newColumns: Map<string, string>): string | null {
  const columns = doc.getMap(COLUMNS)._map;
  const lower = key.toLowerCase();
  const claimed = newColumns.get(lower);
  if (claimed !== undefined && claimed !== key) return `column id differs from ${claimed} only in case`;
  if (!columns.has(key)) {
    for (const existing of columns.keys()) if (existing !== key && existing.toLowerCase() === lower) return `column id differs from ${existing} only in case`;
    if (claimed === undefined && columns.size + countNew(columns, newColumns) >= limits().columnsPerSheet) {
      return `a sheet has at most ${limits().columnsPerSheet} columns`;
    }
  }
  newColumns.set(lower, key);
  return null;
}

function countNew(columns: Map<string, unknown>, newColumns: Map<string, string>): number {
  let count = 0;
  for (const key of newColumns.values()) if (!columns.has(key)) count++;
  return count;
}

function typePath(type: Y.AbstractType<unknown>): Path | null {
  const owner = type._item as unknown as ItemLike | null;
  if (!owner) return [Y.findRootTypeKey(type)];
  const parent = owner.parent;
  if (!(parent instanceof Y.AbstractType) || owner.parentSub === null) return null;
  const above = typePath(parent as Y.AbstractType<unknown>);
  return above ? [...above, owner.parentSub] : null;
}

const isMapContent = (content: unknown) => content instanceof Y.ContentType && (content as Y.ContentType).type instanceof Y.Map;
const values = (content: unknown): unknown[] | null => (content instanceof Y.ContentAny ? (content as Y.ContentAny).arr : null);

function everyValue(content: unknown, problemOf: (value: unknown) => string | null): string | null {
  const list = values(content);
  if (!list) return 'expected a plain value, not a shared type';
  for (const value of list) {
    const problem = problemOf(value);
    if (problem) return problem;
  }
  return null;
}

function checkItem(path: Path, key: string | null, content: unknown): string | null {
  const [root, first, second] = path;
  if (path.length === 1) {
    switch (root) {
      case ROWS:
      case COLUMNS:
        if (key === null) return 'expected a map entry';
        return idProblem(key, root === ROWS ? 'row id' : 'column id') ?? (isMapContent(content) ? null : 'expected a map');
      case ADJUSTMENTS:
        return key !== null ? 'expected a list entry' : everyValue(content, adjustmentProblem);
      case CONFLICTS:
        return key !== null ? 'expected a list entry' : everyValue(content, conflictProblem);
      case META:
        return key === null ? 'expected a map entry' : everyValue(content, (v) => metaFieldProblem(key, v));
      case USERS:
        return everyValue(content, (v) => userProblem(key, v));
      default:
        return `no shared type "${String(root).slice(0, 64)}" in the schema`;
    }
  }
  if (key === null) return 'expected a map entry';
  if (root === ROWS && path.length === 2) {
    if (key === 'cells') return isMapContent(content) ? null : 'expected the cells map';
    return everyValue(content, (v) => rowFieldProblem(key, v));
  }
  if (root === ROWS && path.length === 3 && second === 'cells' && first !== undefined) {
    return idProblem(key, 'cell column id') ?? everyValue(content, cellProblem);
  }
  if (root === COLUMNS && path.length === 2) return everyValue(content, (v) => columnFieldProblem(key, v));
  return 'not part of the schema';
}

/** A JSON cell `{ v, t, by }` within the limits (the REST and socket paths check cells alike). */
export function isCell(value: unknown): boolean {
  return cellProblem(value) === null;
}
