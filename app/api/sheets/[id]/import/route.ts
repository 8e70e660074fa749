import { relayPost, sheetPath } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/**
 * Appends the rows of a CSV body (text/csv only: text/plain is what a cross-site form can send, see
 * requestGuard.ts; header row of column names) in one transaction → `{ ids, count }`.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return relayPost(request, `${sheetPath((await params).id)}/import`, { contentType: 'text/csv; charset=utf-8' });
}
