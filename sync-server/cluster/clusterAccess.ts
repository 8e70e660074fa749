// Access control across the cluster: a relay verifies socket tokens (JWTs) and the admin token itself,
// asks the persister's internal API about API tokens (cached briefly), and hears revocations over
// Redis pub/sub, so a revoked identity's sockets close on every relay within the second.
import type { Redis } from 'ioredis';
import { Authenticator, type CredentialLookup } from '../auth/authenticator';
import type { Identity } from '../auth/identity';
import { Revocations, type RevocationCode } from '../auth/revocations';
import { SocketTokens } from '../auth/socketTokens';
import type { Route } from '../internalApi';
import { logger } from '../logger';
import type { PersisterEndpoint } from './relayDocumentStore';
import { REVOCATIONS_CHANNEL } from './streamKeys';

/** How long a relay trusts the persister's answer about an API token (revocations clear it at once). */
const LOOKUP_CACHE_MS = 5_000;

/** The persister's route for relays: the identity behind an API token's digest (internal secret only). */
export function apiTokenLookupRoute(lookup: CredentialLookup): Route {
  return {
    method: 'GET',
    access: 'public',
    pattern: /^\/internal\/cluster\/api-tokens\/([0-9a-f]{64})$/,
    handle: async ({ params }) => ({ identity: await lookup.apiToken(params[0]) }),
  };
}

/** On the persister: every revocation is published for the relays. */
export function publishRevocations(redis: Redis, revocations: Revocations): void {
  revocations.onRevoke((identityId, code, reason) => {
    void redis.publish(REVOCATIONS_CHANNEL, JSON.stringify({ identityId, code, reason })).catch((err) => logger.error({ err }, 'revocation not published'));
  });
}

export interface RelayAccess {
  authenticator: Authenticator;
  revocations: Revocations;
}

/** On a relay: an authenticator like the persister's, its lookups going to the persister. */
export function relayAccess(options: { persister: PersisterEndpoint; adminToken: string | null; socketTokenTtlSeconds?: number; subscriber: Redis }): RelayAccess {
  const cache = new Map<string, { identity: Identity | null; at: number }>();
  const lookup: CredentialLookup = {
    async apiToken(tokenDigest) {
      const hit = cache.get(tokenDigest);
      if (hit && Date.now() - hit.at < LOOKUP_CACHE_MS) return hit.identity;
      const response = await fetch(`${options.persister.url}/internal/cluster/api-tokens/${tokenDigest}`, {
        headers: { authorization: `Bearer ${options.persister.secret}` },
      });
      if (!response.ok) throw new Error(`the persister answered ${response.status} to a token lookup`);
      const { identity } = (await response.json()) as { identity: Identity | null };
      cache.set(tokenDigest, { identity, at: Date.now() });
      if (cache.size > 10_000) cache.delete(cache.keys().next().value!);
      return identity;
    },
    // Sessions are the web app's, never a socket's credential.
    session: async () => null,
  };
  const revocations = new Revocations();
  const authenticator = new Authenticator({
    adminToken: options.adminToken,
    socketTokens: new SocketTokens(options.persister.secret, options.socketTokenTtlSeconds),
    lookup,
    revocations,
  });
  void options.subscriber.subscribe(REVOCATIONS_CHANNEL).catch((err) => logger.error({ err }, 'revocations not subscribed'));
  options.subscriber.on('message', (channel: string, message: string) => {
    if (channel !== REVOCATIONS_CHANNEL) return;
    try {
      const { identityId, code, reason } = JSON.parse(message) as { identityId: string; code: RevocationCode; reason: string };
      for (const [key, entry] of cache) if (entry.identity?.id === identityId) cache.delete(key);
      revocations.revoke(identityId, code, reason);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'bad revocation message ignored');
    }
  });
  return { authenticator, revocations };
}
