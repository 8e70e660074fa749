// `npm start`: builds the web app when no build exists, then runs the sync server and the web app
// together. Ctrl-C (or SIGTERM) stops both; the sync server flushes everything before it exits.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadConfig } from '../lib/node/config';

// The sync server's DuckDB reads, log and materializer all run on libuv's thread pool: give it room for
// two insight readers and two sheet readers beside them (sync-server/database.ts). Read once at start-up.
process.env.UV_THREADPOOL_SIZE ??= '8';
const config = loadConfig();
const require = createRequire(import.meta.url);
const nextBin = require.resolve('next/dist/bin/next');

if (!existsSync('.next/BUILD_ID')) {
  console.log('cellar: no build found, running next build (once)…');
  const build = spawnSync(process.execPath, [nextBin, 'build'], { stdio: 'inherit', env: process.env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const children: ChildProcess[] = [];
let stopping = false;

function run(name: string, args: string[]): ChildProcess {
  const child = spawn(process.execPath, args, { stdio: 'inherit', env: process.env });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`cellar: ${name} exited (${signal ?? code}); stopping`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

function stop(exitCode = 0): void {
  if (stopping) return;
  stopping = true;
  let alive = children.filter((c) => c.exitCode === null && c.signalCode === null).length;
  if (alive === 0) process.exit(exitCode);
  for (const child of children) {
    child.once('exit', () => {
      alive -= 1;
      if (alive <= 0) process.exit(exitCode);
    });
    child.kill('SIGTERM');
  }
  setTimeout(() => process.exit(exitCode), 15_000).unref();
}

run('sync server', ['--import', 'tsx', 'sync-server/main.ts']);
run('web app', [nextBin, 'start', '-p', String(config.port)]);
console.log(`cellar: web app on http://localhost:${config.port}, sync server on ${config.syncInternalUrl}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0));
