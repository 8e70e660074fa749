// Concurrent same-cell edits (DESIGN "Merge semantics" 2): two contexts edit one cell offline and come back
// online. Both show the later edit and the conflict mark; the popover lists both values, and "Keep this one"
// on the other value makes it the cell's value everywhere (the API included), in one undoable step.
import { expect, test } from '@playwright/test';
import { apiValues, cell, createSheet, openSheet, typeInto } from './helpers';

test('offline edits of one cell: the later wins with a conflict mark, and resolving picks the other everywhere', async ({ browser, request }) => {
  const sheet = await createSheet(request, 'Conflicts', 'products', [{ sku: 'K-1', name: 'Kombucha', stock: 10 }]);
  const first = await browser.newContext();
  const second = await browser.newContext();
  const p1 = await first.newPage();
  const p2 = await second.newPage();
  await openSheet(p1, sheet.id);
  await openSheet(p2, sheet.id);
  const nameCell = (page: typeof p1) => cell(page, 0, 1);

  await first.setOffline(true);
  await second.setOffline(true);
  await expect(p1.getByTestId('save-status')).toContainText('Offline');
  await expect(p2.getByTestId('save-status')).toContainText('Offline');

  await typeInto(p1, 0, 1, 'Kombucha (earlier)');
  await p1.waitForTimeout(50); // the second edit is stamped later by wall clock
  await typeInto(p2, 0, 1, 'Kombucha (later)');
  await expect(nameCell(p1)).toHaveText('Kombucha (earlier)');
  await expect(nameCell(p2)).toHaveText('Kombucha (later)');

  await first.setOffline(false);
  await second.setOffline(false);
  for (const page of [p1, p2]) {
    await expect(page.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 15_000 });
    await expect(nameCell(page)).toHaveText('Kombucha (later)');
    await expect(nameCell(page).locator('.cv-conflict')).toBeVisible();
  }
  await expect.poll(async () => (await apiValues(request, sheet.id))[0].name).toBe('Kombucha (later)');

  // The popover on the conflicted cell: both values, who wrote them and when.
  await cell(p1, 0, 0).click();
  await expect(p1.getByTestId('conflict-popover')).toHaveCount(0); // no conflict on the sku cell
  await nameCell(p1).click();
  const popover = p1.getByTestId('conflict-popover');
  await expect(popover).toBeVisible();
  const values = popover.getByTestId('conflict-value');
  await expect(values).toHaveCount(2);
  await expect(values.nth(0)).toContainText('Kombucha (later)');
  await expect(values.nth(0)).toHaveAttribute('data-current', 'true');
  await expect(values.nth(1)).toContainText('Kombucha (earlier)');
  await expect(values.nth(1)).toContainText('by you');
  await expect(values.nth(1).locator('time')).toHaveAttribute('datetime', /^\d{4}-\d\d-\d\dT/);

  // "Keep this one" on the value that lost: it wins everywhere and the mark goes.
  await values.nth(1).getByTestId('keep-value').click();
  await expect(popover).toBeHidden();
  for (const page of [p1, p2]) {
    await expect(nameCell(page)).toHaveText('Kombucha (earlier)');
    await expect(nameCell(page).locator('.cv-conflict')).toHaveCount(0);
  }
  await expect.poll(async () => (await apiValues(request, sheet.id))[0].name).toBe('Kombucha (earlier)');

  // One undo step brings back the later value and the open conflict.
  await p1.getByTestId('undo').click();
  for (const page of [p1, p2]) {
    await expect(nameCell(page)).toHaveText('Kombucha (later)');
    await expect(nameCell(page).locator('.cv-conflict')).toBeVisible();
  }

  // The other writer gone, the popover still names them by name (kept in the document), never by raw id.
  const secondName = (await p2.getByTestId('me').textContent())!.trim();
  await second.close();
  await expect(p1.getByTestId('peers')).not.toContainText(secondName);
  await expect(p1.getByTestId('conflict-popover')).toBeVisible(); // still open on the name cell
  await expect(p1.getByTestId('conflict-value').nth(0)).toContainText(`by ${secondName}`);
  await expect(p1.getByTestId('conflict-value').nth(0)).not.toContainText('u-');
  await first.close();
});
