// Sign in. A workspace without an owner yet leads to the first-run setup instead.
import { redirect } from 'next/navigation';
import { MemberForm } from '@/app/components/auth/MemberForm';
import { whoAmI } from '@/lib/node/whoami';

export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  const status = await whoAmI();
  if (status?.needsSetup) redirect('/setup');
  return (
    <section className="auth-page">
      <h1>Sign in to Cellar</h1>
      {status === null ? <p className="error">The sync server is not reachable; try again in a moment.</p> : null}
      <MemberForm mode="signin" action="/api/session" submitLabel="Sign in" next={typeof next === 'string' ? next : undefined} />
      <p className="hint">New here? Ask the workspace owner for an invite link.</p>
    </section>
  );
}
