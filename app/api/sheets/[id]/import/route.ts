import { DEFAULT_LIMITS, limitsFromEnv } from '@/lib/limits';
import { relayPost, sheetPath } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** The import's body limit, as the sync server has it (CELLAR_MAX_IMPORT_BYTES); the sync server checks it again. */
const maxBytes = limitsFromEnv(process.env).csvImportBytes ?? DEFAULT_LIMITS.csvImportBytes;

/**
 * Appends the rows of a CSV body (text/csv only: text/plain is what a cross-site form can send, see
 * requestGuard.ts; header row of column names), checked whole and written in chunks → `{ ids, count, job }`.
 * `?job=<id>` (8–64 letters, digits, _ or -) names the import, so its progress can be polled at
 * GET /api/sheets/:id/imports/:job meanwhile.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const job = new URL(request.url).searchParams.get('job');
  const query = job === null ? '' : `?job=${encodeURIComponent(job)}`;
  return relayPost(request, `${sheetPath((await params).id)}/import${query}`, { contentType: 'text/csv; charset=utf-8', maxBytes });
}
