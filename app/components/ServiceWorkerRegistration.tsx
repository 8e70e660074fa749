'use client';
// Registers the Serwist service worker (production builds only) and asks it to cache the current page,
// which was loaded before the worker controlled it, so this page also opens offline next time.
import { useEffect } from 'react';

export const SW_URL = '/serwist/sw.js';

export default function ServiceWorkerRegistration() {
  useEffect(() => {
    if (process.env.NODE_ENV !== 'production' || !('serviceWorker' in navigator)) return;
    let cancelled = false;
    navigator.serviceWorker
      .register(SW_URL, { scope: '/', type: 'module' })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        if (cancelled || !navigator.onLine) return;
        registration.active?.postMessage({ type: 'CACHE_URLS', payload: { urlsToCache: [window.location.href] } });
      })
      .catch((error) => console.warn('service worker registration failed', error));
    return () => {
      cancelled = true;
    };
  }, []);
  return null;
}
