import { errorResponse, relayPost, sheetPath } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

const CSV_TYPES = new Set(['text/csv', 'text/plain', 'application/csv', 'text/comma-separated-values', '']);

/** Appends the rows of a CSV body (text/csv, header row of column names) in one transaction → `{ ids, count }`. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (!CSV_TYPES.has(type)) return errorResponse(415, 'unsupported_media_type', `send the CSV as text/csv, not ${type.slice(0, 80)}`);
  return relayPost(request, `${sheetPath((await params).id)}/import`, { contentType: 'text/csv; charset=utf-8' });
}
