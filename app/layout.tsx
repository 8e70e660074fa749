import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { INSIGHT_NAMES } from '@/lib/insights';
import { publicSyncSettings } from '@/lib/node/syncServerClient';
import ServiceWorkerRegistration from './components/ServiceWorkerRegistration';
import { SignOutButton } from './components/auth/SignOutButton';
import './globals.css';

export const metadata: Metadata = {
  title: 'Cellar',
  description: 'Local-first collaborative sheets for inventory and sales',
  manifest: '/manifest.webmanifest',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="app-header">
          <Link href="/" className="brand">
            Cellar
          </Link>
          <nav>
            <Link href="/">Sheets</Link>
            <Link href="/insights">Insights</Link>
            <Link href="/members">Members</Link>
            <SignOutButton />
          </nav>
        </header>
        <main className="app-main">{children}</main>
        <ServiceWorkerRegistration settings={publicSyncSettings()} insightNames={INSIGHT_NAMES} />
      </body>
    </html>
  );
}
