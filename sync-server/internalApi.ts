// The internal HTTP API the web server calls (loopback, shared secret): reads from DuckDB reader
// connections, server-side edits applied to the live documents. The secret proves "this is our web
// server"; every call also carries the caller's credential (x-cellar-auth), checked here, where the data is.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { appendRowsBody, cellUpdatesBody, createSheetBody, describeZodError, historyQuery } from '../lib/apiSchemas';
import { HybridLogicalClock } from '../lib/hlc';
import { newId } from '../lib/ids';
import { isSheetId, type CellValue, type TemplateName } from '../lib/schema';
import { applyCellUpdates, insertRows, readColumns, SheetError, type CellUpdate, type Editor } from '../lib/sheetDoc';
import type { CredentialVerifier } from './auth/authenticator';
import { hasRole, type Identity, type Role } from './auth/identity';
import { badRequest, HttpError, notFound } from './httpErrors';
import { PoolBusyError, ReadTimeoutError } from './readerPool';
import { logger } from './logger';
import { SERVER_ORIGIN } from './room';
import type { RoomManager } from './roomManager';
import type { DocumentStore } from './documentStore';
import type { SheetStore } from './sheetStore';

export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The caller's credential, forwarded by the web server: `Bearer <API token>` or `Session <session id>`. */
export const CREDENTIAL_HEADER = 'x-cellar-auth';

export interface InternalApiDeps {
  secret: string;
  authenticator: CredentialVerifier;
  rooms: RoomManager;
  documents: DocumentStore;
  sheets: SheetStore;
  /** Extra routes added by other modules (insights, spreading), tried before the built-in ones. */
  routes?: Route[];
  clock?: HybridLogicalClock;
  /** What /health adds: the sheets that fail to materialize (materializationHealth.ts). */
  health?: () => { sheets: unknown[]; views: string | null };
}

export interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  params: string[];
  query: URLSearchParams;
  body: () => Promise<unknown>;
  editor: Editor;
  /** The authenticated caller; null only on public routes. */
  identity: Identity | null;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  pattern: RegExp;
  /** Who may call it: `public` (no credential), or the lowest role; GET defaults to viewer, others to editor. */
  access?: 'public' | Role;
  /** Whether a token limited to some sheets may call this route outside /sheets/:id (it filters itself). */
  limitedTokens?: boolean;
  handle: (context: RouteContext) => Promise<unknown>;
}

export const forbidden = (message: string) => new HttpError(403, 'forbidden', message);

/** Authentication and role checks for one route, the same for every route. */
export function authorizeRoute(route: Route, identity: Identity | null, pathname: string): void {
  const access = route.access ?? (route.method === 'GET' ? 'viewer' : 'editor');
  if (access === 'public') return;
  if (!identity) throw new HttpError(401, 'unauthorized', 'sign in, or send an API token');
  if (!hasRole(identity, access)) throw forbidden(`this needs the ${access} role; yours is ${identity.role}`);
  if (identity.sheets === null) return;
  const sheet = /^\/internal\/sheets\/([^/]+)/.exec(pathname)?.[1];
  if (sheet === undefined ? !route.limitedTokens : !identity.sheets.includes(decodeURIComponent(sheet))) {
    throw forbidden('this token is not allowed on that sheet');
  }
}

