import { attachmentDisposition } from '@/lib/csv';
import { relay, sheetPath, syncServerFetch } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** The sheet as a CSV download: header row of column names, rows in display order, deleted rows left out. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const path = `${sheetPath((await params).id)}/export.csv`;
  const upstream = await syncServerFetch(path);
  // Errors (404 unknown sheet, 503 sync server down) go out as the usual JSON error.
  if (!upstream.ok) return relay(path);
  const { id, title, csv } = (await upstream.json()) as { id: string; title: string; csv: string };
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': attachmentDisposition(title, id),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
