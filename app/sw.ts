// The service worker (bundled by @serwist/turbopack through app/serwist/[path]/route.ts): precaches the
// built app shell (Next's static chunks, public files) and caches pages as they are visited, so a sheet
// opened once opens and reloads with no network; its data then comes from IndexedDB.
import { defaultCache } from '@serwist/turbopack/worker';
import { NetworkFirst, NetworkOnly, Serwist, type PrecacheEntry } from 'serwist';

declare const self: { __SW_MANIFEST: (PrecacheEntry | string)[] | undefined };

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  skipWaiting: true,
  clientsClaim: true,
  navigationPreload: false,
  runtimeCaching: [
    // Socket tokens and session calls are credentials: never cached.
    { matcher: ({ sameOrigin, url }) => sameOrigin && (url.pathname.endsWith('/socket-token') || url.pathname === '/api/whoami'), handler: new NetworkOnly() },
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
  ],
});

serwist.addEventListeners();