export function createInternalApi(deps: InternalApiDeps) {
  const clock = deps.clock ?? new HybridLogicalClock();
  const expected = Buffer.from(`Bearer ${deps.secret}`);

  const routes: Route[] = [
    ...(deps.routes ?? []),
    {
      method: 'GET',
      pattern: /^\/internal\/sheets$/,
      limitedTokens: true,
      handle: async ({ identity }) => {
        const list = await deps.sheets.list();
        const allowed = identity?.sheets;
        return allowed ? { ...list, sheets: list.sheets.filter((sheet) => allowed.includes(sheet.id)) } : list;
      },
    },
    {
      method: 'POST',
      pattern: /^\/internal\/sheets$/,
      handle: async ({ body, response }) => {
        const input = parse(createSheetBody, await body());
        const id = newId(10);
        await deps.rooms.create(id, { title: input.title, template: input.template as TemplateName, createdAt: Date.now() });
        response.statusCode = 201;
        return { id };
      },
    },
    { method: 'GET', pattern: /^\/internal\/sheets\/([^/]+)$/, handle: ({ params }) => readMaterializedSheet(deps.sheets, sheetParam(deps, params[0])) },
    {
      method: 'POST',
      pattern: /^\/internal\/sheets\/([^/]+)\/cells$/,
      handle: async ({ params, body, editor }) => {
        const sheetId = sheetParam(deps, params[0]);
        const input = parse(cellUpdatesBody, await body());
        await deps.rooms.withRoom(sheetId, (room) => {
          const columns = columnResolver(room.doc);
          const updates = input.updates.map((u) => ({ ...u, col: columns(u.col) })) as CellUpdate[];
          applyCellUpdates(room.doc, updates, editor);
        }, editor.userId);
        await deps.documents.flush();
        return { applied: input.updates.length };
      },
    },
    {
      method: 'POST',
      pattern: /^\/internal\/sheets\/([^/]+)\/rows$/,
      handle: async ({ params, body, editor, response }) => {
        const sheetId = sheetParam(deps, params[0]);
        const input = parse(appendRowsBody, await body());
        const ids = await deps.rooms.withRoom(sheetId, (room) => {
          const columns = columnResolver(room.doc);
          const rows = input.rows.map((row) => {
            const values: Record<string, CellValue> = {};
            for (const [key, value] of Object.entries(row)) values[columns(key)] = value;
            return values;
          });
          return insertRows(room.doc, rows, {}, editor);
        }, editor.userId);
        await deps.documents.flush();
        response.statusCode = 201;
        return { ids };
      },
    },
    {
      method: 'GET',
      pattern: /^\/internal\/sheets\/([^/]+)\/history$/,
      handle: async ({ params, query }) => {
        const sheetId = sheetParam(deps, params[0]);
        const { row, col } = parse(historyQuery, Object.fromEntries(query));
        return deps.sheets.history(sheetId, row, col);
      },
    },
    {
      method: 'GET',
      pattern: /^\/internal\/changes$/,
      handle: async ({ request, response }) => {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        response.write(': connected\n\n');
        const unsubscribe = deps.sheets.subscribe((change) => response.write(`data: ${JSON.stringify(change)}\n\n`));
        const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
        request.on('close', () => {
          clearInterval(keepAlive);
          unsubscribe();
        });
        return STREAMING;
      },
    },
  ];

  return async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    try {
      if (url.pathname === '/health') {
        // Still 200 when degraded: the server serves every other sheet; the body says which ones fail.
        const health = deps.health?.() ?? { sheets: [], views: null };
        const degraded = health.sheets.length > 0 || health.views !== null;
        return sendJson(response, 200, degraded ? { ok: true, status: 'degraded', ...health } : { ok: true, status: 'ok' });
      }
      const header = Buffer.from(request.headers.authorization ?? '');
      if (header.length !== expected.length || !timingSafeEqual(header, expected)) {
        throw new HttpError(401, 'unauthorized', 'missing or wrong internal API secret');
      }
      const credential = request.headers[CREDENTIAL_HEADER];
      const identity = await deps.authenticator.fromHeader(typeof credential === 'string' ? credential : undefined);
      const route = routes.find((r) => r.pattern.test(url.pathname) && r.method === request.method);
      if (!route) {
        if (!identity) throw new HttpError(401, 'unauthorized', 'sign in, or send an API token');
        const known = routes.some((r) => r.pattern.test(url.pathname));
        throw known ? new HttpError(405, 'method_not_allowed', `${request.method} is not allowed here`) : notFound(`no route ${url.pathname}`);
      }
      authorizeRoute(route, identity, url.pathname);
      const params = route.pattern.exec(url.pathname)!.slice(1).map(decodeURIComponent);
      // Server-side edits are written in the caller's name: no header can claim to be someone else.
      const editor: Editor = { clock, userId: identity?.id ?? 'anonymous', origin: SERVER_ORIGIN };
      const result = await route.handle({ request, response, params, query: url.searchParams, body: () => readJsonBody(request), editor, identity });
      if (result === STREAMING) return;
      sendJson(response, response.statusCode || 200, result);
    } catch (error) {
      const http = toHttpError(error);
      if (http.status >= 500) logger.error({ err: error, url: request.url }, 'internal API error');
      if (!response.headersSent) {
        for (const [name, value] of Object.entries(http.headers)) response.setHeader(name, value);
        sendJson(response, http.status, { error: { code: http.code, message: http.message } });
      }
      else response.end();
    }
  };
}

