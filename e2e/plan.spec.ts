// The plan view: two people on /sheets/:id/plan. Editing a brand subtotal in one spreads it over the
// brand's products (largest-remainder rounding, members sum exactly to the total); both see the new family
// subtotals and product values; undo restores in one step; the family-summary insight follows; holds are
// respected, and a spread the holds cannot meet is refused with a message.
import { expect, test, type Page } from '@playwright/test';
import { baseUrl, createSheet } from './helpers';

async function openPlan(page: Page, id: string): Promise<void> {
  await page.goto(`${baseUrl()}/sheets/${id}/plan`);
  await expect(page.getByTestId('plan-table')).toBeVisible();
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
}

const productInput = (page: Page, sku: string) => page.locator(`tr[data-level="product"][data-sku="${sku}"] input.plan-input`);
const brandInput = (page: Page, brand: string) => page.locator(`tr[data-level="brand"][data-brand="${brand}"] input.plan-input`);
const familyInput = (page: Page, brand: string, family: string) =>
  page.locator(`tr[data-level="family"][data-brand="${brand}"][data-family="${family}"] input.plan-input`);

/** Numbers the page shows for the brand: every product, each family subtotal, the brand subtotal. */
async function planNumbers(page: Page, brand: string, skus: string[], families: string[]) {
  const products = Object.fromEntries(await Promise.all(skus.map(async (sku) => [sku, Number(await productInput(page, sku).getAttribute('data-value'))] as const)));
  const familyTotals = Object.fromEntries(
    await Promise.all(families.map(async (family) => [family, Number(await familyInput(page, brand, family).getAttribute('data-value'))] as const)),
  );
  const brandTotal = Number(await brandInput(page, brand).getAttribute('data-value'));
  return { products, familyTotals, brandTotal };
}

