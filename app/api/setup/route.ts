import { relayStartingSession } from '@/lib/node/sessionRelay';

export const dynamic = 'force-dynamic';

/** First run: `{ name, email, password }` creates the owner account → 201 + session cookie; 409 once an owner exists. */
export function POST(request: Request) {
  return relayStartingSession(request, '/setup');
}
