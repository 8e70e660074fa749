// Sheets can be renamed and deleted (to a trash, restorable for 30 days) in the page and the API; a deleted
// sheet is gone from the list, REST and sockets (its open pages are told) until restored.
import { expect, test } from '@playwright/test';
import { apiValues, baseUrl, cell, createSheet, openSheet } from './helpers';

test('rename and delete from the page, restore from the trash; the API agrees', async ({ browser, request }) => {
  const sheet = await createSheet(request, 'Trash me', 'products', [{ sku: 'T-1', name: 'Tonic', stock: 4 }]);
  const first = await browser.newContext();
  const second = await browser.newContext();
  const page = await first.newPage();
  const other = await second.newPage();
  await openSheet(page, sheet.id);
  await openSheet(other, sheet.id);

  // Rename in the page: every open page sees the new title.
  await page.getByRole('button', { name: 'Sheet ▾' }).click();
  await page.getByRole('menuitem', { name: 'Rename sheet…' }).click();
  await page.getByLabel('Sheet title').fill('Tonic stock');
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(other.locator('.tab-current')).toHaveText('Tonic stock');
  await expect.poll(async () => (await (await request.get(`${baseUrl()}/api/sheets/${sheet.id}`)).json()).title).toBe('Tonic stock');
  // And through the API.
  expect((await request.patch(`${baseUrl()}/api/sheets/${sheet.id}`, { data: { title: '' } })).status()).toBe(400);
  // A long title is cut in its tab (the whole of it in the tooltip), so the other tabs stay in reach.
  const long = `Tonic ${'and more tonic '.repeat(12)}`.trim();
  expect((await request.patch(`${baseUrl()}/api/sheets/${sheet.id}`, { data: { title: long } })).status()).toBe(200);
  await expect(page.locator('.tab-current')).toHaveAttribute('title', long);
  expect((await page.locator('.tab-current').boundingBox())!.width).toBeLessThan(300);
  expect((await request.patch(`${baseUrl()}/api/sheets/${sheet.id}`, { data: { title: 'Tonic' } })).status()).toBe(200);
  await expect(page.locator('.tab-current')).toHaveText('Tonic');

  // Delete from the page: to the sheet list, where it sits in the trash.
  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Sheet ▾' }).click();
  await page.getByRole('menuitem', { name: 'Delete sheet' }).click();
  await page.waitForURL(`${baseUrl()}/`);
  await expect(page.getByTestId('sheet-list')).not.toContainText('Tonic');
  await expect(page.getByTestId('trash-list')).toContainText('Tonic');
  await expect(other.getByTestId('save-status')).toContainText('does not exist');
  // Opening its link now (or any link to a sheet the server does not have) says so, not "access revoked".
  await other.reload();
  await expect(other.getByTestId('sheet-missing')).toContainText('does not exist on the server');
  await expect(other.getByTestId('save-status')).toContainText('does not exist');
  await expect(other.getByTestId('access-revoked')).toHaveCount(0);
  expect((await request.get(`${baseUrl()}/api/sheets/${sheet.id}`)).status()).toBe(404);
  const listed = (await (await request.get(`${baseUrl()}/api/sheets`)).json()).sheets.map((s: { id: string }) => s.id);
  expect(listed).not.toContain(sheet.id);

  // Restore: listed again, with its data.
  await page.getByRole('button', { name: 'Restore Tonic' }).click();
  await expect(page.getByTestId('sheet-list')).toContainText('Tonic');
  expect((await apiValues(request, sheet.id))[0].sku).toBe('T-1');
  await openSheet(page, sheet.id);
  await expect(cell(page, 0, 0)).toHaveText('T-1');

  // The API's delete and restore, with bad input refused.
  expect((await request.delete(`${baseUrl()}/api/sheets/no-such-sheet`)).status()).toBe(404);
  expect((await request.delete(`${baseUrl()}/api/sheets/${sheet.id}`)).status()).toBe(200);
  expect((await request.post(`${baseUrl()}/api/sheets/${sheet.id}/restore`, { data: {} })).status()).toBe(200);
  expect((await request.post(`${baseUrl()}/api/sheets/${sheet.id}/restore`, { data: {} })).status()).toBe(409);
  await first.close();
  await second.close();
});

test('the sheet list shows times in the reader’s own time zone, not the server’s', async ({ browser, request }) => {
  const sheet = await createSheet(request, 'Time zones', 'products', [{ sku: 'Z-1' }]);
  const context = await browser.newContext({ timezoneId: 'Pacific/Auckland' });
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/`);
  const row = page.getByTestId('sheet-list').getByRole('row').filter({ hasText: 'Time zones' });
  const time = row.locator('time');
  const iso = (await time.getAttribute('datetime'))!;
  expect(new Date(iso).getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
  const local = await page.evaluate((at) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }), iso);
  await expect(time).toHaveText(local);
  await expect(time).not.toContainText('UTC');
  expect((await request.get(`${baseUrl()}/api/sheets/${sheet.id}`)).status()).toBe(200);
  await context.close();
});
