import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { attachCellArbiter } from '../cellArbiter';
import { observeRemoteClock } from '../clockObserver';
import { readConflicts } from '../conflicts';
import { HybridLogicalClock } from '../hlc';
import { adjustmentsArray, applyCellUpdates, conflictsArray, getCell, initSheet, insertColumn, insertRows, readColumns, readCellValue, rowsMap } from '../sheetDoc';
import { conflictCandidates, keepConflictValue } from './conflictActions';

/** A hub with the arbiter and two clients (client ids 1 < 2) that both set one cell offline. */
function racedCell() {
  const hub = new Y.Doc();
  hub.clientID = 100;
  attachCellArbiter(hub);
  initSheet(hub, { title: 't', template: 'blank', createdAt: 0 });
  const stock = insertColumn(hub, { name: 'stock', type: 'number' }, undefined);
  const col = readColumns(hub)[0].id;
  const [row] = insertRows(hub, [{ [col]: 'start', [stock]: 10 }], {}, { clock: new HybridLogicalClock(() => 1), userId: 'server' });
  const a = new Y.Doc();
  a.clientID = 1;
  const b = new Y.Doc();
  b.clientID = 2;
  for (const doc of [a, b]) Y.applyUpdate(doc, Y.encodeStateAsUpdate(hub));
  const origin = { name: 'local' };
  const editorA = { clock: new HybridLogicalClock(() => 2000), userId: 'alice', origin };
  const editorB = { clock: new HybridLogicalClock(() => 1000), userId: 'bob', origin };
  applyCellUpdates(a, [{ row, col, value: 'later' }], editorA);
  applyCellUpdates(b, [{ row, col, value: 'earlier' }], editorB);
  const sync = () => {
    for (const doc of [a, b]) Y.applyUpdate(hub, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(hub)));
    for (const doc of [a, b]) Y.applyUpdate(doc, Y.encodeStateAsUpdate(hub, Y.encodeStateVector(doc)));
  };
  sync();
  return { hub, a, b, row, col, stock, editorA, editorB, origin, sync };
}

test('the popover lists both raced values, latest first, and marks the shown one', () => {
  const { b, row, col } = racedCell();
  assert.equal(getCell(b, row, col)?.v, 'later');
  const candidates = conflictCandidates(b, row, col);
  assert.deepEqual(
    candidates.map((c) => [c.cell.v, c.cell.by, c.current]),
    [
      ['later', 'alice', true],
      ['earlier', 'bob', false],
    ],
  );
});

test('"keep this one" on the lost value sets it everywhere, closes the conflict, and undoes in one step', () => {
  const { hub, a, b, row, col, editorB, origin, sync } = racedCell();
  const undo = new Y.UndoManager([rowsMap(b), adjustmentsArray(b), conflictsArray(b)], { trackedOrigins: new Set([origin]), captureTimeout: 0 });
  const lost = conflictCandidates(b, row, col).find((c) => !c.current)!;
  keepConflictValue(b, row, col, lost, editorB);
  assert.equal(getCell(b, row, col)?.v, 'earlier');
  assert.equal(readConflicts(b).length, 0);
  assert.equal(undo.undoStack.length, 1);
  sync();
  for (const doc of [hub, a, b]) {
    assert.equal(getCell(doc, row, col)?.v, 'earlier');
    assert.equal(readConflicts(doc).length, 0);
  }
  undo.undo();
  assert.equal(getCell(b, row, col)?.v, 'later');
  assert.equal(readConflicts(b).length, 1);
});

test('"keep this one" on the shown value only closes the conflict', () => {
  const { a, row, col, editorA } = racedCell();
  const shown = getCell(a, row, col);
  keepConflictValue(a, row, col, conflictCandidates(a, row, col).find((c) => c.current)!, editorA);
  assert.deepEqual(getCell(a, row, col), shown);
  assert.equal(readConflicts(a).length, 0);
});

test('keeping an older stock figure still counts the adjustments made after it', () => {
  const { a, b, row, stock, editorA, editorB, sync } = racedCell();
  applyCellUpdates(a, [{ row, col: stock, value: 20 }], editorA);
  applyCellUpdates(b, [{ row, col: stock, value: 30 }], { ...editorB, clock: new HybridLogicalClock(() => 1500) });
  sync();
  applyCellUpdates(a, [{ row, col: stock, adjust: -1 }], editorA);
  sync();
  assert.equal(readCellValue(b, row, stock), 19);
  const older = conflictCandidates(b, row, stock).find((c) => !c.current)!;
  observeRemoteClock(b, editorB.clock); // as the browser does: B has seen the adjustment's stamp
  keepConflictValue(b, row, stock, older, editorB);
  sync();
  assert.equal(readCellValue(a, row, stock), 29);
});
