import { relay } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** `{ role, expiresAt }` of a valid invite; 404 when unknown, used or expired. */
export async function GET(_request: Request, { params }: { params: Promise<{ code: string }> }) {
  return relay(`/invites/${encodeURIComponent((await params).code)}`, { credential: null });
}
