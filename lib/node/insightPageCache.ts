// Rendered insight pages (the HTML of a document request), kept per page URL and data version, so that
// many people opening the same insight page at once cost one server render instead of one each (a page
// is ≈ 15–25 ms of CPU on the web server's one thread; 200 of them queue for seconds).
//
// Why this is safe to share between callers:
// - Every request is still authenticated and authorized by the sync server with the caller's own
//   credential before anything is served (`/internal/insights/:name/version`, checked exactly as the
//   page's own data call is: role, tokens limited to some sheets, the insight and its parameters). A
//   caller it refuses gets the normal render, which shows them their error.
// - An insight page shows workspace-wide data and nothing about who asks (no name, role or token in the
//   markup), so every caller allowed to read it gets the same HTML. Only a successful page is kept: one
//   carrying the data version it was rendered at (`data-version` on the page), never an error page.
// - The key is the data version (bumped by every materialized change to the insights' inputs) and the
//   full path and query, so an edit makes every older page unreachable; nothing is time-based. Live
//   refresh (router.refresh: RSC requests) and client navigations are not served from here.
// - Only the page's body and harmless headers are replayed; never set-cookie.
//
// A miss renders the page by asking this same server for it (loopback, with the caller's credential and
// a per-process token that says "render it, do not look in the cache"); concurrent misses for one key
// share that render. Bounded: at most MAX_BYTES, least recently used first out.
import { randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { loadConfig, loadSecret } from './config';
import { SESSION_COOKIE } from './sessionCookie';

export const RENDER_HEADER = 'x-cellar-page-render';
/** Says a response is a kept (or shared) render: `x-cellar-page-cache: shared`. */
export const CACHE_HEADER = 'x-cellar-page-cache';
const RENDER_TOKEN = randomBytes(16).toString('hex');

const MAX_BYTES = 32 * 2 ** 20;
const MAX_PAGE_BYTES = 2 * 2 ** 20;
const RENDER_TIMEOUT_MS = 30_000;
const CHECK_TIMEOUT_MS = 10_000;
/** Response headers of a rendered page that are the same for every caller. */
const REPLAYED_HEADERS = ['content-type', 'cache-control', 'vary', 'link', 'x-content-type-options'];

interface Page {
  version: string;
  body: Uint8Array;
  headers: [string, string][];
}

const pages = new Map<string, Page>();
const renders = new Map<string, Promise<Page | null>>();
let bytes = 0;
let seenVersion = '';
let connection: { url: string; secret: string } | null = null;

function syncServer() {
  if (!connection) {
    const config = loadConfig();
    connection = { url: config.syncInternalUrl, secret: loadSecret(config) };
  }
  return connection;
}

/** Whether this request is this module's own render of a page (to be rendered, not looked up). */
export function isPageRender(request: Request): boolean {
  return request.headers.get(RENDER_HEADER) === RENDER_TOKEN;
}

/** The caller's credential as the sync server takes it (as syncServerClient's incomingCredential). */
function credentialOf(request: Request, session: string | undefined): string | null {
  const authorization = request.headers.get('authorization');
  if (authorization && /^Bearer \S{1,4096}$/.test(authorization)) return authorization;
  if (session && /^[\w-]{1,200}$/.test(session)) return `Session ${session}`;
  return null;
}

function clientAddress(request: Request): string {
  return (request.headers.get('x-forwarded-for')?.split(',')[0].trim() || request.headers.get('x-real-ip') || 'unknown').slice(0, 64);
}

/**
 * The cached page for a document request to `/insights/:name`, or null when it is not one, the caller is
 * refused, or the page cannot be cached (the caller then gets the normal render).
 */
export async function cachedInsightPage(request: Request, session: string | undefined): Promise<Response | null> {
  if (request.method !== 'GET' || isPageRender(request)) return null;
  // Document requests only. React Server Component requests (client navigations, prefetches,
  // router.refresh) render as usual; Next strips their `rsc` header and `_rsc` parameter before the proxy
  // sees them, but they are fetch() calls: `accept: */*` and, from a browser, `sec-fetch-dest: empty`.
  const dest = request.headers.get('sec-fetch-dest');
  if (!(request.headers.get('accept') ?? '').includes('text/html') || (dest !== null && dest !== 'document')) return null;
  const url = new URL(request.url);
  const match = /^\/insights\/([^/]+)$/.exec(url.pathname);
  if (!match) return null;
  const port = process.env.PORT;
  if (!port) return null;
  const credential = credentialOf(request, session);
  if (!credential) return null;

  return inTurn(() => servePage(request, session, url, match[1], credential, port));
}

/**
 * At most MAX_SERVING pages are checked and served at a time, the others wait their turn in order. The
 * work is the same, but done first come first served instead of all at once, so under a burst the early
 * callers are answered early (not all of them at the end) and other requests (the sheet list, the API)
 * find a short queue on the event loop instead of one entry per waiting page.
 */
const MAX_SERVING = 4;
let serving = 0;
const turns: Array<() => void> = [];

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (serving < MAX_SERVING) serving++;
  else await new Promise<void>((resolve) => turns.push(resolve));
  try {
    return await work();
  } finally {
    const next = turns.shift();
    if (next) next();
    else serving--;
  }
}