test('spreading a brand subtotal in one browser changes families and products in both, undoes in one step', async ({ browser, request }) => {
  const brand = `PlanCo ${Date.now().toString(36)}`;
  const other = `${brand} Other`;
  const sheet = await createSheet(request, 'Plan e2e', 'products', [
    { sku: 'P-1', name: 'Runner', brand, family: 'Shoes', plan_units: 10 },
    { sku: 'P-2', name: 'Trail', brand, family: 'Shoes', plan_units: 30 },
    { sku: 'P-3', name: 'Wool socks', brand, family: 'Socks', plan_units: 60 },
    { sku: 'Q-1', name: 'Cap', brand: other, family: 'Hats', plan_units: 5 },
  ]);
  const skus = ['P-1', 'P-2', 'P-3'];
  const families = ['Shoes', 'Socks'];

  const alice = await browser.newContext();
  const bob = await browser.newContext();
  const pa = await alice.newPage();
  const pb = await bob.newPage();

  // The grid links to the plan view.
  await pa.goto(`${baseUrl()}/sheets/${sheet.id}`);
  await pa.getByTestId('plan-link').click();
  await expect(pa).toHaveURL(new RegExp(`/sheets/${sheet.id}/plan`));
  await expect(pa.getByTestId('plan-table')).toBeVisible();
  await expect(pa.getByTestId('save-status')).toHaveText('All changes saved');
  await openPlan(pb, sheet.id);

  const before = { products: { 'P-1': 10, 'P-2': 30, 'P-3': 60 }, familyTotals: { Shoes: 40, Socks: 60 }, brandTotal: 100 };
  await expect.poll(() => planNumbers(pb, brand, skus, families)).toEqual(before);

  // Alice sets the brand's plan to 1001: in proportion 100.1 / 300.3 / 600.6, rounded to whole units by
  // largest remainder, so P-3 (the largest remainder) takes the extra unit and the members sum to 1001.
  await brandInput(pa, brand).fill('1001');
  await brandInput(pa, brand).press('Enter');
  const after = { products: { 'P-1': 100, 'P-2': 300, 'P-3': 601 }, familyTotals: { Shoes: 400, Socks: 601 }, brandTotal: 1001 };
  for (const page of [pa, pb]) {
    await expect.poll(() => planNumbers(page, brand, skus, families)).toEqual(after);
    const numbers = await planNumbers(page, brand, skus, families);
    expect(Object.values(numbers.products).reduce((a, b) => a + b, 0)).toBe(1001);
    expect(numbers.familyTotals.Shoes).toBe(numbers.products['P-1'] + numbers.products['P-2']);
    expect(numbers.familyTotals.Socks).toBe(numbers.products['P-3']);
  }
  // The other brand is untouched.
  await expect(brandInput(pb, other)).toHaveAttribute('data-value', '5');
  await expect(pa.getByTestId('plan-info')).toContainText('Spread 1,001 over 3 products');

  // One undo step (Ctrl+Z, focus outside a text field) restores every product, in both browsers.
  await pa.locator('h1').click();
  await pa.keyboard.press('Control+z');
  for (const page of [pa, pb]) await expect.poll(() => planNumbers(page, brand, skus, families)).toEqual(before);

  // Redo (the button) brings the spread back; it syncs and persists like any edit.
  await pa.getByTestId('redo').click();
  for (const page of [pa, pb]) await expect.poll(() => planNumbers(page, brand, skus, families)).toEqual(after);
  await expect(pa.getByTestId('save-status')).toHaveText('All changes saved');

  // The family-summary insight (DuckDB, materialized from the document) reflects the new brand plan.
  const insightRow = async (level: string, family: string | null) => {
    const response = await request.get(`${baseUrl()}/api/insights/family-summary`);
    if (!response.ok()) return null;
    const body = (await response.json()) as { rows: { level: string; brand: string | null; family: string | null; plan_units: number }[] };
    return body.rows.find((r) => r.level === level && r.brand === brand && (family === null || r.family === family))?.plan_units ?? null;
  };
  await expect.poll(() => insightRow('brand', null), { timeout: 15_000 }).toBe(1001);
  await expect.poll(() => insightRow('family', 'Shoes')).toBe(400);
  await expect.poll(() => insightRow('family', 'Socks')).toBe(601);
  const insightPage = await request.get(`${baseUrl()}/insights/family-summary`);
  if (insightPage.ok()) {
    await pa.goto(`${baseUrl()}/insights/family-summary`);
    await expect(pa.locator('tr', { hasText: brand }).filter({ hasText: /1,?001/ }).first()).toBeVisible();
    await openPlan(pa, sheet.id);
  }

  // Holds: Bob holds P-1 and sets Shoes to 500; P-1 keeps 100 and P-2 absorbs the change. Alice sees it.
  await pb.getByRole('checkbox', { name: 'Hold P-1' }).check();
  await expect(pb).toHaveURL(/hold=/);
  await familyInput(pb, brand, 'Shoes').fill('500');
  await familyInput(pb, brand, 'Shoes').press('Enter');
  const held = { products: { 'P-1': 100, 'P-2': 400, 'P-3': 601 }, familyTotals: { Shoes: 500, Socks: 601 }, brandTotal: 1101 };
  for (const page of [pa, pb]) await expect.poll(() => planNumbers(page, brand, skus, families)).toEqual(held);

  // Everything in Shoes held: a new Shoes total is refused, clearly, and nothing changes.
  await pb.getByRole('checkbox', { name: 'Hold P-2' }).check();
  await familyInput(pb, brand, 'Shoes').fill('700');
  await familyInput(pb, brand, 'Shoes').press('Enter');
  await expect(pb.getByTestId('plan-error')).toContainText('every member is held');
  await expect(familyInput(pb, brand, 'Shoes')).toHaveAttribute('data-value', '500');
  expect(await planNumbers(pa, brand, skus, families)).toEqual(held);

  // A product value is edited directly; its family and brand subtotals follow.
  await productInput(pa, 'P-3').fill('650');
  await productInput(pa, 'P-3').press('Enter');
  for (const page of [pa, pb]) {
    await expect(familyInput(page, brand, 'Socks')).toHaveAttribute('data-value', '650');
    await expect(brandInput(page, brand)).toHaveAttribute('data-value', '1150');
  }

  await alice.close();
  await bob.close();
});
