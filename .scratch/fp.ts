import { chromium } from '@playwright/test';
import { startApp, adminHeaders } from '../e2e/servers';
const app = await startApp({ seed: true });
try {
  const sheets = await (await fetch(`${app.baseUrl}/api/sheets`, { headers: adminHeaders })).json();
  const id = (sheets.sheets ?? sheets)[0].id;
  const html = await (await fetch(`${app.baseUrl}/sheets/${id}`, { headers: adminHeaders })).text();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
  for (let i = 0; i < 6; i++) {
    const js = i % 2 === 0;
    console.log(js ? 'JS on' : 'JS off');
    const context = await browser.newContext({ javaScriptEnabled: js, serviceWorkers: 'block', extraHTTPHeaders: adminHeaders });
    const page = await context.newPage();
    const t0 = Date.now();
    if (0) page.on('requestfinished', (r) => { const t = r.timing(); console.log(`  ${r.resourceType()} ${r.url().slice(-60)} start ${Math.round(t.startTime - t0)} end ${Math.round(t.responseEnd)}`); });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    await page.goto(`${app.baseUrl}/sheets/${id}`, { waitUntil: 'load' });
    await page.waitForTimeout(1500);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = Object.fromEntries(metrics.map((x: { name: string; value: number }) => [x.name, x.value]));
    console.log(`FCP-ish (FirstMeaningfulPaint) ${Math.round((m.FirstMeaningfulPaint - m.NavigationStart) * 1000)} DCL ${Math.round((m.DomContentLoaded - m.NavigationStart) * 1000)} ScriptDuration ${Math.round(m.ScriptDuration * 1000)} TaskDuration ${Math.round(m.TaskDuration * 1000)}`);
    await context.close();
  }
  await browser.close();
} finally {
  await app.stop();
}
