// Signing out forgets what this browser kept of the workspace (the sheets' IndexedDB copies, the app's
// localStorage, the service worker's cached pages), so the next person at this browser cannot read it
// offline; edits not saved yet are named first, and stay if the person changes their mind. Offline, signing
// out is refused with a message: only the server can end the session.
import { expect, test, type Dialog } from '@playwright/test';
import { apiValues, createSheet, openSheet, typeInto } from './helpers';

test('signing out forgets this browser’s copies of the sheets; unsaved edits are named first and kept if declined; offline it says it cannot', async ({ page, request }) => {
  // A workspace of many sheets: the service worker's offline warm-up (every sheet's page) is still fetching
  // when the person signs out, and none of those pages may land in the cache after it was cleared.
  for (let i = 0; i < 60; i++) await createSheet(request, `Other ${i}`, 'products', [{ sku: `O-${i}`, name: 'other', stock: 1 }]);
  const sheet = await createSheet(request, 'Signing out', 'products', [{ sku: 'S-1', name: 'Sloe gin', stock: 2 }]);
  await openSheet(page, sheet.id);
  const kept = () =>
    page.evaluate(async () => ({
      databases: (await indexedDB.databases()).map((db) => db.name ?? '').filter((name) => name.startsWith('cellar-sheet-')),
      keys: Object.keys(localStorage).filter((key) => key.startsWith('cellar-')),
      // Sheet and insight pages the service worker keeps. (This context sends the admin token with every
      // request, so unlike a real signed-out browser it may still get and cache the sheet list's RSC data for "/".)
      pages: (
        await Promise.all(
          (await caches.keys()).filter((name) => !name.startsWith('serwist-precache')).map(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)),
        )
      )
        .flat()
        .filter((path) => path.startsWith('/sheets/') || path.startsWith('/insights')),
    }));
  await expect.poll(async () => (await kept()).databases).toContain(`cellar-sheet-${sheet.id}`);
  // The service worker has cached the page (for offline use).
  await expect.poll(async () => (await kept()).pages, { timeout: 20_000 }).toContain(`/sheets/${sheet.id}`);

  // An edit made offline is not saved yet: signing out says so, and declining keeps everything.
  await page.context().setOffline(true);
  await typeInto(page, 0, 1, 'Sloe gin (offline)');
  await expect(page.getByTestId('save-status')).toContainText('pending');
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.dismiss();
  });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect.poll(() => asked).toContain('not saved yet');
  expect(page.url()).toContain(`/sheets/${sheet.id}`);
  expect((await kept()).databases).toContain(`cellar-sheet-${sheet.id}`);

  // Saying yes while offline: only the server can end the session (an HttpOnly cookie), so the page says it
  // cannot and stays signed in, with nothing removed (the next person would otherwise be signed in as this one).
  const answers: string[] = [];
  const answer = (dialog: Dialog) => {
    answers.push(dialog.message());
    void dialog.accept();
  };
  page.on('dialog', answer);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect.poll(() => answers.length).toBe(2);
  expect(answers[0]).toContain('not saved yet');
  expect(answers[1]).toContain('You are offline, so you are still signed in');
  page.off('dialog', answer);
  expect(page.url()).toContain(`/sheets/${sheet.id}`);
  expect((await kept()).databases).toContain(`cellar-sheet-${sheet.id}`);
  await expect(page.getByTestId('save-status')).toContainText('pending');

  // Back online the edit is saved; signing out now asks nothing and leaves nothing of the workspace here.
  await page.context().setOffline(false);
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 15_000 });
  page.on('dialog', (dialog) => {
    asked = `unexpected: ${dialog.message()}`;
    void dialog.dismiss();
  });
  asked = '';
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/signin/);
  expect(asked).toBe('');
  await expect.poll(kept).toEqual({ databases: [], keys: [], pages: [] });
  expect((await apiValues(request, sheet.id))[0].name).toBe('Sloe gin (offline)');
});
