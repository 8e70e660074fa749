// DuckDB equals the document (DESIGN "limits"): random edits by two stock clients against the real sync server
// (child process), hard deletes of rows and columns included; afterwards, and after a restart, a fresh
// client's sheet equals GET /api/sheets/:id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import { adjustCell, deleteRows, insertColumn, insertRows, readColumns, readRowOrder, readSheet, restoreRows, rowsMap, setCell } from '../lib/sheetDoc';
import { waitForDuckDbToEqualDocument } from './testing/duckDbEqualsDocument';
import { connectStockClient, type StockClient } from './testing/stockClient';
import { startSyncServerProcess, waitFor } from './testing/syncServerProcess';

type Op =
  | { kind: 'insert'; client: number; count: number }
  | { kind: 'set'; client: number; row: number; value: number }
  | { kind: 'adjust'; client: number; row: number; delta: number }
  | { kind: 'softDelete' | 'restore' | 'hardDelete'; client: number; row: number }
  | { kind: 'addColumn' | 'removeColumn'; client: number };

const client = fc.nat(1);
const row = fc.nat(30);
const ops = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), client, count: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), client, row, value: fc.integer({ min: -5, max: 50 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('adjust' as const), client, row, delta: fc.integer({ min: -3, max: 3 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('softDelete' as const, 'restore' as const, 'hardDelete' as const, 'hardDelete' as const), client, row }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('addColumn' as const, 'removeColumn' as const), client }) },
  ),
  { minLength: 10, maxLength: 30 },
);


function apply(op: Op, doc: Y.Doc, editor: { clock: HybridLogicalClock; userId: string }): void {
  const rows = readRowOrder(doc, true);
  const pick = (i: number) => (rows.length > 0 ? rows[i % rows.length].id : undefined);
  const numberColumn = readColumns(doc).find((c) => c.type === 'number');
  switch (op.kind) {
    case 'insert':
      insertRows(doc, Array.from({ length: op.count }, (_, i) => ({ [readColumns(doc)[0].id]: `r${i}` })), {}, editor);
      return;
    case 'set': {
      const id = pick(op.row);
      if (id && numberColumn) setCell(doc, id, numberColumn.id, op.value, editor);
      return;
    }
    case 'adjust': {
      const id = pick(op.row);
      if (id && numberColumn) adjustCell(doc, id, numberColumn.id, op.delta, editor);
      return;
    }
    case 'softDelete': {
      const id = pick(op.row);
      if (id) deleteRows(doc, [id]);
      return;
    }
    case 'restore': {
      const id = pick(op.row);
      if (id) restoreRows(doc, [id]);
      return;
    }
    case 'hardDelete': {
      const id = pick(op.row);
      if (id) doc.transact(() => rowsMap(doc).delete(id));
      return;
    }
    case 'addColumn':
      insertColumn(doc, { name: `extra${readColumns(doc, true).length}`, type: 'number' }, undefined);
      return;
    case 'removeColumn': {
      const extra = readColumns(doc).find((c) => c.name.startsWith('extra'));
      if (extra) doc.transact(() => doc.getMap('columns').delete(extra.id));
      return;
    }
  }
}

test('random edits with hard deletes of rows and columns: DuckDB equals the document, also after a restart', async () => {
  let server = await startSyncServerProcess();
  const sheets: string[] = [];
  try {
    await fc.assert(
      fc.asyncProperty(ops, async (scenario) => {
        const sheetId = (await server.api('/sheets', { body: { title: 'Equality', template: 'products' } })).body.id as string;
        sheets.push(sheetId);
        const clients: StockClient[] = [connectStockClient(server.wsUrl, sheetId), connectStockClient(server.wsUrl, sheetId)];
        try {
          await Promise.all(clients.map((c) => c.synced()));
          const editors = clients.map((_, i) => ({ clock: new HybridLogicalClock(), userId: `u${i}` }));
          // Compared after every few ops: a column change rebuilds the whole table, which would hide a row
          // removal that the same flush carries.
          for (let start = 0; start < scenario.length; start += 5) {
            for (const op of scenario.slice(start, start + 5)) apply(op as Op, clients[op.client].doc, editors[op.client]);
            await Promise.all(clients.map((c) => c.savedOwnEdits()));
            await waitFor(() => JSON.stringify(readSheet(clients[0].doc)) === JSON.stringify(readSheet(clients[1].doc)), { what: 'the clients to converge' });
            await waitForDuckDbToEqualDocument(server, sheetId);
          }
        } finally {
          for (const c of clients) c.destroy();
        }
      }),
      { numRuns: 6, seed: 8_008 },
    );
    assert.equal(await server.stop('SIGTERM'), 0);
    server = await startSyncServerProcess({ dataDir: server.dataDir });
    for (const sheetId of sheets) await waitForDuckDbToEqualDocument(server, sheetId);
  } finally {
    await server.stop('SIGTERM');
  }
});
