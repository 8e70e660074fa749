import { relayPost, sheetPath } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** Brings a sheet back from the trash (within 30 days of its deletion). */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return relayPost(request, `${sheetPath((await params).id)}/restore`, { body: 'none' });
}
