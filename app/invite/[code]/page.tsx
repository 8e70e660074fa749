// Accepting an invite link: name, email and password make a member with the invite's role.
import { MemberForm } from '@/app/components/auth/MemberForm';
import { syncServerJson } from '@/lib/node/syncServerClient';

export const dynamic = 'force-dynamic';

export default async function InvitePage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const invite = await syncServerJson<{ role: string; expiresAt: string }>(`/invites/${encodeURIComponent(code)}`, { credential: null }).catch(() => null);
  if (!invite) {
    return (
      <section className="auth-page">
        <h1>This invite cannot be used</h1>
        <p>It is unknown, used or expired. Ask the workspace owner for a new link.</p>
      </section>
    );
  }
  return (
    <section className="auth-page">
      <h1>Join this Cellar workspace</h1>
      <p data-testid="invite-role">
        You are invited as <strong>{invite.role}</strong>
        {invite.role === 'viewer' ? ' (you can look at sheets, not change them)' : invite.role === 'editor' ? ' (you can read and change sheets)' : ''}.
      </p>
      <MemberForm mode="invite" action={`/api/invites/${encodeURIComponent(code)}/accept`} submitLabel="Join" />
    </section>
  );
}
