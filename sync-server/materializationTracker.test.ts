// A take with a deadline reads part of a big change and leaves the rest pending: taken again and again, the
// batches cover every row and every changed cell exactly once, only the last is complete, and only it carries
// the log sequence (a crash between them rebuilds the sheet).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { CELL_ARBITER_ORIGIN } from '../lib/cellArbiter';
import { HybridLogicalClock } from '../lib/hlc';
import { initSheet, insertRows, readColumns, setCell } from '../lib/sheetDoc';
import { MaterializationTracker, NOT_MATERIALIZED_SEQ, type SheetBatch } from './materializationTracker';

function sheetWithRows(count: number): { doc: Y.Doc; ids: string[]; editor: { clock: HybridLogicalClock; userId: string } } {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'big', template: 'products', createdAt: 1_700_000_000_000 });
  const editor = { clock: new HybridLogicalClock(), userId: 'ana' };
  const sku = readColumns(doc).find((c) => c.name === 'sku')!;
  const ids = insertRows(doc, Array.from({ length: count }, (_, i) => ({ [sku.id]: `SKU-${i}` })), {}, editor);
  return { doc, ids, editor };
}

function takeAll(tracker: MaterializationTracker, sheetId: string, deadline: () => number): SheetBatch[] {
  const batches: SheetBatch[] = [];
  for (let batch = tracker.take(sheetId, deadline()); batch; batch = tracker.take(sheetId, deadline())) batches.push(batch);
  return batches;
}

test('a take past its deadline leaves the rest pending; the batches cover every row and cell once', () => {
  const { doc, ids } = sheetWithRows(0);
  const tracker = new MaterializationTracker(100);
  let seq = 7;
  tracker.track('s1', doc, () => seq, false);
  const editor = { clock: new HybridLogicalClock(), userId: 'ben' };
  const sku = readColumns(doc).find((c) => c.name === 'sku')!;
  const name = readColumns(doc).find((c) => c.name === 'name')!;
  const added = insertRows(doc, Array.from({ length: 1000 }, (_, i) => ({ [sku.id]: `S${i}`, [name.id]: `Item ${i}` })), {}, editor);
  seq = 8;
  assert.equal(ids.length, 0);

  // A deadline already past: each take reads the minimum (one check's worth) and stops.
  const batches = takeAll(tracker, 's1', () => performance.now() - 1);
  assert.ok(batches.length > 5, `a past deadline cuts the change into many batches (got ${batches.length})`);
  assert.deepEqual(
    batches.map((b) => b.complete),
    batches.map((_, i) => i === batches.length - 1),
    'only the last batch is complete',
  );
  assert.ok(batches.slice(0, -1).every((b) => b.seq === NOT_MATERIALIZED_SEQ), 'a cut batch never claims the log sequence');
  assert.equal(batches.at(-1)!.seq, 8);

  const rows = batches.flatMap((b) => b.rowIds);
  assert.equal(rows.length, 1000, 'every row once');
  assert.deepEqual(new Set(rows), new Set(added));
  assert.equal(batches.reduce((n, b) => n + b.rowCount, 0), 1000);
  const cells = batches.flatMap((b) => b.changedCells.map((c) => `${c.row}/${c.col}`));
  assert.equal(new Set(cells).size, cells.length, 'no changed cell twice');
  assert.equal(cells.length, 2000, 'both cells of every new row start their history');
  assert.equal(tracker.take('s1', performance.now() - 1), null, 'nothing left');
});

test('an edit between cut batches is taken with the rest; without a deadline one batch takes everything', () => {
  const { doc, ids, editor } = sheetWithRows(600);
  const tracker = new MaterializationTracker(100);
  tracker.track('s1', doc, () => 1, true);
  // A rewrite of the table (here: a new sheet) is cut like any change: first and last batch marked.
  const rewrite = takeAll(tracker, 's1', () => performance.now() - 1);
  assert.ok(rewrite.length > 1);
  assert.deepEqual(rewrite.map((b) => b.rebuild), rewrite.map((_, i) => ({ first: i === 0, last: i === rewrite.length - 1 })));
  assert.equal(new Set(rewrite.flatMap((b) => b.rowIds)).size, 600, 'every row copied');
  assert.ok(rewrite.slice(0, -1).every((b) => !b.complete) && rewrite.at(-1)!.complete);

  const price = readColumns(doc).find((c) => c.name === 'price')!;
  for (const id of ids) setCell(doc, id, price.id, 5, editor);
  const first = tracker.take('s1', performance.now() - 1)!;
  assert.equal(first.complete, false);
  setCell(doc, ids[0], price.id, 9, editor); // ids[0] was in the first batch: it is dirty again
  const rest = takeAll(tracker, 's1', () => Infinity);
  assert.equal(rest.length, 1);
  assert.equal(rest[0].complete, true);
  assert.equal(rest[0].seq, 1);
  assert.ok(rest[0].rowIds.includes(ids[0]), 'the row edited again is taken again');
  assert.equal(new Set([...first.rowIds, ...rest[0].rowIds]).size, 600);
});

