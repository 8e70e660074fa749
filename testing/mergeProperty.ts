// The merge property (DESIGN "Merge semantics"), shared by `merge.property.test.ts` and `scripts/merge-fuzz.ts`:
// a hub running the cell arbiter and 3–5 clients with skewed clocks apply random edits, go offline and
// online, and exchange updates in random order, some twice. Once everyone has synced:
//   1. every replica reads the same sheet, conflicts and adjustments;
//   2. no set was lost silently: each is shown, or was overwritten by someone who had seen it or by a later
//      set of its own writer (or undone or resolved by its user), or is in a conflict record; and no such
//      set still standing is later than the value shown (the later edit wins);
//   3. adjustments are all there exactly once and a stock cell is its set plus the adjustments after it;
//   4. conflict records are deduplicated and the kept value is the later one.
import fc from 'fast-check';
import { pruneStaleAdjustments } from '../lib/adjustmentPruning';
import { conflictKey } from '../lib/cellArbiter';
import { cellKey } from '../lib/cellResolution';
import { readConflicts, resolveConflict } from '../lib/conflicts';
import { compareStamps } from '../lib/hlc';
import { stockSheetNetwork, type ClientReplica, type MergeNetwork, type Replica, type StockSheet } from './mergeSimulation';
import type { Adjustment, Cell, CellValue } from '../lib/schema';
import {
  adjustCell,
  adjustmentsArray,
  conflictsArray,
  deleteRows,
  getCell,
  insertRowsUndoable,
  moveRow,
  readRowOrder,
  readSheet,
  restoreRows,
  rowCells,
  rowsMap,
  setCell,
  SheetError,
} from '../lib/sheetDoc';

export type MergeOp =
  | { kind: 'set'; client: number; row: number; col: number; value: number }
  | { kind: 'adjust'; client: number; row: number; delta: number }
  | { kind: 'insert'; client: number; count: number; after: number; filled: boolean }
  | { kind: 'delete'; client: number; row: number }
  /** A row removed outright (`rows.delete(id)`), as any stock client may: not undoable, its cells go with it. */
  | { kind: 'hardDelete'; client: number; row: number }
  | { kind: 'restore'; client: number; row: number }
  | { kind: 'move'; client: number; row: number; after: number }
  | { kind: 'undo'; client: number }
  | { kind: 'resolve'; client: number; pick: number; choice: 'kept' | 'lost' }
  | { kind: 'toggle'; client: number }
  | { kind: 'deliver'; pick: number; duplicate: boolean; inOrder: boolean }
  | { kind: 'flush' }
  | { kind: 'time'; ms: number }
  | { kind: 'serverSet'; row: number; col: number; value: number }
  | { kind: 'serverAdjust'; row: number; delta: number }
  | { kind: 'prune' };

export interface MergeScenario {
  hubClientId: number;
  clientIds: number[];
  /** Wall-clock skew per client, ms. */
  skews: number[];
  initialRows: number;
  ops: MergeOp[];
}

export interface MergeOutcome {
  sets: number;
  adjustments: number;
  conflicts: number;
  /** Sets that vanished with their row when its insertion was undone by a Y.UndoManager (a hard delete). */
  /** Inserts and moves that failed while a row transiently had no order (see `whileOrdersIntact`). */
  refusedWithoutOrder: number;
}

const TEXT_VALUES: readonly CellValue[] = ['a', 'b', 'c', 'd', 'e', null];
const NUMBER_VALUES: readonly CellValue[] = [0, 3, 7, 10, 20, null];

const client = fc.nat(9);
const row = fc.nat(19);

const opArbitrary: fc.Arbitrary<MergeOp> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), client, row, col: fc.nat(1), value: fc.nat(5) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('adjust' as const), client, row, delta: fc.integer({ min: -3, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), client, count: fc.integer({ min: 1, max: 2 }), after: row, filled: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), client, row }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hardDelete' as const), client, row }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restore' as const), client, row }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), client, row, after: row }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('undo' as const), client }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resolve' as const), client, pick: fc.nat(9), choice: fc.constantFrom('kept' as const, 'lost' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('toggle' as const), client }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat(99), duplicate: fc.nat(4).map((n) => n === 0), inOrder: fc.nat(3).map((n) => n > 0) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('time' as const), ms: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('serverSet' as const), row, col: fc.nat(1), value: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('serverAdjust' as const), row, delta: fc.integer({ min: -3, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('prune' as const) }) },
);

