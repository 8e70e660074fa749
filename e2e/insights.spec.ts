// Insights over the materialized sheets: fresh within a second of an edit, live pages, hostile parameters.
import { expect, test, type APIRequestContext } from '@playwright/test';
import { apiSheet, baseUrl } from './helpers';

type Row = Record<string, string | number | null>;

/** Sums of doubles in a parallel aggregate may differ in the last bits between runs: compare at 1e-6. */
function rounded<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v));
}

async function insight(request: APIRequestContext, name: string, query = ''): Promise<{ rows: Row[] }> {
  const response = await request.get(`${baseUrl()}/api/insights/${name}${query}`);
  expect(response.status()).toBe(200);
  return response.json();
}

async function seededSales(request: APIRequestContext) {
  const { sheets } = await (await request.get(`${baseUrl()}/api/sheets`)).json();
  const salesId = sheets.find((s: { title: string; template: string }) => s.title === 'Sales' && s.template === 'sales').id as string;
  const productsId = sheets.find((s: { title: string; template: string }) => s.title === 'Products' && s.template === 'products').id as string;
  const sales = await apiSheet(request, salesId);
  const products = await apiSheet(request, productsId);
  const col = (sheet: typeof sales, name: string) => sheet.columns.find((c) => c.name === name)!.id;
  const sale = sales.rows[0];
  const sku = sale.values[col(sales, 'sku')];
  const product = products.rows.find((r) => r.values[col(products, 'sku')] === sku)!;
  return {
    salesId,
    saleRow: sale.id,
    qtyCol: col(sales, 'qty'),
    qty: Number(sale.values[col(sales, 'qty')]),
    brand: String(product.values[col(products, 'brand')]),
    category: String(product.values[col(products, 'category')]),
  };
}

test('a changed sale shows in family-summary and category-rollup within a second', async ({ request }) => {
  const sale = await seededSales(request);
  const brandUnits = async () => (await insight(request, 'family-summary')).rows.find((r) => r.level === 'brand' && r.brand === sale.brand)!.sales_units as number;
  const categoryUnits = async () => (await insight(request, 'category-rollup')).rows.find((r) => r.level === 'category' && r.category === sale.category)!.sales_units as number;
  const [brandBefore, categoryBefore] = [await brandUnits(), await categoryUnits()];

  const edited = await request.post(`${baseUrl()}/api/sheets/${sale.salesId}/cells`, { data: { updates: [{ row: sale.saleRow, col: sale.qtyCol, value: sale.qty + 100 }] } });
  expect(edited.status()).toBe(200);
  await expect.poll(brandUnits, { timeout: 1000, intervals: [50] }).toBe(brandBefore + 100);
  await expect.poll(categoryUnits, { timeout: 1000, intervals: [50] }).toBe(categoryBefore + 100);

  // Restore, so other tests see the seeded numbers.
  await request.post(`${baseUrl()}/api/sheets/${sale.salesId}/cells`, { data: { updates: [{ row: sale.saleRow, col: sale.qtyCol, value: sale.qty }] } });
  await expect.poll(brandUnits, { timeout: 1000, intervals: [50] }).toBe(brandBefore);
});

test('an insight page refreshes by itself after an edit, without reloading', async ({ page, request }) => {
  const sale = await seededSales(request);
  await page.goto(`${baseUrl()}/insights/category-rollup`);
  await expect(page.getByTestId('insight-live')).toHaveAttribute('data-status', 'live');
  const kpi = page.getByTestId('kpi-sales-units');
  const before = Number(await kpi.getAttribute('data-value'));
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  await request.post(`${baseUrl()}/api/sheets/${sale.salesId}/cells`, { data: { updates: [{ row: sale.saleRow, col: sale.qtyCol, adjust: 7 }] } });
  await expect(kpi).toHaveAttribute('data-value', String(before + 7), { timeout: 3000 });
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  // Put back, and wait until it is materialized, so the next test starts from settled data.
  await request.post(`${baseUrl()}/api/sheets/${sale.salesId}/cells`, { data: { updates: [{ row: sale.saleRow, col: sale.qtyCol, adjust: -7 }] } });
  await expect(kpi).toHaveAttribute('data-value', String(before), { timeout: 3000 });
});

