// The web server's client for the sync server's internal HTTP API (loopback, shared secret). Every call
// carries the incoming request's credential (bearer token, else session cookie), which the sync server
// authenticates and authorizes itself.
import { cookies, headers } from 'next/headers';
import { loadConfig, loadSecret, type CellarConfig } from './config';
import { errorResponse } from './httpResponses';
import { guardChange, type BodyKind } from './requestGuard';
import { SESSION_COOKIE } from './sessionCookie';
import { DEFAULT_LIMITS, limitsFromEnv, type Limits } from '../limits';
import type { SyncSettings } from '../client/sheetConnection';

export { errorResponse } from './httpResponses';

let cached: { config: CellarConfig; secret: string } | null = null;

function connection() {
  if (!cached) {
    const config = loadConfig();
    cached = { config, secret: loadSecret(config) };
  }
  return cached;
}

export interface SyncServerRequest {
  /** JSON body; sent as-is when already a string. */
  body?: unknown;
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  signal?: AbortSignal;
  /** Content type of the body; application/json unless given. */
  contentType?: string;
  /** The caller's credential as sent to the sync server; by default the incoming request's. */
  credential?: string | null;
}

/** `Bearer <token>` from the Authorization header, else `Session <id>` from the cookie, else null. */
export async function incomingCredential(): Promise<string | null> {
  try {
    const authorization = (await headers()).get('authorization');
    if (authorization && /^Bearer \S{1,4096}$/.test(authorization)) return authorization;
    const session = (await cookies()).get(SESSION_COOKIE)?.value;
    if (session && /^[\w-]{1,200}$/.test(session)) return `Session ${session}`;
  } catch {
    // outside a request (no headers to forward)
  }
  return null;
}

/** The client address, for rate limits (a reverse proxy in front says it in x-forwarded-for). */
export async function incomingAddress(): Promise<string> {
  try {
    const h = await headers();
    return (h.get('x-forwarded-for')?.split(',')[0].trim() || h.get('x-real-ip') || 'unknown').slice(0, 64);
  } catch {
    return 'unknown';
  }
}

/** Calls `/internal<path>` on the sync server. Network failures become a 503 JSON error response. */
export async function syncServerFetch(path: string, request: SyncServerRequest = {}): Promise<Response> {
  const { config, secret } = connection();
  const credential = request.credential === undefined ? await incomingCredential() : request.credential;
  try {
    return await fetch(`${config.syncInternalUrl}/internal${path}`, {
      method: request.method ?? 'GET',
      headers: {
        authorization: `Bearer ${secret}`,
        ...(credential ? { 'x-cellar-auth': credential } : {}),
        'x-cellar-client': await incomingAddress(),
        ...(request.body !== undefined ? { 'content-type': request.contentType ?? 'application/json' } : {}),
      },
      body: request.body === undefined ? undefined : typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
      signal: request.signal,
      cache: 'no-store',
    });
  } catch (error) {
    if (request.signal?.aborted) throw error;
    return Response.json(
      { error: { code: 'sync_server_unavailable', message: `The sync server at ${config.syncInternalUrl} did not answer.` } },
      { status: 503 },
    );
  }
}

/** Calls the sync server and parses its JSON; throws on an error status with the server's message. */
export async function syncServerJson<T>(path: string, request: SyncServerRequest = {}): Promise<T> {
  const response = await syncServerFetch(path, request);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body?.error?.message ?? `sync server answered ${response.status}`;
    throw Object.assign(new Error(message), { status: response.status, code: body?.error?.code ?? 'error' });
  }
  return body as T;
}

/**
 * Forwards a sync-server response (status and JSON body) unchanged to the browser, streaming the body as it
 * arrives rather than reading it whole first.
 */
export async function relay(path: string, request: SyncServerRequest = {}): Promise<Response> {
  const response = await syncServerFetch(path, request);
  const headers = new Headers({ 'content-type': response.headers.get('content-type') ?? 'application/json' });
  for (const name of RELAYED_HEADERS) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(response.body, { status: response.status, headers });
}

/** Response headers of the sync server that mean something to the browser (downloads, 503 back-off). */
const RELAYED_HEADERS = ['content-disposition', 'retry-after', 'x-content-type-options', 'x-cellar-data-version'];

/** The WebSocket settings a page hands to the browser at run time. */
export function publicSyncSettings(): SyncSettings {
  const { config } = connection();
  return { syncPublicUrl: config.syncPublicUrl, syncPort: config.syncPort, sheetCaps: sheetCaps() };
}

let caps: NonNullable<SyncSettings['sheetCaps']> | null = null;

/**
 * The per-sheet caps the sync server enforces (the same environment variables, read once), for the browser to
 * check first.
 */
function sheetCaps(): NonNullable<SyncSettings['sheetCaps']> {
  if (caps) return caps;
  let configured: Partial<Limits> = {};
  try {
    configured = limitsFromEnv(process.env);
  } catch {
    // A bad value stops the sync server at start-up; the page keeps the defaults.
  }
  caps = { cellsPerSheet: configured.cellsPerSheet ?? DEFAULT_LIMITS.cellsPerSheet, rowsPerSheet: configured.rowsPerSheet ?? DEFAULT_LIMITS.rowsPerSheet };
  return caps;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Forwards a browser's POST body to the sync server, refusing oversized bodies before reading them whole
 * and cross-origin or wrongly typed requests before reading them at all (requestGuard.ts). Validation
 * happens once, on the sync server, where the edit is applied. The body is sent as JSON unless
 * `options.contentType` names another type (the CSV import).
 */
export async function relayPost(
  request: Request,
  path: string,
  options: { contentType?: string; method?: 'POST' | 'PATCH' | 'DELETE'; body?: BodyKind; maxBytes?: number } = {},
): Promise<Response> {
  const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
  const refused = guardChange(request, options.body ?? (options.contentType ? 'csv' : 'json'));
  if (refused) return refused;
  if (options.body === 'none') return relay(path, { method: options.method ?? 'POST' });
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) return errorResponse(413, 'body_too_large', `request bodies are limited to ${maxBytes} bytes`);
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return errorResponse(413, 'body_too_large', `request bodies are limited to ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  let body: string;
  if (options.contentType === undefined) body = Buffer.concat(chunks).toString('utf8');
  else {
    // Text bodies (CSV) must be UTF-8: a file saved in another encoding is refused, not silently mangled.
    try {
      body = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
    } catch {
      return errorResponse(400, 'invalid_encoding', 'the body is not valid UTF-8 text; save the file as UTF-8 and try again');
    }
  }
  return relay(path, { method: options.method ?? 'POST', body: body === '' ? '' : body, contentType: options.contentType });
}

/** Path segment for a sheet id, encoded so nothing in it can change the internal URL. */
export function sheetPath(id: string): string {
  return `/sheets/${encodeURIComponent(id)}`;
}
