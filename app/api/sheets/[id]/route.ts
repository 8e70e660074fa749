import { relay, sheetPath } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  return relay(sheetPath((await params).id));
}