test('hostile insight parameters get 400 (or are bound as plain values) and change nothing', async ({ request, page }) => {
  const sheetsBefore = await (await request.get(`${baseUrl()}/api/sheets`)).json();
  const rollupBefore = await insight(request, 'category-rollup');
  const refused: Array<[string, string, number]> = [
    ['low-stock', '?from=2024-13-45', 400],
    ['low-stock', "?to=2024-01-01'; DROP TABLE sheets; --", 400],
    ['low-stock', `?threshold=${'9'.repeat(400)}`, 400],
    ['sales-trend', '?from=2025-02-01&to=2025-01-01', 400],
    ['sales-trend', '?bogus=1', 400],
    ['nope', '', 404],
    ["x'; DROP TABLE sales; --", '', 404],
  ];
  for (const [name, query, status] of refused) {
    const response = await request.get(`${baseUrl()}/api/insights/${encodeURIComponent(name)}${query}`);
    expect(response.status(), `${name}${query}`).toBe(status);
    expect((await response.json()).error.message).toBeTruthy();
  }
  const bound = await insight(request, 'category-rollup', `?category=${encodeURIComponent("'; DROP TABLE products; --")}`);
  expect(bound.rows.filter((r) => r.level !== 'total')).toEqual([]);
  expect(await (await request.get(`${baseUrl()}/api/sheets`)).json()).toEqual(sheetsBefore);
  expect(rounded(await insight(request, 'category-rollup'))).toEqual(rounded(rollupBefore));

  await page.goto(`${baseUrl()}/insights/low-stock?asOf=2024-02-31`);
  await expect(page.getByTestId('insight-error')).toContainText(/date/i);
  // A refused page claims nothing about the data (not "no products or sales yet"); a good one says its age.
  await expect(page.getByTestId('insight-data-as-of')).toHaveCount(0);
  await page.goto(`${baseUrl()}/insights/low-stock`);
  await expect(page.getByTestId('insight-data-as-of').locator('time').first()).toBeVisible();
});

