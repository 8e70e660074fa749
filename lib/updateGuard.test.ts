import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as Y from 'yjs';
import { HybridLogicalClock } from './hlc';
import { applyCellUpdates, deleteRows, initSheet, insertRows, moveRow, readColumns, recordUserName, rowsMap, setColumnWidth } from './sheetDoc';
import { checkUpdateShape } from './updateGuard';

function serverAndClient() {
  const server = new Y.Doc();
  initSheet(server, { title: 'Guarded', template: 'products', createdAt: 1 });
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  const updates: Uint8Array[] = [];
  client.on('update', (u: Uint8Array) => updates.push(u));
  const columns = Object.fromEntries(readColumns(client).map((c) => [c.name, c.id]));
  return { server, client, updates, columns };
}

/** Applies every client update to the server after checking it; returns the first refusal. */
function deliver(server: Y.Doc, updates: Uint8Array[]): string | null {
  for (const update of updates.splice(0)) {
    const problem = checkUpdateShape(server, update);
    if (problem) return problem;
    Y.applyUpdate(server, update);
  }
  return null;
}

test('schema-conforming edits pass: inserts, sets, overwrites, adjustments, moves, deletes', () => {
  const { server, client, updates, columns } = serverAndClient();
  const editor = { clock: new HybridLogicalClock(), userId: 'u' };
  const [a, b] = insertRows(client, [{ [columns.sku]: 'A' }, { [columns.sku]: 'B', [columns.stock]: 3 }], {}, editor);
  applyCellUpdates(client, [{ row: a, col: columns.stock, value: 5 }, { row: b, col: columns.stock, adjust: -1 }], editor);
  applyCellUpdates(client, [{ row: a, col: columns.stock, value: 6 }], editor); // an overwrite carries no parent info
  moveRow(client, b, null);
  deleteRows(client, [a]);
  assert.equal(deliver(server, updates), null);
  // The whole state at once, as a reconnecting client's sync step 2 sends it.
  assert.equal(checkUpdateShape(new Y.Doc(), Y.encodeStateAsUpdate(client)), null);
});

test('wrong shapes are refused: a bad cell, a row that is not a map, an unknown shared type, a bad adjustment', () => {
  const cases: Array<[string, (doc: Y.Doc, columns: Record<string, string>) => void, RegExp]> = [
    ['bad cell', (doc, c) => (rowsMap(doc).values().next().value!.get('cells') as Y.Map<unknown>).set(c.stock, 'twelve'), /cell/],
    ['cell with an object value', (doc, c) => (rowsMap(doc).values().next().value!.get('cells') as Y.Map<unknown>).set(c.stock, { v: { x: 1 }, t: 1, by: 'u' }), /cell/],
    ['row not a map', (doc) => (rowsMap(doc) as unknown as Y.Map<unknown>).set('evil', 'not a map'), /map/],
    ['unknown shared type', (doc) => doc.getMap('evil').set('x', 1), /no shared type/],
    ['bad adjustment', (doc) => doc.getArray('adjustments').push([{ row: 'r', col: 'c', d: 'lots', t: 1, by: 'u', id: 'x' }]), /adjustment/],
    ['bad column type', (doc, c) => doc.getMap<Y.Map<unknown>>('columns').get(c.stock)!.set('type', 'money'), /column type/],
    ['nested type inside a cell map', (doc, c) => (rowsMap(doc).values().next().value!.get('cells') as Y.Map<unknown>).set(c.stock, new Y.Map()), /cell/],
  ];
  for (const [name, write, message] of cases) {
    const { server, client, updates, columns } = serverAndClient();
    insertRows(client, [{ [columns.sku]: 'A' }], {}, { clock: new HybridLogicalClock(), userId: 'u' });
    assert.equal(deliver(server, updates), null, name);
    const before = Y.encodeStateAsUpdate(server);
    write(client, columns);
    const problem = deliver(server, updates);
    assert.match(problem ?? '', message, name);
    assert.deepEqual(Y.encodeStateAsUpdate(server), before, `${name}: nothing applied`);
  }
});

test('user names and column widths: well-formed ones pass, bad ones are refused', () => {
  const { server, client, updates, columns } = serverAndClient();
  recordUserName(client, 'u-1', 'Ada');
  setColumnWidth(client, columns.name, 240);
  assert.equal(deliver(server, updates), null);
  const bad: Array<[string, (doc: Y.Doc) => void, RegExp]> = [
    ['user without a name', (doc) => doc.getMap('users').set('u-2', { nick: 'x' }), /user/],
    ['user name too long', (doc) => doc.getMap('users').set('u-2', { name: 'x'.repeat(201) }), /user/],
    ['width not a number', (doc) => firstColumn(doc).set('width', 'wide'), /width/],
    ['width out of range', (doc) => firstColumn(doc).set('width', 1e9), /width/],
  ];
  for (const [name, write, message] of bad) {
    const fresh = serverAndClient();
    write(fresh.client);
    assert.match(deliver(fresh.server, fresh.updates) ?? '', message, name);
  }
});

function firstColumn(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<Y.Map<unknown>>('columns').values().next().value!;
}
