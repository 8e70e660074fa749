import { relay } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** `{ needsSetup, identity }`: who the caller is (null when not signed in), and whether the workspace has an owner yet. */
export function GET() {
  return relay('/whoami');
}
