// The service worker (bundled by @serwist/turbopack through app/serwist/[path]/route.ts): precaches the
// built app shell (Next's static chunks, public files) and caches pages as they are visited, so a sheet
// opened once opens and reloads with no network; its data then comes from IndexedDB.
import { defaultCache } from '@serwist/turbopack/worker';
import { NetworkFirst, Serwist, type PrecacheEntry, type RuntimeCaching, type SerwistPlugin } from 'serwist';
import { FORGET_MESSAGE, KEPT_CACHE_PREFIX } from '../lib/client/serviceWorkerMessages';

declare const self: {
  __SW_MANIFEST: (PrecacheEntry | string)[] | undefined;
  location: { origin: string };
  addEventListener(type: 'fetch', listener: (event: { request: Request; stopImmediatePropagation(): void }) => void): void;
  addEventListener(type: 'activate', listener: (event: { waitUntil(promise: Promise<unknown>): void }) => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown; ports: readonly MessagePort[]; waitUntil(promise: Promise<unknown>): void }) => void): void;
};

// The API bypasses the worker (this listener comes before Serwist's and stops it): its answers are live data
// of whoever is signed in (credentials too), never to be cached nor served to the next person at this
// browser, and offline the data comes from IndexedDB anyway. Above all, the change feed (`/api/changes`,
// server-sent events) is an endless stream: proxied by the worker into a cache, it stayed open after its
// page was gone, and a few insight pages later the browser's six connections to the host were all held,
// so no page loaded any more.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin === self.location.origin && url.pathname.startsWith('/api/')) event.stopImmediatePropagation();
});
// API answers an earlier version of this worker kept (Serwist's default "apis" cache).
self.addEventListener('activate', (event) => event.waitUntil(caches.delete('apis')));

// Signing out (lib/client/deviceData.ts) forgets every cached page. A page this worker was still fetching
// then — warming the cache for offline use fetches every sheet of the workspace, dozens in a big one — must
// not land in the cache afterwards for the next person at this browser: each request remembers the sign-out
// epoch it started in, and its response is kept only if no sign-out came since.
let forgetEpoch = 0;
const EPOCH = 'cellarForgetEpoch';
/** `okOnly`: for a strategy with no cacheWillUpdate plugin of its own, whose default keeps only 200 responses. */
const unlessForgotten = (okOnly: boolean): SerwistPlugin => ({
  handlerWillStart: async ({ state }) => {
    if (state) state[EPOCH] = forgetEpoch;
  },
  cacheWillUpdate: async ({ response, state }) => (state?.[EPOCH] === forgetEpoch && (!okOnly || response.status === 200) ? response : null),
});
function forgettable(entries: RuntimeCaching[]): RuntimeCaching[] {
  for (const { handler } of entries) {
    if (typeof handler !== 'object' || !('plugins' in handler) || !Array.isArray(handler.plugins)) continue;
    handler.plugins.push(unlessForgotten(!handler.plugins.some((plugin) => plugin.cacheWillUpdate)));
  }
  return entries;
}
self.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type !== FORGET_MESSAGE) return;
  forgetEpoch++;
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (!name.startsWith(KEPT_CACHE_PREFIX)) await caches.delete(name);
      event.ports[0]?.postMessage('forgotten');
    })(),
  );
});

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  skipWaiting: true,
  clientsClaim: true,
  navigationPreload: false,
  runtimeCaching: forgettable([
    {
      // Pages (the sheet list, visited sheets), whether navigated to or cached on request after the
      // worker installed: network first, the cached copy when offline. RSC payloads go to their own cache.
      matcher: ({ request, sameOrigin, url }) =>
        sameOrigin &&
        request.method === 'GET' &&
        request.headers.get('RSC') !== '1' &&
        (request.mode === 'navigate' || url.pathname === '/' || url.pathname.startsWith('/sheets/') || url.pathname.startsWith('/insights')),
      handler: new NetworkFirst({ cacheName: 'cellar-pages', networkTimeoutSeconds: 4 }),
    },
    ...defaultCache,
  ]),
});

serwist.addEventListeners();
