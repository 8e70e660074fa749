// The session cookie: httpOnly, SameSite=Lax, Secure when the site is served over HTTPS. Its value is the
// session id; the sync server stores only its digest.
export const SESSION_COOKIE = 'cellar_session';
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

/** Whether the browser reached us over HTTPS (directly or through a reverse proxy that says so). */
export function isHttps(request: Request): boolean {
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0].trim();
  return (forwarded ?? new URL(request.url).protocol.replace(':', '')) === 'https';
}

export function sessionCookie(request: Request, value: string, maxAgeSeconds = SESSION_MAX_AGE_S): string {
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`];
  if (isHttps(request)) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(request: Request): string {
  return sessionCookie(request, '', 0);
}
