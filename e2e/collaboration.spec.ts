// Two people on one sheet: edits appear in the other browser within a second, and each sees the other.
import { expect, test } from '@playwright/test';
import { apiValues, cell, createSheet, openSheet, typeInto } from './helpers';

test('an edit in one browser appears in the other within 1 s, with presence', async ({ browser, request }) => {
  const sheet = await createSheet(request, 'Collab', 'products', [
    { sku: 'A-1', name: 'Apple cider', stock: 12, reorder_level: 5 },
    { sku: 'B-2', name: 'Bitter lemon', stock: 3, reorder_level: 10 },
  ]);
  const alice = await browser.newContext();
  const bob = await browser.newContext();
  const pa = await alice.newPage();
  const pb = await bob.newPage();
  await openSheet(pa, sheet.id);
  await openSheet(pb, sheet.id);

  const aliceName = (await pa.getByTestId('me').textContent())!.trim();
  const bobName = (await pb.getByTestId('me').textContent())!.trim();

  // Presence: each lists the other in the header.
  await expect(pb.getByTestId('peers').locator(`[data-peer="${aliceName}"]`)).toBeVisible();
  await expect(pa.getByTestId('peers').locator(`[data-peer="${bobName}"]`)).toBeVisible();

  // Alice selects a cell: Bob sees her outline there.
  await cell(pa, 1, 1).click();
  await expect(pb.locator(`.peer-cursor[data-peer="${aliceName}"]`)).toBeVisible();

  // Alice edits; Bob sees it within a second.
  await cell(pa, 0, 1).click();
  await pa.keyboard.type('Apple cider, dry');
  const started = Date.now();
  await pa.keyboard.press('Enter');
  await expect(cell(pb, 0, 1)).toHaveText('Apple cider, dry', { timeout: 1000 });
  const latency = Date.now() - started;
  test.info().annotations.push({ type: 'latency', description: `${latency} ms` });

  // A stock adjustment typed as +5 merges additively.
  await typeInto(pb, 0, 5, '+5');
  await expect(cell(pa, 0, 5)).toHaveText('17', { timeout: 1000 });

  await expect(pa.getByTestId('save-status')).toHaveText('All changes saved');
  await expect.poll(async () => (await apiValues(request, sheet.id))[0]).toMatchObject({ name: 'Apple cider, dry', stock: 17 });

  // Bob leaves: Alice stops listing him within seconds.
  await bob.close();
  await expect(pa.getByTestId('peers').locator(`[data-peer="${bobName}"]`)).toHaveCount(0, { timeout: 5000 });
  await alice.close();
});
