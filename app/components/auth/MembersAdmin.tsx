'use client';
// Members and API tokens for the owner: invite by link, change a role, remove; tokens are shown once.
import { useCallback, useEffect, useState } from 'react';
import { postJson } from './postJson';

type Role = 'owner' | 'editor' | 'viewer';
interface Member {
  id: string;
  name: string;
  email: string;
  role: Role;
}
interface Token {
  id: string;
  name: string;
  role: Role;
  sheets: string[] | null;
}
const ROLES: Role[] = ['viewer', 'editor', 'owner'];

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: 'no-store' });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
  return body as T;
}

export function MembersAdmin({ selfId }: { selfId: string }) {
  const [members, setMembers] = useState<Member[]>([]);
  const [tokens, setTokens] = useState<Token[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [invite, setInvite] = useState<{ url: string; role: Role; expiresAt: string } | null>(null);
  const [inviteRole, setInviteRole] = useState<Role>('editor');
  const [newToken, setNewToken] = useState({ name: '', role: 'viewer' as Role, sheets: '' });
  const [shownToken, setShownToken] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setMembers((await getJson<{ members: Member[] }>('/api/members')).members);
      setTokens((await getJson<{ tokens: Token[] }>('/api/tokens')).tokens);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
    } catch (e) {
      setError((e as Error).message);
    }
    await load();
  };

  return (
    <div className="members-admin">
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <h2>People</h2>
      <table className="data" data-testid="members">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id} data-member={m.email}>
              <td>{m.name}</td>
              <td>{m.email}</td>
              <td>
                <select aria-label={`Role of ${m.name}`} value={m.role} onChange={(e) => act(() => postJson(`/api/members/${m.id}`, { role: e.target.value }, 'PATCH'))}>
                  {ROLES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
              </td>
              <td>
                {m.id !== selfId && (
                  <button type="button" onClick={() => act(() => postJson(`/api/members/${m.id}`, undefined, 'DELETE'))}>
                    Remove {m.name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Invite someone</h2>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => setInvite(await postJson('/api/invites', { role: inviteRole })));
        }}
      >
        <select aria-label="Invite role" value={inviteRole} onChange={(e) => setInviteRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <button className="primary" type="submit">
          Create invite link
        </button>
      </form>
      {invite ? (
        <p>
          Send this link to the person joining as {invite.role} (valid until {new Date(invite.expiresAt).toLocaleString()}, once):{' '}
          <input readOnly className="secret" value={invite.url} data-testid="invite-url" onFocus={(e) => e.target.select()} />
        </p>
      ) : null}

      <h2>API tokens</h2>
      <table className="data" data-testid="tokens">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Sheets</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{t.role}</td>
              <td>{t.sheets ? t.sheets.join(', ') : 'all'}</td>
              <td>
                <button type="button" onClick={() => act(() => postJson(`/api/tokens/${t.id}`, undefined, 'DELETE'))}>
                  Revoke {t.name}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const sheets = newToken.sheets.split(/[\s,]+/).filter(Boolean);
          void act(async () => {
            const made = await postJson<{ token: string }>('/api/tokens', { name: newToken.name, role: newToken.role, ...(sheets.length ? { sheets } : {}) });
            setShownToken(made.token);
            setNewToken({ name: '', role: 'viewer', sheets: '' });
          });
        }}
      >
        <input aria-label="Token name" placeholder="name" value={newToken.name} onChange={(e) => setNewToken({ ...newToken, name: e.target.value })} required maxLength={100} />
        <select aria-label="Token role" value={newToken.role} onChange={(e) => setNewToken({ ...newToken, role: e.target.value as Role })}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <input aria-label="Token sheets" placeholder="sheet ids (optional)" value={newToken.sheets} onChange={(e) => setNewToken({ ...newToken, sheets: e.target.value })} />
        <button className="primary" type="submit">
          Make token
        </button>
      </form>
      {shownToken ? (
        <p>
          Copy it now; it is not shown again: <input readOnly className="secret" value={shownToken} data-testid="new-token" onFocus={(e) => e.target.select()} />
        </p>
      ) : null}
    </div>
  );
}
