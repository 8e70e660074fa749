import { relay, relayPost } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

export function GET() {
  return relay('/sheets');
}

export function POST(request: Request) {
  return relayPost(request, '/sheets');
}
