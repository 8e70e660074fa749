// The grid renders only a window of rows and columns around the viewport. After scrolling either way (and
// moving with the keyboard past the window's edge), headers, row labels and edits still line up with the
// sheet's real cells.
import { expect, test, type Page } from '@playwright/test';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { HybridLogicalClock } from '../lib/hlc';
import type { CellValue } from '../lib/schema';
import { insertColumn, insertRows, readColumns } from '../lib/sheetDoc';
import { apiSheet, baseUrl, docValues } from './helpers';
import { E2E_ADMIN_TOKEN } from './servers';

const COLUMNS = 30;
const ROWS = 300;

/** A wide sheet built by a stock y-websocket client (the public API has no column endpoint). */
async function wideSheet(request: Parameters<typeof apiSheet>[0]): Promise<string> {
  const created = await request.post(`${baseUrl()}/api/sheets`, { data: { title: 'Wide', template: 'blank' } });
  const { id } = await created.json();
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${process.env.CELLAR_E2E_SYNC_PORT}`, id, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    params: { token: E2E_ADMIN_TOKEN },
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  for (let c = readColumns(doc).length; c < COLUMNS; c++) insertColumn(doc, { name: `C${c + 1}`, type: 'text' }, undefined);
  const columns = readColumns(doc);
  const rows: Record<string, CellValue>[] = [];
  for (let r = 0; r < ROWS; r++) rows.push(Object.fromEntries(columns.map((col, c) => [col.id, `r${r + 1}c${c + 1}`])));
  insertRows(doc, rows, {}, { clock: new HybridLogicalClock(), userId: 'builder' });
  await expect.poll(async () => (await apiSheet(request, id)).rows.length, { timeout: 15_000 }).toBe(ROWS);
  provider.destroy();
  doc.destroy();
  return id;
}

const headerNames = (page: Page) => page.locator('.Spreadsheet__table tr:first-child th .col-name').allTextContents();

/** The window cell under the header named `name` in window row `row`. */
async function cellUnder(page: Page, name: string, row: number) {
  const names = await headerNames(page);
  const index = names.indexOf(name);
  expect(index, `column ${name} is in the window (${names.join(', ')})`).toBeGreaterThanOrEqual(0);
  return page.locator(`.Spreadsheet__table tr:nth-child(${row + 2}) td:nth-child(${index + 2})`);
}

test('scrolled both ways, headers, labels and edits line up with the real cells', async ({ page, request }) => {
  const id = await wideSheet(request);
  await page.goto(`${baseUrl()}/sheets/${id}`);
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await expect(page.locator('.Spreadsheet__table tr:nth-child(2) td:nth-child(2)')).toHaveText('r1c1');

  // Only a window is rendered: fewer columns and rows than the sheet has.
  const names = await headerNames(page);
  expect(names.slice(0, 4)).toEqual(['A', 'B', 'C', 'C4']); // the blank template's columns, then ours
  expect(names.length).toBeLessThan(COLUMNS);
  expect(await page.locator('.Spreadsheet__table tr').count()).toBeLessThan(80);

  // Scroll right: the window follows, each header sits over its own column's values.
  const scroller = page.getByTestId('grid-scroll');
  await scroller.evaluate((el) => (el.scrollLeft = el.scrollWidth));
  await expect.poll(async () => (await headerNames(page)).includes('C30')).toBe(true);
  await expect(await cellUnder(page, 'C27', 0)).toHaveText('r1c27');
  // Row labels stay at the left edge of the scroll area.
  const label = page.locator('.Spreadsheet__table tr:nth-child(2) th').first();
  await expect(label).toHaveText('1');
  const [labelBox, scrollBox] = await Promise.all([label.boundingBox(), scroller.boundingBox()]);
  expect(Math.abs(labelBox!.x - scrollBox!.x)).toBeLessThan(4);

  // An edit there lands in that cell of the document.
  await (await cellUnder(page, 'C27', 2)).click();
  await page.keyboard.type('edited far right');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await docValues(page))[2].C27).toBe('edited far right');

  // Back to the left with the keyboard, past the window's edge.
  await (await cellUnder(page, 'C27', 0)).click();
  for (let i = 0; i < 26; i++) await page.keyboard.press('ArrowLeft');
  await expect(page.locator('.toolbar-info')).toContainText('A 1');
  await expect(page.locator('.Spreadsheet__table tr:first-child th .col-name').first()).toHaveText('A');

  // Down to row 251 by scrolling: the row labels are the real row numbers and an edit lands there.
  await scroller.evaluate((el) => (el.scrollTop = 250 * 28));
  await expect(page.locator('.Spreadsheet__table th', { hasText: /^251$/ })).toBeVisible();
  const row251 = page.locator('.Spreadsheet__table tr', { has: page.locator('th', { hasText: /^251$/ }) });
  await expect(row251.locator('td').nth(1)).toHaveText('r251c2');
  await row251.locator('td').nth(1).click();
  await page.keyboard.type('edited far down');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await docValues(page))[250].B).toBe('edited far down');
  await expect.poll(async () => (await docValues(page))[249].B).toBe('r250c2');
});

test('the first screen comes with the page from the server, and the live grid takes its place', async ({ page, request }) => {
  const id = await wideSheet(request);
  await expect.poll(async () => (await request.get(`${baseUrl()}/api/sheets/${id}`)).ok()).toBe(true);
  // The HTML alone (no script run) already holds the first rows, in the grid's markup.
  const html = await (await request.get(`${baseUrl()}/sheets/${id}`)).text();
  expect(html).toContain('data-testid="sheet-preview"');
  expect(html).toMatch(/class="cv cv-text">r1c1</);
  await page.goto(`${baseUrl()}/sheets/${id}`);
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await expect(page.getByTestId('sheet-preview')).toHaveCount(0);
  await expect(page.locator('.Spreadsheet__table tr:nth-child(2) td:nth-child(2)')).toHaveText('r1c1');
});
