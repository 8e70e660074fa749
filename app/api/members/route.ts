import { relay } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** Owner: every member `{ id, name, email, role, createdAt }`. */
export function GET() {
  return relay('/members');
}
