// Next 16's proxy (formerly middleware): an optimistic check only, so signed-out visitors land on the
// sign-in page instead of an error. The real checks happen where the data is: the sync server
// authenticates and authorizes every internal call and socket itself. Insight pages many people open at
// once are served from rendered copies, after the sync server has checked the caller (insightPageCache.ts).
import { NextResponse, type NextRequest } from 'next/server';
import { cachedInsightPage } from './lib/node/insightPageCache';
import { SESSION_COOKIE } from './lib/node/sessionCookie';

export async function proxy(request: NextRequest) {
  const session = request.cookies.get(SESSION_COOKIE)?.value;
  const signedIn = session !== undefined || /^Bearer \S+$/.test(request.headers.get('authorization') ?? '');
  if (signedIn) return (await cachedInsightPage(request, session)) ?? NextResponse.next();
  const target = new URL('/signin', request.url);
  const next = request.nextUrl.pathname + request.nextUrl.search;
  if (next !== '/') target.searchParams.set('next', next);
  return NextResponse.redirect(target);
}

export const config = {
  // Pages only: the API answers 401 itself; sign-in, setup and invite pages and static files are open.
  matcher: ['/((?!api/|_next/|serwist/|signin|setup|invite/|favicon\\.ico|manifest\\.webmanifest).*)'],
};
