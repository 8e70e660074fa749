import { relayStartingSession } from '@/lib/node/sessionRelay';

export const dynamic = 'force-dynamic';

/** `{ name, email, password }` joins with the invite's role → 201 + session cookie. */
export async function POST(request: Request, { params }: { params: Promise<{ code: string }> }) {
  return relayStartingSession(request, `/invites/${encodeURIComponent((await params).code)}/accept`);
}
