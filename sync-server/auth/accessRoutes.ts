// The access routes of the internal API: first-run setup, sign-in and out, invites, members and API
// tokens (DESIGN "Access control (v1)"). The web server relays them and turns `session` into the cookie.
import { CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED } from '../../lib/protocol';
import { HttpError, notFound } from '../httpErrors';
import { CREDENTIAL_HEADER, parse, type Route, type RouteContext } from '../internalApi';
import type { AccessStore, ApiToken, Member } from './accessStore';
import { inviteBody, newMemberBody, roleBody, signInBody, tokenBody } from './accessSchemas';
import type { Identity } from './identity';
import type { LoginLimiter } from './loginLimiter';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import type { Revocations } from './revocations';
import { digest, newSecret } from './secrets';

export interface AccessRouteDeps {
  store: AccessStore;
  limiter: LoginLimiter;
  revocations: Revocations;
  knownSheets: ReadonlySet<string>;
}

const WRONG_CREDENTIALS = 'wrong email or password';

function publicMember(member: Member) {
  return { id: member.id, name: member.name, email: member.email, role: member.role, createdAt: new Date(member.createdAt).toISOString() };
}

function publicToken(token: ApiToken) {
  return { id: token.id, name: token.name, role: token.role, sheets: token.sheets, createdAt: new Date(token.createdAt).toISOString() };
}

function whoAmI(identity: Identity | null) {
  return identity ? { id: identity.id, kind: identity.kind, name: identity.name, role: identity.role } : null;
}

/** Starts a session for a member: `session` is the cookie's value, returned once and stored as a digest. */
async function startSession(store: AccessStore, member: Member) {
  const session = newSecret('s');
  await store.addSession(digest(session), member.id);
  return { session, member: publicMember(member) };
}

function clientAddress(context: RouteContext): string {
  const value = context.request.headers['x-cellar-client'];
  return (typeof value === 'string' && value ? value : 'unknown').slice(0, 64);
}

