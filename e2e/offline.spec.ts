// Offline: a context that goes offline reloads the page (served by the service worker, data from
// IndexedDB), edits three cells, comes back online; everyone converges and the status told the truth.
import { expect, test } from '@playwright/test';
import { apiValues, baseUrl, cell, createSheet, docValues, openSheet, typeInto } from './helpers';

test('offline reload and edits converge when back online', async ({ browser, request }) => {
  const sheet = await createSheet(request, 'Offline', 'products', [
    { sku: 'A-1', name: 'Apple cider', stock: 12, reorder_level: 5 },
    { sku: 'B-2', name: 'Bitter lemon', stock: 3, reorder_level: 10 },
    { sku: 'C-3', name: 'Cola', stock: 40, reorder_level: 8 },
  ]);
  const field = await browser.newContext();
  const office = await browser.newContext();
  const pf = await field.newPage();
  const po = await office.newPage();
  await openSheet(pf, sheet.id);
  await openSheet(po, sheet.id);

  // The service worker controls the page and has cached it.
  await pf.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
  await expect
    .poll(
      () =>
        pf.evaluate(async () => {
          const precached = (await caches.keys()).some((name) => name.startsWith('serwist-precache'));
          return precached && !!(await caches.match(location.href));
        }),
      { timeout: 20_000 },
    )
    .toBe(true);

  await field.setOffline(true);
  await pf.reload();
  await expect(pf.locator('.Spreadsheet')).toBeVisible();
  await expect(cell(pf, 0, 1)).toHaveText('Apple cider');
  await expect(pf.getByTestId('save-status')).toContainText('Offline');

  await typeInto(pf, 0, 1, 'Apple cider (offline)');
  await typeInto(pf, 1, 5, '+20');
  await typeInto(pf, 2, 0, 'C-33');
  await expect(pf.getByTestId('save-status')).toHaveText(/Offline.*3 changes pending/);

  // Meanwhile the office edits another cell.
  await typeInto(po, 2, 1, 'Cola zero');

  await field.setOffline(false);
  await expect(pf.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 15_000 });
  const log = (await pf.getByTestId('save-status').getAttribute('data-log')) ?? '';
  expect(log).toMatch(/offline.*saving.*saved$/);

  const expected = [
    { sku: 'A-1', name: 'Apple cider (offline)', stock: 12 },
    { sku: 'B-2', name: 'Bitter lemon', stock: 23 },
    { sku: 'C-33', name: 'Cola zero', stock: 40 },
  ];
  await expect.poll(async () => (await docValues(pf)).map(({ sku, name, stock }) => ({ sku, name, stock }))).toEqual(expected);
  await expect.poll(async () => (await docValues(po)).map(({ sku, name, stock }) => ({ sku, name, stock }))).toEqual(expected);
  await expect.poll(async () => (await apiValues(request, sheet.id)).map(({ sku, name, stock }) => ({ sku, name, stock }))).toEqual(expected);
  await field.close();
  await office.close();
});

test('after one visit to the sheet list, every sheet (never opened) and the insight pages open offline', async ({ browser, request }) => {
  const products = await createSheet(request, 'Never opened products', 'products', [
    { sku: 'NO-1', name: 'Nocino', stock: 2, reorder_level: 5 },
    { sku: 'NO-2', name: 'Negroni kit', stock: 9, reorder_level: 3 },
  ]);
  const sales = await createSheet(request, 'Never opened sales', 'sales', [{ sold_at: '2026-11-30', sku: 'NO-1', qty: 1, unit_price: 20 }]);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/`);
  await expect(page.getByTestId('sheet-list')).toContainText('Never opened products');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });
  // Warm: the pages are cached and each sheet's data has a local copy.
  await expect
    .poll(
      () =>
        page.evaluate(
          async (ids) => {
            const pages = ['/', '/insights', '/insights/low-stock', ...ids.map((id) => `/sheets/${id}`)];
            const cached = await Promise.all(pages.map((p) => caches.match(new URL(p, location.href).href)));
            return cached.every(Boolean) && ids.every((id) => localStorage.getItem(`cellar-local-copy-${id}`) === '1');
          },
          [products.id, sales.id],
        ),
      { timeout: 30_000 },
    )
    .toBe(true);

  await context.setOffline(true);
  await page.goto(`${baseUrl()}/`);
  await expect(page.getByTestId('sheet-list')).toContainText('Never opened sales');
  await page.goto(`${baseUrl()}/sheets/${products.id}`);
  await expect(cell(page, 1, 1)).toHaveText('Negroni kit');
  await expect(page.getByTestId('save-status')).toContainText('Offline');
  await page.goto(`${baseUrl()}/sheets/${sales.id}`);
  await expect(cell(page, 0, 1)).toHaveText('NO-1');
  await page.goto(`${baseUrl()}/insights/low-stock`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByText(/as of/i).first()).toBeVisible();
  await page.goto(`${baseUrl()}/insights`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await context.close();
});
