// The grid as people expect it (issue 10): no layout shift when the selection changes, F2 and Ctrl+A in
// the editor, → stops at the last column, Tab leaves the grid at its edges, a 3-row selection deletes as one undo step, Delete clears a range
// and Ctrl+D fills down (one step each), Find reaches rows far below the first screen.
import { expect, test, type Page } from '@playwright/test';
import { apiValues, baseUrl, cell, createSheet, docValues, openSheet } from './helpers';

const rows = [
  { sku: 'A-1', name: 'name 0', brand: 'Orchard', stock: 12, reorder_level: 5 },
  { sku: 'B-2', name: 'name 1', brand: 'Citrus', stock: 3, reorder_level: 10 },
  { sku: 'C-3', name: 'name 2', brand: 'Fizz', stock: 40, reorder_level: 8 },
  { sku: 'D-4', name: 'name 3', brand: 'Fizz', stock: 7, reorder_level: 2 },
];

const gridTop = (page: Page) => page.getByTestId('grid-scroll').evaluate((el) => el.getBoundingClientRect().top);
const undoSteps = (page: Page) => page.evaluate(() => (window as unknown as { __cellar: { undoManager: { undoStack: unknown[] } } }).__cellar.undoManager.undoStack.length);

test('double-click, Ctrl+A and typing replaces a row-1 cell, with no layout shift', async ({ page, request }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const sheet = await createSheet(request, 'Shift', 'products', rows);
  await openSheet(page, sheet.id);
  const before = await gridTop(page);
  await cell(page, 0, 1).dblclick();
  expect(await gridTop(page)).toBe(before);
  await expect(page.locator('.cell-editor input')).toBeVisible();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('replaced0');
  await page.keyboard.press('Enter');
  await expect(cell(page, 0, 1)).toHaveText('replaced0');
  expect(await gridTop(page)).toBe(before);
  // Selecting other cells, and ranges, never moves the grid either.
  await cell(page, 2, 3).click();
  await page.keyboard.press('Shift+ArrowDown');
  expect(await gridTop(page)).toBe(before);
  await expect.poll(async () => (await apiValues(request, sheet.id))[0].name).toBe('replaced0');
});

test('F2 opens the editor keeping the text; Ctrl+A then typing replaces it; → stops at the last column', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Keys', 'products', rows);
  await openSheet(page, sheet.id);
  await cell(page, 1, 1).click();
  await page.keyboard.press('F2');
  const input = page.locator('.cell-editor input');
  await expect(input).toHaveValue('name 1');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('via F2');
  await page.keyboard.press('Enter');
  await expect(cell(page, 1, 1)).toHaveText('via F2');

  const lastCol = sheet.columns.length - 1;
  await page.keyboard.press('Control+ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('toolbar-info')).toContainText(`${sheet.columns[lastCol].name} `);
  const info = await page.getByTestId('toolbar-info').textContent();
  expect(info).toMatch(/ 3$/); // still on row 3 (after Enter moved down from row 2): no wrap to the next row
});

test('Tab moves between cells and leaves the grid past its last column; Shift+Tab before the first leaves backward', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Tab out', 'products', rows);
  await openSheet(page, sheet.id);
  const inGrid = () => page.evaluate(() => !!document.activeElement?.closest('[data-testid="grid-scroll"]'));
  const lastCol = sheet.columns.length - 1;
  await cell(page, 0, 1).click();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('toolbar-info')).toContainText(`${sheet.columns[2].name} `);
  expect(await inGrid()).toBe(true);
  await page.keyboard.press('Control+ArrowRight');
  await expect(page.getByTestId('toolbar-info')).toContainText(`${sheet.columns[lastCol].name} `);
  await page.keyboard.press('Tab');
  await expect.poll(inGrid).toBe(false);
  // Focus went on to a real control after the grid (or, with none, left the page's controls): not back into it.
  expect(await page.evaluate(() => document.activeElement === document.body || document.activeElement!.matches('a[href], button, input, select, textarea, [tabindex]'))).toBe(true);

  await cell(page, 1, 0).click();
  await page.keyboard.press('Shift+Tab');
  await expect.poll(inGrid).toBe(false);
  const before = await page.evaluate(() => {
    const grid = document.querySelector('[data-testid="grid-scroll"]')!;
    const focused = document.activeElement!;
    return focused !== document.body && (grid.compareDocumentPosition(focused) & Node.DOCUMENT_POSITION_PRECEDING) !== 0 ? focused.textContent?.trim() || focused.getAttribute('aria-label') : null;
  });
  expect(before, 'a control before the grid (the toolbar) has focus').toBeTruthy();
});

