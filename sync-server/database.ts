// The DuckDB file, owned by this process alone: separate connections for the update log, the
// materializer and readers, so reads (MVCC snapshots) never wait for writes.
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CATALOG_SCHEMA_SQL } from './catalogSchema';
import { ident, literal, workspaceViewSql } from '../lib/relationalViews';
import { ReaderPool } from './readerPool';

export interface Database {
  instance: DuckDBInstance;
  /** Appends and compacts the durable update log. */
  log: DuckDBConnection;
  /** Writes materialized sheet tables, history, views. */
  materializer: DuckDBConnection;
  /** Runs a read on a pooled reader connection (sheet reads: short, interactive). */
  read<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  /**
   * Runs an analytical read (insights) on its own lane of connections, queue limit and time limit, so
   * slow insights never hold up sheet reads; refuses with PoolBusyError when the queue is full.
   */
  readAnalytical<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  analytical: ReaderPool;
  close(): Promise<void>;
}

/**
 * Reader connections per lane. Every DuckDB call runs on libuv's thread pool (UV_THREADPOOL_SIZE, 4 by
 * default, read once at start-up), which the log and materializer connections need too: with the default
 * pool each lane gets one connection, with a larger one (npm scripts set 8) two.
 */
function lanes(): { sheets: number; analytical: number } {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return pool >= 6 ? { sheets: 2, analytical: 2 } : { sheets: 1, analytical: 1 };
}

export interface DatabaseOptions {
  /** Analytical reads waiting at most (CELLAR_INSIGHT_QUEUE, default 32). */
  analyticalQueue?: number;
  /** Longest an analytical read may wait or run (CELLAR_INSIGHT_TIMEOUT_MS, default 10 s). */
  analyticalTimeLimitMs?: number;
}

export async function openDatabase(file: string, options: DatabaseOptions = {}): Promise<Database> {
  // Data at rest is the owner's alone: the directory 0700, the DuckDB file 0600 (main.ts sets the umask too).
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const instance = await DuckDBInstance.create(file);
  if (file !== ':memory:') {
    chmodSync(dirname(file), 0o700);
    chmodSync(file, 0o600);
  }
  const log = await instance.connect();
  await log.run(CATALOG_SCHEMA_SQL);
  for (const template of ['products', 'sales'] as const) await log.run(workspaceViewSql(template, [], true));
  // Sandbox: no SQL here may read or write files or the network, and nothing may change that later.
  await log.run('SET enable_external_access = false');
  await log.run('SET lock_configuration = true');
  const materializer = await instance.connect();
  const sizes = lanes();
  const idle: DuckDBConnection[] = [];
  for (let i = 0; i < sizes.sheets; i++) idle.push(await instance.connect());
  const analyticalConnections: DuckDBConnection[] = [];
  for (let i = 0; i < sizes.analytical; i++) analyticalConnections.push(await instance.connect());
  const limitMs = options.analyticalTimeLimitMs ?? envInteger('CELLAR_INSIGHT_TIMEOUT_MS', 10_000);
  const analytical = new ReaderPool(analyticalConnections, {
    name: 'insight readers',
    maxQueue: options.analyticalQueue ?? envInteger('CELLAR_INSIGHT_QUEUE', 32),
    maxWaitMs: limitMs,
    timeLimitMs: limitMs,
  });
  const waiting: Array<(connection: DuckDBConnection) => void> = [];
  let closed = false;

  async function read<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (closed) throw new Error('database is closed');
    const connection = idle.pop() ?? (await new Promise<DuckDBConnection>((resolve) => waiting.push(resolve)));
    try {
      return await work(connection);
    } finally {
      const next = waiting.shift();
      if (next) next(connection);
      else idle.push(connection);
    }
  }

  return {
    instance,
    log,
    materializer,
    read,
    analytical,
    readAnalytical: (work) => analytical.run(work),
    async close() {
      closed = true;
      await log.run('CHECKPOINT').catch(() => undefined);
      for (const connection of [log, materializer, ...idle, ...analytical.close()]) connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A non-negative integer from the environment, or the default when unset or not one. */
function envInteger(name: string, fallback: number): number {
  const text = process.env[name];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : fallback;
}

/** Double-quotes an SQL identifier (a NUL, which SQL text cannot hold, becomes U+FFFD: lib/relationalViews.ts). */
export const quoteIdent = ident;

/** Single-quotes an SQL string literal (only for DDL, where DuckDB takes no parameters). */
export const quoteLiteral = literal;
