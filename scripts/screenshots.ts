// Screenshots of the grid (and the pages around it) at desktop and phone size, for docs/screenshots/.
// Starts the built app on free ports (as the e2e harness does), makes a products sheet with sample rows,
// and shoots each page. Usage: npx tsx scripts/screenshots.ts [outDir]   (CELLAR_E2E_BASE_URL: use a running app started with the e2e admin token)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, devices, type Browser } from '@playwright/test';
import { adminHeaders, ensureBuild, startApp } from '../e2e/servers';

const outDir = process.argv[2] ?? 'docs/screenshots';

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  let base = process.env.CELLAR_E2E_BASE_URL;
  let stop: (() => Promise<void>) | null = null;
  if (!base) {
    ensureBuild();
    const app = await startApp();
    base = app.baseUrl;
    stop = app.stop;
  }
  const created = await fetch(`${base}/api/sheets`, { method: 'POST', headers: { 'content-type': 'application/json', ...adminHeaders }, body: JSON.stringify({ title: 'Cellar stock', template: 'products' }) });
  const { id } = (await created.json()) as { id: string };
  const brands = ['Orchard', 'Citrus', 'Fizz', 'Hop'];
  const rows = Array.from({ length: 400 }, (_, i) => ({
    sku: `SKU-${String(i + 1).padStart(4, '0')}`,
    name: `${['Apple cider', 'Bitter lemon', 'Cola', 'Pale ale', 'Ginger beer with a long descriptive name'][i % 5]} ${i + 1}`,
    brand: brands[i % 4],
    family: ['Soft', 'Beer', 'Cider'][i % 3],
    category: ['Drinks', 'Alcohol'][i % 2],
    stock: (i * 37) % 120,
    reorder_level: 10 + (i % 7) * 5,
    unit_cost: Math.round(((i % 13) + 1) * 0.45 * 100) / 100,
    price: Math.round(((i % 13) + 1) * 0.95 * 100) / 100,
    plan_units: 50 + (i % 9) * 10,
  }));
  await fetch(`${base}/api/sheets/${id}/rows`, { method: 'POST', headers: { 'content-type': 'application/json', ...adminHeaders }, body: JSON.stringify({ rows }) });

  const sheet = (await (await fetch(`${base}/api/sheets/${id}`, { headers: adminHeaders })).json()) as { columns: { id: string; name: string }[] };
  const col = Object.fromEntries(sheet.columns.map((c) => [c.name, c.id]));
  const sortedView = `sort=-${col.stock}&filter=${encodeURIComponent(JSON.stringify([{ col: col.brand, op: 'values', values: ['Fizz', 'Hop'] }]))}`;
  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const sizes = [
    { name: 'desktop', options: { viewport: { width: 1400, height: 900 } } },
    { name: 'phone', options: { ...devices['iPhone 13'], viewport: { width: 390, height: 844 } } },
  ];
  for (const size of sizes) {
    const context = await browser.newContext({ ...size.options, extraHTTPHeaders: adminHeaders });
    const page = await context.newPage();
    const shots: Array<[string, string, (() => Promise<void>)?]> = [
      ['grid', `/sheets/${id}`, async () => {
        await page.locator('.Spreadsheet__table tr:nth-child(3) td:nth-child(3)').click();
      }],
      ['grid-sorted', `/sheets/${id}?${sortedView}`],
      ['plan', `/sheets/${id}/plan`],
      ['sheets', '/'],
      ['insight', '/insights/category-rollup'],
    ];
    for (const [name, path, act] of shots) {
      await page.goto(`${base}${path}`);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(600);
      if (act) await act();
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(outDir, `${name}-${size.name}.png`) });
    }
    await context.close();
  }
  await browser.close();
  await stop?.();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
