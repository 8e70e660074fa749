// Relays the calls that start a session (setup, sign-in, invite accept): the sync server answers with the
// new session id, which goes to the browser only as the httpOnly cookie, never in the JSON body.
import { guardChange } from './requestGuard';
import { clearedSessionCookie, sessionCookie } from './sessionCookie';
import { syncServerFetch } from './syncServerClient';

const MAX_BODY_CHARS = 64 * 1024;

export async function relayStartingSession(request: Request, path: string): Promise<Response> {
  const refused = guardChange(request, 'json');
  if (refused) return refused;
  const text = await request.text();
  if (text.length > MAX_BODY_CHARS) return Response.json({ error: { code: 'body_too_large', message: 'request body too large' } }, { status: 413 });
  // These calls are public: no credential of the caller's goes along.
  const upstream = await syncServerFetch(path, { method: 'POST', body: text, credential: null });
  const body = (await upstream.json().catch(() => null)) as ({ session?: string } & Record<string, unknown>) | null;
  const headers = new Headers({ 'cache-control': 'no-store' });
  const retryAfter = upstream.headers.get('retry-after');
  if (retryAfter) headers.set('retry-after', retryAfter);
  if (upstream.ok && body && typeof body.session === 'string') {
    headers.append('set-cookie', sessionCookie(request, body.session));
    delete body.session;
  }
  return Response.json(body, { status: upstream.status, headers });
}

export async function relayEndingSession(request: Request): Promise<Response> {
  const refused = guardChange(request, 'none');
  if (refused) return refused;
  const upstream = await syncServerFetch('/session', { method: 'DELETE' });
  const headers = new Headers({ 'cache-control': 'no-store', 'set-cookie': clearedSessionCookie(request) });
  return Response.json(await upstream.json().catch(() => ({ signedOut: true })), { status: upstream.ok ? 200 : upstream.status, headers });
}
