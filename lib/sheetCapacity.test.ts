import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as Y from 'yjs';
import { HybridLogicalClock } from './hlc';
import { configureLimits, DEFAULT_LIMITS } from './limits';
import { cellsCreatedBy, countCells, sheetCapacityProblem, sheetCellCount, sheetRowCount } from './sheetCapacity';
import { applyCellUpdates, initSheet, insertRows, readColumns, readRowOrder, rowsMap } from './sheetDoc';
import { checkUpdate, checkUpdateShape } from './updateGuard';

const editor = (userId: string) => ({ clock: new HybridLogicalClock(), userId });

function replicas(count: number) {
  const first = new Y.Doc();
  initSheet(first, { title: 'Cells', template: 'products', createdAt: 1 });
  const docs = [first];
  for (let i = 1; i < count; i++) {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(first));
    docs.push(doc);
  }
  const columns = readColumns(first).map((c) => c.id);
  return { docs, columns };
}

/** A valid value for the products template's column at `index` (sku … category are text, the rest numbers). */
const valueFor = (index: number, seed: number) => (index >= 5 ? seed : `v${seed}`);

/**
 * Writes as a client with a stale count would (or one that raced another for the last cell): straight into the
 * document, past sheetDoc's own check, so the server's guard is what decides.
 */
function rawWrite(doc: Y.Doc, write: (rows: Y.Map<Y.Map<unknown>>) => void) {
  doc.transact(() => write(rowsMap(doc)));
}
const rawCell = (value: unknown) => ({ v: value, t: Date.now(), by: 'raw' });
function rawRow(rows: Y.Map<Y.Map<unknown>>, id: string, values: Record<string, unknown>) {
  const row = new Y.Map<unknown>();
  const cells = new Y.Map<unknown>();
  for (const [col, value] of Object.entries(values)) cells.set(col, rawCell(value));
  row.set('order', `a${id}`);
  row.set('cells', cells);
  rows.set(id, row);
}

const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));

test('the kept count follows local and remote inserts, new cells, overwrites and concurrent sets of one new cell', () => {
  const { docs: [server, a, b], columns } = replicas(3);
  assert.equal(sheetCellCount(server), 0);
  const [row] = insertRows(a, [{ [columns[0]]: 'A-1', [columns[5]]: 4, [columns[1]]: null }], {}, editor('a'));
  sync(a, server);
  assert.equal(sheetCellCount(server), 2, 'a null value writes no cell');
  sync(server, b);
  // a and b set the same new cell concurrently, and overwrite an existing one.
  applyCellUpdates(a, [{ row, col: columns[2], value: 'from a' }, { row, col: columns[0], value: 'A-2' }], editor('a'));
  applyCellUpdates(b, [{ row, col: columns[2], value: 'from b' }], editor('b'));
  sync(a, server);
  sync(b, server);
  assert.equal(sheetCellCount(server), 3);
  applyCellUpdates(server, [{ row, col: columns[3], value: 'server' }], editor('s'));
  insertRows(server, [{ [columns[0]]: 'B-1' }], {}, editor('s'));
  assert.equal(sheetCellCount(server), 5);
  assert.equal(sheetCellCount(server), countCells(server));
  assert.equal(cellsCreatedBy(server, [{ row, col: columns[0] }, { row, col: columns[9] }, { row, col: columns[9] }, { row: 'no-such-row', col: columns[0] }]), 1);
});

test('property: after any interleaving of edits on three replicas, the kept count equals a count from scratch', () => {
  const op = fc.record({
    replica: fc.integer({ min: 0, max: 2 }),
    kind: fc.constantFrom('insert', 'set', 'clear', 'sync'),
    row: fc.nat(),
    col: fc.integer({ min: 0, max: 9 }),
    cols: fc.integer({ min: 0, max: 10 }),
  });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
      const { docs, columns } = replicas(3);
      const [server] = docs;
      sheetCellCount(server);
      for (const { replica, kind, row, col, cols } of ops) {
        const doc = docs[replica];
        const rows = readRowOrder(doc, true);
        if (kind === 'insert') {
          insertRows(doc, [Object.fromEntries(columns.slice(0, cols).map((c, i) => [c, valueFor(i, row)]))], {}, editor(`u${replica}`));
        } else if (kind === 'sync') {
          for (const other of docs) if (other !== doc) sync(doc, other);
        } else if (rows.length > 0) {
          const target = rows[row % rows.length].id;
          applyCellUpdates(doc, [{ row: target, col: columns[col], value: kind === 'clear' ? null : valueFor(col, row) }], editor(`u${replica}`));
        }
      }
      for (const doc of docs) sync(doc, server);
      assert.equal(sheetCellCount(server), countCells(server));
    }),
    { numRuns: 150 },
  );
});