const STREAMING = Symbol('streaming');

/**
 * A route result already serialized (UTF-8 chunks, in order; JSON unless `headers` give another
 * content-type): sent as is, not through JSON.stringify, waiting for the socket to drain between chunks.
 */
export class SerializedJson {
  constructor(
    readonly chunks: readonly Uint8Array[],
    readonly headers: Record<string, string> = {},
  ) {}
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof PoolBusyError) return new HttpError(503, 'busy', error.message, { 'retry-after': String(error.retryAfterSeconds) });
  if (error instanceof ReadTimeoutError) return new HttpError(503, 'timeout', error.message, { 'retry-after': '5' });
  if (error instanceof SheetError) {
    if (error.code === 'not_found') return notFound(error.message);
    return error.code === 'sheet_full' ? new HttpError(413, error.code, error.message) : badRequest(error.message, error.code);
  }
  if (error && typeof error === 'object' && 'status' in error && 'code' in error) {
    const e = error as { status: number; code: string; message: string };
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, String(e.code), e.message);
  }
  return new HttpError(500, 'internal_error', 'something went wrong on the sync server');
}

/** A route result sent as bytes with its own headers (a document's state for a relay). */
export class BinaryBody {
  constructor(
    readonly bytes: Uint8Array,
    readonly headers: Record<string, string> = {},
  ) {}
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (body instanceof BinaryBody) {
    response.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': body.bytes.byteLength, ...body.headers });
    response.end(body.bytes);
    return;
  }
  if (body instanceof SerializedJson) {
    const length = body.chunks.reduce((total, chunk) => total + chunk.byteLength, 0);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...body.headers, 'content-length': length });
    void writeChunks(response, body.chunks);
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Writes large bodies in slices, waiting for the socket to drain, so one answer never floods memory. */
async function writeChunks(response: ServerResponse, chunks: readonly Uint8Array[]): Promise<void> {
  const SLICE = 1 << 20;
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.byteLength; at += SLICE) {
      if (response.destroyed) return;
      if (!response.write(chunk.subarray(at, at + SLICE))) await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
    }
  }
  response.end();
}

export function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(describeZodError(result.error));
  return result.data;
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw badRequest('a JSON body is required', 'invalid_json');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('the body is not valid JSON', 'invalid_json');
  }
}

export function sheetParam(deps: Pick<InternalApiDeps, 'rooms'>, raw: string): string {
  if (!isSheetId(raw) || !deps.rooms.knownSheets.has(raw)) throw notFound(`no sheet ${raw}`);
  return raw;
}

/** Columns may be named by id or, for convenience, by their (unique) name. */
function columnResolver(doc: Parameters<typeof readColumns>[0]): (key: string) => string {
  const columns = readColumns(doc);
  const ids = new Set(columns.map((c) => c.id));
  const byName = new Map<string, string>();
  for (const column of columns) if (!byName.has(column.name)) byName.set(column.name, column.id);
  return (key) => {
    if (ids.has(key)) return key;
    const id = byName.get(key);
    if (!id) throw notFound(`no column ${key}`);
    return id;
  };
}

/** The materialized sheet; 404 when there is none. */
export async function readMaterializedSheet(sheets: SheetStore, sheetId: string) {
  const sheet = await sheets.read(sheetId);
  if (!sheet) throw notFound(`no sheet ${sheetId}`);
  return sheet;
}
