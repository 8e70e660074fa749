import { relay, sheetPath } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** A short-lived token for this sheet's WebSocket (`?token=`), for the signed-in caller: `{ token, expiresAt, role }`. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const response = await relay(`${sheetPath((await params).id)}/socket-token`);
  response.headers.set('cache-control', 'no-store');
  return response;
}
