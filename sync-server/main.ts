// `npm run sync-server`: the sync server process. By default (CELLAR_ROLE=all, or no REDIS_URL) the one
// process that owns the DuckDB file and serves sockets; in cluster mode a relay or the persister.
import { configureLimits, limitsFromEnv } from '../lib/limits';
import { loadConfig, loadSecret } from '../lib/node/config';
import { apiTokenLookupRoute, publishRevocations } from './cluster/clusterAccess';
import { documentRoute } from './cluster/documentRoute';
import { Persister } from './cluster/persister';
import { connectRedis } from './cluster/redisConnection';
import { startRelay } from './cluster/relayServer';
import { logger } from './logger';
import { seedDemoWorkbook } from './seedDemoWorkbook';
import { startSyncServer } from './syncServer';
import { backgroundNiceFromEnv, lowerBackgroundThreads } from './threadPriority';
import { serverParts, serverRoutes } from './extensions';

// Everything this process creates (data directory, DuckDB file and its WAL, the secret) is private.
process.umask(0o077);
const config = loadConfig();
const role = process.env.CELLAR_ROLE || 'all';
const redisUrl = process.env.REDIS_URL || '';
if (!['all', 'relay', 'persister'].includes(role)) {
  logger.fatal({ role }, 'CELLAR_ROLE must be all, relay or persister');
  process.exit(2);
}
if (role !== 'all' && !redisUrl) {
  logger.fatal({ role }, `CELLAR_ROLE=${role} needs REDIS_URL`);
  process.exit(2);
}
let backgroundNice: number;
try {
  backgroundNice = backgroundNiceFromEnv();
} catch (error) {
  logger.fatal({ err: error }, (error as Error).message);
  process.exit(2);
}
// The persister relays to no one: its event loop is the pipeline's bottleneck, and DuckDB's threads are
// its work, not background to it.
if (role !== 'persister') lowerBackgroundThreads(backgroundNice);
const limits = configureLimits(limitsFromEnv(process.env));
const maxMessageBytes = limits.messageBytes;
const secret = loadSecret(config);

let close: () => Promise<void>;
if (role === 'relay') {
  // A relay keeps nothing on disk: it needs no CELLAR_DATA and never opens DuckDB.
  const relay = await startRelay({
    redisUrl,
    persister: { url: config.syncInternalUrl, secret },
    adminToken: config.adminToken,
    socketTokenTtlSeconds: config.socketTokenTtlSeconds,
    host: config.syncHost,
    port: config.syncPort,
    maxMessageBytes,
  });
  close = () => relay.close();
} else {
  const redis = role === 'persister' ? connectRedis(redisUrl, 'persister') : null;
  const persister = redis ? new Persister(redis, redisUrl) : null;
  const server = await startSyncServer({
    databaseFile: config.databaseFile,
    secret,
    adminToken: config.adminToken,
    socketTokenTtlSeconds: config.socketTokenTtlSeconds,
    host: config.syncHost,
    port: config.syncPort,
    maxMessageBytes,
    // The persister holds no sockets, so nothing waits on its event loop but the stream; the worker's
    // replica would apply every batch a second time (bench/cluster.ts: ~30 % more CPU per edit), so its
    // materializer reads the document in-thread unless CELLAR_MATERIALIZER_WORKER says otherwise.
    ...(persister && process.env.CELLAR_MATERIALIZER_WORKER === undefined ? { materializerWorker: false } : {}),
    parts: [...serverParts(), ...(persister ? [persister.part()] : [])],
    routes: (parts) => [...serverRoutes(parts), ...(persister ? [documentRoute(parts.rooms, persister), apiTokenLookupRoute(parts.auth.store)] : [])],
  });
  if (persister && redis) {
    publishRevocations(redis, server.auth.revocations);
    await persister.start(server.rooms);
  }
  if (process.env.CELLAR_SEED !== '0' && server.rooms.knownSheets.size === 0) {
    const seeded = await seedDemoWorkbook(server.rooms);
    logger.info(seeded, 'seeded the demo workbook');
  }
  close = async () => {
    await persister?.close();
    await server.close();
  };
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    close()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err }, 'failed to stop cleanly');
        process.exit(1);
      });
  });
}
