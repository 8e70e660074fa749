import { relayPost } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** Owner: revokes a token; sockets opened with it close at once. */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return relayPost(request, `/tokens/${encodeURIComponent((await params).id)}`, { method: 'DELETE', body: 'none' });
}
