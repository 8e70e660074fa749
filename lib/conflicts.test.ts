import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conflictsByCell, conflictsForCell, readConflicts, resolveConflict } from './conflicts';
import { stockSheetNetwork } from '../testing/mergeSimulation';
import { adjustCell, conflictsArray, getCell, readCellValue } from './sheetDoc';
import { cellKey } from './cellResolution';
import { setCell } from './sheetDoc';

/** Both clients set the stock offline (client 0 earlier, to 7; client 1 later, to 12); client 1 then sells 1. */
function stockConflict() {
  const { net, sheet } = stockSheetNetwork({ clientIds: [10, 20], hubClientId: 5 });
  const [row] = sheet.rows;
  net.disconnect(0);
  net.disconnect(1);
  setCell(net.clients[0].doc, row, sheet.stock, 7, net.clients[0].editor);
  net.now += 1000;
  setCell(net.clients[1].doc, row, sheet.stock, 12, net.clients[1].editor);
  net.now += 1000;
  adjustCell(net.clients[1].doc, row, sheet.stock, -1, net.clients[1].editor);
  net.settle();
  return { net, row, col: sheet.stock };
}

test('conflicts are read per cell and per sheet, duplicates collapsed', () => {
  const { net, row, col } = stockConflict();
  const doc = net.clients[0].doc;
  const [record] = readConflicts(doc);
  assert.equal(record.kept.v, 12);
  assert.equal(record.lost.v, 7);
  conflictsArray(doc).push([{ ...record }]);
  assert.equal(readConflicts(doc).length, 1);
  assert.deepEqual(conflictsForCell(doc, row, col), [record]);
  assert.deepEqual(conflictsForCell(doc, row, 'other'), []);
  assert.deepEqual([...conflictsByCell(doc).keys()], [cellKey(row, col)]);
  net.destroy();
});

test('choosing the lost value sets it, with the sales made since, in one undoable step', () => {
  const { net, row, col } = stockConflict();
  const client = net.clients[0];
  assert.equal(readCellValue(client.doc, row, col), 11);
  const [record] = readConflicts(client.doc);
  net.now += 1000;
  resolveConflict(client.doc, record, 'lost', client.editor);
  assert.equal(readCellValue(client.doc, row, col), 6, '7 minus the 1 sold');
  assert.ok(getCell(client.doc, row, col)!.t > record.kept.t, 'a fresh stamp');
  assert.equal(readConflicts(client.doc).length, 0);
  net.settle();
  for (const replica of net.replicas()) {
    assert.equal(readCellValue(replica.doc, row, col), 6);
    assert.equal(conflictsArray(replica.doc).length, 0);
  }
  client.undo.undo();
  assert.equal(readCellValue(client.doc, row, col), 11);
  assert.equal(readConflicts(client.doc).length, 1, 'the record is back with the value');
  net.destroy();
});

test('keeping the value still shown only dismisses the record', () => {
  const { net, row, col } = stockConflict();
  const client = net.clients[1];
  const shownBefore = getCell(client.doc, row, col);
  resolveConflict(client.doc, readConflicts(client.doc)[0], 'kept', client.editor);
  assert.deepEqual(getCell(client.doc, row, col), shownBefore);
  assert.equal(readCellValue(client.doc, row, col), 11);
  net.settle();
  for (const replica of net.replicas()) assert.equal(conflictsArray(replica.doc).length, 0);
  net.destroy();
});
