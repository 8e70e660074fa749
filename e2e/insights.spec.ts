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
  await request.post(`${baseUrl()}/api/sheets/${sale.salesId}/cells`, { data: { updates: [{ row: sale.saleRow, col: sale.qtyCol, adjust: -7 }] } });
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
});
