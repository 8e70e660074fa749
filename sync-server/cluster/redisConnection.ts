// ioredis connections for cluster mode: commands wait through a Redis restart instead of failing
// (no retry limit, offline queue on), and reconnect with a short backoff.
import { Redis } from 'ioredis';
import { logger } from '../logger';

/** `blocking`: a connection for blocking reads (XREAD BLOCK), which must not be auto-pipelined. */
export function connectRedis(url: string, name: string, { blocking = false } = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    enableAutoPipelining: !blocking,
    retryStrategy: (times) => Math.min(50 * times, 500),
    connectionName: name,
    lazyConnect: false,
  });
  redis.on('error', (err) => logger.debug({ err: err.message, name }, 'redis connection error'));
  return redis;
}
