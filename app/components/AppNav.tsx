'use client';
// The header's links and Sign out, for signed-in pages. The pages that sign someone in (sign-in, first-run
// setup, an invite) have no one to sign out and lead nowhere else yet, so they show none of it.
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { isAuthPage } from '@/lib/client/authPages';
import { SignOutButton } from './auth/SignOutButton';

export function AppNav() {
  const pathname = usePathname() ?? '/';
  if (isAuthPage(pathname)) return null;
  return (
    <nav>
      <Link href="/">Sheets</Link>
      <Link href="/insights">Insights</Link>
      <Link href="/members">Members</Link>
      <SignOutButton />
    </nav>
  );
}
