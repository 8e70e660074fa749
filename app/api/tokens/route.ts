import { relay, relayPost } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** Owner: the API tokens, without their secrets. */
export function GET() {
  return relay('/tokens');
}

/** Owner: `{ name, role, sheets? }` → 201 `{ id, token, … }`; the token is shown this once. */
export function POST(request: Request) {
  return relayPost(request, '/tokens');
}