test('an insight page shows the first page of its table, sorts and pages on the server, and downloads the whole answer as CSV', async ({ page, request }) => {
  const api = async (query: string) => (await request.get(`${baseUrl()}/api/insights/sales-trend?${query}`)).json();
  const { total } = await api('limit=1');
  expect(total).toBeGreaterThan(50);
  await page.goto(`${baseUrl()}/insights/sales-trend`);
  await expect(page.getByTestId('insight-row-count')).toHaveAttribute('data-total', String(total));
  await expect(page.getByTestId('insight-chart')).toBeVisible();
  const rows = page.getByTestId('insight-table').locator('tbody tr');
  await expect(rows).toHaveCount(50);
  const cell = (row: number, column: string) => rows.nth(row).locator('td').nth(['day', 'category', 'sales_value', 'running_total', 'moving_avg_7d'].indexOf(column));

  // Sorting is the server's: the first row is the API's first row in that order, over every row.
  await page.locator('th[data-column="sales_value"] a').click();
  await expect(page).toHaveURL(/sort=sales_value&dir=asc/);
  const ascending = await api('limit=1&sort=sales_value&dir=asc');
  await expect(cell(0, 'sales_value')).toHaveAttribute('data-value', String(ascending.rows[0].sales_value));
  await expect(page.locator('th[data-column="sales_value"]')).toHaveAttribute('aria-sort', 'ascending');
  await page.locator('th[data-column="sales_value"] a').click();
  await expect(page).toHaveURL(/dir=desc/);
  const descending = await api('limit=51&sort=sales_value&dir=desc');
  await expect(cell(0, 'sales_value')).toHaveAttribute('data-value', String(descending.rows[0].sales_value));

  // The next page continues exactly where the first ended.
  await page.getByTestId('insight-pager').getByRole('link', { name: /Next/ }).click();
  await expect(page).toHaveURL(/offset=50/);
  await expect(cell(0, 'day')).toHaveAttribute('data-value', String(descending.rows[50].day));
  await expect(cell(0, 'category')).toHaveAttribute('data-value', String(descending.rows[50].category));

  // Download CSV is the API's format=csv with the same sort: every row.
  const href = await page.getByTestId('insight-csv').getAttribute('href');
  expect(href).toContain('format=csv');
  expect(href).toContain('sort=sales_value');
  const csv = await request.get(`${baseUrl()}${href}`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  expect(csv.headers()['content-disposition']).toMatch(/^attachment/);
  const lines = (await csv.text()).trimEnd().split('\r\n');
  expect(lines).toHaveLength(total + 1);
  expect(lines[0]).toBe('day,category,sales_value,running_total,moving_avg_7d');
});

test('a rendered insight page is shared only with callers the sync server admits, and an edit makes it stale', async ({ request, playwright }) => {
  const path = `${baseUrl()}/insights/category-rollup?from=2000-01-01`;
  const kpiOf = (html: string) => /data-testid="kpi-sales-units" data-value="([^"]*)"/.exec(html)?.[1];
  // The same page twice for the owner: the second is the kept render, identical.
  // As a browser opens a page: a document request (React Server Components fetches are never shared).
  const asPage = { accept: 'text/html' };
  const first = await request.get(path, { headers: asPage });
  expect(first.status()).toBe(200);
  const html = await first.text();
  expect(html).toContain('data-testid="insight-table"');
  const second = await request.get(path, { headers: asPage });
  expect(second.headers()['x-cellar-page-cache']).toBe('shared');
  expect(await second.text()).toBe(html);

  // An unknown token passes the web server's optimistic check but not the sync server's: the normal
  // render says 401, and nothing of the kept page leaks.
  const stranger = await playwright.request.newContext({ extraHTTPHeaders: { authorization: 'Bearer not-a-real-token' }, storageState: { cookies: [], origins: [] } });
  const refusedResponse = await stranger.get(path, { headers: asPage });
  expect(refusedResponse.headers()['x-cellar-page-cache']).toBeUndefined();
  const refused = await refusedResponse.text();
  expect(refused).toContain('data-testid="insight-error"');
  expect(refused).not.toContain('data-testid="insight-table"');
  await stranger.dispose();
  // A real token limited to one sheet may not read workspace-wide insights: 403, not the kept page.
  const { sheets } = await (await request.get(`${baseUrl()}/api/sheets`)).json();
  const created = await request.post(`${baseUrl()}/api/tokens`, { data: { name: 'one sheet only', role: 'viewer', sheets: [sheets[0].id] } });
  expect(created.status()).toBe(201);
  const limited = await playwright.request.newContext({ extraHTTPHeaders: { authorization: `Bearer ${(await created.json()).token}` }, storageState: { cookies: [], origins: [] } });
  const limitedResponse = await limited.get(path, { headers: asPage });
  expect(limitedResponse.headers()['x-cellar-page-cache']).toBeUndefined();
  const limitedHtml = await limitedResponse.text();
  expect(limitedHtml).toMatch(/data-testid="insight-error"[^>]*data-status="403"/);
  expect(limitedHtml).not.toContain('data-testid="insight-table"');
  await limited.dispose();

  // An edit to its inputs: the next load is a new render with the new figure.
  const sale = await seededSales(request);
  const before = Number(kpiOf(html));
  await request.post(`${baseUrl()}/api/sheets/${sale.salesId}/cells`, { data: { updates: [{ row: sale.saleRow, col: sale.qtyCol, adjust: 5 }] } });
  await expect.poll(async () => Number(kpiOf(await (await request.get(path, { headers: asPage })).text())), { timeout: 3000, intervals: [50] }).toBe(before + 5);
  await request.post(`${baseUrl()}/api/sheets/${sale.salesId}/cells`, { data: { updates: [{ row: sale.saleRow, col: sale.qtyCol, adjust: -5 }] } });
  await expect.poll(async () => Number(kpiOf(await (await request.get(path, { headers: asPage })).text())), { timeout: 3000, intervals: [50] }).toBe(before);
});
