// Repairs a stored document that breaks schema v1 (written before the schema guard was complete, or by a
// bug): the bad items are removed, or their times clamped, by the server in one ordinary transaction,
// which is logged and synced like any edit, so nothing else in the document is lost. The sync server runs
// it on every document it loads; a document that is fine is left untouched (no transaction at all).
import * as Y from 'yjs';
import { limits } from './limits';
import { ADJUSTMENTS, COLUMNS, CONFLICTS, META, ROWS, USERS, type Adjustment } from './schema';
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
import { adjustmentsArray, columnsMap, conflictsArray, metaMap, rowsMap } from './sheetDoc';

export interface RepairAction {
  path: string;
  problem: string;
}

const SCHEMA_ROOTS = new Set([META, COLUMNS, ROWS, ADJUSTMENTS, CONFLICTS, USERS]);

/** Finds and removes what breaks the schema; returns what was done (empty: the document was fine). */
export function repairDocument(doc: Y.Doc, options: { origin?: unknown; now?: number } = {}): RepairAction[] {
  const now = options.now ?? Date.now();
  const latest = now + limits().futureStampMs;
  const actions: RepairAction[] = [];
  const edits: Array<() => void> = [];
  const note = (path: string, problem: string, edit: () => void) => {
    actions.push({ path: path.slice(0, 200), problem });
    edits.push(edit);
  };

  for (const [name, type] of doc.share) {
    if (SCHEMA_ROOTS.has(name)) continue;
    // An unknown shared type: empty its map entries (its list content, if any, is unreachable to readers).
    for (const key of [...type._map.keys()]) {
      const item = type._map.get(key);
      if (item && !item.deleted) note(`${name}.${key}`, 'no such shared type in the schema', () => type._map.get(key)?.delete(transactionOf(doc)));
    }
  }

  const meta = metaMap(doc);
  meta.forEach((value, key) => {
    if (value instanceof Y.AbstractType) return note(`meta.${key}`, 'a shared type in meta', () => meta.delete(key));
    const problem = metaFieldProblem(key, value);
    if (problem) note(`meta.${key}`, problem, () => meta.delete(key));
  });

  const users = doc.getMap<unknown>(USERS);
  users.forEach((value, key) => {
    const problem = value instanceof Y.AbstractType ? 'a shared type in users' : userProblem(key, value);
    if (problem) note(`users.${key}`, problem, () => users.delete(key));
  });

  const columns = columnsMap(doc);
  const seenColumnIds = new Map<string, string>();
  // Deterministic survivor among ids that differ only in case: the first by id.
  for (const id of [...columns.keys()].sort()) {
    const column = columns.get(id) as unknown;
    const lower = id.toLowerCase();
    const idIssue = idProblem(id, 'column id') ?? (seenColumnIds.has(lower) ? `column id differs from ${seenColumnIds.get(lower)} only in case` : null);
    if (idIssue || !(column instanceof Y.Map)) {
      note(`columns.${id}`, idIssue ?? 'expected a map', () => columns.delete(id));
      continue;
    }
    seenColumnIds.set(lower, id);
    column.forEach((value, key) => {
      const problem = value instanceof Y.AbstractType ? 'a shared type in a column' : columnFieldProblem(key, value);
      if (problem) note(`columns.${id}.${key}`, problem, () => column.delete(key));
    });
  }

  const rows = rowsMap(doc);
  rows.forEach((row, rowId) => {
    const idIssue = idProblem(rowId, 'row id');
    if (idIssue || !(row instanceof Y.Map)) return note(`rows.${rowId}`, idIssue ?? 'expected a map', () => rows.delete(rowId));
    row.forEach((value, key) => {
      if (key === 'cells') {
        if (!(value instanceof Y.Map)) note(`rows.${rowId}.cells`, 'expected the cells map', () => row.delete('cells'));
        return;
      }
      const problem = value instanceof Y.AbstractType ? 'a shared type in a row' : rowFieldProblem(key, value);
      if (problem) note(`rows.${rowId}.${key}`, problem, () => row.delete(key));
    });
    const cells = row.get('cells');
    if (!(cells instanceof Y.Map)) return;
    cells.forEach((cell: unknown, col: string) => {
      const problem = cell instanceof Y.AbstractType ? 'a shared type where a cell belongs' : (idProblem(col, 'cell column id') ?? cellProblem(cell));
      if (problem) return note(`rows.${rowId}.cells.${col}`, problem, () => cells.delete(col));
      const stamped = cell as { t: number };
      if (stamped.t > latest) note(`rows.${rowId}.cells.${col}`, 'time ahead of the server clock', () => cells.set(col, { ...(cell as object), t: now }));
    });
  });

  listRepairs(adjustmentsArray(doc) as Y.Array<unknown>, ADJUSTMENTS, adjustmentProblem, latest, now, note);
  listRepairs(conflictsArray(doc) as Y.Array<unknown>, CONFLICTS, conflictProblem, Infinity, now, note);

  if (edits.length > 0) doc.transact(() => edits.reverse().forEach((edit) => edit()), options.origin ?? null);
  return actions;
}

/** Bad list entries are removed; adjustments stamped too far ahead are replaced by a copy stamped now. */
function listRepairs(
  list: Y.Array<unknown>,
  name: string,
  problemOf: (value: unknown) => string | null,
  latest: number,
  now: number,
  note: (path: string, problem: string, edit: () => void) => void,
): void {
  list.toArray().forEach((entry, index) => {
    const problem = entry instanceof Y.AbstractType ? 'a shared type in a list' : problemOf(entry);
    // Edits run last to first (see `edits.reverse()`), so indexes stay valid.
    if (problem) return note(`${name}[${index}]`, problem, () => list.delete(index, 1));
    const adjustment = entry as Adjustment;
    if (name === ADJUSTMENTS && adjustment.t > latest) {
      note(`${name}[${index}]`, 'time ahead of the server clock', () => {
        list.delete(index, 1);
        list.insert(index, [{ ...adjustment, t: now }]);
      });
    }
  });
}

/** The transaction an item deletion needs (only called inside `doc.transact`). */
function transactionOf(doc: Y.Doc): Y.Transaction {
  return doc._transaction!;
}
