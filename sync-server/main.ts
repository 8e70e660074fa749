// `npm run sync-server`: the sync server process, sole owner of the DuckDB file.
import { configureLimits, limitsFromEnv } from '../lib/limits';
import { loadConfig, loadSecret } from '../lib/node/config';
import { logger } from './logger';
import { seedDemoWorkbook } from './seedDemoWorkbook';
import { startSyncServer } from './syncServer';
import { serverParts, serverRoutes } from './extensions';

// Everything this process creates (data directory, DuckDB file and its WAL, the secret) is private.
process.umask(0o077);
const config = loadConfig();
const limits = configureLimits(limitsFromEnv(process.env));
const server = await startSyncServer({
  databaseFile: config.databaseFile,
  secret: loadSecret(config),
  adminToken: config.adminToken,
  socketTokenTtlSeconds: config.socketTokenTtlSeconds,
  host: config.syncHost,
  port: config.syncPort,
  maxMessageBytes: limits.messageBytes,
  parts: serverParts(),
  routes: serverRoutes,
});

if (process.env.CELLAR_SEED !== '0' && server.rooms.knownSheets.size === 0) {
  const seeded = await seedDemoWorkbook(server.rooms);
  logger.info(seeded, 'seeded the demo workbook');
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    server
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        logger.error({ err }, 'failed to stop cleanly');
        process.exit(1);
      });
  });
}
