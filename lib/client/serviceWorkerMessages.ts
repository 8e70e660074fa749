// What the page and the service worker (app/sw.ts) say to each other, spelled once for both.

/** Sent by signing out: the worker stops keeping what it is still fetching and deletes its caches, then answers on the port. */
export const FORGET_MESSAGE = 'CELLAR_FORGET';

/** The worker's build-time cache (scripts and styles, no data): the one cache signing out keeps. */
export const KEPT_CACHE_PREFIX = 'serwist-precache';
