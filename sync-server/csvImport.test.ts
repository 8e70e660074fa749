// CSV import at scale on the real sync server (child process): limits refused with 413 and nothing written,
// progress by job id, every row of a big file checked before any is written, and the rows reach DuckDB.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from './testing/syncServerProcess';

describe('CSV import at scale', () => {
  let server: SyncServerProcess;

  before(async () => {
    server = await startSyncServerProcess({ env: { CELLAR_MAX_IMPORT_ROWS: '30000', CELLAR_MAX_IMPORT_CELLS: '150000', CELLAR_MAX_IMPORT_BYTES: String(2 * 1024 * 1024) } });
  });
  after(async () => {
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  const importCsv = async (sheetId: string, csv: string, job?: string) => {
    const response = await fetch(`${server.httpUrl}/internal/sheets/${sheetId}/import${job ? `?job=${job}` : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.secret}`, 'x-cellar-auth': `Bearer ${server.adminToken}`, 'content-type': 'text/csv' },
      body: csv,
    });
    return { status: response.status, body: await response.json() };
  };
  const products = (count: number, from = 0) =>
    ['sku,name,category,stock,price', ...Array.from({ length: count }, (_, i) => `SKU-${from + i},"Wine, no. ${from + i}",red,${i % 50},${(i % 90) + 0.5}`)].join('\r\n');
  const createSheet = async () => (await server.api('/sheets', { body: { title: 'Import', template: 'products' } })).body.id as string;

  test('a 25,000-row file is checked, written in chunks with progress by job id, and lands in DuckDB whole', async () => {
    const sheetId = await createSheet();
    const job = 'bigimport-0001';
    const started = importCsv(sheetId, products(25_000), job);
    const seen = new Set<string>();
    let result: Awaited<typeof started> | null = null;
    void started.then((r) => (result = r));
    while (!result) {
      const progress = await server.api(`/sheets/${sheetId}/imports/${job}`);
      if (progress.status === 200) seen.add(progress.body.state);
      assert.equal((await fetch(`${server.httpUrl}/health`)).status, 200, 'the server answers during the import');
      await new Promise((r) => setTimeout(r, 20));
    }
    const done = result as Awaited<typeof started>;
    assert.equal(done.status, 201, JSON.stringify(done.body).slice(0, 300));
    assert.equal(done.body.count, 25_000);
    assert.ok(seen.size >= 1, 'progress was visible while the import ran');
    const progress = await server.api(`/sheets/${sheetId}/imports/${job}`);
    assert.equal(progress.body.state, 'done');
    assert.equal(progress.body.rows, 25_000);
    assert.equal(progress.body.rowsWritten, 25_000);
    const sheet = await waitFor(
      async () => {
        const { body } = await server.api(`/sheets/${sheetId}`);
        return body.rows.length === 25_000 ? body : null;
      },
      { timeoutMs: 30_000, what: '25,000 rows in DuckDB' },
    );
    const byName = Object.fromEntries(sheet.columns.map((c: { id: string; name: string }) => [c.name, c.id]));
    assert.equal(sheet.rows[24_999].values[byName.sku], 'SKU-24999');
    assert.equal(sheet.rows[24_999].values[byName.name], 'Wine, no. 24999');
    assert.equal((await server.api(`/sheets/${sheetId}/imports/nosuchjob1`)).status, 404);
  });

  test('a file written in many slices lands after the rows already there, in file order, and a second import after it', async () => {
    const sheetId = await createSheet();
    await server.api(`/sheets/${sheetId}/rows`, { body: { rows: [{ sku: 'FIRST' }] } });
    for (const from of [0, 6000]) {
      const imported = await importCsv(sheetId, products(6000, from));
      assert.equal(imported.status, 201, JSON.stringify(imported.body).slice(0, 300));
    }
    const sheet = await waitFor(
      async () => {
        const { body } = await server.api(`/sheets/${sheetId}`);
        return body.rows.length === 12_001 ? body : null;
      },
      { timeoutMs: 30_000, what: '12,001 rows in DuckDB' },
    );
    const sku = sheet.columns.find((c: { name: string }) => c.name === 'sku').id;
    const skus = sheet.rows.map((row: { values: Record<string, unknown> }) => row.values[sku]);
    assert.deepEqual(skus, ['FIRST', ...Array.from({ length: 12_000 }, (_, i) => `SKU-${i}`)]);
  });

  test('past the row, cell or byte limit the import is refused with 413, and a bad cell anywhere refuses it all', async () => {
    const sheetId = await createSheet();
    const tooMany = await importCsv(sheetId, products(30_001));
    assert.equal(tooMany.status, 413);
    assert.equal(tooMany.body.error.code, 'too_many_rows');
    // Under the row limit but wider: 15,001 rows of 10 columns are over 150,000 cells.
    const wide = ['sku,name,brand,family,category,stock,reorder_level,unit_cost,price,plan_units', ...Array.from({ length: 15_001 }, (_, i) => `W-${i},n,b,f,c,1,2,3,4,5`)].join('\r\n');
    const tooWide = await importCsv(sheetId, wide);
    assert.equal(tooWide.status, 413);
    assert.equal(tooWide.body.error.code, 'too_many_cells');
    assert.match(tooWide.body.error.message, /150,000 cells/);
    assert.equal((await importCsv(sheetId, wide.split('\r\n').slice(0, 15_001).join('\r\n'))).status, 201, '15,000 rows of 10 columns are within it');
    await waitFor(async () => (await server.api(`/sheets/${sheetId}`)).body.rows.length === 15_000, { timeoutMs: 30_000, what: 'the 15,000 rows in DuckDB' });
    const tooBig = await importCsv(sheetId, `sku,name\r\n${Array.from({ length: 3000 }, (_, i) => `S${i},${'x'.repeat(800)}`).join('\r\n')}`);
    assert.equal(tooBig.status, 413);
    const lastBad = `${products(20_000)}\r\nSKU-X,bad,red,lots,1`;
    const bad = await importCsv(sheetId, lastBad);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /row 20001, column "stock"/);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await server.api(`/sheets/${sheetId}`)).body.rows.length, 15_000, 'nothing was written but the import within the limits');
    const badJob = await importCsv(sheetId, products(1), 'x');
    assert.equal(badJob.status, 400);
  });
});
