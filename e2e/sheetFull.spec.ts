// A full sheet, in the browser: the page knows the server's caps and refuses an edit past them in place; one
// that reaches the server anyway (a race for the last cell) is refused there (close 4413), the page says the
// sheet is full instead of a bare close code, nothing of it reaches the data, and the user can discard it on
// this device (else every reload would send it again).
// Its own app with a tiny cap (CELLAR_MAX_SHEET_CELLS=4).
import { expect, test, type APIRequestContext } from '@playwright/test';
import { cell } from './helpers';
import { adminHeaders, startApp, type RunningApp } from './servers';

let app: RunningApp;

test.beforeAll(async () => {
  app = await startApp({ seed: false, env: { CELLAR_MAX_SHEET_CELLS: '4' } });
});

test.afterAll(async () => {
  await app?.stop();
});

async function values(request: APIRequestContext, id: string): Promise<Record<string, unknown>> {
  const sheet = await (await request.get(`${app.baseUrl}/api/sheets/${id}`, { headers: adminHeaders })).json();
  return Object.fromEntries(sheet.columns.map((c: { id: string; name: string }) => [c.name, sheet.rows[0].values[c.id] ?? null]));
}

test('an edit past the cell cap is refused, the page says the sheet is full, the data keeps what fit, and discarding the refused edit unblocks the page', async ({ page, request }) => {
  const created = await request.post(`${app.baseUrl}/api/sheets`, { data: { title: 'Nearly full', template: 'products' }, headers: adminHeaders });
  const { id } = await created.json();
  const rows = await request.post(`${app.baseUrl}/api/sheets/${id}/rows`, { data: { rows: [{ sku: 'A-1', name: 'Apple', stock: 3 }] }, headers: adminHeaders });
  expect(rows.status()).toBe(201);
  const [rowId] = (await rows.json()).ids as string[];
  const tooMany = await request.post(`${app.baseUrl}/api/sheets/${id}/rows`, { data: { rows: [{ sku: 'B-1', name: 'Pear' }] }, headers: adminHeaders });
  expect(tooMany.status()).toBe(413);
  expect((await tooMany.json()).error.code).toBe('sheet_full');

  await page.goto(`${app.baseUrl}/sheets/${id}`);
  await expect(page.locator('.Spreadsheet')).toBeVisible();
  const status = page.getByTestId('save-status');
  await expect(status).toHaveText('All changes saved');
  // The fourth cell fits.
  await cell(page, 0, 2).click();
  await page.keyboard.type('Orchard');
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('All changes saved');
  await expect.poll(async () => (await values(request, id)).brand).toBe('Orchard');
  // The fifth does not: the page knows the server's cap and refuses it in place, nothing changed.
  await cell(page, 0, 3).click();
  await page.keyboard.type('Pome');
  await page.keyboard.press('Enter');
  const error = page.locator('.cell-editor-error');
  await expect(error).toContainText('This sheet is full');
  await page.keyboard.press('Escape');
  await expect(error).toHaveCount(0);
  await expect(status).toHaveText('All changes saved');
  // A write that passed a page's check but not the server's (two people taking the last cell at once; here
  // written straight into the page's document) closes the socket with 4413, and the page says why.
  await page.evaluate((row) => {
    const conn = (window as unknown as { __cellar: { doc: { getMap(name: string): { get(key: string): { get(key: string): { set(key: string, value: unknown): void } } } }; model: { columns: { id: string; name: string }[] } } }).__cellar;
    const family = conn.model.columns.find((c) => c.name === 'family')!.id;
    conn.doc.getMap('rows').get(row).get('cells').set(family, { v: 'Pome', t: Date.now(), by: 'raced' });
  }, rowId);
  await expect(status).toContainText('This sheet is full');
  expect((await values(request, id)).family).toBeNull();
  // The refused edit stays on this device, so a reload sends it, and is refused, again...
  await page.reload();
  await expect(status).toContainText('This sheet is full');
  // ...until the user discards it: the page reloads from the server's copy and edits are saved again.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Discard unsaved edits' }).click();
  await expect(status).toHaveText('All changes saved');
  await expect(cell(page, 0, 3)).toHaveText('');
  await cell(page, 0, 2).click();
  await page.keyboard.type('Grove');
  await page.keyboard.press('Enter');
  await expect(status).toHaveText('All changes saved');
  await expect.poll(async () => (await values(request, id)).brand).toBe('Grove');
  // A CSV imported in the page is refused whole, with the reason.
  await page.getByTestId('import-csv-file').setInputFiles({ name: 'more.csv', mimeType: 'text/csv', buffer: Buffer.from('sku,name\nC-1,Quince\n') });
  await expect(page.getByRole('alert').filter({ hasText: 'Import refused' })).toContainText('This sheet is full');
  expect((await (await request.get(`${app.baseUrl}/api/sheets/${id}`, { headers: adminHeaders })).json()).rows).toHaveLength(1);
  // Overwriting a cell the sheet has is still fine for everyone else.
  const edit = await request.post(`${app.baseUrl}/api/sheets/${id}/cells`, { data: { updates: [{ row: rowId, col: 'stock', value: 9 }] }, headers: adminHeaders });
  expect(edit.status()).toBe(200);
  await expect.poll(async () => (await values(request, id)).stock).toBe(9);
});