test('three selected rows delete as one undoable step', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Delete rows', 'products', rows);
  await openSheet(page, sheet.id);
  await cell(page, 0, 0).click();
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  const steps = await undoSteps(page);
  await page.getByRole('button', { name: 'Delete row' }).click();
  await expect.poll(async () => (await docValues(page)).map((r) => r.sku)).toEqual(['D-4']);
  expect(await undoSteps(page)).toBe(steps + 1);
  await expect.poll(async () => (await apiValues(request, sheet.id)).map((r) => r.sku)).toEqual(['D-4']);
  await page.getByTestId('undo').click();
  await expect.poll(async () => (await docValues(page)).map((r) => r.sku)).toEqual(['A-1', 'B-2', 'C-3', 'D-4']);
  await expect.poll(async () => (await apiValues(request, sheet.id)).length).toBe(4);
});

test('Delete clears a range and Ctrl+D fills down, each one undo step', async ({ page, request }) => {
  const sheet = await createSheet(request, 'Ranges', 'products', rows);
  await openSheet(page, sheet.id);
  await cell(page, 0, 1).click();
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowRight');
  const steps = await undoSteps(page);
  await page.keyboard.press('Delete');
  await expect.poll(async () => (await docValues(page)).slice(0, 2).map((r) => [r.name, r.brand])).toEqual([
    [null, null],
    [null, null],
  ]);
  expect(await undoSteps(page)).toBe(steps + 1);
  await page.keyboard.press('Control+Z');
  await expect.poll(async () => (await docValues(page)).slice(0, 2).map((r) => r.name)).toEqual(['name 0', 'name 1']);

  await cell(page, 1, 2).click();
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  const before = await undoSteps(page);
  await page.keyboard.press('Control+D');
  await expect.poll(async () => (await docValues(page)).map((r) => r.brand)).toEqual(['Orchard', 'Citrus', 'Citrus', 'Citrus']);
  expect(await undoSteps(page)).toBe(before + 1);

  // Ctrl+Enter in the editor fills the selected range with the typed value.
  await cell(page, 0, 5).click();
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.type('9'); // replaces the active cell's 12, as in Sheets
  await page.keyboard.press('Control+Enter');
  await expect.poll(async () => (await docValues(page)).slice(0, 2).map((r) => r.stock)).toEqual([9, 9]);
});

test('Find reaches a row far below the first screen and selects it', async ({ page, request }) => {
  const many = Array.from({ length: 800 }, (_, i) => ({ sku: `S-${i}`, name: `item ${i}`, stock: i }));
  many[733].name = 'needle in the haystack';
  const sheet = await createSheet(request, 'Find', 'products', many);
  await openSheet(page, sheet.id);
  await cell(page, 0, 0).click();
  await page.keyboard.press('Control+F');
  const search = page.getByRole('searchbox', { name: 'Find in sheet' });
  await expect(search).toBeFocused();
  await search.fill('haystack');
  await expect(page.getByTestId('find-count')).toHaveText('1 of 1');
  await expect(page.locator('.Spreadsheet__table th', { hasText: /^734$/ })).toBeVisible();
  await expect(page.getByTestId('toolbar-info')).toContainText('name 734');
  // Several matches: next and previous step through them, wrapping.
  await search.fill('item 79');
  // item 79, 790–799; the first shown is the first after the active cell (row 734): item 790
  await expect(page.getByTestId('find-count')).toHaveText('2 of 11');
  await expect(page.getByTestId('toolbar-info')).toContainText('name 791');
  await page.getByRole('button', { name: 'Next match' }).click();
  await expect(page.getByTestId('find-count')).toHaveText('3 of 11');
  await expect(page.getByTestId('toolbar-info')).toContainText('name 792');
  await page.getByRole('button', { name: 'Previous match' }).click();
  await page.getByRole('button', { name: 'Previous match' }).click();
  await page.getByRole('button', { name: 'Previous match' }).click();
  await expect(page.getByTestId('find-count')).toHaveText('11 of 11');
  await expect(page.getByTestId('toolbar-info')).toContainText('name 800');
  // The toolbar button opens it too.
  await page.keyboard.press('Escape');
  await expect(search).toHaveCount(0);
  await page.getByRole('button', { name: 'Find', exact: true }).click();
  await expect(page.getByRole('searchbox', { name: 'Find in sheet' })).toBeVisible();
});