test('rows added between cut takes are taken too; a re-assert of a cell unchanged since its row was made keeps the row maker as its writer', () => {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'writers', template: 'products', createdAt: 1_700_000_000_000 });
  let writer = 'alice';
  const tracker = new MaterializationTracker(50);
  tracker.track('s1', doc, () => 1, false, () => writer);
  const editor = { clock: new HybridLogicalClock(), userId: 'any' };
  const sku = readColumns(doc).find((c) => c.name === 'sku')!;
  const byAlice = insertRows(doc, Array.from({ length: 300 }, (_, i) => ({ [sku.id]: `A${i}` })), {}, editor);
  const first = tracker.take('s1', performance.now() - 1)!;
  assert.equal(first.complete, false);
  writer = 'carl';
  const byCarl = insertRows(doc, Array.from({ length: 50 }, (_, i) => ({ [sku.id]: `C${i}` })), {}, editor);
  const batches = [first, ...takeAll(tracker, 's1', () => performance.now() - 1)];
  const rows = batches.flatMap((b) => b.rowIds);
  assert.equal(rows.length, 350, 'every row once');
  assert.deepEqual(new Set(rows), new Set([...byAlice, ...byCarl]));
  const identity = new Map(batches.flatMap((b) => b.changedCells.map((c) => [c.row, c.identity] as const)));
  assert.ok(byAlice.every((id) => identity.get(id) === 'alice') && byCarl.every((id) => identity.get(id) === 'carl'), 'a new row is written by whoever made it');

  // The arbiter sets a cell again (restoring a later value): the cell keeps the identity of the row's maker,
  // not the identity whose update is being applied; an ordinary edit is its writer's.
  writer = 'bob';
  doc.transact(() => setCell(doc, byAlice[0], sku.id, 'restored', editor), CELL_ARBITER_ORIGIN);
  setCell(doc, byAlice[1], sku.id, 'edited', editor);
  const after = takeAll(tracker, 's1', () => Infinity).flatMap((b) => b.changedCells);
  assert.equal(after.find((c) => c.row === byAlice[0])?.identity, 'alice');
  assert.equal(after.find((c) => c.row === byAlice[1])?.identity, 'bob');
  // Once edited, the cell's own writer counts: a re-assert of it keeps bob.
  writer = 'dora';
  doc.transact(() => setCell(doc, byAlice[1], sku.id, 'restored again', editor), CELL_ARBITER_ORIGIN);
  assert.equal(takeAll(tracker, 's1', () => Infinity).flatMap((b) => b.changedCells).find((c) => c.row === byAlice[1])?.identity, 'bob');
});

test("a new row's cells are history once each, with its maker; a cell edited before the take has its editor", () => {
  const doc = new Y.Doc();
  initSheet(doc, { title: 'history', template: 'products', createdAt: 1_700_000_000_000 });
  let writer = 'ana';
  const tracker = new MaterializationTracker(50);
  tracker.track('s1', doc, () => 1, false, () => writer);
  const editor = { clock: new HybridLogicalClock(), userId: 'any' };
  const [sku, name] = ['sku', 'name'].map((n) => readColumns(doc).find((c) => c.name === n)!);
  const rows = insertRows(doc, Array.from({ length: 40 }, (_, i) => ({ [sku.id]: `S${i}`, [name.id]: `N${i}` })), {}, editor);
  writer = 'ben';
  setCell(doc, rows[3], name.id, 'renamed', editor);
  const batches = takeAll(tracker, 's1', () => performance.now() - 1);
  const cells = batches.flatMap((b) => b.changedCells);
  assert.equal(cells.length, 80, 'every cell of every new row, once');
  assert.equal(new Set(cells.map((c) => `${c.row}/${c.col}`)).size, 80);
  const writerOf = (row: string, col: string) => cells.find((c) => c.row === row && c.col === col)?.identity;
  assert.equal(writerOf(rows[3], name.id), 'ben', 'the later edit is its writer’s');
  assert.equal(writerOf(rows[3], sku.id), 'ana');
  assert.ok(rows.filter((_, i) => i !== 3).every((row) => writerOf(row, name.id) === 'ana'));
  // The history carries each cell's value as it is when taken.
  const history = batches.flatMap((b) => b.historyChunks.map((chunk) => JSON.parse(chunk) as Record<string, unknown[]>));
  const values = history.flatMap((h) => h.c0.map((row, i) => `${row}/${h.c1[i]}=${h.c2[i]}`));
  assert.ok(values.includes(`${rows[3]}/${name.id}="renamed"`));
  assert.ok(values.includes(`${rows[0]}/${sku.id}="S0"`));
  assert.equal(batches.at(-1)!.complete, true);
  assert.equal(tracker.take('s1'), null, 'nothing left');
});
