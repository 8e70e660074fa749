import { relay } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** Sheets in the trash: id, title, template, deletedAt, restorableUntil. */
export function GET() {
  return relay('/trash');
}
