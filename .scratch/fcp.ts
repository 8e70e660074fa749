import { chromium } from '@playwright/test';
import { startApp, adminHeaders } from '../e2e/servers';
const app = await startApp({ seed: true });
try {
  const sheets = await (await fetch(`${app.baseUrl}/api/sheets`, { headers: adminHeaders })).json();
  const id = (sheets.sheets ?? sheets)[0].id;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  const fcp: number[] = [];
  const measured: number[] = [];
  for (let i = 0; i < 8; i++) {
    const context = await browser.newContext({ serviceWorkers: 'block', extraHTTPHeaders: adminHeaders, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/sheets/${id}`, { waitUntil: 'commit' });
    measured.push(Math.round((await page.evaluate(`new Promise((resolve) => { const check = () => { const td = document.querySelector('.Spreadsheet__table tr:nth-child(2) td:nth-child(2)'); if (td && td.textContent) { requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)); return; } requestAnimationFrame(check); }; check(); })`)) as number));
    await page.waitForTimeout(800);
    fcp.push(Math.round((await page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")) as number));
    await context.close();
  }
  await browser.close();
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
  console.log(JSON.stringify({ fcp, measured, fcpMedian: med(fcp), measuredMedian: med(measured) }));
} finally {
  await app.stop();
}
