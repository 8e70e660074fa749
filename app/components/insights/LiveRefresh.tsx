'use client';
// Keeps a server-rendered insight page current: listens to the change feed (`/api/changes`, server-sent
// events) and re-renders the page's server components with router.refresh() shortly after a change to
// products or sales. Bursts of changes are coalesced into one refresh; client state (sorting) survives.
import { useRouter } from 'next/navigation';
import { startTransition, useEffect, useState } from 'react';

const WATCHED_TEMPLATES = new Set(['products', 'sales']);

type Status = 'connecting' | 'live' | 'reconnecting';

export function LiveRefresh({ delayMs = 300 }: { delayMs?: number }) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>('connecting');

  useEffect(() => {
    const source = new EventSource('/api/changes');
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lostConnection = false;
    // At most one refresh per `delayMs`, and always one within `delayMs` of a change.
    const schedule = () => {
      timer ??= setTimeout(() => {
        timer = null;
        startTransition(() => router.refresh());
      }, delayMs);
    };
    source.onopen = () => {
      setStatus('live');
      // Changes made while disconnected were not seen: catch up once.
      if (lostConnection) schedule();
      lostConnection = false;
    };
    source.onerror = () => {
      lostConnection = true;
      setStatus('reconnecting');
    };
    source.onmessage = (event) => {
      try {
        const change = JSON.parse(event.data) as { template?: string };
        if (!change.template || WATCHED_TEMPLATES.has(change.template)) schedule();
      } catch {
        schedule();
      }
    };
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
  }, [router, delayMs]);

  return (
    <span className={`live-status live-${status}`} data-testid="insight-live" data-status={status} title="Refreshes by itself when a sheet changes">
      {status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
    </span>
  );
}
