// Shared e2e helpers: the app's address, sheets made through the public API, and grid interactions.
import { expect, type APIRequestContext, type Page } from '@playwright/test';

export function baseUrl(): string {
  const url = process.env.CELLAR_E2E_BASE_URL;
  if (!url) throw new Error('CELLAR_E2E_BASE_URL is not set: run through playwright.config.ts (global setup)');
  return url;
}

export interface SheetFixture {
  id: string;
  columns: { id: string; name: string; type: string }[];
  rowIds: string[];
}

/** A new sheet with rows, made through the public HTTP API. */
export async function createSheet(
  request: APIRequestContext,
  title: string,
  template: 'blank' | 'products' | 'sales',
  rows: Record<string, string | number | boolean | null>[],
): Promise<SheetFixture> {
  const created = await request.post(`${baseUrl()}/api/sheets`, { data: { title, template } });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  let rowIds: string[] = [];
  if (rows.length > 0) {
    const appended = await request.post(`${baseUrl()}/api/sheets/${id}/rows`, { data: { rows } });
    expect(appended.ok()).toBeTruthy();
    rowIds = (await appended.json()).ids;
  }
  const sheet = await (await request.get(`${baseUrl()}/api/sheets/${id}`)).json();
  return { id, columns: sheet.columns, rowIds };
}

export async function apiSheet(request: APIRequestContext, id: string) {
  const response = await request.get(`${baseUrl()}/api/sheets/${id}`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()) as { columns: { id: string; name: string }[]; rows: { id: string; values: Record<string, unknown> }[] };
}

/** API values by column name, in display order. */
export async function apiValues(request: APIRequestContext, id: string): Promise<Record<string, unknown>[]> {
  const sheet = await apiSheet(request, id);
  return sheet.rows.map((row) => Object.fromEntries(sheet.columns.map((c) => [c.name, row.values[c.id] ?? null])));
}

export async function openSheet(page: Page, id: string): Promise<void> {
  await page.goto(`${baseUrl()}/sheets/${id}`);
  await expect(page.locator('.Spreadsheet')).toBeVisible();
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
}

/** The cell at display row `row` (0-based, within the first window) and column `col` (0-based). */
export function cell(page: Page, row: number, col: number) {
  // tr 1 is the header; td 1 is the first data column (th is the row label).
  return page.locator(`.Spreadsheet__table tr:nth-child(${row + 2}) td:nth-child(${col + 2})`);
}

export async function typeInto(page: Page, row: number, col: number, text: string, commit = 'Enter'): Promise<void> {
  await cell(page, row, col).click();
  await page.keyboard.type(text);
  if (commit) await page.keyboard.press(commit);
}

/** Values the page's own document holds, by column name, in display order. */
export async function docValues(page: Page): Promise<Record<string, unknown>[]> {
  return page.evaluate(() => {
    const conn = (window as unknown as { __cellar: { model: { rowIds: string[]; columns: { id: string; name: string }[]; valueAt(r: string, c: string): unknown } } }).__cellar;
    return conn.model.rowIds.map((rowId) => Object.fromEntries(conn.model.columns.map((c) => [c.name, conn.model.valueAt(rowId, c.id)])));
  });
}

export async function pasteText(page: Page, text: string): Promise<void> {
  await page.evaluate((tsv) => {
    const data = new DataTransfer();
    data.setData('text/plain', tsv);
    const target = document.activeElement ?? document.body;
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}
