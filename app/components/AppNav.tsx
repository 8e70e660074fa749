'use client';
// The header's links and Sign out, for signed-in pages. The pages that sign someone in (sign-in, first-run
// setup, an invite) have no one to sign out and lead nowhere else yet, so they show none of it. "Members" is
// the owner's page: once the signed-in role is known (`/api/whoami`) it shows for owners only; while it is
// not (loading, offline) it shows, and the members page itself says who may manage members.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { isAuthPage } from '@/lib/client/authPages';
import { SignOutButton } from './auth/SignOutButton';

export function AppNav() {
  const pathname = usePathname() ?? '/';
  const authPage = isAuthPage(pathname);
  const [role, setRole] = useState<string | null>(null);
  useEffect(() => {
    if (authPage) return;
    const abort = new AbortController();
    fetch('/api/whoami', { cache: 'no-store', signal: abort.signal })
      .then((response) => (response.ok ? response.json() : null))
      .then((body: { identity?: { role?: unknown } | null } | null) => setRole(typeof body?.identity?.role === 'string' ? body.identity.role : null))
      .catch(() => undefined);
    return () => abort.abort();
  }, [authPage]);
  if (authPage) return null;
  return (
    <nav>
      <Link href="/">Sheets</Link>
      <Link href="/insights">Insights</Link>
      {role === null || role === 'owner' ? <Link href="/members">Members</Link> : null}
      <SignOutButton />
    </nav>
  );
}
