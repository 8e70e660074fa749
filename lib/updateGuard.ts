// Checks an incoming Yjs update against document schema v1 before it is applied, so a client that sends
// well-formed Yjs carrying the wrong shapes (a cell that is not { v, t, by }, a row that is not a map, a
// shared type the schema does not have) is refused and changes nothing.
import * as Y from 'yjs';
import { ADJUSTMENTS, COLUMN_TYPES, COLUMN_WIDTH_MAX, COLUMN_WIDTH_MIN, COLUMNS, CONFLICTS, META, ROWS, TEMPLATE_NAMES, USER_NAME_MAX, USERS } from './schema';

type Path = string[];
interface ItemLike {
  id: Y.ID;
  parent: unknown;
  parentSub: string | null;
  origin: Y.ID | null;
  rightOrigin: Y.ID | null;
  content: unknown;
}

const idKey = (id: Y.ID) => `${id.client}:${id.clock}`;

/** Returns why the update breaks the schema, or null when it is fine. Throws if it is not a Yjs update. */
export function checkUpdateShape(doc: Y.Doc, update: Uint8Array): string | null {
  const { structs } = Y.decodeUpdate(update);
  const items = structs.filter((s): s is Y.Item => s instanceof Y.Item) as unknown as ItemLike[];
  const inUpdate = new Map<string, ItemLike>();
  // Merged runs of items cover several clocks; index every clock a run covers for origin lookups.
  for (const item of items) {
    const length = (item as unknown as { length: number }).length;
    for (let i = 0; i < length; i++) inUpdate.set(`${item.id.client}:${item.id.clock + i}`, item);
  }
  const paths = new Map<ItemLike, { path: Path | null; key: string | null }>();

  const find = (id: Y.ID): ItemLike | null => {
    const local = inUpdate.get(idKey(id));
    if (local) return local;
    try {
      return Y.getItem(doc.store, id) as unknown as ItemLike;
    } catch {
      return null; // not known yet: Yjs keeps it pending; it is checked with the update that completes it
    }
  };

  // The path of the type an item lives in (['rows'], ['rows', rowId], ['rows', rowId, 'cells'], …) and its key.
  const place = (item: ItemLike, depth = 0): { path: Path | null; key: string | null } => {
    const known = paths.get(item);
    if (known) return known;
    if (depth > 64) return { path: null, key: null };
    let result: { path: Path | null; key: string | null };
    const parent = item.parent;
    if (typeof parent === 'string') result = { path: [parent], key: item.parentSub };
    else if (parent instanceof Y.ID) {
      const owner = find(parent);
      const ownerPlace = owner ? place(owner, depth + 1) : null;
      result = ownerPlace?.path && ownerPlace.key !== null ? { path: [...ownerPlace.path, ownerPlace.key], key: item.parentSub } : { path: null, key: null };
    } else if (parent instanceof Y.AbstractType) {
      result = { path: typePath(parent as Y.AbstractType<unknown>), key: item.parentSub };
    } else {
      // No parent written: it is the parent of the item it was inserted next to.
      const neighbour = (item.origin && find(item.origin)) || (item.rightOrigin && find(item.rightOrigin));
      result = neighbour ? place(neighbour, depth + 1) : { path: null, key: null };
    }
    paths.set(item, result);
    return result;
  };

  for (const item of items) {
    if (item.content instanceof Y.ContentDeleted) continue;
    const { path, key } = place(item);
    if (path === null) continue; // depends on items we do not have yet
    const problem = checkItem(path, key, item.content);
    if (problem) return `${[...path, key ?? ''].filter(Boolean).join('.')}: ${problem}`;
  }
  return null;
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
const isString = (v: unknown) => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function isCell(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const cell = value as Record<string, unknown>;
  const v = cell.v;
  const validValue = v === null || typeof v === 'string' || typeof v === 'boolean' || isFiniteNumber(v);
  return validValue && isFiniteNumber(cell.t) && isString(cell.by);
}

function everyValue(content: unknown, test: (value: unknown) => boolean, what: string): string | null {
  const list = values(content);
  if (!list) return `expected ${what}`;
  return list.every(test) ? null : `expected ${what}`;
}

function checkItem(path: Path, key: string | null, content: unknown): string | null {
  const [root, first, second] = path;
  if (path.length === 1) {
    switch (root) {
      case ROWS:
      case COLUMNS:
        return isMapContent(content) ? null : 'expected a map';
      case ADJUSTMENTS:
        return everyValue(
          content,
          (a) => {
            const x = a as Record<string, unknown>;
            return !!x && typeof x === 'object' && isString(x.row) && isString(x.col) && isFiniteNumber(x.d) && isFiniteNumber(x.t) && isString(x.by) && isString(x.id);
          },
          'adjustments { row, col, d, t, by, id }',
        );
      case CONFLICTS:
        return everyValue(
          content,
          (c) => {
            const x = c as Record<string, unknown>;
            return !!x && typeof x === 'object' && isString(x.row) && isString(x.col) && isCell(x.kept) && isCell(x.lost);
          },
          'conflict records { row, col, kept, lost }',
        );
      case META:
        if (key === 'title') return everyValue(content, isString, 'a text title');
        if (key === 'template') return everyValue(content, (v) => TEMPLATE_NAMES.includes(v as never), 'a template name');
        if (key === 'createdAt') return everyValue(content, isFiniteNumber, 'a time');
        return values(content) ? null : 'expected a plain value';
      case USERS:
        return everyValue(
          content,
          (u) => !!u && typeof u === 'object' && !Array.isArray(u) && isString((u as { name?: unknown }).name) && (u as { name: string }).name.length <= USER_NAME_MAX,
          `a user { name } (at most ${USER_NAME_MAX} characters)`,
        );
      default:
        return `no shared type "${root}" in the schema`;
    }
  }
  if (root === ROWS && path.length === 2) {
    if (key === 'cells') return isMapContent(content) ? null : 'expected the cells map';
    if (key === 'order') return everyValue(content, isString, 'an order key');
    if (key === 'deleted') return everyValue(content, (v) => v === true, 'true');
    return values(content) ? null : 'expected a plain value';
  }
  if (root === ROWS && path.length === 3 && second === 'cells' && first !== undefined) {
    return everyValue(content, isCell, 'a cell { v, t, by }');
  }
  if (root === COLUMNS && path.length === 2) {
    if (key === 'name' || key === 'order') return everyValue(content, isString, 'text');
    if (key === 'type') return everyValue(content, (v) => COLUMN_TYPES.includes(v as never), 'a column type');
    if (key === 'deleted') return everyValue(content, (v) => v === true, 'true');
    if (key === 'width') return everyValue(content, (v) => isFiniteNumber(v) && v >= COLUMN_WIDTH_MIN && v <= COLUMN_WIDTH_MAX, `a width of ${COLUMN_WIDTH_MIN}–${COLUMN_WIDTH_MAX} px`);
    return values(content) ? null : 'expected a plain value';
  }
  return 'not part of the schema';
}
