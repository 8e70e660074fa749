// Checks on changing requests at the web edge (DESIGN "Access control", REST answers): a request
// authenticated by the session cookie must come from our own pages (Origin or Sec-Fetch-Site), and JSON
// routes take only application/json (CSV import: text/csv), so a cross-site form can never post to them.
import { errorResponse } from './httpResponses';

export type BodyKind = 'json' | 'csv' | 'none';

const TYPES: Record<Exclude<BodyKind, 'none'>, string[]> = {
  json: ['application/json'],
  csv: ['text/csv'],
};

function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** Whether the request was sent by a page of this site (it is authenticated by cookie, not a bearer token). */
export function isSameOrigin(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return false;
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    return host !== null && new URL(origin).host === host.split(',')[0].trim();
  } catch {
    return false;
  }
}

/** Whether the request carries a bearer token (scripts; cross-site pages cannot set this header). */
export function hasBearer(request: Request): boolean {
  return /^Bearer \S+$/.test(request.headers.get('authorization') ?? '');
}

/** A refusal for a changing request that fails the checks, or null when it may go on. */
export function guardChange(request: Request, body: BodyKind): Response | null {
  if (body !== 'none') {
    const type = mediaType(request);
    if (!TYPES[body].includes(type)) {
      return errorResponse(415, 'unsupported_media_type', `send the body as ${TYPES[body][0]}${type ? `, not ${type.slice(0, 80)}` : ''}`);
    }
  }
  if (!hasBearer(request) && !isSameOrigin(request)) {
    return errorResponse(403, 'forbidden', 'cross-origin requests may not change anything; use an API token for scripts');
  }
  return null;
}
