// Structured logs (pino). LOG_LEVEL controls verbosity; tests default to warnings only.
import pino from 'pino';

export const logger = pino({
  name: 'cellar-sync',
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
});

export type Logger = typeof logger;
