// Test harness: a real redis-server of its own on a free loopback port (Debian's package), stopped by
// the test. Optionally with an append-only file, so a restart keeps what was written.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './syncServerProcess';

export const REDIS_INSTALL = 'apt-get install -y redis-server';

/** Throws, naming the one install command, when redis-server is not installed. */
export function requireRedisServer(): void {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(`redis-server is not installed; the cluster tests need it: ${REDIS_INSTALL}`);
}

export interface RedisProcess {
  port: number;
  url: string;
  dir: string;
  child: ChildProcess;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** Starts it again on the same port and directory (with its append-only file, if any). */
  restart: () => Promise<RedisProcess>;
}

export async function startRedis(options: { appendOnly?: boolean; port?: number; dir?: string } = {}): Promise<RedisProcess> {
  requireRedisServer();
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cellar-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, '--appendonly', options.appendOnly ? 'yes' : 'no'];
  if (options.appendOnly) args.push('--appendfsync', 'always');
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
      return output.includes('Ready to accept connections');
    },
    { timeoutMs: 10_000, what: 'redis-server to start' },
  );
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { port, url: `redis://127.0.0.1:${port}`, dir, child, stop, restart: () => startRedis({ ...options, port, dir }) };
}
