import { relay } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }) {
  const query = new URL(request.url).searchParams.toString();
  return relay(`/insights/${encodeURIComponent((await params).name)}?${query}`);
}
