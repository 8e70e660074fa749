import { inviteUrl } from '@/lib/node/inviteUrl';
import { guardChange } from '@/lib/node/requestGuard';
import { syncServerFetch } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** Owner: `{ role }` → 201 `{ url, code, expiresAt, role }`, a link that lets one person join with that role. */
export async function POST(request: Request) {
  const refused = guardChange(request, 'json');
  if (refused) return refused;
  const upstream = await syncServerFetch('/invites', { method: 'POST', body: await request.text() });
  const body = (await upstream.json().catch(() => null)) as { code?: string } | null;
  if (upstream.ok && body?.code) return Response.json({ ...body, url: inviteUrl(request, body.code) }, { status: upstream.status });
  return Response.json(body, { status: upstream.status });
}
