// Rename, delete (to the trash) and restore through the internal API, against the real sync server (child
// process, real DuckDB file) and stock y-websocket clients: a deleted sheet is gone from the list, the
// insights' workspace views and sockets (4404), and comes back whole on restore, also after a restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HybridLogicalClock } from '../lib/hlc';
import { insertRows, readColumns, readMeta } from '../lib/sheetDoc';
import { connectStockClient, type StockClient } from './testing/stockClient';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from './testing/syncServerProcess';

describe('sheet rename, trash and restore', () => {
  let server: SyncServerProcess;
  const clients: StockClient[] = [];
  before(async () => {
    server = await startSyncServerProcess();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.stop('SIGTERM');
  });

  const listed = async () => ((await server.api('/sheets')).body.sheets as { id: string; title: string }[]).map((s) => s.id);
  const lowStockSkus = async () => ((await server.api('/insights/low-stock')).body.rows as { sku: string }[]).map((r) => r.sku);

  test('rename reaches open clients; delete hides the sheet everywhere; restore brings it back', async () => {
    const created = await server.api('/sheets', { body: { title: 'Cellar A', template: 'products' } });
    const id = created.body.id as string;
    const client = connectStockClient(server.wsUrl, id);
    clients.push(client);
    await client.synced();
    const col = Object.fromEntries(readColumns(client.doc).map((c) => [c.name, c.id]));
    insertRows(client.doc, [{ [col.sku]: 'TRASH-1', [col.stock]: 1, [col.reorder_level]: 5 }], {}, { clock: new HybridLogicalClock(), userId: 'u' });
    await waitFor(async () => (await lowStockSkus()).includes('TRASH-1'), { what: 'the product in the insight' });

    // Rename: validated, applied to the live document.
    assert.equal((await server.api(`/sheets/${id}`, { method: 'PATCH', body: { title: '' } })).status, 400);
    assert.equal((await server.api(`/sheets/${id}`, { method: 'PATCH', body: { title: 'x'.repeat(201) } })).status, 400);
    assert.equal((await server.api(`/sheets/${id}`, { method: 'PATCH', body: { title: 'Cellar B', extra: 1 } })).status, 400);
    assert.equal((await server.api('/sheets/nope', { method: 'PATCH', body: { title: 'Cellar B' } })).status, 404);
    const renamed = await server.api(`/sheets/${id}`, { method: 'PATCH', body: { title: 'Cellar B' } });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
    await waitFor(() => readMeta(client.doc).title === 'Cellar B', { what: 'the title at the client' });
    assert.equal((await server.api(`/sheets/${id}`)).body.title, 'Cellar B');

    // Delete: the open socket is closed with 4404, the sheet leaves the list, reads and insights.
    const closed = new Promise<number>((resolve) => client.provider.on('connection-close', (event) => resolve(event?.code ?? 0)));
    const deleted = await server.api(`/sheets/${id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
    assert.ok(Date.parse(deleted.body.restorableUntil) - Date.parse(deleted.body.deletedAt) === 30 * 24 * 3600 * 1000);
    assert.equal(await closed, 4404);
    assert.ok(!(await listed()).includes(id));
    assert.equal((await server.api(`/sheets/${id}`)).status, 404);
    assert.equal((await server.api(`/sheets/${id}/cells`, { body: { updates: [{ row: 'r', col: col.stock, value: 1 }] } })).status, 404);
    assert.ok(!(await lowStockSkus()).includes('TRASH-1'));
    assert.deepEqual(((await server.api('/trash')).body.trash as { id: string; title: string }[]).map((t) => [t.id, t.title]), [[id, 'Cellar B']]);
    assert.equal((await server.api(`/sheets/${id}`, { method: 'DELETE' })).status, 404, 'already in the trash');

    // A restart keeps it in the trash.
    await server.stop('SIGTERM');
    server = await startSyncServerProcess({ dataDir: server.dataDir });
    assert.ok(!(await listed()).includes(id));

    // Restore: back in the list, reads, insights and sockets, with its data.
    assert.equal((await server.api('/sheets/nope/restore', { body: {} })).status, 404);
    const restored = await server.api(`/sheets/${id}/restore`, { body: {} });
    assert.equal(restored.status, 200, JSON.stringify(restored.body));
    assert.equal((await server.api(`/sheets/${id}/restore`, { body: {} })).status, 409);
    assert.ok((await listed()).includes(id));
    assert.equal((await server.api(`/sheets/${id}`)).body.rows.length, 1);
    await waitFor(async () => (await lowStockSkus()).includes('TRASH-1'), { what: 'the product back in the insight' });
    const again = connectStockClient(server.wsUrl, id);
    clients.push(again);
    await again.synced();
    assert.equal(readMeta(again.doc).title, 'Cellar B');
  });
});