export const mergeScenarioArbitrary: fc.Arbitrary<MergeScenario> = fc
  .integer({ min: 3, max: 5 })
  .chain((clientCount) =>
    fc.record({
      // Small distinct ids so every order of clientIDs (hub included) comes up.
      ids: fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: clientCount + 1, maxLength: clientCount + 1 }),
      skews: fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: clientCount, maxLength: clientCount }),
      initialRows: fc.integer({ min: 1, max: 3 }),
      ops: fc.array(opArbitrary, { minLength: 5, maxLength: 60 }),
    }),
  )
  .map(({ ids, skews, initialRows, ops }) => ({ hubClientId: ids[0], clientIds: ids.slice(1), skews, initialRows, ops }));

/** Runs one scenario and checks the merge property; throws an Error describing the first violation. */
export function checkMergeScenario(scenario: MergeScenario): MergeOutcome {
  const { net, sheet } = stockSheetNetwork(
    { clientIds: scenario.clientIds, hubClientId: scenario.hubClientId, skews: scenario.skews },
    scenario.initialRows,
  );
  try {
    const ledger = new Ledger(net, sheet);
    for (const op of scenario.ops) ledger.run(op);
    net.settle();
    return ledger.verify();
  } finally {
    net.destroy();
  }
}

/** fast-check property over random scenarios, for `fc.assert` / `fc.check`. */
export const mergeProperty = fc.property(mergeScenarioArbitrary, (scenario) => {
  checkMergeScenario(scenario);
});

interface IssuedSet {
  row: string;
  col: string;
  t: number;
  by: string;
  v: CellValue;
}

const stampOf = (row: string, col: string, cell: Pick<Cell, 't' | 'by'>) => conflictKey(row, col, cell);

/** Every cell of every row map (soft-deleted rows included) → its stamp key. */
function cellStamps(replica: Replica): Map<string, string> {
  const stamps = new Map<string, string>();
  rowsMap(replica.doc).forEach((rowMap, rowId) => {
    rowCells(rowMap).forEach((cell, col) => stamps.set(cellKey(rowId, col), stampOf(rowId, col, cell)));
  });
  return stamps;
}

/** Drives a scenario and keeps the independent record the property is checked against. */
class Ledger {
  private readonly sets: IssuedSet[] = [];
  /** Stamps overwritten, undone or resolved by a user who had them on screen: gone on purpose. */
  private readonly displaced = new Set<string>();
  /** Rows someone removed outright: every set in them, before or concurrently, is gone on purpose. */
  private readonly removedRows = new Set<string>();
  private readonly adjustments = new Map<string, Adjustment>();
  private readonly removedAdjustments = new Set<string>();
  private refusedWithoutOrder = 0;

  constructor(
    private readonly net: MergeNetwork,
    private readonly sheet: StockSheet,
  ) {
    rowsMap(net.hub.doc).forEach((rowMap, rowId) =>
      rowCells(rowMap).forEach((cell, col) => this.sets.push({ row: rowId, col, t: cell.t, by: cell.by, v: cell.v })),
    );
  }

  run(op: MergeOp): void {
    const net = this.net;
    switch (op.kind) {
      case 'toggle': {
        const index = op.client % net.clients.length;
        if (net.clients[index].online) net.disconnect(index);
        else net.connect(index);
        return;
      }
      case 'deliver':
        return net.deliver(op.pick, { keep: op.duplicate, inOrder: op.inOrder });
      case 'flush':
        return net.flush();
      case 'time':
        net.now += op.ms;
        return;
      case 'serverSet':
        return this.set(net.hub, op.row, op.col, op.value);
      case 'serverAdjust':
        return this.adjust(net.hub, op.row, op.delta);
      case 'prune':
        return this.prune();
      default:
        return this.runOnClient(op, net.clients[op.client % net.clients.length]);
    }
  }

