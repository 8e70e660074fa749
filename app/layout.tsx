import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { INSIGHT_NAMES } from '@/lib/insights';
import { publicSyncSettings } from '@/lib/node/syncServerClient';
import ServiceWorkerRegistration from './components/ServiceWorkerRegistration';
import { AppNav } from './components/AppNav';
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
          <AppNav />
        </header>
        <main className="app-main">{children}</main>
        <ServiceWorkerRegistration settings={publicSyncSettings()} insightNames={INSIGHT_NAMES} />
      </body>
    </html>
  );
}
