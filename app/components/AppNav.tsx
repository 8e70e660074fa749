'use client';
// The header's links and Sign out, for signed-in pages. The pages that sign someone in (sign-in, first-run
// setup, an invite) have no one to sign out and lead nowhere else yet, so they show none of it.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { SignOutButton } from './auth/SignOutButton';

const SIGNED_OUT_PAGES = /^\/(signin|setup|invite)(\/|$)/;

export function AppNav() {
  const pathname = usePathname() ?? '/';
  if (SIGNED_OUT_PAGES.test(pathname)) return null;
  return (
    <nav>
      <Link href="/">Sheets</Link>
      <Link href="/insights">Insights</Link>
      <Link href="/members">Members</Link>
      <SignOutButton />
    </nav>
  );
}
