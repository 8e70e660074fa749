// Which requests the rendered-page cache may answer at all: only document requests (what a browser sends
// when it opens a page) for /insights/:name with a credential. React Server Component fetches (client
// navigations, router.refresh of the live refresh) must always render: answering them with kept HTML broke
// the live refresh once. None of these reach the sync server: they are refused before any check. (What is
// served to whom is e2e/insights.spec.ts's, on the real servers.)
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { cachedInsightPage } from './insightPageCache';

const page = 'http://127.0.0.1:3000/insights/low-stock?from=2024-01-01';
const asDocument = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-dest': 'document', authorization: 'Bearer t' };

test('only document requests for an insight page, with a credential, are looked up', async () => {
  // Stands where the sync server would and refuses every check (401), counting them: a request the gate
  // lets through costs one check; a refused one none.
  const checks: string[] = [];
  const probe = createServer((request, response) => {
    checks.push(request.url ?? '');
    response.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":"unauthorized","message":"no"}}');
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const saved = { PORT: process.env.PORT, SYNC_INTERNAL_URL: process.env.SYNC_INTERNAL_URL, CELLAR_SECRET: process.env.CELLAR_SECRET };
  process.env.PORT = '3000';
  process.env.SYNC_INTERNAL_URL = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  process.env.CELLAR_SECRET = 'test-secret';
  try {
    const refused: Array<[string, RequestInit, string | undefined]> = [
      // React Server Components fetches: fetch()'s accept, from a browser also sec-fetch-dest: empty.
      [page, { headers: { ...asDocument, accept: '*/*' } }, undefined],
      [page, { headers: { ...asDocument, 'sec-fetch-dest': 'empty' } }, undefined],
      [page, { method: 'HEAD', headers: asDocument }, undefined],
      // Not an insight page.
      ['http://127.0.0.1:3000/insights', { headers: asDocument }, undefined],
      ['http://127.0.0.1:3000/sheets/abc', { headers: asDocument }, undefined],
      ['http://127.0.0.1:3000/insights/low-stock/extra', { headers: asDocument }, undefined],
      // No credential the sync server could check.
      [page, { headers: { accept: 'text/html' } }, undefined],
      [page, { headers: { accept: 'text/html' } }, 'not a session id!'],
    ];
    for (const [url, init, session] of refused) {
      assert.equal(await cachedInsightPage(new Request(url, init), session), null, `${init.method ?? 'GET'} ${url} ${JSON.stringify(init.headers)}`);
    }
    assert.deepEqual(checks, [], 'none of them was looked up');
    // A document request is checked first, with its credential; refused, it gets the normal render (null).
    assert.equal(await cachedInsightPage(new Request(page, { headers: asDocument }), undefined), null);
    assert.deepEqual(checks, ['/internal/insights/low-stock/version?from=2024-01-01']);
    assert.equal(await cachedInsightPage(new Request(page, { headers: { accept: 'text/html' } }), 'a-session-id'), null, 'a session cookie is a credential too');
    assert.equal(checks.length, 2);
    delete process.env.PORT;
    assert.equal(await cachedInsightPage(new Request(page, { headers: asDocument }), undefined), null, 'without a known port there is no render to share');
    assert.equal(checks.length, 2);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    probe.close();
  }
});
