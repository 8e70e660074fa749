// The DuckDB file, owned by this process alone: separate connections for the update log, the
// materializer and readers, so reads (MVCC snapshots) never wait for writes.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CATALOG_SCHEMA_SQL } from './catalogSchema';

export interface Database {
  instance: DuckDBInstance;
  /** Appends and compacts the durable update log. */
  log: DuckDBConnection;
  /** Writes materialized sheet tables, history, views. */
  materializer: DuckDBConnection;
  /** Runs a read on a pooled reader connection. */
  read<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const READERS = 3;

export async function openDatabase(file: string): Promise<Database> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(file);
  const log = await instance.connect();
  await log.run(CATALOG_SCHEMA_SQL);
  // Sandbox: no SQL here may read or write files or the network, and nothing may change that later.
  await log.run('SET enable_external_access = false');
  await log.run('SET lock_configuration = true');
  const materializer = await instance.connect();
  const idle: DuckDBConnection[] = [];
  for (let i = 0; i < READERS; i++) idle.push(await instance.connect());
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
    async close() {
      closed = true;
      await log.run('CHECKPOINT').catch(() => undefined);
      for (const connection of [log, materializer, ...idle]) connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Double-quotes an SQL identifier. Ids are validated elsewhere; quoting makes any name safe. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Single-quotes an SQL string literal (only for DDL, where DuckDB takes no parameters). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
