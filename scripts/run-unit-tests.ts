// Runs every *.test.ts beside the code (lib/, sync-server/, app/, scripts/) with node's test runner.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['lib', 'sync-server', 'app', 'scripts', 'bench'];
const files: string[] = [];
function walk(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.test\.tsx?$/.test(name)) files.push(path);
  }
}
for (const root of roots) {
  try { walk(root); } catch { /* root may not exist yet */ }
}
const filter = process.argv[2];
const selected = filter ? files.filter((f) => f.includes(filter)) : files;
if (selected.length === 0) {
  console.error('no unit test files found');
  process.exit(1);
}
// The cluster tests run a real redis-server: without it, stop at once and say how to install it.
if (selected.some((f) => f.startsWith('sync-server')) && spawnSync('redis-server', ['--version']).status !== 0) {
  console.error('redis-server is not installed (the cluster tests start their own). Install it with:\n  apt-get install -y redis-server');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...selected], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