export function accessRoutes(deps: AccessRouteDeps): Route[] {
  const { store } = deps;
  let creatingOwner: Promise<unknown> | null = null;

  async function newMember(body: unknown, role: Member['role']) {
    const input = parse(newMemberBody, body);
    if (store.memberByEmail(input.email)) throw new HttpError(409, 'conflict', 'a member with that email exists');
    return store.addMember({ name: input.name, email: input.email, passwordHash: await hashPassword(input.password), role });
  }

  function ownersLeft(except: string): number {
    return store.listMembers().filter((m) => m.role === 'owner' && m.id !== except).length;
  }

  return [
    {
      method: 'GET',
      pattern: /^\/internal\/whoami$/,
      access: 'public',
      handle: async ({ identity }) => ({ needsSetup: store.memberCount === 0, identity: whoAmI(identity) }),
    },
    {
      method: 'POST',
      pattern: /^\/internal\/setup$/,
      access: 'public',
      handle: async ({ body, response }) => {
        const input = await body();
        // One owner, even when two first-run requests race.
        while (creatingOwner) await creatingOwner.catch(() => undefined);
        if (store.memberCount > 0) throw new HttpError(409, 'already_set_up', 'this workspace already has an owner; sign in instead');
        const work = newMember(input, 'owner');
        creatingOwner = work;
        try {
          const member = await work;
          response.statusCode = 201;
          return startSession(store, member);
        } finally {
          creatingOwner = null;
        }
      },
    },
    {
      method: 'POST',
      pattern: /^\/internal\/session$/,
      access: 'public',
      handle: async (context) => {
        const input = parse(signInBody, await context.body());
        const address = clientAddress(context);
        const wait = await deps.limiter.blockedFor(address, input.email);
        if (wait > 0) {
          context.response.setHeader('retry-after', String(wait));
          throw new HttpError(429, 'too_many_attempts', `too many failed sign-ins; try again in ${Math.ceil(wait / 60)} min`);
        }
        const member = store.memberByEmail(input.email);
        const ok = member ? await verifyPassword(input.password, member.passwordHash) : await verifyAgainstDummy(input.password);
        if (!member || !ok) {
          await deps.limiter.failed(address, input.email);
          throw new HttpError(401, 'unauthorized', WRONG_CREDENTIALS);
        }
        await deps.limiter.succeeded(input.email);
        return startSession(store, member);
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/internal\/session$/,
      access: 'public',
      handle: async ({ request }) => {
        const match = /^Session (\S+)$/.exec(String(request.headers[CREDENTIAL_HEADER] ?? ''));
        if (match) await store.deleteSession(digest(match[1]));
        return { signedOut: true };
      },
    },
    {
      method: 'POST',
      pattern: /^\/internal\/invites$/,
      access: 'owner',
      handle: async ({ body, identity, response }) => {
        const { role } = parse(inviteBody, await body());
        const code = newSecret('i');
        const expiresAt = await store.addInvite(digest(code), role, identity!.id);
        response.statusCode = 201;
        return { code, role, expiresAt: new Date(expiresAt).toISOString() };
      },
    },
    {
      method: 'GET',
      pattern: /^\/internal\/invites\/([\w-]{1,100})$/,
      access: 'public',
      handle: async ({ params }) => {
        const invite = store.invite(digest(params[0]));
        if (!invite) throw notFound('this invite is unknown, used or expired');
        return { role: invite.role, expiresAt: new Date(invite.expiresAt).toISOString() };
      },
    },
    {
      method: 'POST',
      pattern: /^\/internal\/invites\/([\w-]{1,100})\/accept$/,
      access: 'public',
      handle: async ({ params, body, response }) => {
        const key = digest(params[0]);
        const invite = store.invite(key);
        if (!invite) throw notFound('this invite is unknown, used or expired');
        const input = await body();
        await store.deleteInvite(key);
        let member: Member;
        try {
          member = await newMember(input, invite.role);
        } catch (error) {
          // A refused body leaves the invite usable.
          await store.addInvite(key, invite.role, invite.createdBy);
          throw error;
        }
        response.statusCode = 201;
        return startSession(store, member);
      },
    },
    { method: 'GET', pattern: /^\/internal\/members$/, access: 'owner', handle: async () => ({ members: store.listMembers().map(publicMember) }) },
    {
      method: 'PATCH',
      pattern: /^\/internal\/members\/([\w-]{1,64})$/,
      access: 'owner',
      handle: async ({ params, body }) => {
        const { role } = parse(roleBody, await body());
        const member = store.member(params[0]);
        if (!member) throw notFound(`no member ${params[0]}`);
        if (member.role === 'owner' && role !== 'owner' && ownersLeft(member.id) === 0) {
          throw new HttpError(409, 'last_owner', 'the workspace needs at least one owner');
        }
        const changed = member.role !== role;
        await store.setRole(member.id, role);
        // Open sockets close (4403) and reconnect with a token for the new role, read-only or not.
        if (changed) deps.revocations.revoke(member.id, CLOSE_FORBIDDEN, 'role changed');
        return publicMember(member);
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/internal\/members\/([\w-]{1,64})$/,
      access: 'owner',
      handle: async ({ params }) => {
        const member = store.member(params[0]);
        if (!member) throw notFound(`no member ${params[0]}`);
        if (member.role === 'owner' && ownersLeft(member.id) === 0) throw new HttpError(409, 'last_owner', 'the workspace needs at least one owner');
        await store.removeMember(member.id);
        deps.revocations.revoke(member.id, CLOSE_UNAUTHORIZED, 'member removed');
        return { removed: member.id };
      },
    },
    { method: 'GET', pattern: /^\/internal\/tokens$/, access: 'owner', handle: async () => ({ tokens: store.listTokens().map(publicToken) }) },
    {
      method: 'POST',
      pattern: /^\/internal\/tokens$/,
      access: 'owner',
      handle: async ({ body, identity, response }) => {
        const input = parse(tokenBody, await body());
        const unknown = input.sheets?.find((id) => !deps.knownSheets.has(id));
        if (unknown) throw notFound(`no sheet ${unknown}`);
        const secret = newSecret('cellar');
        const token = await store.addToken({ digest: digest(secret), name: input.name, role: input.role, sheets: input.sheets ?? null, createdBy: identity!.id });
        response.statusCode = 201;
        // The only time the token is shown.
        return { ...publicToken(token), token: secret };
      },
    },
    {
      method: 'DELETE',
      pattern: /^\/internal\/tokens\/([\w-]{1,64})$/,
      access: 'owner',
      handle: async ({ params }) => {
        if (!(await store.removeToken(params[0]))) throw notFound(`no token ${params[0]}`);
        deps.revocations.revoke(params[0], CLOSE_UNAUTHORIZED, 'token revoked');
        return { removed: params[0] };
      },
    },
  ];
}
