import { relayEndingSession, relayStartingSession } from '@/lib/node/sessionRelay';

export const dynamic = 'force-dynamic';

/** Sign in: `{ email, password }` → 200 + session cookie; 401 (one message), 429 + retry-after after 5 failures. */
export function POST(request: Request) {
  return relayStartingSession(request, '/session');
}

/** Sign out: ends the session and clears the cookie. */
export function DELETE(request: Request) {
  return relayEndingSession(request);
}
