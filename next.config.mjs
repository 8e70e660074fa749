import { withSerwist } from '@serwist/turbopack';

/** @type {import('next').NextConfig} */
const nextConfig = {
  // DuckDB is only opened by the sync server, but lib/ code that names it must never be bundled.
  serverExternalPackages: ['@duckdb/node-api', 'pino', 'ws'],
  reactStrictMode: true,
  // `npm run typecheck` checks the whole project (tests, benches, servers) in CI; the build need not.
  typescript: { ignoreBuildErrors: true },
  // react-spreadsheet's formula engine, never used (cells hold typed values): see lib/client/noFormulas.ts.
  turbopack: { resolveAlias: { 'fast-formula-parser': './lib/client/noFormulas.ts' } },
};

// withSerwist only appends esbuild packages to serverExternalPackages (the service worker is built by
// app/serwist/[path]/route.ts).
export default withSerwist(nextConfig);
