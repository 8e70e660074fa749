// The service worker and the API: API calls bypass it. Its default rules used to proxy every `/api/` GET into
// a cache, the insight pages' change feed (server-sent events, endless) included, and kept each feed open
// after its page was gone; after a few insight pages the browser's six connections to the host were all held
// and pages stopped loading. API answers (the signed-in person's data) must not be kept in a cache either.
import { expect, test } from '@playwright/test';
import { baseUrl } from './helpers';

const INSIGHTS = ['low-stock', 'category-rollup', 'sales-trend', 'sales-pivot', 'product-sales', 'family-summary'];

test('insight pages one after another stay live, the app keeps loading, and no API answer is cached', async ({ page }) => {
  await page.goto(`${baseUrl()}/insights`);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r, { once: true }));
  });

  // Twice as many pages with a change feed as the browser has connections to one host.
  for (let i = 0; i < 12; i++) {
    await page.goto(`${baseUrl()}/insights/${INSIGHTS[i % INSIGHTS.length]}`);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await expect(page.getByTestId('insight-live')).toHaveAttribute('data-status', 'live');
  }
  await page.goto(`${baseUrl()}/members`);
  await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();

  // An API call from a controlled page reaches the server, and neither it nor any other API answer is kept;
  // the pages are (so the worker is at work, just not on the API).
  const sheets = await page.evaluate(async () => (await fetch('/api/sheets')).status);
  expect(sheets).toBe(200);
  await expect
    .poll(() => page.evaluate(async () => !!(await caches.match(new URL('/insights/low-stock', location.href).href))), { timeout: 20_000 })
    .toBe(true);
  const cachedApi = await page.evaluate(async () => {
    const found: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) if (new URL(request.url).pathname.startsWith('/api/')) found.push(`${name}: ${request.url}`);
    }
    return found;
  });
  expect(cachedApi).toEqual([]);
});