  private runOnClient(op: Extract<MergeOp, { client: number }>, replica: ClientReplica): void {
    const { doc, editor } = replica;
    const origin = editor.origin;
    switch (op.kind) {
      case 'set':
        return this.set(replica, op.row, op.col, op.value);
      case 'adjust':
        return this.adjust(replica, op.row, op.delta);
      case 'insert': {
        const live = readRowOrder(doc);
        const after = op.after % (live.length + 1) === live.length ? undefined : live[op.after % (live.length + 1)].id;
        const values = op.filled ? { [this.sheet.text]: 'new', [this.sheet.stock]: 10 } : {};
        const ids = this.whileOrdersIntact(replica, () => insertRowsUndoable(doc, Array.from({ length: op.count }, () => values), { after }, editor)) ?? [];
        const t = editor.clock.peek();
        for (const id of ids) for (const [col, v] of Object.entries(values)) this.sets.push({ row: id, col, t, by: editor.userId, v });
        return;
      }
      case 'delete': {
        const live = readRowOrder(doc);
        if (live.length > 0) deleteRows(doc, [live[op.row % live.length].id], origin);
        return;
      }
      case 'hardDelete': {
        const rows = readRowOrder(doc, true);
        if (rows.length === 0) return;
        const id = rows[op.row % rows.length].id;
        this.removedRows.add(id);
        doc.transact(() => rowsMap(doc).delete(id));
        return;
      }
      case 'restore': {
        const deleted = readRowOrder(doc, true).filter((r) => !readRowOrder(doc).some((l) => l.id === r.id));
        if (deleted.length > 0) restoreRows(doc, [deleted[op.row % deleted.length].id], origin);
        return;
      }
      case 'move': {
        const rows = readRowOrder(doc, true);
        if (rows.length === 0) return;
        const moving = rows[op.row % rows.length].id;
        const others = rows.filter((r) => r.id !== moving);
        const target = op.after % (others.length + 1);
        this.whileOrdersIntact(replica, () => moveRow(doc, moving, target === others.length ? null : others[target].id, origin));
        return;
      }
      case 'undo': {
        const before = cellStamps(replica);
        const adjustmentsBefore = new Set(adjustmentsArray(doc).map((a) => a.id));
        replica.undo.undo();
        this.noteDisplaced(before, cellStamps(replica));
        const adjustmentsAfter = new Set(adjustmentsArray(doc).map((a) => a.id));
        for (const id of adjustmentsBefore) if (!adjustmentsAfter.has(id)) this.removedAdjustments.add(id);
        for (const id of adjustmentsAfter) if (!adjustmentsBefore.has(id)) this.removedAdjustments.delete(id);
        return;
      }
      case 'resolve': {
        const open = readConflicts(doc);
        if (open.length === 0) return;
        const record = open[op.pick % open.length];
        const before = cellStamps(replica);
        try {
          resolveConflict(doc, record, op.choice, editor);
        } catch (error) {
          if (error instanceof SheetError) return; // its row was removed; nothing to resolve into
          throw error;
        }
        this.displaced.add(stampOf(record.row, record.col, record.kept));
        this.displaced.add(stampOf(record.row, record.col, record.lost));
        this.noteWrite(replica, record.row, record.col, before);
        return;
      }
    }
  }

  /**
   * Runs an ordering edit, tolerating one known transient state: delivered out of order, a move's delete
   * of the old `order` value can arrive before the new value (Yjs applies delete sets at once but holds
   * structs until the writer's earlier updates arrive), so a row briefly has no order and computing a
   * neighbour key fails. Counted in the outcome; the final state is still checked.
   */
  private whileOrdersIntact<T>(replica: Replica, edit: () => T): T | undefined {
    try {
      return edit();
    } catch (error) {
      if (!readRowOrder(replica.doc, true).some((r) => r.order === '')) throw error;
      this.refusedWithoutOrder++;
      return undefined;
    }
  }

  private pickRow(replica: Replica, index: number): string | undefined {
    const rows = readRowOrder(replica.doc, true);
    return rows.length > 0 ? rows[index % rows.length].id : undefined;
  }

  private set(replica: Replica, rowIndex: number, colIndex: number, valueIndex: number): void {
    const rowId = this.pickRow(replica, rowIndex);
    if (rowId === undefined) return;
    const col = colIndex % 2 === 0 ? this.sheet.text : this.sheet.stock;
    const value = (col === this.sheet.text ? TEXT_VALUES : NUMBER_VALUES)[valueIndex % TEXT_VALUES.length];
    const before = cellStamps(replica);
    setCell(replica.doc, rowId, col, value, replica.editor);
    this.noteWrite(replica, rowId, col, before);
  }

  /** Records the set a local write made to one cell, and the value it overwrote in the writer's view. */
  private noteWrite(replica: Replica, rowId: string, col: string, before: Map<string, string>): void {
    const cell = getCell(replica.doc, rowId, col);
    const previous = before.get(cellKey(rowId, col));
    if (!cell || stampOf(rowId, col, cell) === previous) return;
    // A writer's new value supersedes its own earlier ones in that cell, even one a concurrent edit had
    // already replaced on its screen: it knew them.
    for (const set of this.sets) if (set.row === rowId && set.col === col && set.by === cell.by) this.displaced.add(stampOf(rowId, col, set));
    this.sets.push({ row: rowId, col, t: cell.t, by: cell.by, v: cell.v });
    if (previous !== undefined) this.displaced.add(previous);
  }

  private noteDisplaced(before: Map<string, string>, after: Map<string, string>): void {
    for (const [key, stamp] of before) if (after.get(key) !== stamp) this.displaced.add(stamp);
  }

  private adjust(replica: Replica, rowIndex: number, delta: number): void {
    const rowId = this.pickRow(replica, rowIndex);
    if (rowId === undefined) return;
    adjustCell(replica.doc, rowId, this.sheet.stock, delta, replica.editor);
    const adjustments = adjustmentsArray(replica.doc);
    const added = adjustments.get(adjustments.length - 1);
    this.adjustments.set(added.id, { ...added });
  }

