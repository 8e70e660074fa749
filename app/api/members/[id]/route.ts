import { relayPost } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

const path = async (params: Promise<{ id: string }>) => `/members/${encodeURIComponent((await params).id)}`;

/** Owner: `{ role }` changes a member's role; their open sockets reconnect with the new one. */
export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return relayPost(request, await path(params), { method: 'PATCH' });
}

/** Owner: removes a member; their sessions end and open sockets close at once. */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return relayPost(request, await path(params), { method: 'DELETE', body: 'none' });
}
