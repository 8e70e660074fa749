// Keeps the relaying thread ahead of this process's background threads when they compete for cores.
//
// The event loop relays every update to the room's other clients; everything else the server does with CPU
// runs on other threads of the process: DuckDB's (the update log's group commits, the materializer's
// upserts, insight queries, on its scheduler and on libuv's pool), the compaction and materializer
// workers, V8's GC helpers. On a small machine those threads and the event loop take turns on the same
// cores, and an update that arrives while they hold them waits: that wait is the relay's latency tail.
// Linux schedules threads one by one and lets a process lower the priority (raise the nice value) of
// its own threads, so every thread but the main one runs at a higher nice value: they still get every
// idle cycle, but yield to the event loop at once. (Only within the process: Linux's autogroups keep nice
// values from changing how this process shares the machine with others.) Measured in
// docs/PERFORMANCE.md: the relay's p99 against the bare relay, 1.43 × → 1.17 × (median of 8 rounds each).
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

const TASKS = '/proc/self/task';

/** Nice value given to background threads unless CELLAR_THREAD_NICE says otherwise (0 turns it off). */
export const DEFAULT_BACKGROUND_NICE = 10;

/**
 * Sets every thread of this process but the main one to `nice`, now and for threads started later
 * (checked every `intervalMs`: libuv's pool, DuckDB's threads and workers start on demand). A no-op where
 * threads cannot be listed (not Linux). Returns a function that stops watching.
 */
export function lowerBackgroundThreads(nice: number, intervalMs = 1000): () => void {
  if (nice === 0 || !hasTaskList()) return () => undefined;
  let lowered = new Set<number>();
  const lower = () => {
    const current = new Set<number>();
    for (const name of safeList()) {
      const tid = Number(name);
      if (!Number.isInteger(tid) || tid === process.pid) continue;
      current.add(tid);
      if (lowered.has(tid)) continue;
      try {
        setPriority(tid, nice);
      } catch {
        continue; // the thread ended meanwhile: nothing to lower
      }
    }
    // Forget threads that ended (their ids may be reused by new threads, which must be lowered too).
    lowered = current;
  };
  lower();
  const timer = setInterval(lower, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The nice value from CELLAR_THREAD_NICE (0–19), else the default. */
export function backgroundNiceFromEnv(env: Record<string, string | undefined> = process.env): number {
  const text = env.CELLAR_THREAD_NICE;
  if (text === undefined || text === '') return DEFAULT_BACKGROUND_NICE;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 19) throw new Error(`CELLAR_THREAD_NICE must be a whole number from 0 to 19, not ${JSON.stringify(text)}`);
  return value;
}

function hasTaskList(): boolean {
  return process.platform === 'linux' && safeList().length > 0;
}

function safeList(): string[] {
  try {
    return readdirSync(TASKS);
  } catch {
    return [];
  }
}
