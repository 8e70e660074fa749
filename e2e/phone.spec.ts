// At phone size (390×844, touch) the grid gets the screen: it is at least 300 px wide and high, a cell can
// be edited by tap, the toolbar folds into a menu, the low-stock panel sits below the grid, and no page
// scrolls sideways.
import { devices, expect, test } from '@playwright/test';
import { apiValues, baseUrl, cell, createSheet } from './helpers';

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: devices['iPhone 13'].userAgent });

const rows = [
  { sku: 'PHONE-1', name: 'Pale ale', brand: 'Hop', family: 'Beer', stock: 2, reorder_level: 5 },
  { sku: 'PHONE-2', name: 'Porter', brand: 'Hop', family: 'Beer', stock: 20, reorder_level: 5 },
];

const sideways = () => document.documentElement.scrollWidth - document.documentElement.clientWidth;

test('a cell can be edited by tap; the grid gets the screen; nothing scrolls sideways', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Phone', 'products', rows);
  await page.goto(`${baseUrl()}/sheets/${sheet.id}`);
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  const grid = (await page.getByTestId('grid-scroll').boundingBox())!;
  expect(grid.width).toBeGreaterThanOrEqual(300);
  expect(grid.height).toBeGreaterThanOrEqual(300);
  // The low-stock panel is below the grid, not beside it.
  const panel = (await page.getByTestId('low-stock').boundingBox())!;
  expect(panel.y).toBeGreaterThanOrEqual(grid.y + grid.height - 1);
  expect(await page.evaluate(sideways)).toBeLessThanOrEqual(0);

  // Tap to select, tap again to edit.
  await cell(page, 0, 1).tap();
  await page.locator('.Spreadsheet__active-cell').tap(); // the selected cell, tapped again
  const input = page.locator('.cell-editor input');
  await expect(input).toBeVisible();
  await input.fill('Pale ale (tapped)');
  await input.press('Enter');
  await expect(cell(page, 0, 1)).toHaveText('Pale ale (tapped)');
  await expect.poll(async () => (await apiValues(request, sheet.id))[0].name).toBe('Pale ale (tapped)');

  // The toolbar's other tools are behind its menu.
  await expect(page.getByTestId('add-row')).toBeHidden();
  await page.getByRole('button', { name: '☰ Tools' }).tap();
  await expect(page.getByTestId('add-row')).toBeVisible();
  await page.getByTestId('add-row').tap();
  await expect.poll(async () => (await apiValues(request, sheet.id)).length).toBe(3);
  await expect(page.getByRole('button', { name: 'Find', exact: true })).toBeVisible();

});

test('at phone size the sheet list, the plan view and the insight pages do not scroll sideways', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Phone pages', 'products', [{ sku: 'PHONE-9', name: 'Perry', brand: 'Hop', family: 'Cider', plan_units: 12 }]);
  for (const path of ['/', `/sheets/${sheet.id}/plan`, '/insights', '/insights/category-rollup']) {
    await page.goto(`${baseUrl()}${path}`);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(sideways), path).toBeLessThanOrEqual(0);
  }
  // The chart fits the screen instead of being cut at its edge.
  const chart = page.locator('.insight-chart svg[viewBox]').first();
  if (await chart.count()) {
    const box = (await chart.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }
});
