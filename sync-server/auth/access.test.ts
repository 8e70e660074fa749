// Integration: access control on the real sync server (child process, real DuckDB file) with stock
// y-websocket clients and the internal API as the web server calls it (x-cellar-auth).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HybridLogicalClock } from '../../lib/hlc';
import { insertRows, readColumns } from '../../lib/sheetDoc';
import { connectStockClient, type StockClient } from '../testing/stockClient';
import { startSyncServerProcess, waitFor, type SyncServerProcess } from '../testing/syncServerProcess';

const editor = (userId: string) => ({ clock: new HybridLogicalClock(), userId });

/** Resolves with the close code the server sends (a 44xx code stops the stock client reconnecting). */
function closeCode(client: StockClient): Promise<number> {
  return new Promise((resolve) => client.provider.on('connection-close', (event) => resolve(event?.code ?? 0)));
}

describe('access control: sockets', () => {
  let server: SyncServerProcess;
  const clients: StockClient[] = [];
  const connect = (sheetId: string, token: string | null) => {
    const client = connectStockClient(server.wsUrl, sheetId, { token });
    clients.push(client);
    return client;
  };
  const createSheet = async (title: string) => {
    const created = await server.api('/sheets', { body: { title, template: 'products' } });
    assert.equal(created.status, 201);
    return created.body.id as string;
  };
  const newToken = async (body: Record<string, unknown>) => {
    const created = await server.api('/tokens', { body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body as { id: string; token: string };
  };

  before(async () => {
    server = await startSyncServerProcess();
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await server.stop('SIGTERM');
  });

  test('no token, a bad token and an unknown one are closed with 4401', async () => {
    const sheetId = await createSheet('Closed');
    assert.equal(await closeCode(connect(sheetId, null)), 4401);
    assert.equal(await closeCode(connect(sheetId, 'cellar_not-a-real-token')), 4401);
    assert.equal(await closeCode(connect(sheetId, 'a.b.c')), 4401, 'a forged socket token');
  });

  test("a viewer's socket syncs but its inserted row is never applied: other clients and REST never see it", async () => {
    const sheetId = await createSheet('Viewed');
    const viewer = connect(sheetId, (await newToken({ name: 'viewer', role: 'viewer' })).token);
    const writer = connect(sheetId, (await newToken({ name: 'writer', role: 'editor' })).token);
    await viewer.synced();
    await writer.synced();
    assert.equal(readColumns(viewer.doc).length, 10, 'the viewer got the document');
    insertRows(viewer.doc, [{ [readColumns(viewer.doc)[0].id]: 'FROM-VIEWER' }], {}, editor('viewer'));
    // The writer's row afterwards: once it arrives everywhere, the viewer's would have too.
    insertRows(writer.doc, [{ [readColumns(writer.doc)[0].id]: 'FROM-EDITOR' }], {}, editor('writer'));
    await writer.savedOwnEdits();
    await waitFor(async () => (await server.api(`/sheets/${sheetId}`)).body.rows.length === 1, { what: "the editor's row in DuckDB" });
    await waitFor(() => viewer.doc.getMap('rows').size === 2, { what: "the editor's row at the viewer" });
    const skus = (await server.api(`/sheets/${sheetId}`)).body.rows.map((r: { values: Record<string, unknown> }) => Object.values(r.values)[0]);
    assert.deepEqual(skus, ['FROM-EDITOR']);
    assert.equal(writer.doc.getMap('rows').size, 1, "the viewer's row never reached another client");
    const fresh = connect(sheetId, server.adminToken);
    await fresh.synced();
    assert.equal(fresh.doc.getMap('rows').size, 1, "a new client does not get the viewer's row either");
  });

  test('a token limited to sheet A is closed with 4403 on sheet B, and refused (403) on B over REST', async () => {
    const a = await createSheet('A');
    const b = await createSheet('B');
    const limited = await newToken({ name: 'only A', role: 'editor', sheets: [a] });
    const onA = connect(a, limited.token);
    await onA.synced();
    assert.equal(await closeCode(connect(b, limited.token)), 4403);
    const as = `Bearer ${limited.token}`;
    assert.equal((await server.api(`/sheets/${a}`, { credential: as })).status, 200);
    assert.equal((await server.api(`/sheets/${b}`, { credential: as })).status, 403);
    assert.equal((await server.api(`/sheets/${b}/rows`, { credential: as, body: { rows: [{ sku: 'X' }] } })).status, 403);
    assert.deepEqual(
      (await server.api('/sheets', { credential: as })).body.sheets.map((s: { id: string }) => s.id),
      [a],
      'the list shows only its sheets',
    );
    assert.equal((await server.api('/insights/low-stock', { credential: as })).status, 403, 'workspace-wide reads span other sheets');
    assert.equal((await server.api(`/sheets/${b}`)).body.rows.length, 0);
  });

  test("revoking an editor's token closes its open socket at once (4401) and its next REST call is 401", async () => {
    const sheetId = await createSheet('Revoked');
    const token = await newToken({ name: 'soon gone', role: 'editor' });
    const client = connect(sheetId, token.token);
    await client.synced();
    const closed = closeCode(client);
    let closedAt = 0;
    void closed.then(() => (closedAt = Date.now()));
    const revokedAt = Date.now();
    assert.equal((await server.api(`/tokens/${token.id}`, { method: 'DELETE' })).status, 200);
    assert.equal(await closed, 4401);
    await waitFor(() => closedAt > 0, { timeoutMs: 1000, what: 'the close within 1 s' });
    assert.ok(closedAt - revokedAt < 1000);
    assert.equal((await server.api(`/sheets/${sheetId}`, { credential: `Bearer ${token.token}` })).status, 401);
    assert.equal(await closeCode(connect(sheetId, token.token)), 4401, 'it cannot reconnect');
  });

  test('a socket token is for one sheet and one identity; the internal API issues it only to a caller', async () => {
    const a = await createSheet('Socket A');
    const b = await createSheet('Socket B');
    assert.equal((await server.api(`/sheets/${a}/socket-token`, { credential: null })).status, 401);
    const issued = await server.api(`/sheets/${a}/socket-token`);
    assert.equal(issued.status, 200);
    assert.equal(issued.body.role, 'owner');
    assert.ok(Date.parse(issued.body.expiresAt) > Date.now());
    const onA = connect(a, issued.body.token);
    await onA.synced();
    assert.equal(await closeCode(connect(b, issued.body.token)), 4403);
  });

  test('the data directory is 0700 and the DuckDB file 0600', () => {
    assert.equal(statSync(server.dataDir).mode & 0o777, 0o700);
    assert.equal(statSync(join(server.dataDir, 'cellar.duckdb')).mode & 0o777, 0o600);
  });
});

describe('access control: members, sessions and roles over the internal API', () => {
  let server: SyncServerProcess;
  const owner = { name: 'Olive Owner', email: 'olive@example.com', password: 'a long enough password' };
  let ownerSession = '';

  before(async () => {
    server = await startSyncServerProcess();
  });
  after(async () => {
    await server.stop('SIGTERM');
  });

  test('first run: setup creates the owner and a session; a second setup is 409', async () => {
    const status = await server.api('/whoami', { credential: null });
    assert.deepEqual(status.body, { needsSetup: true, identity: null });
    assert.equal((await server.api('/setup', { credential: null, body: { ...owner, password: 'short' } })).status, 400);
    const setup = await server.api('/setup', { credential: null, body: owner });
    assert.equal(setup.status, 201, JSON.stringify(setup.body));
    assert.match(setup.body.session, /^s_/);
    ownerSession = setup.body.session;
    assert.equal(setup.body.member.role, 'owner');
    assert.equal(setup.body.member.passwordHash, undefined);
    const again = await server.api('/setup', { credential: null, body: { ...owner, email: 'other@example.com' } });
    assert.equal(again.status, 409);
    const me = await server.api('/whoami', { credential: `Session ${setup.body.session}` });
    assert.equal(me.body.needsSetup, false);
    assert.equal(me.body.identity.role, 'owner');
  });

  test('no credential is 401 everywhere but the public calls; a wrong email and a wrong password get one message', async () => {
    assert.equal((await server.api('/sheets', { credential: null })).status, 401);
    assert.equal((await server.api('/sheets', { credential: 'Session s_nope' })).status, 401);
    assert.equal((await server.api('/nowhere', { credential: null })).status, 401, 'unknown routes do not tell either');
    const wrongEmail = await server.api('/session', { credential: null, client: '10.0.0.1', body: { email: 'nobody@example.com', password: owner.password } });
    const wrongPassword = await server.api('/session', { credential: null, client: '10.0.0.2', body: { email: owner.email, password: 'not the password' } });
    assert.equal(wrongEmail.status, 401);
    assert.equal(wrongPassword.status, 401);
    assert.deepEqual(wrongEmail.body, wrongPassword.body);
    const ok = await server.api('/session', { credential: null, client: '10.0.0.3', body: { email: 'OLIVE@example.com ', password: owner.password } });
    assert.equal(ok.status, 200, 'emails match without regard to case and spaces');
  });

  test('after 5 failures in 15 minutes, from one address or for one account, sign-in is 429 with retry-after', async () => {
    const attempt = (client: string, email: string, password: string) => server.api('/session', { credential: null, client, body: { email, password } });
    for (let i = 0; i < 5; i++) assert.equal((await attempt('10.1.0.1', `guess${i}@example.com`, 'wrong password')).status, 401);
    const blocked = await attempt('10.1.0.1', owner.email, owner.password);
    assert.equal(blocked.status, 429, 'the address is blocked, even with the right password');
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.equal((await attempt('10.1.0.2', owner.email, owner.password)).status, 200, 'another address may still sign in');

    for (let i = 0; i < 5; i++) assert.equal((await attempt(`10.2.0.${i}`, owner.email, 'wrong password')).status, 401);
    const account = await attempt('10.2.9.9', owner.email, owner.password);
    assert.equal(account.status, 429, 'the account is blocked from every address');
    assert.ok(Number(account.headers.get('retry-after')) > 0);
  });

  test("an invite makes a viewer whose writes are 403 and change nothing; the owner's member and token calls are owner-only", async () => {
    const created = await server.api('/sheets', { body: { title: 'Shared', template: 'products' } });
    const sheetId = created.body.id;
    const invite = await server.api('/invites', { body: { role: 'viewer' } });
    assert.equal(invite.status, 201);
    assert.equal((await server.api(`/invites/${invite.body.code}`, { credential: null })).body.role, 'viewer');
    const joined = await server.api(`/invites/${invite.body.code}/accept`, {
      credential: null,
      body: { name: 'Vera Viewer', email: 'vera@example.com', password: 'vera has a password' },
    });
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    assert.equal(joined.body.member.role, 'viewer');
    const reuse = await server.api(`/invites/${invite.body.code}/accept`, { credential: null, body: { name: 'X', email: 'x@example.com', password: 'another password' } });
    assert.equal(reuse.status, 404, 'an invite is used once');

    const vera = `Session ${joined.body.session}`;
    assert.equal((await server.api(`/sheets/${sheetId}`, { credential: vera })).status, 200, 'a viewer reads');
    const write = await server.api(`/sheets/${sheetId}/rows`, { credential: vera, body: { rows: [{ sku: 'NO' }] } });
    assert.equal(write.status, 403);
    assert.equal(write.body.error.code, 'forbidden');
    assert.equal((await server.api('/sheets', { credential: vera, body: { title: 'Mine', template: 'blank' } })).status, 403);
    assert.equal((await server.api('/members', { credential: vera })).status, 403);
    assert.equal((await server.api('/tokens', { credential: vera, body: { name: 'x', role: 'owner' } })).status, 403);
    assert.equal((await server.api('/invites', { credential: vera, body: { role: 'owner' } })).status, 403);
    assert.equal((await server.api(`/sheets/${sheetId}`)).body.rows.length, 0, 'nothing changed');
    assert.equal((await server.api('/sheets')).body.sheets.length, 1);

    // Raised to editor, Vera writes; the write is attributed to her identity in the history.
    const members = (await server.api('/members')).body.members as { id: string; email: string }[];
    const veraId = members.find((m) => m.email === 'vera@example.com')!.id;
    assert.equal((await server.api(`/members/${veraId}`, { method: 'PATCH', body: { role: 'editor' } })).status, 200);
    const row = await server.api(`/sheets/${sheetId}/rows`, { credential: vera, body: { rows: [{ sku: 'YES' }] } });
    assert.equal(row.status, 201);
    const sheet = (await server.api(`/sheets/${sheetId}`)).body;
    const sku = sheet.columns.find((c: { name: string }) => c.name === 'sku').id;
    const history = await waitFor(async () => {
      const h = (await server.api(`/sheets/${sheetId}/history?row=${row.body.ids[0]}&col=${sku}`)).body;
      return h.changes.length > 0 ? h : null;
    });
    assert.equal(history.changes[0].identity, veraId);
    assert.equal(history.changes[0].by, veraId);

    // Removed, her session ends.
    assert.equal((await server.api(`/members/${veraId}`, { method: 'DELETE' })).status, 200);
    assert.equal((await server.api(`/sheets/${sheetId}`, { credential: vera })).status, 401);
  });

  test('the last owner can be neither demoted nor removed; bad input changes nothing', async () => {
    const members = (await server.api('/members')).body.members as { id: string; role: string }[];
    const ownerId = members.find((m) => m.role === 'owner')!.id;
    assert.equal((await server.api(`/members/${ownerId}`, { method: 'PATCH', body: { role: 'viewer' } })).status, 409);
    assert.equal((await server.api(`/members/${ownerId}`, { method: 'DELETE' })).status, 409);
    assert.equal((await server.api(`/members/${ownerId}`, { method: 'PATCH', body: { role: 'emperor' } })).status, 400);
    assert.equal((await server.api('/tokens', { body: { name: 'x', role: 'editor', sheets: ['no-such-sheet'] } })).status, 404);
    assert.equal((await server.api('/tokens')).body.tokens.length, 0);
    assert.equal((await server.api('/members')).body.members.find((m: { id: string }) => m.id === ownerId).role, 'owner');
  });

  test('members, sessions and tokens survive a restart; secrets are stored only as digests', async () => {
    const token = (await server.api('/tokens', { body: { name: 'script', role: 'viewer' } })).body;
    const session = ownerSession;
    const dataDir = server.dataDir;
    await server.stop('SIGTERM');
    server = await startSyncServerProcess({ dataDir });
    assert.equal((await server.api('/sheets', { credential: `Bearer ${token.token}` })).status, 200);
    assert.equal((await server.api('/whoami', { credential: `Session ${session}` })).body.identity.role, 'owner');
    const listed = (await server.api('/tokens')).body.tokens;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].token, undefined, 'a token is shown only when made');
  });
});
