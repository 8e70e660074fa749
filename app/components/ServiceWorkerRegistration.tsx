'use client';
// On every page (rendered by the root layout): registers the Serwist service worker (production builds
// only), then, online, asks it to cache the pages someone may open offline — the sheet list, every sheet and
// its plan, the insight pages. The sheet list also keeps a local copy of every sheet's data (IndexedDB), so
// after one visit to it every sheet, even one never opened here, renders without a network.
import { useEffect } from 'react';
import { isAuthPage } from '@/lib/client/authPages';
import { copySheetsForOffline, markCopied, sheetsToCopy, type SheetListing } from '@/lib/client/offlineCopies';
import type { SyncSettings } from '@/lib/client/sheetConnection';

export const SW_URL = '/serwist/sw.js';

interface Props {
  settings: SyncSettings;
  insightNames: readonly string[];
}

export default function ServiceWorkerRegistration({ settings, insightNames }: Props) {
  useEffect(() => {
    if (process.env.NODE_ENV !== 'production' || !('serviceWorker' in navigator)) return;
    const abort = new AbortController();
    const warm = async () => {
      const registration = await navigator.serviceWorker.register(SW_URL, { scope: '/', type: 'module' }).then(() => navigator.serviceWorker.ready);
      if (abort.signal.aborted || !navigator.onLine) return;
      // Signing in, or just signed out (which forgot this browser's copies, deviceData.ts): nothing to keep.
      if (isAuthPage(window.location.pathname)) return;
      const sheets = await fetch('/api/sheets', { cache: 'no-store', signal: abort.signal })
        .then((r) => (r.ok ? r.json() : { sheets: [] }))
        .then((body: { sheets?: (SheetListing & { template: string })[] }) => body.sheets ?? []);
      const urls = [
        window.location.href,
        '/',
        '/insights',
        ...insightNames.map((name) => `/insights/${name}`),
        ...sheets.flatMap((s) => [`/sheets/${s.id}`, ...(s.template === 'products' ? [`/sheets/${s.id}/plan`] : [])]),
      ];
      registration.active?.postMessage({ type: 'CACHE_URLS', payload: { urlsToCache: [...new Set(urls)] } });
      // The sheet list (the place people start from) also copies the sheets' data in the background once the
      // page has settled: newest first, a few per visit, at most every half hour per browser. A sheet page
      // keeps its own copy; copying from every page would load every sheet on the server for each visit.
      if (window.location.pathname !== '/') return;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const todo = sheetsToCopy(sheets, undefined, Date.now(), localStorage);
      if (todo.length === 0 || abort.signal.aborted) return;
      markCopied(Date.now(), localStorage);
      await copySheetsForOffline(todo, settings, abort.signal);
    };
    warm().catch((error) => {
      if (!abort.signal.aborted) console.warn('offline cache warm-up failed', error);
    });
    return () => abort.abort();
  }, [settings, insightNames]);
  return null;
}