  private prune(): void {
    const hub = this.net.hub.doc;
    const before = readSheet(hub);
    const ids = new Set(adjustmentsArray(hub).map((a) => a.id));
    pruneStaleAdjustments(hub);
    assertEqual(readSheet(hub), before, 'pruning stale adjustments changed a value');
    const remaining = new Set(adjustmentsArray(hub).map((a) => a.id));
    for (const id of ids) if (!remaining.has(id)) this.removedAdjustments.add(id);
  }

  verify(): MergeOutcome {
    const { hub, clients } = this.net;
    const reference = readSheet(hub.doc);
    for (const replica of clients) {
      assertEqual(readSheet(replica.doc), reference, `${replica.name} reads a different sheet than the hub`);
      assertEqual(conflictsArray(replica.doc).toJSON(), conflictsArray(hub.doc).toJSON(), `${replica.name} has different conflicts`);
      assertEqual(adjustmentsArray(replica.doc).toJSON(), adjustmentsArray(hub.doc).toJSON(), `${replica.name} has different adjustments`);
    }

    // Conflict records: one per losing write, kept later than lost, both real writes.
    const issued = new Set(this.sets.map((s) => stampOf(s.row, s.col, s)));
    const recorded = new Set<string>();
    const losers = new Set<string>();
    const records = conflictsArray(hub.doc).toArray();
    for (const record of records) {
      const lost = stampOf(record.row, record.col, record.lost);
      if (losers.has(lost)) throw new Error(`conflict recorded twice: ${JSON.stringify(record)}`);
      losers.add(lost);
      recorded.add(lost);
      recorded.add(stampOf(record.row, record.col, record.kept));
      if (compareStamps(record.kept, record.lost) <= 0) throw new Error(`conflict kept the earlier value: ${JSON.stringify(record)}`);
      if (!issued.has(lost) || !issued.has(stampOf(record.row, record.col, record.kept))) {
        throw new Error(`conflict names a value nobody wrote: ${JSON.stringify(record)}`);
      }
    }

    // No silent loss.
    const shown = cellStamps(hub);
    // Undoing an insert hides the row (insertRowsUndoable), so even a row's removal loses no set.
    for (const set of this.sets) {
      const stamp = stampOf(set.row, set.col, set);
      if (shown.get(cellKey(set.row, set.col)) === stamp || recorded.has(stamp) || this.displaced.has(stamp) || this.removedRows.has(set.row)) continue;
      throw new Error(`set lost silently: ${JSON.stringify(set)}; cell shows ${JSON.stringify(getCell(hub.doc, set.row, set.col))}`);
    }

    // Later wins: no set that nobody overwrote, undid or resolved is later than the value shown.
    for (const set of this.sets) {
      if (this.displaced.has(stampOf(set.row, set.col, set)) || !rowsMap(hub.doc).has(set.row)) continue;
      const cell = getCell(hub.doc, set.row, set.col);
      if (!cell || compareStamps(set, cell) > 0) {
        throw new Error(`an earlier value is shown over a later set: ${JSON.stringify(set)}; cell shows ${JSON.stringify(cell)}`);
      }
    }

    // Adjustments merge additively: each exactly once, and a stock cell is its set plus the later ones.
    const present = adjustmentsArray(hub.doc).toArray();
    const presentIds = new Set(present.map((a) => a.id));
    if (presentIds.size !== present.length) throw new Error('an adjustment is present twice');
    const expectedIds = [...this.adjustments.keys()].filter((id) => !this.removedAdjustments.has(id)).sort();
    assertEqual([...presentIds].sort(), expectedIds, 'adjustments differ from the ones issued (minus undone and pruned)');
    for (const { id, values } of reference.rows) {
      const cell = getCell(hub.doc, id, this.sheet.stock);
      let total = typeof cell?.v === 'number' ? cell.v : 0;
      let applied = false;
      for (const adjustmentId of expectedIds) {
        const adjustment = this.adjustments.get(adjustmentId)!;
        if (adjustment.row !== id || adjustment.col !== this.sheet.stock) continue;
        if (cell && compareStamps(adjustment, cell) <= 0) continue;
        total += adjustment.d;
        applied = true;
      }
      const expected = applied ? total : (cell?.v ?? null);
      if (values[this.sheet.stock] !== expected) {
        throw new Error(`stock of ${id} is ${values[this.sheet.stock]}, expected ${expected}`);
      }
    }
    return { sets: this.sets.length, adjustments: this.adjustments.size, conflicts: records.length, refusedWithoutOrder: this.refusedWithoutOrder };
  }
}

function assertEqual(actual: unknown, expected: unknown, message: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message}\n  actual:   ${a}\n  expected: ${e}`);
}
