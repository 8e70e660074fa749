// Access control end to end, on an app of its own that starts with no owner (first run) and short-lived
// socket tokens (CELLAR_SOCKET_TOKEN_TTL_S), with browser contexts that carry no test credentials.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { startApp, type RunningApp } from './servers';

const TOKEN_TTL_S = 4;
const OWNER = { name: 'Ada Owner', email: 'ada@example.com', password: 'ada-has-a-long-password' };

let app: RunningApp;
let owner: BrowserContext;
let ownerPage: Page;

/** A browser profile of its own: no cookies, no admin token header, no service worker. */
function freshContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({ storageState: { cookies: [], origins: [] }, extraHTTPHeaders: {}, serviceWorkers: 'block' });
}

/** A same-origin fetch from the page, as the app's own scripts make them (cookie, Sec-Fetch-Site). */
function pageFetch(page: Page, url: string, init: { method?: string; body?: unknown } = {}) {
  return page.evaluate(
    async ({ url, init }) => {
      const response = await fetch(url, {
        method: init.method ?? 'GET',
        headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    { url, init },
  );
}

async function fillMember(page: Page, member: { name?: string; email: string; password: string }, submit: string) {
  if (member.name !== undefined) await page.getByLabel('Name').fill(member.name);
  await page.getByLabel('Email').fill(member.email);
  await page.getByLabel('Password').fill(member.password);
  await page.getByRole('button', { name: submit }).click();
}

/** The grid cell at display row `row`, column `col` (0-based). */
const cell = (page: Page, row: number, col: number) => page.locator(`.Spreadsheet__table tr:nth-child(${row + 2}) td:nth-child(${col + 2})`);

async function typeInto(page: Page, row: number, col: number, text: string) {
  await cell(page, row, col).click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

async function sheetNames(page: Page, id: string, column = 'name'): Promise<unknown[]> {
  const { body } = await pageFetch(page, `/api/sheets/${id}`);
  const name = body.columns.find((c: { name: string }) => c.name === column).id;
  return body.rows.map((r: { values: Record<string, unknown> }) => r.values[name]);
}

/** An invite for `role`, accepted in a new browser profile, which ends up signed in on the sheet list. */
async function joinAs(browser: Browser, role: 'viewer' | 'editor', who: { name: string; email: string; password: string }) {
  const invite = await pageFetch(ownerPage, '/api/invites', { method: 'POST', body: { role } });
  expect(invite.status).toBe(201);
  const context = await freshContext(browser);
  const page = await context.newPage();
  await page.goto(invite.body.url);
  await expect(page.getByTestId('invite-role')).toContainText(role);
  await fillMember(page, who, 'Join');
  await expect(page.getByTestId('sheet-list')).toBeVisible();
  const members = await pageFetch(ownerPage, '/api/members');
  const id = members.body.members.find((m: { email: string }) => m.email === who.email).id as string;
  return { context, page, id };
}

async function newSheet(title: string, names: string[]): Promise<string> {
  const created = await pageFetch(ownerPage, '/api/sheets', { method: 'POST', body: { title, template: 'products' } });
  expect(created.status).toBe(201);
  const rows = await pageFetch(ownerPage, `/api/sheets/${created.body.id}/rows`, { method: 'POST', body: { rows: names.map((name, i) => ({ sku: `S-${i}`, name })) } });
  expect(rows.status).toBe(201);
  return created.body.id;
}

/** The network goes away (or comes back) and the page hears of it, as when a laptop leaves the Wi-Fi. */
async function setOffline(context: BrowserContext, page: Page, offline: boolean) {
  await context.setOffline(offline);
  // Emulated offline does not always reach a page that is already open: tell it as the browser would.
  await page.evaluate((off) => window.dispatchEvent(new Event(off ? 'offline' : 'online')), offline);
}

async function openSheet(page: Page, id: string) {
  await page.goto(`${app.baseUrl}/sheets/${id}`);
  await expect(page.locator('.Spreadsheet')).toBeVisible();
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  app = await startApp({ seed: false, env: { CELLAR_SOCKET_TOKEN_TTL_S: String(TOKEN_TTL_S) } });
  owner = await freshContext(browser);
  ownerPage = await owner.newPage();
});

test.afterAll(async () => {
  await owner?.close();
  await app?.stop();
});

test('first run: the page leads to creating the owner account, who then signs in and edits', async () => {
  await ownerPage.goto(app.baseUrl);
  await expect(ownerPage).toHaveURL(/\/setup$/);
  await expect(ownerPage.getByRole('heading', { name: 'Create the owner account' })).toBeVisible();
  await expect(ownerPage.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await fillMember(ownerPage, OWNER, 'Create the owner account');
  await expect(ownerPage.getByTestId('sheet-list')).toBeVisible();

  // Signed out, the sheets are out of reach; signing in brings them back.
  await ownerPage.getByRole('button', { name: 'Sign out' }).click();
  await expect(ownerPage).toHaveURL(/\/signin$/);
  // Signed out, the header offers no sign-out and no links into the workspace.
  await expect(ownerPage.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await expect(ownerPage.getByRole('link', { name: 'Insights' })).toHaveCount(0);
  await ownerPage.goto(`${app.baseUrl}/insights`);
  await expect(ownerPage).toHaveURL(/\/signin\?next=%2Finsights$/);
  await fillMember(ownerPage, { email: OWNER.email, password: 'not the password' }, 'Sign in');
  await expect(ownerPage.locator('.auth-form [role=alert]')).toHaveText('wrong email or password');
  await fillMember(ownerPage, { email: OWNER.email, password: OWNER.password }, 'Sign in');
  await expect(ownerPage).toHaveURL(/\/insights$/);
  await expect(ownerPage.getByRole('button', { name: 'Sign out' })).toBeVisible();

  const id = await newSheet('Cellar', ['Cider', 'Perry']);
  await openSheet(ownerPage, id);
  await typeInto(ownerPage, 0, 1, 'Dry cider');
  await expect(ownerPage.getByTestId('save-status')).toHaveText('All changes saved');
  await expect.poll(() => sheetNames(ownerPage, id)).toEqual(['Dry cider', 'Perry']);
});

test('REST: 401 without credentials, 409 for a second setup, and with the cookie a cross-origin or text/plain POST is refused and changes nothing', async ({ playwright }) => {
  const anonymous = await playwright.request.newContext({ extraHTTPHeaders: {}, storageState: { cookies: [], origins: [] } });
  expect((await anonymous.get(`${app.baseUrl}/api/sheets`)).status()).toBe(401);
  const setup = await anonymous.post(`${app.baseUrl}/api/setup`, { data: { ...OWNER, email: 'eve@example.com' }, headers: { origin: app.baseUrl } });
  expect(setup.status()).toBe(409);
  await anonymous.dispose();

  const before = (await pageFetch(ownerPage, '/api/sheets')).body.sheets.length;
  const cookies = await owner.cookies();
  expect(cookies.map((c) => c.name)).toContain('cellar_session');
  const session = cookies.find((c) => c.name === 'cellar_session')!;
  expect(session.httpOnly).toBe(true);
  expect(session.sameSite).toBe('Lax');
  const withCookie = await playwright.request.newContext({ extraHTTPHeaders: {}, storageState: { cookies, origins: [] } });
  const crossOrigin = await withCookie.post(`${app.baseUrl}/api/sheets`, { data: { title: 'CSRF', template: 'blank' }, headers: { origin: 'http://evil.example' } });
  expect(crossOrigin.status()).toBe(403);
  const crossSite = await withCookie.post(`${app.baseUrl}/api/sheets`, { data: { title: 'CSRF', template: 'blank' }, headers: { 'sec-fetch-site': 'cross-site', origin: app.baseUrl } });
  expect(crossSite.status()).toBe(403);
  const plain = await withCookie.post(`${app.baseUrl}/api/sheets`, {
    data: JSON.stringify({ title: 'Form post', template: 'blank' }),
    headers: { 'content-type': 'text/plain', origin: app.baseUrl },
  });
  expect(plain.status()).toBe(415);
  expect((await plain.json()).error.code).toBe('unsupported_media_type');
  const sameOrigin = await withCookie.get(`${app.baseUrl}/api/sheets`);
  expect(sameOrigin.status()).toBe(200);
  expect((await sameOrigin.json()).sheets.length).toBe(before);
  await withCookie.dispose();
});

test('a second browser accepts an invite as viewer: the grid says read-only and its edits go nowhere', async ({ browser }) => {
  const id = await newSheet('Viewed', ['Mead']);
  const viewer = await joinAs(browser, 'viewer', { name: 'Vic Viewer', email: 'vic@example.com', password: 'vic-has-a-password' });
  // The sheet list offers a viewer nothing to change, and the header no Members page (the owner's has it).
  await expect(viewer.page.getByTestId('viewer-note')).toBeVisible();
  await expect(viewer.page.getByRole('link', { name: 'Members' })).toHaveCount(0);
  await expect(viewer.page.getByRole('link', { name: 'Insights' })).toBeVisible();
  await ownerPage.goto(`${app.baseUrl}/`);
  await expect(ownerPage.getByRole('link', { name: 'Members' })).toBeVisible();
  await expect(viewer.page.getByRole('button', { name: 'Create' })).toHaveCount(0);
  await expect(viewer.page.getByRole('button', { name: /^Rename/ })).toHaveCount(0);
  await openSheet(viewer.page, id);
  await expect(viewer.page.getByTestId('read-only')).toContainText('Read-only');
  await expect(cell(viewer.page, 0, 1)).toHaveText('Mead');
  // Nor does the sheet page: adding is disabled, importing, the sheet menu and new sheets are not there.
  await expect(viewer.page.getByTestId('add-row')).toBeDisabled();
  await expect(viewer.page.getByRole('button', { name: '+ Column' })).toBeDisabled();
  await expect(viewer.page.getByTestId('import-csv')).toHaveCount(0);
  await expect(viewer.page.getByRole('button', { name: 'Sheet ▾' })).toHaveCount(0);
  await expect(viewer.page.getByRole('button', { name: '+ Sheet' })).toHaveCount(0);
  await expect(viewer.page.getByTestId('export-csv')).toBeVisible();
  // A column's menu: this page's view (sort, filter, freeze), not the column's settings.
  await viewer.page.getByRole('button', { name: 'Column name options' }).click();
  const menu = viewer.page.getByRole('dialog', { name: 'Column name' });
  await expect(menu.getByRole('menuitem', { name: 'Sort ascending' })).toBeVisible();
  await expect(menu.getByRole('button', { name: 'Delete column' })).toHaveCount(0);
  await expect(menu.getByRole('button', { name: 'Rename' })).toHaveCount(0);
  await menu.getByRole('button', { name: 'Close' }).click();
  await typeInto(viewer.page, 0, 1, 'Viewer was here');
  await expect(viewer.page.getByText('Read-only: you can look at this sheet')).toBeVisible();
  await viewer.page.keyboard.press('Escape');
  const write = await pageFetch(viewer.page, `/api/sheets/${id}/rows`, { method: 'POST', body: { rows: [{ name: 'nope' }] } });
  expect(write.status).toBe(403);
  expect(await sheetNames(ownerPage, id)).toEqual(['Mead']);

  // The plan view as well: it says read-only, and a total cannot be typed over (nothing to spread).
  const plannedBefore = await sheetNames(ownerPage, id, 'plan_units');
  await viewer.page.goto(`${app.baseUrl}/sheets/${id}/plan`);
  await expect(viewer.page.getByTestId('read-only')).toContainText('Read-only');
  const total = viewer.page.locator('input.plan-input').first();
  await expect(total).toHaveAttribute('readonly', '');
  await total.click();
  await viewer.page.keyboard.type('999');
  await viewer.page.keyboard.press('Enter');
  await expect(total).not.toHaveValue(/999/);
  await expect(viewer.page.getByTestId('save-status')).toHaveText('All changes saved');
  expect(await sheetNames(ownerPage, id, 'plan_units')).toEqual(plannedBefore);
  await viewer.context.close();
});

test("the owner removes an editor who has the sheet open: the editor's page says so at once", async ({ browser }) => {
  const id = await newSheet('Revoked', ['Porter']);
  const editor = await joinAs(browser, 'editor', { name: 'Ed Editor', email: 'ed@example.com', password: 'ed-has-a-password' });
  await openSheet(editor.page, id);
  await typeInto(editor.page, 0, 1, 'Stout');
  await expect(editor.page.getByTestId('save-status')).toHaveText('All changes saved');
  await expect.poll(() => sheetNames(ownerPage, id)).toEqual(['Stout']);

  await ownerPage.goto(`${app.baseUrl}/members`);
  await ownerPage.getByRole('button', { name: 'Remove Ed Editor' }).click();
  await expect(editor.page.getByTestId('access-revoked')).toBeVisible({ timeout: 2000 });
  await expect(editor.page.getByTestId('save-status')).toContainText('not saved');
  await expect(ownerPage.locator('[data-member="ed@example.com"]')).toHaveCount(0);
  await editor.context.close();
});

test('edits made offline by someone whose access was since revoked stay on the device, marked not saved, and export as CSV', async ({ browser }) => {
  const id = await newSheet('Offline revoked', ['Lager']);
  const editor = await joinAs(browser, 'editor', { name: 'Olga Offline', email: 'olga@example.com', password: 'olga-has-a-password' });
  await openSheet(editor.page, id);
  await setOffline(editor.context, editor.page, true);
  await expect(editor.page.getByTestId('save-status')).toContainText('Offline');
  await typeInto(editor.page, 0, 1, 'Pilsner (offline)');
  await expect(editor.page.getByTestId('save-status')).toContainText('1 change pending');

  const removed = await pageFetch(ownerPage, `/api/members/${editor.id}`, { method: 'DELETE' });
  expect(removed.status).toBe(200);
  await setOffline(editor.context, editor.page, false);
  await expect(editor.page.getByTestId('access-revoked')).toContainText('not saved');
  await expect(cell(editor.page, 0, 1)).toHaveText('Pilsner (offline)');
  const [download] = await Promise.all([editor.page.waitForEvent('download'), editor.page.getByTestId('export-unsaved').click()]);
  const csv = Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8');
  expect(csv.split(/\r?\n/)[0]).toBe('row_id,sku,name,brand,family,category,stock,reorder_level,unit_cost,price,plan_units');
  expect(csv).toContain('Pilsner (offline)');
  expect(await sheetNames(ownerPage, id)).toEqual(['Lager']);
  await editor.context.close();
});

test('an editor offline past the socket token lifetime reconnects with a new token and their edits arrive', async ({ browser }) => {
  const id = await newSheet('Expiry', ['Bock', 'Kolsch']);
  const editor = await joinAs(browser, 'editor', { name: 'Tess Traveller', email: 'tess@example.com', password: 'tess-has-a-password' });
  await openSheet(editor.page, id);
  const firstToken = await editor.page.evaluate(() => (window as unknown as { __cellar: { tokens: { token: string } } }).__cellar.tokens.token);
  await setOffline(editor.context, editor.page, true);
  await typeInto(editor.page, 0, 1, 'Doppelbock');
  await typeInto(editor.page, 1, 2, 'Altbier');
  await expect(editor.page.getByTestId('save-status')).toContainText('2 changes pending');
  // Wait out the token the page holds (issued at most TOKEN_TTL_S ago).
  await editor.page.waitForTimeout((TOKEN_TTL_S + 1) * 1000);
  await setOffline(editor.context, editor.page, false);
  await expect(editor.page.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 15_000 });
  await expect.poll(() => sheetNames(ownerPage, id)).toEqual(['Doppelbock', 'Kolsch']);
  await expect.poll(() => sheetNames(ownerPage, id, 'brand')).toEqual([null, 'Altbier']);
  const lastToken = await editor.page.evaluate(() => (window as unknown as { __cellar: { tokens: { token: string } } }).__cellar.tokens.token);
  expect(lastToken).not.toBe(firstToken);
  await editor.context.close();
});

// Last in this file: it stops this file's sync server.
test('with the sync server down, the members page says so instead of telling the owner they are not one', async () => {
  await ownerPage.goto(`${app.baseUrl}/members`);
  await expect(ownerPage.getByRole('button', { name: 'Create invite link' })).toBeVisible();
  await app.stopSync();
  await ownerPage.goto(`${app.baseUrl}/members`);
  await expect(ownerPage.getByTestId('members-unavailable')).toContainText('not reachable');
  await expect(ownerPage.getByText('Only the workspace owner')).toHaveCount(0);
});
