// The owner's page: invite people, change roles, remove members, make and revoke API tokens.
import { MembersAdmin } from '@/app/components/auth/MembersAdmin';
import { whoAmI } from '@/lib/node/whoami';

export const dynamic = 'force-dynamic';

export default async function MembersPage() {
  const status = await whoAmI();
  if (!status?.identity || status.identity.role !== 'owner') {
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
