// Integration: DESIGN "Merge semantics" against the real sync server (child process, real DuckDB file) with
// STOCK y-websocket clients, which run none of Cellar's merge code: the server's arbiter alone must make the
// later edit win, record the loser, and keep DuckDB equal to the document.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import type { ConflictRecord } from '../lib/schema';
import { applyCellUpdates, conflictsArray, getCell, readColumns, readSheet } from '../lib/sheetDoc';
import { connectStockClient, type StockClient } from './testing/stockClient';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from './testing/syncServerProcess';

/** An editor whose HLC reads an injected wall clock. */
const editor = (userId: string, wall: number) => ({ clock: new HybridLogicalClock(() => wall), userId });

describe('merge semantics with the real sync server and stock clients', () => {
  let server: SyncServerProcess;
  const clients: StockClient[] = [];

  /** A stock client with a forced Yjs client id, connected and synced. */
  async function connect(sheetId: string, clientId: number): Promise<StockClient> {
    // Set before any edit (and before the provider exists): every item this client writes carries this id.
    const client = connectStockClient(server.wsUrl, sheetId, { clientId });
    clients.push(client);
    await client.synced();
    return client;
  }

  async function reconnect(client: StockClient): Promise<void> {
    client.provider.connect();
    await client.synced();
  }

  before(async () => {
    server = await startSyncServerProcess();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.stop('SIGTERM');
  });

  /** A products sheet with one row (stock 10), created through the API. */
  async function stockSheet(): Promise<{ sheetId: string; row: string; columns: Record<string, string> }> {
    const created = await server.api('/sheets', { body: { title: 'Merge', template: 'products' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const sheetId = created.body.id as string;
    const appended = await server.api(`/sheets/${sheetId}/rows`, { body: { rows: [{ sku: 'W-1', name: 'start', stock: 10 }] } });
    assert.equal(appended.status, 201, JSON.stringify(appended.body));
    const sheet = await server.api(`/sheets/${sheetId}`);
    const columns = Object.fromEntries((sheet.body.columns as Array<{ id: string; name: string }>).map((c) => [c.name, c.id]));
    return { sheetId, row: appended.body.ids[0], columns };
  }

  /** Every replica holds what the others hold (state vectors equal, nothing pending). */
  async function converged(docs: Y.Doc[]): Promise<void> {
    await waitFor(
      () => {
        const vectors = docs.map((doc) => Buffer.from(Y.encodeStateVector(doc)).toString('base64'));
        return vectors.every((v) => v === vectors[0]) && docs.every((doc) => doc.store.pendingStructs === null && doc.store.pendingDs === null);
      },
      { timeoutMs: 5000, what: 'the replicas to converge' },
    );
  }

  /** GET /internal/sheets/:id equals readSheet of every replica: the materialized state is the document. */
  async function assertMaterializedEqualsDocument(sheetId: string, docs: Y.Doc[]): Promise<void> {
    const reference = readSheet(docs[0]);
    for (const doc of docs.slice(1)) assert.deepEqual(readSheet(doc), reference, 'every replica reads the same sheet');
    const expected = {
      title: reference.meta.title,
      columns: reference.columns.map(({ id, name, type }) => ({ id, name, type })),
      rows: reference.rows,
    };
    const stored = await waitFor(
      async () => {
        const { body } = await server.api(`/sheets/${sheetId}`);
        const actual = { title: body.title, columns: body.columns, rows: body.rows };
        return JSON.stringify(actual) === JSON.stringify(expected) ? actual : null;
      },
      { timeoutMs: 3000, what: 'DuckDB to equal the document' },
    ).catch(async (error) => {
      const { body } = await server.api(`/sheets/${sheetId}`);
      assert.deepEqual({ title: body.title, columns: body.columns, rows: body.rows }, expected, String(error));
      throw error;
    });
    assert.deepEqual(stored, expected);
  }

  test('concurrent sets: the later HLC edit wins on every stock client and in DuckDB, the earlier goes to conflicts', async () => {
    const { sheetId, row, columns } = await stockSheet();
    // The later edit is made on the client with the LOWER Yjs client id, so Yjs's own rule (higher client id
    // wins) would keep the earlier one: only the server's re-assert makes the later one win.
    const a = await connect(sheetId, 11);
    const b = await connect(sheetId, 22);
    a.provider.disconnect();
    b.provider.disconnect();
    const base = Date.now();
    applyCellUpdates(a.doc, [{ row, col: columns.name, value: 'later' }], editor('alice', base + 60_000));
    applyCellUpdates(b.doc, [{ row, col: columns.name, value: 'earlier' }], editor('bob', base + 30_000));

    await Promise.all([reconnect(a), reconnect(b)]);
    await waitFor(() => [a, b].every((c) => getCell(c.doc, row, columns.name)?.v === 'later' && conflictsArray(c.doc).length === 1), {
      what: 'both stock clients to show the later value and the conflict',
    });
    await converged([a.doc, b.doc]);
    for (const client of [a, b]) {
      assert.equal(readSheet(client.doc).rows[0].values[columns.name], 'later');
      const records = conflictsArray(client.doc).toArray();
      assert.equal(records.length, 1, 'one conflict record, deduplicated');
      assert.deepEqual(
        { kept: [records[0].kept.v, records[0].kept.by], lost: [records[0].lost.v, records[0].lost.by] },
        { kept: ['later', 'alice'], lost: ['earlier', 'bob'] },
      );
    }
    const stored = await waitFor(
      async () => {
        const { body } = await server.api(`/sheets/${sheetId}`);
        return body.rows[0]?.values[columns.name] === 'later' ? body : null;
      },
      { timeoutMs: 2000, what: 'GET /sheets/:id to show the later value' },
    );
    assert.equal(stored.rows[0].values[columns.name], 'later');
    await assertMaterializedEqualsDocument(sheetId, [a.doc, b.doc]);
  });

  test('the re-assert reaches the client whose update caused it; the history holds both sets and the conflict record', async () => {
    const { sheetId, row, columns } = await stockSheet();
    const a = await connect(sheetId, 11);
    const b = await connect(sheetId, 22);
    a.provider.disconnect();
    b.provider.disconnect();
    const base = Date.now();
    applyCellUpdates(a.doc, [{ row, col: columns.name, value: 'later' }], editor('alice', base + 60_000));
    applyCellUpdates(b.doc, [{ row, col: columns.name, value: 'earlier' }], editor('bob', base + 30_000));

    // B comes back first: its value is the server's (a plain overwrite there), and DuckDB records it.
    await reconnect(b);
    await waitFor(async () => (await server.api(`/sheets/${sheetId}`)).body.rows[0]?.values[columns.name] === 'earlier', {
      what: "DuckDB to record B's value",
    });
    // A comes back: the sync gives it B's item, which Yjs shows (higher client id), and A's own update makes the
    // server re-assert A's later value. That re-assert must be sent to A too, not only to B.
    await reconnect(a);
    await waitFor(() => [a, b].every((c) => getCell(c.doc, row, columns.name)?.v === 'later'), { what: 'both to show the later value' });
    await converged([a.doc, b.doc]);

    const history = await waitFor(
      async () => {
        const { status, body } = await server.api(`/sheets/${sheetId}/history?row=${row}&col=${columns.name}`);
        assert.equal(status, 200, JSON.stringify(body));
        return body.conflicts.length > 0 && body.changes.some((c: { value: unknown }) => c.value === 'later') ? body : null;
      },
      { what: 'the history to hold the re-asserted value and the conflict' },
    );
    const changes = history.changes as Array<{ value: unknown; by: string; t: number }>;
    assert.deepEqual(
      changes.filter((c) => c.value !== 'start').map((c) => [c.value, c.by, c.t]),
      [
        ['earlier', 'bob', base + 30_000],
        ['later', 'alice', base + 60_000],
      ],
      'both sets, in the order DuckDB saw them',
    );
    assert.deepEqual(
      (history.conflicts as ConflictRecord[]).map((c) => ({ kept: c.kept.v, lost: c.lost.v })),
      [{ kept: 'later', lost: 'earlier' }],
    );
    assert.equal(history.conflicts[0].kept.t, base + 60_000);
    assert.equal(history.conflicts[0].lost.t, base + 30_000);
    await assertMaterializedEqualsDocument(sheetId, [a.doc, b.doc]);
  });

  test('two offline clients each sell 1 of 10: every replica and the API show 8', async () => {
    const { sheetId, row, columns } = await stockSheet();
    const a = await connect(sheetId, 33);
    const b = await connect(sheetId, 44);
    const c = await connect(sheetId, 55); // stays online: sees both adjustments arrive
    a.provider.disconnect();
    b.provider.disconnect();
    const base = Date.now();
    applyCellUpdates(a.doc, [{ row, col: columns.stock, adjust: -1 }], editor('alice', base + 1000));
    applyCellUpdates(b.doc, [{ row, col: columns.stock, adjust: -1 }], editor('bob', base + 1000));
    assert.equal(readSheet(a.doc).rows[0].values[columns.stock], 9);
    await Promise.all([reconnect(a), reconnect(b)]);
    await waitFor(() => [a, b, c].every((client) => readSheet(client.doc).rows[0]?.values[columns.stock] === 8), { what: 'every replica to show 8' });
    await converged([a.doc, b.doc, c.doc]);
    for (const client of [a, b, c]) assert.equal(conflictsArray(client.doc).length, 0, 'adjustments never conflict');
    const stored = await waitFor(
      async () => {
        const { body } = await server.api(`/sheets/${sheetId}`);
        return body.rows[0]?.values[columns.stock] === 8 ? body : null;
      },
      { timeoutMs: 2000, what: 'the API to show 8' },
    );
    assert.equal(stored.rows[0].values[columns.stock], 8);
    await assertMaterializedEqualsDocument(sheetId, [a.doc, b.doc, c.doc]);
  });

  test('a mixed offline session converges: DuckDB equals every replica', async () => {
    const { sheetId, row, columns } = await stockSheet();
    const a = await connect(sheetId, 66);
    const b = await connect(sheetId, 77);
    a.provider.disconnect();
    b.provider.disconnect();
    const base = Date.now();
    applyCellUpdates(a.doc, [{ row, col: columns.price, value: 4.5 }, { row, col: columns.stock, adjust: 5 }], editor('alice', base + 5000));
    applyCellUpdates(b.doc, [{ row, col: columns.price, value: 5 }, { row, col: columns.stock, value: 40 }], editor('bob', base + 2000));
    applyCellUpdates(b.doc, [{ row, col: columns.brand, value: 'Acme' }], editor('bob', base + 9000));
    await Promise.all([reconnect(b), reconnect(a)]);
    await waitFor(() => [a, b].every((client) => readSheet(client.doc).rows[0]?.values[columns.price] === 4.5), { what: 'the later price everywhere' });
    await converged([a.doc, b.doc]);
    const values = readSheet(a.doc).rows[0].values;
    assert.equal(values[columns.stock], 45, "bob's set of 40 plus alice's later +5");
    assert.equal(values[columns.brand], 'Acme');
    assert.equal(readColumns(a.doc).length, 10);
    await assertMaterializedEqualsDocument(sheetId, [a.doc, b.doc]);
  });
});