test('/favicon.ico is served', async ({ request }) => {
  const response = await request.get(`${baseUrl()}/favicon.ico`);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/icon/);
});

const headerWidth = (page: Page, name: string) =>
  page.locator('.Spreadsheet__table tr:first-child th', { has: page.locator('.col-name', { hasText: new RegExp(`^${name}$`) }) }).evaluate((th) => Math.round(th.getBoundingClientRect().width));

test('a widened column keeps its width after reload and in another browser; double-click fits', async ({ browser, request }) => {
  const sheet = await createSheet(request, 'Widths', 'products', rows);
  const first = await browser.newContext();
  const second = await browser.newContext();
  const p1 = await first.newPage();
  const p2 = await second.newPage();
  await openSheet(p1, sheet.id);
  await openSheet(p2, sheet.id);
  const before = await headerWidth(p1, 'name');
  const handle = p1.getByRole('separator', { name: 'Resize column name' });
  const box = (await handle.boundingBox())!;
  await p1.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await p1.mouse.down();
  await p1.mouse.move(box.x + 80, box.y + box.height / 2, { steps: 4 });
  await p1.mouse.move(box.x + 150, box.y + box.height / 2, { steps: 4 });
  await p1.mouse.up();
  await expect.poll(() => headerWidth(p1, 'name')).toBeGreaterThanOrEqual(before + 140);
  const widened = await headerWidth(p1, 'name');
  await expect.poll(() => headerWidth(p2, 'name')).toBe(widened);
  await p1.reload();
  await expect(p1.getByTestId('save-status')).toHaveText('All changes saved');
  await expect.poll(() => headerWidth(p1, 'name')).toBe(widened);
  // Cells follow their header.
  expect(await cell(p1, 0, 1).evaluate((td) => Math.round(td.getBoundingClientRect().width))).toBe(widened);

  // Double-click fits the content: "sku" holds short codes, so it narrows.
  await p1.getByRole('separator', { name: 'Resize column sku' }).dblclick();
  await expect.poll(() => headerWidth(p1, 'sku')).toBeLessThan(before);
  await expect.poll(() => headerWidth(p2, 'sku')).toBeLessThan(before);
  await first.close();
  await second.close();
});

test('frozen first column stays at the left edge while scrolling right', async ({ page, request }) => {
  await page.setViewportSize({ width: 700, height: 600 });
  const sheet = await createSheet(request, 'Freeze', 'products', rows);
  await openSheet(page, sheet.id);
  await page.getByRole('button', { name: 'Column sku options' }).click();
  await page.getByRole('menuitem', { name: 'Freeze this column' }).click();
  await page.getByTestId('grid-scroll').evaluate((el) => (el.scrollLeft = el.scrollWidth));
  const scroller = await page.getByTestId('grid-scroll').boundingBox();
  const sku = await cell(page, 0, 0).boundingBox();
  expect(sku!.x).toBeLessThan(scroller!.x + 80);
  await expect(cell(page, 0, 0)).toHaveText('A-1');
  await expect(cell(page, 0, 0)).toBeInViewport();
});
