// `npm run web`: the built web app (next start) on PORT.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadConfig } from '../lib/node/config';

const config = loadConfig();
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const child = spawn(process.execPath, [nextBin, 'start', '-p', String(config.port)], { stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
