import { relay, relayPost, sheetPath } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ id: string }> };

export async function GET(_request: Request, { params }: Params) {
  return relay(sheetPath((await params).id));
}

/** `{ title }` renames the sheet (in its live document, so every open page sees it). */
export async function PATCH(request: Request, { params }: Params) {
  return relayPost(request, sheetPath((await params).id), { method: 'PATCH' });
}

/** Moves the sheet to the trash (restorable for 30 days: POST /api/sheets/:id/restore). */
export async function DELETE(request: Request, { params }: Params) {
  return relayPost(request, sheetPath((await params).id), { method: 'DELETE', body: 'none' });
}
