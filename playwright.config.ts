// End-to-end tests against the production build: global setup builds once (when .next is missing or
// older than the sources), starts the real sync server on a fresh data directory and `next start`, each
// on a free loopback port, and tears both down afterwards.
import { defineConfig } from '@playwright/test';
import { adminHeaders, OWNER_STATE } from './e2e/servers';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';

export default defineConfig({
  testDir: './e2e',
  testMatch: /.*\.spec\.ts$/,
  globalSetup: './e2e/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    headless: true,
    viewport: { width: 1400, height: 900 },
    // Tests act as the owner through CELLAR_ADMIN_TOKEN (API requests and pages alike); the access specs
    // make contexts of their own without it.
    extraHTTPHeaders: adminHeaders,
    storageState: OWNER_STATE,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
