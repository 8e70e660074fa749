import { syncServerFetch } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

/** Server-sent events: one `data:` line per materialized change (sheet id, template, time). */
export async function GET(request: Request) {
  const upstream = await syncServerFetch('/changes', { signal: request.signal });
  if (!upstream.ok || !upstream.body) return upstream;
  return new Response(upstream.body, {
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' },
  });
}
