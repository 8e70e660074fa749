// Next 16's proxy (formerly middleware): an optimistic check only, so signed-out visitors land on the
// sign-in page instead of an error. The real checks happen where the data is: the sync server
// authenticates and authorizes every internal call and socket itself.
import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIE } from './lib/node/sessionCookie';

export function proxy(request: NextRequest) {
  const signedIn = request.cookies.has(SESSION_COOKIE) || /^Bearer \S+$/.test(request.headers.get('authorization') ?? '');
  if (signedIn) return NextResponse.next();
  const target = new URL('/signin', request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== '/') target.searchParams.set('next', next);
  return NextResponse.redirect(target);
}

export const config = {
  // Pages only: the API answers 401 itself; sign-in, setup and invite pages and static files are open.
  matcher: ['/((?!api/|_next/|serwist/|signin|setup|invite/|favicon\\.ico|manifest\\.webmanifest).*)'],
};
