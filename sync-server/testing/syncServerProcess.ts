// Test harness: the real sync server as a child process (npm run sync-server) on a free loopback port,
// with its own DuckDB file in a temp directory, so tests can SIGTERM and SIGKILL it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(probe: () => T | Promise<T>, { timeoutMs = 5000, intervalMs = 20, what = 'condition' } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** CELLAR_ADMIN_TOKEN of every test server: the owner API token that tests and stock clients use by default. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface ApiInit {
  method?: string;
  body?: unknown;
  /** x-cellar-auth as forwarded by the web server; default `Bearer TEST_ADMIN_TOKEN`, null for none. */
  credential?: string | null;
  /** Content type of the body (default application/json). */
  contentType?: string;
  /** Client address for rate limits (x-cellar-client). */
  client?: string;
}

export interface SyncServerProcess {
  port: number;
  dataDir: string;
  secret: string;
  adminToken: string;
  httpUrl: string;
  wsUrl: string;
  child: ChildProcess;
  output: () => string;
  /** Calls the internal API with the shared secret and, by default, the admin token as the caller. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes in tests
  api: (path: string, init?: ApiInit) => Promise<{ status: number; body: any; headers: Headers }>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}


export async function startSyncServerProcess(options: { dataDir?: string; port?: number; env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<SyncServerProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cellar-test-'));
  const port = options.port ?? (await freePort());
  const secret = 'test-secret-0123456789';
  let output = '';
  // One process (no tsx CLI wrapper), so SIGKILL really kills the server holding the DuckDB file.
  // CELLAR_SERVER_NODE_ARGS: extra node flags for every sync server a test or bench starts (profiling: `--cpu-prof`).
  const extraArgs = process.env.CELLAR_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extraArgs, ...(options.nodeArgs ?? []), '--import', 'tsx', 'sync-server/main.ts'], {
    env: {
      ...process.env,
      SYNC_PORT: String(port),
      SYNC_HOST: '127.0.0.1',
      CELLAR_DATA: dataDir,
      CELLAR_SECRET: secret,
      CELLAR_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      CELLAR_SEED: '0',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const httpUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`sync server exited: ${output}`);
      return (await fetch(`${httpUrl}/health`)).ok;
    },
    { timeoutMs: 30_000, intervalMs: 100, what: 'the sync server to listen' },
  );
  const api = async (path: string, init: ApiInit = {}) => {
    const credential = init.credential === undefined ? `Bearer ${TEST_ADMIN_TOKEN}` : init.credential;
    const response = await fetch(`${httpUrl}/internal${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        authorization: `Bearer ${secret}`,
        'content-type': init.contentType ?? 'application/json',
        ...(credential ? { 'x-cellar-auth': credential } : {}),
        ...(init.client ? { 'x-cellar-client': init.client } : {}),
      },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    return { status: response.status, body, headers: response.headers };
  };
  const stop = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<number | null>((resolve) => {
      // Already gone (exited, or killed by a signal): 'exit' will not fire again.
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  return { port, dataDir, secret, adminToken: TEST_ADMIN_TOKEN, httpUrl, wsUrl: `ws://127.0.0.1:${port}`, child, output: () => output, api, stop };
}
