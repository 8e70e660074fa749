// The processes the insight benchmark times over HTTP: the real sync server (a child process on the
// benchmark's data directory) and, when a production build exists, `next start` relaying to it — started
// the way e2e/servers.ts starts them, each in its own process group so it can be stopped whole.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, startSyncServerProcess, waitFor, type SyncServerProcess } from '../sync-server/testing/syncServerProcess';
import { stopChild } from '../e2e/servers';

export const ROOT = resolve(import.meta.dirname, '..');

export function hasNextBuild(): boolean {
  return existsSync(join(ROOT, '.next', 'BUILD_ID'));
}

/** The sync server on `dataDir` (no demo seed), logging warnings only. */
export function startBenchSyncServer(dataDir: string): Promise<SyncServerProcess> {
  return startSyncServerProcess({ dataDir, env: { CELLAR_SEED: '0', LOG_LEVEL: 'warn' } });
}

export interface NextProcess {
  baseUrl: string;
  stop: () => Promise<void>;
  pid?: number;
}

/** `next start` (the existing production build) relaying to the given sync server. */
export async function startNext(sync: SyncServerProcess, extraEnv: Record<string, string> = {}, nodeArgs: string[] = [], cwd: string = ROOT): Promise<NextProcess> {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    SYNC_PORT: String(sync.port),
    SYNC_HOST: '127.0.0.1',
    CELLAR_DATA: sync.dataDir,
    CELLAR_SECRET: sync.secret,
    NEXT_TELEMETRY_DISABLED: '1',
    ...extraEnv,
  };
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd, env, stdio: 'ignore', detached: true });
  const stop = () => stopChild(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}`);
        const headers = { authorization: `Bearer ${sync.adminToken}` };
        return (await fetch(`${baseUrl}/api/sheets`, { headers, signal: AbortSignal.timeout(5000) })).status === 200;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'next start to answer' },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, stop, pid: child.pid };
}

export interface HttpTiming {
  ms: number;
  rows: number;
  bytes: number;
}

/** One GET, the body fully read and parsed; fails unless 200 with `{ rows: [...] }`. */
export async function timeGet(url: string, headers: Record<string, string> = {}): Promise<HttpTiming> {
  const start = performance.now();
  const response = await fetch(url, { headers });
  const text = await response.text();
  const body = JSON.parse(text) as { rows?: unknown[] };
  const ms = performance.now() - start;
  if (response.status !== 200 || !Array.isArray(body.rows)) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return { ms, rows: body.rows.length, bytes: Buffer.byteLength(text) };
}
