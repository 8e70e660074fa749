/** @type {import('next').NextConfig} */
const nextConfig = {
  // DuckDB is only opened by the sync server, but lib/ code that names it must never be bundled.
  serverExternalPackages: ['@duckdb/node-api', 'pino', 'ws'],
  reactStrictMode: true,
};

export default nextConfig;
