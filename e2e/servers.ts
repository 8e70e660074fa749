// Starting the real processes for e2e tests and benchmarks: a production build (built once when stale),
// the sync server on a fresh CELLAR_DATA, and `next start`, each on a free loopback port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');

/** CELLAR_ADMIN_TOKEN of the e2e and bench servers: the API requests of tests send it by default. */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
export const adminHeaders = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
/** Playwright storage state with the e2e owner's session cookie (written by global setup). */
export const OWNER_STATE = join(ROOT, 'test-results', '.auth', 'owner.json');
export const E2E_OWNER = { name: 'E2E Owner', email: 'owner@e2e.test', password: 'correct horse battery staple' };

/** Runs the first-run setup through the public API and saves the owner's session as Playwright storage state. */
export async function createOwner(baseUrl: string, statePath: string): Promise<void> {
  const response = await fetch(`${baseUrl}/api/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...adminHeaders },
    body: JSON.stringify(E2E_OWNER),
  });
  if (response.status !== 201) throw new Error(`setup answered ${response.status}: ${await response.text()}`);
  const cookie = /^cellar_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '');
  if (!cookie) throw new Error('setup set no session cookie');
  const host = new URL(baseUrl).hostname;
  const state = { cookies: [{ name: 'cellar_session', value: cookie[1], domain: host, path: '/', expires: -1, httpOnly: true, secure: false, sameSite: 'Lax' }], origins: [] };
  mkdirSync(dirname(statePath), { recursive: true });
  writeFileSync(statePath, JSON.stringify(state));
}

export interface RunningApp {
  baseUrl: string;
  syncPort: number;
  webPort: number;
  dataDir: string;
  stop: () => Promise<void>;
  /** Stops the sync server alone (the web app keeps running): what pages say when it is down. */
  stopSync: () => Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    if (/\.test\.tsx?$/.test(name)) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** Runs `next build` unless .next holds a build newer than every source the web app is built from. */
export function ensureBuild(log: (line: string) => void = console.log): void {
  const buildId = join(ROOT, '.next', 'BUILD_ID');
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const sources = Math.max(
    ...['app', 'lib', 'public', 'next.config.mjs', 'package.json', 'tsconfig.json'].map((p) => newestMtime(join(ROOT, p))),
  );
  if (built > sources && process.env.CELLAR_E2E_REBUILD !== '1') {
    log('e2e: using the existing production build in .next');
    return;
  }
  log('e2e: building (next build)…');
  const result = spawnSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) throw new Error('next build failed');
}

async function waitFor(url: string, accept: (status: number) => boolean, child: ChildProcess, name: string, timeoutMs = 60_000, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
      if (accept(response.status)) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs} ms`);
}

/** Stops a detached child and its process group: SIGTERM, then SIGKILL after 5 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null || child.pid === undefined) return resolveStop();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
      resolveStop();
    }, 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    try {
      // Each child leads its own process group (detached), so npx's children stop too.
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      resolveStop();
    }
  });
}

export async function startApp(options: { seed?: boolean; quiet?: boolean; env?: Record<string, string> } = {}): Promise<RunningApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cellar-e2e-'));
  const syncPort = await freePort();
  const webPort = await freePort();
  const env = {
    ...process.env,
    CELLAR_DATA: dataDir,
    SYNC_PORT: String(syncPort),
    SYNC_HOST: '127.0.0.1',
    PORT: String(webPort),
    CELLAR_SEED: options.seed === false ? '0' : (process.env.CELLAR_SEED ?? '1'),
    CELLAR_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    NEXT_TELEMETRY_DISABLED: '1',
    UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '8',
    ...options.env,
  };
  const stdio = options.quiet === false ? 'inherit' : 'ignore';
  const sync = spawn('npx', ['tsx', 'sync-server/main.ts'], { cwd: ROOT, env, stdio, detached: true });
  const web = spawn('npx', ['next', 'start', '-p', String(webPort), '-H', '127.0.0.1'], { cwd: ROOT, env, stdio, detached: true });
  const stop = async () => {
    await Promise.all([stopChild(web), stopChild(sync)]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`http://127.0.0.1:${syncPort}/`, () => true, sync, 'sync server');
    await waitFor(`http://127.0.0.1:${webPort}/api/sheets`, (s) => s === 200, web, 'next start', 60_000, adminHeaders);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl: `http://127.0.0.1:${webPort}`, syncPort, webPort, dataDir, stop, stopSync: () => stopChild(sync) };
}
