// Members, sessions, invites and API tokens, kept in the sync server's DuckDB file (where the data is)
// and mirrored in memory, so every request and socket is checked without a query. Secrets are stored
// only as digests (secrets.ts) and passwords only as scrypt hashes (passwords.ts).
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { newId } from '../../lib/ids';
import type { CredentialLookup } from './authenticator';
import { isRole, type Identity, type Role } from './identity';

export const ACCESS_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS members (
  id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, email VARCHAR NOT NULL, password_hash VARCHAR NOT NULL,
  role VARCHAR NOT NULL, created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  digest VARCHAR PRIMARY KEY, member_id VARCHAR NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS invites (
  digest VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, created_by VARCHAR NOT NULL, created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
  id VARCHAR PRIMARY KEY, digest VARCHAR NOT NULL, name VARCHAR NOT NULL, role VARCHAR NOT NULL,
  sheets VARCHAR, created_by VARCHAR NOT NULL, created_at BIGINT NOT NULL
);
`;

export interface Member {
  id: string;
  name: string;
  email: string;
  passwordHash: string;
  role: Role;
  createdAt: number;
}

export interface ApiToken {
  id: string;
  digest: string;
  name: string;
  role: Role;
  sheets: string[] | null;
  createdBy: string;
  createdAt: number;
}

interface Session {
  digest: string;
  memberId: string;
  createdAt: number;
  expiresAt: number;
}

interface Invite {
  digest: string;
  role: Role;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
}

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
export const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export function memberIdentity(member: Member): Identity {
  return { id: member.id, kind: 'member', name: member.name, role: member.role, sheets: null };
}

export function tokenIdentity(token: ApiToken): Identity {
  return { id: token.id, kind: 'token', name: token.name, role: token.role, sheets: token.sheets };
}

export class AccessStore implements CredentialLookup {
  private readonly members = new Map<string, Member>();
  private readonly sessions = new Map<string, Session>();
  private readonly invites = new Map<string, Invite>();
  private readonly tokens = new Map<string, ApiToken>();
  private readonly tokensByDigest = new Map<string, ApiToken>();
  /** Writes run one at a time on this store's own connection. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly connection: DuckDBConnection) {}

  static async open(instance: DuckDBInstance): Promise<AccessStore> {
    const connection = await instance.connect();
    await connection.run(ACCESS_SCHEMA_SQL);
    const store = new AccessStore(connection);
    await store.loadAll();
    return store;
  }

  private async rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  }

  private async loadAll(): Promise<void> {
    const now = Date.now();
    for (const r of await this.rows('SELECT * FROM members')) {
      const role = String(r.role);
      if (!isRole(role)) continue;
      this.members.set(String(r.id), { id: String(r.id), name: String(r.name), email: String(r.email), passwordHash: String(r.password_hash), role, createdAt: Number(r.created_at) });
    }
    for (const r of await this.rows('SELECT * FROM sessions')) {
      if (Number(r.expires_at) > now) this.sessions.set(String(r.digest), { digest: String(r.digest), memberId: String(r.member_id), createdAt: Number(r.created_at), expiresAt: Number(r.expires_at) });
    }
    for (const r of await this.rows('SELECT * FROM invites')) {
      const role = String(r.role);
      if (isRole(role) && Number(r.expires_at) > now) {
        this.invites.set(String(r.digest), { digest: String(r.digest), role, createdBy: String(r.created_by), createdAt: Number(r.created_at), expiresAt: Number(r.expires_at) });
      }
    }
    for (const r of await this.rows('SELECT * FROM api_tokens')) {
      const role = String(r.role);
      if (!isRole(role)) continue;
      const token: ApiToken = {
        id: String(r.id),
        digest: String(r.digest),
        name: String(r.name),
        role,
        sheets: r.sheets === null ? null : (JSON.parse(String(r.sheets)) as string[]),
        createdBy: String(r.created_by),
        createdAt: Number(r.created_at),
      };
      this.tokens.set(token.id, token);
      this.tokensByDigest.set(token.digest, token);
    }
  }

  private write(sql: string, params: Record<string, string | number | null>): Promise<void> {
    const run = this.queue.then(() => this.connection.run(sql, params as Record<string, string | number>));
    this.queue = run.catch(() => undefined);
    return run.then(() => undefined);
  }

  // CredentialLookup
  async apiToken(tokenDigest: string): Promise<Identity | null> {
    const token = this.tokensByDigest.get(tokenDigest);
    return token ? tokenIdentity(token) : null;
  }

  async session(sessionDigest: string): Promise<Identity | null> {
    const session = this.sessions.get(sessionDigest);
    if (!session) return null;
    if (session.expiresAt <= Date.now()) {
      await this.deleteSession(sessionDigest);
      return null;
    }
    const member = this.members.get(session.memberId);
    return member ? memberIdentity(member) : null;
  }

  // Members
  get memberCount(): number {
    return this.members.size;
  }

  listMembers(): Member[] {
    return [...this.members.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  member(id: string): Member | undefined {
    return this.members.get(id);
  }

  memberByEmail(email: string): Member | undefined {
    for (const member of this.members.values()) if (member.email === email) return member;
    return undefined;
  }

  async addMember(input: { name: string; email: string; passwordHash: string; role: Role }): Promise<Member> {
    const member: Member = { id: `m-${newId(12)}`, ...input, createdAt: Date.now() };
    this.members.set(member.id, member);
    await this.write('INSERT INTO members VALUES ($id, $name, $email, $hash, $role, $at)', {
      id: member.id,
      name: member.name,
      email: member.email,
      hash: member.passwordHash,
      role: member.role,
      at: member.createdAt,
    });
    return member;
  }

  async setRole(id: string, role: Role): Promise<void> {
    const member = this.members.get(id);
    if (!member) return;
    member.role = role;
    await this.write('UPDATE members SET role = $role WHERE id = $id', { id, role });
  }

  async removeMember(id: string): Promise<void> {
    this.members.delete(id);
    for (const [digest, session] of this.sessions) if (session.memberId === id) this.sessions.delete(digest);
    await this.write('DELETE FROM sessions WHERE member_id = $id', { id });
    await this.write('DELETE FROM members WHERE id = $id', { id });
  }

  // Sessions
  async addSession(sessionDigest: string, memberId: string): Promise<void> {
    const now = Date.now();
    this.sessions.set(sessionDigest, { digest: sessionDigest, memberId, createdAt: now, expiresAt: now + SESSION_TTL_MS });
    await this.write('INSERT INTO sessions VALUES ($digest, $member, $at, $expires)', { digest: sessionDigest, member: memberId, at: now, expires: now + SESSION_TTL_MS });
  }

  async deleteSession(sessionDigest: string): Promise<void> {
    this.sessions.delete(sessionDigest);
    await this.write('DELETE FROM sessions WHERE digest = $digest', { digest: sessionDigest });
  }

  // Invites
  async addInvite(inviteDigest: string, role: Role, createdBy: string): Promise<number> {
    const now = Date.now();
    this.invites.set(inviteDigest, { digest: inviteDigest, role, createdBy, createdAt: now, expiresAt: now + INVITE_TTL_MS });
    await this.write('INSERT INTO invites VALUES ($digest, $role, $by, $at, $expires)', { digest: inviteDigest, role, by: createdBy, at: now, expires: now + INVITE_TTL_MS });
    return now + INVITE_TTL_MS;
  }

  invite(inviteDigest: string): Invite | undefined {
    const invite = this.invites.get(inviteDigest);
    return invite && invite.expiresAt > Date.now() ? invite : undefined;
  }

  async deleteInvite(inviteDigest: string): Promise<void> {
    this.invites.delete(inviteDigest);
    await this.write('DELETE FROM invites WHERE digest = $digest', { digest: inviteDigest });
  }

  // API tokens
  listTokens(): ApiToken[] {
    return [...this.tokens.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async addToken(input: { digest: string; name: string; role: Role; sheets: string[] | null; createdBy: string }): Promise<ApiToken> {
    const token: ApiToken = { id: `t-${newId(12)}`, ...input, createdAt: Date.now() };
    this.tokens.set(token.id, token);
    this.tokensByDigest.set(token.digest, token);
    await this.write('INSERT INTO api_tokens VALUES ($id, $digest, $name, $role, $sheets, $by, $at)', {
      id: token.id,
      digest: token.digest,
      name: token.name,
      role: token.role,
      sheets: token.sheets === null ? null : JSON.stringify(token.sheets),
      by: token.createdBy,
      at: token.createdAt,
    });
    return token;
  }

  async removeToken(id: string): Promise<boolean> {
    const token = this.tokens.get(id);
    if (!token) return false;
    this.tokens.delete(id);
    this.tokensByDigest.delete(token.digest);
    await this.write('DELETE FROM api_tokens WHERE id = $id', { id });
    return true;
  }

  close(): void {
    this.connection.closeSync();
  }
}
