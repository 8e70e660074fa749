// Builds once, starts the sync server and `next start` on free ports with a fresh data directory, and
// returns the teardown. Tests read the base URL from CELLAR_E2E_BASE_URL.
import { createOwner, ensureBuild, OWNER_STATE, startApp } from './servers';

export default async function globalSetup(): Promise<() => Promise<void>> {
  ensureBuild();
  const app = await startApp();
  // The owner's session cookie for every test's pages (service worker and download requests carry
  // cookies, not Playwright's extra headers); API requests send CELLAR_ADMIN_TOKEN (playwright.config.ts).
  await createOwner(app.baseUrl, OWNER_STATE);
  process.env.CELLAR_E2E_BASE_URL = app.baseUrl;
  process.env.CELLAR_E2E_SYNC_PORT = String(app.syncPort);
  console.log(`e2e: web ${app.baseUrl}, sync ws://127.0.0.1:${app.syncPort}, data ${app.dataDir}`);
  return app.stop;
}
