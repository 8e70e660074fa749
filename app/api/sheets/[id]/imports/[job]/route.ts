import { relay, sheetPath } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** Progress of a CSV import started with `?job=`: `{ state, bytes, rowsChecked, rows, rowsWritten, error }`. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string; job: string }> }) {
  const { id, job } = await params;
  return relay(`${sheetPath(id)}/imports/${encodeURIComponent(job)}`);
}