test('the guard refuses an update that takes the sheet past the cap, whatever the path; edits of existing cells still pass', () => {
  configureLimits({ cellsPerSheet: 6 });
  try {
    const { docs: [server, client], columns } = replicas(2);
    const updates: Uint8Array[] = [];
    client.on('update', (update: Uint8Array) => updates.push(update));
    const deliver = () => {
      for (const update of updates.splice(0)) {
        const problem = checkUpdateShape(server, update);
        if (problem) return problem;
        Y.applyUpdate(server, update);
      }
      return null;
    };
    const [row] = insertRows(client, [Object.fromEntries(columns.slice(0, 5).map((c) => [c, 'x']))], {}, editor('c'));
    assert.equal(deliver(), null);
    assert.equal(sheetCapacityProblem(server, { cells: 1 }), null);
    assert.match(sheetCapacityProblem(server, { cells: 2 }) ?? '', /at most 6 cells; this one has 5/);
    // sheetDoc refuses to write past the cap on this replica...
    assert.throws(() => applyCellUpdates(client, [{ row, col: columns[6], value: 1 }, { row, col: columns[7], value: 2 }], editor('c')), { code: 'sheet_full' });
    // ...and the guard refuses an update that does (two new cells: the second is one too many, nothing applies).
    rawWrite(client, (rows) => {
      const cells = rows.get(row)!.get('cells') as Y.Map<unknown>;
      cells.set(columns[6], rawCell(1));
      cells.set(columns[7], rawCell(2));
    });
    assert.deepEqual({ ...checkUpdate(server, updates[0]), problem: undefined }, { ok: false, full: true, problem: undefined }, 'refused as full, not as malformed');
    assert.match(deliver() ?? '', /a sheet has at most 6 cells/);
    assert.equal(countCells(server), 5);
    // A new row whose cells would pass the cap is refused too; overwriting existing cells is not.
    const fresh = new Y.Doc();
    Y.applyUpdate(fresh, Y.encodeStateAsUpdate(server));
    fresh.on('update', (update: Uint8Array) => updates.push(update));
    rawWrite(fresh, (rows) => rawRow(rows, 'fresh-row', { [columns[0]]: 'a', [columns[1]]: 'b' }));
    assert.match(deliver() ?? '', /at most 6 cells/);
    // (A refused client is disconnected; its next edits come from a new replica.)
    const next = new Y.Doc();
    Y.applyUpdate(next, Y.encodeStateAsUpdate(server));
    next.on('update', (update: Uint8Array) => updates.push(update));
    applyCellUpdates(next, [{ row, col: columns[0], value: 'again' }, { row, col: columns[9], value: 3 }], editor('n'));
    assert.equal(deliver(), null, 'one new cell (the 6th) and an overwrite pass');
    assert.equal(sheetCellCount(server), 6);
    assert.equal(rowsMap(server).size, 1);
  } finally {
    configureLimits({ cellsPerSheet: DEFAULT_LIMITS.cellsPerSheet });
  }
});

test('rows count against their own cap, with or without cells, removed or not', () => {
  configureLimits({ rowsPerSheet: 3 });
  try {
    const { docs: [server, client] } = replicas(2);
    const updates: Uint8Array[] = [];
    client.on('update', (update: Uint8Array) => updates.push(update));
    const [first] = insertRows(client, [{}, {}], {}, editor('c'));
    for (const update of updates.splice(0)) {
      assert.equal(checkUpdateShape(server, update), null);
      Y.applyUpdate(server, update);
    }
    // One removed outright and two added: three live rows, but the removed row's id stays a key of the map.
    assert.throws(() => insertRows(client, [{}, {}], {}, editor('c')), { code: 'sheet_full' });
    rawWrite(client, (rows) => {
      rows.delete(first);
      rawRow(rows, 'third', {});
      rawRow(rows, 'fourth', {});
    });
    const [update] = [Y.mergeUpdates(updates.splice(0))];
    const verdict = checkUpdate(server, update);
    assert.equal(verdict.ok, false);
    assert.ok(verdict.ok === false && verdict.full && /at most 3 rows/.test(verdict.problem), JSON.stringify(verdict));
    assert.equal(sheetRowCount(client), 4, 'the removed row still counts');
    assert.match(sheetCapacityProblem(server, { cells: 0, rows: 2 }) ?? '', /at most 3 rows; this one has 2 and this would add 2/);
    assert.equal(sheetCapacityProblem(server, { cells: 0, rows: 1 }), null);
  } finally {
    configureLimits({ rowsPerSheet: DEFAULT_LIMITS.rowsPerSheet });
  }
});
