// The public HTTP API through Next's route handlers (relayed to the real sync server).
import { expect, test } from '@playwright/test';
import { apiValues, baseUrl, createSheet } from './helpers';

test('sheets: create, list, read, append rows and edit cells, with clear errors that change nothing', async ({ request }) => {
  const sheet = await createSheet(request, 'API products', 'products', [
    { sku: 'A-1', name: 'Alpha', stock: 10 },
    { sku: 'B-2', name: 'Beta', stock: 4 },
  ]);
  const list = await (await request.get(`${baseUrl()}/api/sheets`)).json();
  const listed = list.sheets.find((s: { id: string }) => s.id === sheet.id);
  expect(listed).toMatchObject({ title: 'API products', template: 'products', columnCount: 10 });

  const stock = sheet.columns.find((c) => c.name === 'stock')!.id;
  // History records what each materializer flush wrote: let the first values land before changing them.
  await expect.poll(() => apiValues(request, sheet.id)).toEqual([expect.objectContaining({ stock: 10 }), expect.objectContaining({ stock: 4 })]);
  const ok = await request.post(`${baseUrl()}/api/sheets/${sheet.id}/cells`, {
    data: { updates: [{ row: sheet.rowIds[0], col: stock, adjust: -3 }, { row: sheet.rowIds[1], col: 'name', value: 'Beta 2' }] },
  });
  expect(ok.status()).toBe(200);
  await expect.poll(() => apiValues(request, sheet.id)).toEqual([
    expect.objectContaining({ sku: 'A-1', stock: 7 }),
    expect.objectContaining({ sku: 'B-2', name: 'Beta 2', stock: 4 }),
  ]);

  const before = await apiValues(request, sheet.id);
  const cases: Array<[unknown, number, string]> = [
    [{ updates: [{ row: sheet.rowIds[0], col: 'nope', value: 1 }] }, 404, 'not_found'],
    [{ updates: [{ row: 'missing', col: stock, value: 1 }] }, 404, 'not_found'],
    [{ updates: [{ row: sheet.rowIds[0], col: stock, value: 1 }, { row: sheet.rowIds[1], col: stock, value: 'four' }] }, 400, 'invalid_value'],
    [{ updates: [{ row: sheet.rowIds[0], col: stock, value: 1, extra: true }] }, 400, 'invalid_request'],
    [{ updates: [] }, 400, 'invalid_request'],
    [{ nothing: 1 }, 400, 'invalid_request'],
  ];
  for (const [data, status, code] of cases) {
    const response = await request.post(`${baseUrl()}/api/sheets/${sheet.id}/cells`, { data: data as object });
    expect(response.status(), JSON.stringify(data)).toBe(status);
    const body = await response.json();
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
  }
  const notJson = await request.post(`${baseUrl()}/api/sheets/${sheet.id}/cells`, { headers: { 'content-type': 'application/json' }, data: '{"updates": [' });
  expect(notJson.status()).toBe(400);
  const huge = await request.post(`${baseUrl()}/api/sheets/${sheet.id}/rows`, { headers: { 'content-type': 'application/json' }, data: `{"rows":[{"sku":"${'x'.repeat(9 * 1024 * 1024)}"}]}` });
  expect(huge.status()).toBe(413);
  const unknownSheet = await request.get(`${baseUrl()}/api/sheets/${encodeURIComponent("x'; DROP TABLE sheets; --")}`);
  expect(unknownSheet.status()).toBe(404);
  expect(await apiValues(request, sheet.id)).toEqual(before);

  const badCreate = await request.post(`${baseUrl()}/api/sheets`, { data: { title: '', template: 'nope' } });
  expect(badCreate.status()).toBe(400);

  const history = await (await request.get(`${baseUrl()}/api/sheets/${sheet.id}/history?row=${sheet.rowIds[0]}&col=${stock}`)).json();
  expect(history.changes.map((c: { value: unknown }) => c.value)).toEqual([10, 7]);
});
