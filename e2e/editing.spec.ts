// Typed editing: wrong types are refused in place, undo/redo restore exactly, a 3×3 paste is one step.
import { expect, test } from '@playwright/test';
import { apiValues, cell, createSheet, docValues, openSheet, pasteText, typeInto } from './helpers';

const rows = [
  { sku: 'A-1', name: 'Apple cider', brand: 'Orchard', stock: 12, reorder_level: 5 },
  { sku: 'B-2', name: 'Bitter lemon', brand: 'Citrus', stock: 3, reorder_level: 10 },
  { sku: 'C-3', name: 'Cola', brand: 'Fizz', stock: 40, reorder_level: 8 },
];

test('wrong-type input shows an error and changes nothing', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Types', 'products', rows);
  await openSheet(page, sheet.id);
  const before = await docValues(page);
  await typeInto(page, 0, 5, 'lots');
  const error = page.locator('.cell-editor-error');
  await expect(error).toBeVisible();
  await expect(error).toContainText('not a number');
  await page.keyboard.press('Escape');
  await expect(error).toHaveCount(0);
  await expect(cell(page, 0, 5)).toHaveText('12');
  expect(await docValues(page)).toEqual(before);
  expect(await page.evaluate(() => (window as unknown as { __cellar: { undoManager: { canUndo(): boolean } } }).__cellar.undoManager.canUndo())).toBe(false);
  await expect.poll(async () => (await apiValues(request, sheet.id))[0].stock).toBe(12);
});

test('undo and redo restore exactly', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Undo', 'products', rows);
  await openSheet(page, sheet.id);
  const original = await docValues(page);
  await typeInto(page, 0, 1, 'Pear cider');
  await typeInto(page, 1, 5, '+7');
  await cell(page, 2, 2).click();
  await page.keyboard.press('Delete'); // clears row 3's brand
  await expect(cell(page, 2, 2)).toHaveText('');
  const edited = await docValues(page);
  expect(edited[0].name).toBe('Pear cider');
  expect(edited[1].stock).toBe(10);

  await page.getByTestId('undo').click();
  await page.getByTestId('undo').click();
  await page.getByTestId('undo').click();
  await expect.poll(() => docValues(page)).toEqual(original);
  await expect(page.getByTestId('undo')).toBeDisabled();

  await cell(page, 0, 0).click();
  await page.keyboard.press('Control+Shift+Z');
  await page.keyboard.press('Control+Shift+Z');
  await page.keyboard.press('Control+Shift+Z');
  await expect.poll(() => docValues(page)).toEqual(edited);
  await page.keyboard.press('Control+Z');
  await expect.poll(async () => (await docValues(page))[2].brand).toBe('Fizz');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
});

test('a 3×3 paste is one transaction and one undo step', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Paste', 'products', rows);
  await openSheet(page, sheet.id);
  const original = await docValues(page);
  await cell(page, 0, 0).click();
  await pasteText(page, 'X-1\tXylo\tAcme\nY-2\tYam\tAcme\nZ-3\tZest\tAcme');
  await expect(cell(page, 2, 1)).toHaveText('Zest');
  const pasted = await docValues(page);
  expect(pasted.map((r) => [r.sku, r.name, r.brand])).toEqual([
    ['X-1', 'Xylo', 'Acme'],
    ['Y-2', 'Yam', 'Acme'],
    ['Z-3', 'Zest', 'Acme'],
  ]);
  await page.keyboard.press('Control+Z');
  await expect.poll(() => docValues(page)).toEqual(original);
  await expect(page.getByTestId('undo')).toBeDisabled();
  await page.keyboard.press('Control+Shift+Z');
  await expect.poll(() => docValues(page)).toEqual(pasted);
  // A paste with a wrong type anywhere changes nothing.
  await cell(page, 0, 4).click();
  await pasteText(page, 'Beer\t12\nWine\tmany');
  await expect(page.locator('.notice-error')).toContainText('nothing changed');
  expect(await docValues(page)).toEqual(pasted);
  await expect.poll(async () => (await apiValues(request, sheet.id)).map((r) => r.name)).toEqual(['Xylo', 'Yam', 'Zest']);
});
