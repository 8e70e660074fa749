// Integration: CSV export and import on the real sync server (child process, real DuckDB file).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Papa from 'papaparse';
import { deleteRows, readColumns, readSheet } from '../lib/sheetDoc';
import { connectStockClient, type StockClient } from './testing/stockClient';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from './testing/syncServerProcess';

const HOSTILE_NAMES = [
  '=1+2',
  '+SUM(A1:A9)',
  '-cmd|calc',
  '@HYPERLINK("http://x")',
  "'=already escaped",
  "''+twice",
  'He said "hi", then left',
  'line one\nline two\r\nline three',
  'Grüner Veltliner 🍷 日本酒 — Ωμέγα',
  '  padded  ',
  'comma, inside',
  "'plain apostrophe",
];

describe('CSV export and import', () => {
  let server: SyncServerProcess;
  const clients: StockClient[] = [];

  before(async () => {
    server = await startSyncServerProcess();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.stop('SIGTERM');
  });

  async function createSheet(template: string, title: string): Promise<string> {
    const created = await server.api('/sheets', { body: { title, template } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.id;
  }

  async function importCsv(sheetId: string, csv: string | Buffer, contentType = 'text/csv; charset=utf-8') {
    const response = await fetch(`${server.httpUrl}/internal/sheets/${sheetId}/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.secret}`, 'x-cellar-auth': `Bearer ${server.adminToken}`, 'content-type': contentType },
      body: typeof csv === 'string' ? csv : new Uint8Array(csv),
    });
    return { status: response.status, body: await response.json() };
  }

  async function materializedRows(sheetId: string, count: number) {
    return waitFor(
      async () => {
        const { body } = await server.api(`/sheets/${sheetId}`);
        return body.rows.length === count ? body : null;
      },
      { timeoutMs: 3000, what: `${count} materialized rows` },
    );
  }

  /** A sheet's rows keyed by column name (ids differ between sheets). */
  function byName(sheet: { columns: Array<{ id: string; name: string }>; rows: Array<{ values: Record<string, unknown> }> }) {
    return sheet.rows.map((row) => Object.fromEntries(sheet.columns.map((c) => [c.name, row.values[c.id]])));
  }

  test('export → import round trip keeps every value, hostile text included; deleted rows are left out', async () => {
    const source = await createSheet('products', 'Stock "Q3" / Ünïcode');
    const rows = HOSTILE_NAMES.map((name, i) => ({
      sku: `SKU-${i}`,
      name,
      brand: i % 2 ? 'Contoso' : null,
      stock: i === 3 ? -3 : i + 0.1 + 0.2,
      unit_cost: i === 5 ? 1e21 : 12.5,
    }));
    const appended = await server.api(`/sheets/${source}/rows`, { body: { rows: [...rows, { sku: 'DELETED', name: 'gone' }] } });
    assert.equal(appended.status, 201, JSON.stringify(appended.body));
    const client = connectStockClient(server.wsUrl, source);
    clients.push(client);
    await client.synced();
    deleteRows(client.doc, [appended.body.ids.at(-1)]);
    await client.savedOwnEdits();
    const original = await materializedRows(source, rows.length);

    const exported = await server.api(`/sheets/${source}/export.csv`);
    assert.equal(exported.status, 200, JSON.stringify(exported.body));
    assert.equal(exported.body.title, 'Stock "Q3" / Ünïcode');
    const csv: string = exported.body.csv;
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'sku,name,brand,family,category,stock,reorder_level,unit_cost,price,plan_units');
    assert.ok(!csv.includes('DELETED'), 'the deleted row is left out');
    assert.ok(csv.endsWith('\r\n'));
    // Formula-looking text is neutralised with an apostrophe for spreadsheet programs.
    const parsed = Papa.parse<string[]>(csv.trimEnd(), { header: false }).data;
    assert.equal(parsed.length, rows.length + 1);
    assert.deepEqual(
      parsed.slice(1).map((fields) => fields[1]),
      HOSTILE_NAMES.map((name) => (/^'*[=+\-@]/.test(name) ? `'${name}` : name)),
    );
    assert.equal(parsed[4][5], '-3', 'negative numbers stay numbers');

    const target = await createSheet('products', 'Copy');
    const imported = await importCsv(target, csv);
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.equal(imported.body.count, rows.length);
    assert.equal(imported.body.ids.length, rows.length);
    const copy = await materializedRows(target, rows.length);
    assert.deepEqual(byName(copy), byName(original));
    assert.deepEqual(byName(copy).map((r) => r.name), HOSTILE_NAMES);
    assert.equal((await server.api(`/sheets/${target}/export.csv`)).body.csv, csv, 'exporting the copy gives the same file');
  });

  test('headers match case-insensitively and may be a subset; dates, blanks and a BOM are handled; clients see the rows', async () => {
    const sheetId = await createSheet('sales', 'Sales import');
    const client = connectStockClient(server.wsUrl, sheetId);
    clients.push(client);
    await client.synced();
    const csv = '\uFEFFSKU,Sold_At,QTY\r\nA-1,2026-01-31,3\r\n,,\r\nB-2,," 1,234.5 "\r\n\r\n';
    const imported = await importCsv(sheetId, csv);
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.equal(imported.body.count, 2);
    await waitFor(() => readSheet(client.doc).rows.length === 2, { timeoutMs: 1000, what: 'the imported rows at the client' });
    const columns = Object.fromEntries(readColumns(client.doc).map((c) => [c.name, c.id]));
    assert.deepEqual(
      readSheet(client.doc).rows.map((r) => [r.values[columns.sku], r.values[columns.sold_at], r.values[columns.qty], r.values[columns.unit_price]]),
      [
        ['A-1', '2026-01-31', 3, null],
        ['B-2', null, 1234.5, null],
      ],
    );
  });

  test('a bad cell, an unknown header or a malformed file is refused with 400 and nothing is applied', async () => {
    const sheetId = await createSheet('sales', 'Refusals');
    const seeded = await importCsv(sheetId, 'sku,qty\nKEEP,1\n');
    assert.equal(seeded.status, 201);
    const client = connectStockClient(server.wsUrl, sheetId);
    clients.push(client);
    await client.synced();
    const before = JSON.stringify(readSheet(client.doc));

    const badValue = await importCsv(sheetId, 'sku,qty,sold_at\nA,1,2026-01-01\nB,two,2026-01-02\nC,3,2026-02-30\n');
    assert.equal(badValue.status, 400);
    assert.equal(badValue.body.error.code, 'invalid_value');
    assert.match(badValue.body.error.message, /row 2, column "qty": "two" is not a number/);
    assert.match(badValue.body.error.message, /row 3, column "sold_at": "2026-02-30" is not a date/);

    const unknown = await importCsv(sheetId, 'sku,quantity,colour\nA,1,red\n');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.code, 'unknown_columns');
    assert.match(unknown.body.error.message, /unknown columns "quantity", "colour"/);

    const repeated = await importCsv(sheetId, 'sku,SKU\nA,B\n');
    assert.equal(repeated.status, 400);
    assert.match(repeated.body.error.message, /more than once/);

    const ragged = await importCsv(sheetId, 'sku,qty\nA,1\nB,2,3\n');
    assert.equal(ragged.status, 400);
    assert.match(ragged.body.error.message, /row 2 has 3 fields but the header has 2/);

    const unclosed = await importCsv(sheetId, 'sku,qty\n"A,1\n');
    assert.equal(unclosed.status, 400);
    assert.equal(unclosed.body.error.code, 'invalid_csv');

    const empty = await importCsv(sheetId, '\r\n');
    assert.equal(empty.status, 400);
    assert.match(empty.body.error.message, /empty/);

    const latin1 = await importCsv(sheetId, Buffer.from('sku,qty\nCaf\xe9,1\n', 'latin1'));
    assert.equal(latin1.status, 400);
    assert.match(latin1.body.error.message, /UTF-8/);

    const json = await importCsv(sheetId, '{"rows":[]}', 'application/json');
    assert.equal(json.status, 415);

    const unknownSheet = await importCsv('nope', 'sku\nA\n');
    assert.equal(unknownSheet.status, 404);
    assert.equal((await server.api('/sheets/nope/export.csv')).status, 404);

    await new Promise((r) => setTimeout(r, 300));
    assert.equal(JSON.stringify(readSheet(client.doc)), before, 'no refused request changed the document');
    assert.equal((await server.api(`/sheets/${sheetId}`)).body.rows.length, 1);
  });

  test('an import of many rows is one transaction', async () => {
    const sheetId = await createSheet('sales', 'Bulk');
    const client = connectStockClient(server.wsUrl, sheetId);
    clients.push(client);
    await client.synced();
    let transactions = 0;
    client.doc.on('afterTransaction', (transaction) => {
      if (transaction.changed.size > 0) transactions++;
    });
    const lines = ['sold_at,sku,qty,unit_price', ...Array.from({ length: 2000 }, (_, i) => `2026-03-${String((i % 28) + 1).padStart(2, '0')},SKU-${i % 50},${i % 7},9.99`)];
    const imported = await importCsv(sheetId, lines.join('\n'));
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.equal(imported.body.count, 2000);
    await waitFor(() => readSheet(client.doc).rows.length === 2000, { timeoutMs: 3000, what: 'all imported rows at the client' });
    assert.equal(transactions, 1, 'the client received the import as one update');
    await materializedRows(sheetId, 2000);
  });
});
