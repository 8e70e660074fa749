import { readSheet } from '../lib/sheetDoc';
import { connectStockClient } from '../sync-server/testing/stockClient';
import { startSyncServerProcess } from '../sync-server/testing/syncServerProcess';
const server = await startSyncServerProcess({ env: { LOG_LEVEL: 'warn' } });
try {
  const sheetId = (await server.api('/sheets', { body: { title: 'A', template: 'products' } })).body.id as string;
  const rows = ['sku,name,brand,family,category,stock,reorder_level,unit_cost,price,plan_units'];
  const n = Number(process.argv[2] ?? 100000);
  for (let i = 0; i < n; i++) rows.push(`SKU-${i},Wine ${i},B${i % 40},F${i % 200},C${i % 12},${i % 90},10,${(i % 50) + 0.25},${(i % 70) + 1.5},${i % 30}`);
  const t = performance.now();
  const r = await fetch(`${server.httpUrl}/internal/sheets/${sheetId}/import`, { method: 'POST', headers: { authorization: `Bearer ${server.secret}`, 'x-cellar-auth': `Bearer ${server.adminToken}`, 'content-type': 'text/csv' }, body: rows.join('\n') });
  console.log('import', r.status, ((performance.now() - t) / 1000).toFixed(1), 's');
  const fresh = connectStockClient(server.wsUrl, sheetId);
  await fresh.synced();
  const expected = readSheet(fresh.doc);
  console.log('doc rows', expected.rows.length);
  for (let k = 0; k < 8; k++) {
    await new Promise((res) => setTimeout(res, 3000));
    const { body } = await server.api(`/sheets/${sheetId}`);
    const same = JSON.stringify(body.rows) === JSON.stringify(expected.rows);
    console.log('duck rows', body.rows.length, 'same', same);
    if (same) break;
    if (body.rows.length === expected.rows.length) {
      const i = body.rows.findIndex((row: unknown, j: number) => JSON.stringify(row) !== JSON.stringify(expected.rows[j]));
      console.log('first diff', i, JSON.stringify(body.rows[i]).slice(0, 300), JSON.stringify(expected.rows[i]).slice(0, 300));
    }
  }
  fresh.destroy();
} finally {
  await server.stop('SIGTERM');
}
process.exit(0);
