// Sort and filter are a view of one page (DESIGN "Grid affordances"): the column menu's "Sort ascending",
// "Sort descending" and "Filter…" change that page (and its URL) only; another browser and the REST API keep
// the document's order; edits made while sorted or filtered land on the right rows.
import { expect, test, type Page } from '@playwright/test';
import { apiValues, cell, createSheet, docValues, openSheet, typeInto } from './helpers';

const rows = [
  { sku: 'A-1', name: 'Apple cider', brand: 'Orchard', stock: 12, reorder_level: 5 },
  { sku: 'B-2', name: 'Bitter lemon', brand: 'Citrus', stock: 3, reorder_level: 10 },
  { sku: 'C-3', name: 'Cola', brand: 'Fizz', stock: 40, reorder_level: 8 },
  { sku: 'D-4', name: 'Dandelion', brand: 'Fizz', stock: 7, reorder_level: 2 },
  { sku: 'E-5', name: 'Elderflower', brand: 'Orchard', stock: null, reorder_level: 2 },
];

async function columnMenu(page: Page, name: string) {
  await page.getByRole('button', { name: `Column ${name} options` }).click();
  return page.getByRole('dialog', { name: `Column ${name}` });
}

const skus = async (page: Page, n: number) => {
  const out: string[] = [];
  for (let r = 0; r < n; r++) out.push((await cell(page, r, 0).textContent()) ?? '');
  return out;
};

test('sort and filter change this page only; another browser and REST keep the order; edits hit the right rows', async ({ browser, request }) => {
  const sheet = await createSheet(request, 'Views', 'products', rows);
  const first = await browser.newContext();
  const second = await browser.newContext();
  const p1 = await first.newPage();
  const p2 = await second.newPage();
  await openSheet(p1, sheet.id);
  await openSheet(p2, sheet.id);

  await (await columnMenu(p1, 'stock')).getByRole('menuitem', { name: 'Sort descending' }).click();
  await expect.poll(() => skus(p1, 5)).toEqual(['C-3', 'A-1', 'D-4', 'B-2', 'E-5']); // empty last
  await expect(p1.locator('th[data-col] >> nth=5')).toHaveAttribute('aria-sort', 'descending');
  expect(new URL(p1.url()).searchParams.get('sort')).toMatch(/^-/);
  await (await columnMenu(p1, 'stock')).getByRole('menuitem', { name: 'Sort ascending' }).click();
  await expect.poll(() => skus(p1, 5)).toEqual(['B-2', 'D-4', 'A-1', 'C-3', 'E-5']);

  // The other browser and the API: the document's order, untouched.
  expect(await skus(p2, 5)).toEqual(['A-1', 'B-2', 'C-3', 'D-4', 'E-5']);
  expect((await apiValues(request, sheet.id)).map((r) => r.sku)).toEqual(['A-1', 'B-2', 'C-3', 'D-4', 'E-5']);

  // An edit on the sorted page lands on the row shown there (D-4 is second in this view).
  await typeInto(p1, 1, 1, 'Dandelion & burdock');
  await expect.poll(async () => (await apiValues(request, sheet.id)).find((r) => r.sku === 'D-4')?.name).toBe('Dandelion & burdock');
  await expect(cell(p2, 3, 1)).toHaveText('Dandelion & burdock');

  // The view is in the URL: a reload keeps it.
  await p1.reload();
  await expect(p1.getByTestId('save-status')).toHaveText('All changes saved');
  await expect.poll(() => skus(p1, 5)).toEqual(['B-2', 'D-4', 'A-1', 'C-3', 'E-5']);

  // A remote edit to the sort column re-sorts this page only.
  await typeInto(p2, 2, 5, '1');
  await expect.poll(() => skus(p1, 5)).toEqual(['C-3', 'B-2', 'D-4', 'A-1', 'E-5']);
  expect(await skus(p2, 5)).toEqual(['A-1', 'B-2', 'C-3', 'D-4', 'E-5']);

  // Filter by condition: stock between 3 and 10 → 2 of 5 rows.
  await (await columnMenu(p1, 'stock')).getByRole('menuitem', { name: 'Filter…' }).click();
  const filter = p1.getByRole('dialog', { name: 'Filter stock' });
  await filter.getByLabel('Filter by').selectOption('between');
  await filter.getByLabel('At least').fill('3');
  await filter.getByLabel('At most').fill('10');
  await filter.getByRole('button', { name: 'Apply' }).click();
  await expect(p1.getByTestId('view-count')).toHaveText('2 of 5 rows');
  await expect.poll(() => skus(p1, 2)).toEqual(['B-2', 'D-4']);
  await expect(p1.locator('th[data-filtered="true"]')).toHaveCount(1);

  // Filter by values on another column, combined: brand Fizz → only D-4.
  await (await columnMenu(p1, 'brand')).getByRole('menuitem', { name: 'Filter…' }).click();
  const brand = p1.getByRole('dialog', { name: 'Filter brand' });
  await brand.getByRole('button', { name: 'None' }).click();
  await brand.getByLabel(/^Fizz/).check();
  await brand.getByRole('button', { name: 'Apply' }).click();
  await expect(p1.getByTestId('view-count')).toHaveText('1 of 5 rows');
  await typeInto(p1, 0, 2, 'Fizzy');
  await expect.poll(async () => (await apiValues(request, sheet.id)).find((r) => r.sku === 'D-4')?.brand).toBe('Fizzy');
  // The row no longer matches the brand filter: it leaves this view; nothing else changed.
  await expect(p1.getByTestId('view-count')).toHaveText('0 of 5 rows');
  expect((await docValues(p2)).map((r) => r.sku)).toEqual(['A-1', 'B-2', 'C-3', 'D-4', 'E-5']);

  await p1.getByRole('button', { name: 'Clear view' }).click();
  await expect.poll(() => skus(p1, 5)).toEqual(['A-1', 'B-2', 'C-3', 'D-4', 'E-5']);
  expect(new URL(p1.url()).search).toBe('');

  // A link whose view names a column this sheet does not have (stale, or the column was deleted): nothing of
  // it applies and nothing says it does; the part that names a real column still works.
  const stockId = await p1.locator('th[data-col] >> nth=5').getAttribute('data-col');
  await p1.goto(`${p1.url()}?sort=-no_such_column`);
  await expect(p1.getByTestId('save-status')).toHaveText('All changes saved');
  await expect(p1.getByTestId('view-bar')).toHaveCount(0);
  expect(await skus(p1, 5)).toEqual(['A-1', 'B-2', 'C-3', 'D-4', 'E-5']);
  await p1.goto(`${p1.url().split('?')[0]}?sort=-${stockId}&filter=${encodeURIComponent(JSON.stringify([{ col: 'no_such_column', op: 'empty' }]))}`);
  await expect(p1.getByTestId('view-bar')).toContainText('sorted by stock (descending)');
  await expect(p1.getByTestId('view-bar')).not.toContainText('filtered');
  await expect.poll(() => skus(p1, 5)).toEqual(['A-1', 'D-4', 'B-2', 'C-3', 'E-5']);
  await first.close();
  await second.close();
});