async function servePage(request: Request, session: string | undefined, url: URL, name: string, credential: string, port: string): Promise<Response | null> {
  const version = await currentVersion(name, url.search, credential, clientAddress(request));
  if (!version) return null;
  if (version !== seenVersion) {
    // Versions only move forward: pages of any other version can never be served again.
    seenVersion = version;
    for (const [oldKey, old] of pages) if (old.version !== version && !isNewer(old.version, version)) forget(oldKey, old);
  }
  const key = `${url.pathname}${url.search}`;
  let page = pages.get(key);
  if (page && page.version !== version) {
    forget(key, page);
    page = undefined;
  }
  if (!page) {
    const flightKey = `${version}\u0000${key}`;
    let render = renders.get(flightKey);
    if (!render) {
      render = renderPage(request, session, `http://127.0.0.1:${port}${key}`).finally(() => renders.delete(flightKey));
      renders.set(flightKey, render);
    }
    const rendered = await render;
    if (!rendered) return null;
    // Rendered at a newer version than this caller checked is newer data, still right to show; older is not.
    if (rendered.version !== version && !isNewer(rendered.version, version)) return null;
    if (pages.get(key)?.version !== rendered.version) remember(key, rendered);
    page = rendered;
  } else {
    // Most recently used last.
    pages.delete(key);
    pages.set(key, page);
  }
  // Compressed per response by Next (a proxy's content-encoding is not passed on, so it cannot be gzipped once).
  return new Response(page.body as Uint8Array<ArrayBuffer>, { status: 200, headers: [...page.headers, [CACHE_HEADER, 'shared']] });
}

/** Kept-alive connections to the sync server for the checks (one per request, so they must be cheap). */
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** The sync server's data version for this page, checked with the caller's credential; null if refused. */
function currentVersion(name: string, search: string, credential: string, client: string): Promise<string | null> {
  const { url, secret } = syncServer();
  return new Promise((resolve) => {
    const secure = url.startsWith('https:');
    const request = (secure ? httpsRequest : httpRequest)(
      `${url}/internal/insights/${name}/version${search}`,
      { agent: secure ? undefined : agent, headers: { authorization: `Bearer ${secret}`, 'x-cellar-auth': credential, 'x-cellar-client': client }, timeout: CHECK_TIMEOUT_MS },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size <= 4096) chunks.push(chunk);
        });
        response.on('end', () => {
          if (response.statusCode !== 200 || size > 4096) return resolve(null);
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { version?: unknown };
            resolve(typeof body.version === 'string' ? body.version : null);
          } catch {
            resolve(null);
          }
        });
        response.on('error', () => resolve(null));
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
    request.end();
  });
}

/** Renders the page through this server with the caller's credential; null unless it is a page to keep. */
async function renderPage(request: Request, session: string | undefined, target: string): Promise<Page | null> {
  // Only what identifies the caller (their credential, their address for rate limits): nothing else of the
  // first caller's request (other cookies, forwarded host or scheme) may shape a page others are served.
  const headers: Record<string, string> = { [RENDER_HEADER]: RENDER_TOKEN, accept: 'text/html' };
  for (const name of ['authorization', 'x-forwarded-for', 'x-real-ip']) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  if (session !== undefined && /^[\w-]{1,200}$/.test(session)) headers.cookie = `${SESSION_COOKIE}=${session}`;
  try {
    const response = await fetch(target, { headers, redirect: 'manual', signal: AbortSignal.timeout(RENDER_TIMEOUT_MS), cache: 'no-store' });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('text/html')) return null;
    if (body.byteLength > MAX_PAGE_BYTES || response.headers.has('set-cookie')) return null;
    // Only a page that shows an answer says which data version it shows.
    const version = /<section class="insights" data-version="([\w.]+)"/.exec(new TextDecoder().decode(body.subarray(0, 64 * 1024)))?.[1];
    if (!version) return null;
    const kept: [string, string][] = [];
    for (const name of REPLAYED_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) kept.push([name, value]);
    }
    return { version, body, headers: kept };
  } catch {
    return null;
  }
}

/** Whether data version `a` (`<boot>.<n>`, as the sync server writes it) is later than `b` of the same boot. */
function isNewer(a: string, b: string): boolean {
  const [bootA, nA] = a.split('.');
  const [bootB, nB] = b.split('.');
  return bootA === bootB && Number(nA) > Number(nB);
}

function remember(key: string, page: Page): void {
  const previous = pages.get(key);
  if (previous) forget(key, previous);
  pages.set(key, page);
  bytes += page.body.byteLength;
  for (const [oldKey, old] of pages) {
    if (bytes <= MAX_BYTES) break;
    forget(oldKey, old);
  }
}

function forget(key: string, page: Page): void {
  if (pages.get(key) === page) {
    pages.delete(key);
    bytes -= page.body.byteLength;
  }
}

