// CSV from the sheet page: import appends validated rows (all or nothing), export downloads the sheet.
import { expect, test } from '@playwright/test';
import { apiValues, baseUrl, createSheet, openSheet } from './helpers';

test('import a CSV into the sheet, refuse a bad one, and export it back', async ({ page, request }) => {
  const sheet = await createSheet(request, 'CSV sheet', 'products', [{ sku: 'KEEP-1', name: 'Kept', stock: 3 }]);
  await openSheet(page, sheet.id);

  const good = 'SKU,name,stock\nCSV-1,"Quoted, name",12\nCSV-2,=not a formula,0\n';
  await page.getByTestId('import-csv-file').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await expect(page.getByText('Imported 2 rows from good.csv.')).toBeVisible();
  await expect(page.getByText('Quoted, name')).toBeVisible();
  await expect.poll(async () => (await apiValues(request, sheet.id)).map((r) => [r.sku, r.name, r.stock])).toEqual([
    ['KEEP-1', 'Kept', 3],
    ['CSV-1', 'Quoted, name', 12],
    ['CSV-2', '=not a formula', 0],
  ]);

  // The import is one undoable step for the person who imported: Undo removes every imported row, Redo
  // brings them back, everywhere.
  await page.getByTestId('undo').click();
  await expect.poll(async () => (await apiValues(request, sheet.id)).map((r) => r.sku)).toEqual(['KEEP-1']);
  await page.getByTestId('redo').click();
  await expect.poll(async () => (await apiValues(request, sheet.id)).map((r) => r.sku)).toEqual(['KEEP-1', 'CSV-1', 'CSV-2']);

  const bad = 'sku,stock\nBAD-1,12\nBAD-2,lots\n';
  await page.getByTestId('import-csv-file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await expect(page.getByRole('alert').filter({ hasText: 'Import refused' })).toContainText(/row 2.*stock|stock.*row 2/i);
  expect((await apiValues(request, sheet.id)).length).toBe(3);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  const text = await (await download.createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8'));
  expect(text.split(/\r?\n/)[0]).toBe('sku,name,brand,family,category,stock,reorder_level,unit_cost,price,plan_units');
  expect(text).toContain('"Quoted, name"');
  expect(text).not.toContain('BAD-1');
});

test('until the document has loaded, rows, columns and imports wait (nothing to add to yet)', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Opening', 'products', [{ sku: 'O-1', name: 'Opener', stock: 1 }]);
  // Hold the socket token: no copy on this device and no connection, so the document cannot load.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/socket-token', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${baseUrl()}/sheets/${sheet.id}`);
  await expect(page.getByTestId('save-status')).toContainText('Connecting');
  await expect(page.getByTestId('add-row')).toBeDisabled();
  await expect(page.getByRole('button', { name: '+ Column' })).toBeDisabled();
  await expect(page.getByTestId('import-csv')).toBeDisabled();
  // Even a file handed to the input directly is not applied to the empty document.
  await page.getByTestId('import-csv-file').setInputFiles({ name: 'early.csv', mimeType: 'text/csv', buffer: Buffer.from('sku,name\nE-1,Early\n') });
  await expect(page.getByText('The sheet is still opening')).toBeVisible();

  release();
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await expect(page.getByTestId('import-csv')).toBeEnabled();
  await page.getByTestId('import-csv-file').setInputFiles({ name: 'later.csv', mimeType: 'text/csv', buffer: Buffer.from('sku,name\nL-1,Later\n') });
  await expect(page.getByText('Imported 1 rows from later.csv.')).toBeVisible();
  await expect.poll(async () => (await apiValues(request, sheet.id)).map((r) => r.sku)).toEqual(['O-1', 'L-1']);
});
