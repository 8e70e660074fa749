// The owner's page: invite people, change roles, remove members, make and revoke API tokens.
import { MembersAdmin } from '@/app/components/auth/MembersAdmin';
import { whoAmI } from '@/lib/node/whoami';

export const dynamic = 'force-dynamic';

export default async function MembersPage() {
  const status = await whoAmI();
  if (!status) {
    // Nothing is known about the caller (the sync server did not answer): do not tell an owner they are not one.
    return (
      <section>
        <h1>Members</h1>
        <p className="error" role="alert" data-testid="members-unavailable">
          The sync server is not reachable right now, so members and tokens cannot be shown. Try again in a moment.
        </p>
      </section>
    );
  }
  if (!status.identity || status.identity.role !== 'owner') {
    return (
      <section>
        <h1>Members</h1>
        <p>Only the workspace owner manages members and tokens.</p>
      </section>
    );
  }
  return (
    <section>
      <h1>Members</h1>
      <MembersAdmin selfId={status.identity.id} />
    </section>
  );
}
