import { relay, sheetPath } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const query = new URL(request.url).searchParams.toString();
  return relay(`${sheetPath((await params).id)}/history?${query}`);
}
