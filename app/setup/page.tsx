// First run: while no member exists, this creates the owner account (POST /api/setup).
import { redirect } from 'next/navigation';
import { MemberForm } from '@/app/components/auth/MemberForm';
import { whoAmI } from '@/lib/node/whoami';

export const dynamic = 'force-dynamic';

export default async function SetupPage() {
  const status = await whoAmI();
  if (status && !status.needsSetup) redirect('/signin');
  return (
    <section className="auth-page">
      <h1>Create the owner account</h1>
      <p>This is a new Cellar workspace. The first account owns it: it can invite people, change their roles and make API tokens.</p>
      {status === null ? <p className="error">The sync server is not reachable; try again in a moment.</p> : null}
      <MemberForm mode="setup" action="/api/setup" submitLabel="Create the owner account" />
    </section>
  );
}
