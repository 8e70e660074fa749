// Configuration shared by the sync server and the web server, from the environment (see README).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface CellarConfig {
  port: number;
  syncPort: number;
  syncHost: string;
  dataDir: string;
  databaseFile: string;
  /** How the web server reaches the sync server's internal HTTP API. */
  syncInternalUrl: string;
  /** WebSocket URL given to browsers; null means ws://<the page's host>:SYNC_PORT. */
  syncPublicUrl: string | null;
  /** CELLAR_ADMIN_TOKEN: an owner API token for automation, tests and recovery; never shown or logged. */
  adminToken: string | null;
  /** CELLAR_SOCKET_TOKEN_TTL_S: lifetime of the socket tokens browsers get (default 600 s). */
  socketTokenTtlSeconds: number;
}

function portFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return port;
}

function positiveInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): CellarConfig {
  const syncPort = portFrom(env.SYNC_PORT, 1234, 'SYNC_PORT');
  const syncHost = env.SYNC_HOST || '127.0.0.1';
  // The data directory is chosen at run time; tell Turbopack not to trace the filesystem for it.
  const dataDir = resolve(/*turbopackIgnore: true*/ env.CELLAR_DATA || './data');
  return {
    port: portFrom(env.PORT, 3000, 'PORT'),
    syncPort,
    syncHost,
    dataDir,
    databaseFile: join(/*turbopackIgnore: true*/ dataDir, 'cellar.duckdb'),
    syncInternalUrl: (env.SYNC_INTERNAL_URL || `http://${syncHost}:${syncPort}`).replace(/\/$/, ''),
    syncPublicUrl: env.SYNC_PUBLIC_URL || null,
    adminToken: env.CELLAR_ADMIN_TOKEN || null,
    socketTokenTtlSeconds: positiveInteger(env.CELLAR_SOCKET_TOKEN_TTL_S, 600, 'CELLAR_SOCKET_TOKEN_TTL_S'),
  };
}

/** The internal API's shared secret: CELLAR_SECRET, or one generated into the data directory on first start. */
export function loadSecret(config: CellarConfig, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CELLAR_SECRET) return env.CELLAR_SECRET;
  const file = join(/*turbopackIgnore: true*/ config.dataDir, 'secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(24).toString('hex');
    try {
      writeFileSync(file, secret, { flag: 'wx', mode: 0o600 });
    } catch {
      // Another process created it first: use theirs.
      return readFileSync(file, 'utf8').trim();
    }
    return secret;
  }
}
