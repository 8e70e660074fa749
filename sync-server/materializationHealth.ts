// Which sheets currently fail to materialize, and when each may be tried again. A failing sheet is retried
// with exponential backoff (250 ms doubling to 30 s) and reported on /health; the others keep flowing.
export interface SheetFailure {
  sheetId: string;
  error: string;
  failures: number;
  since: string;
  nextAttemptAt: string;
}

const FIRST_RETRY_MS = 250;
const LONGEST_RETRY_MS = 30_000;

export class MaterializationHealth {
  private readonly failing = new Map<string, { error: string; failures: number; since: number; nextAttemptAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a failure; returns how long until the next attempt. */
  failed(sheetId: string, error: unknown): number {
    const entry = this.failing.get(sheetId);
    const failures = (entry?.failures ?? 0) + 1;
    const delay = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 16));
    this.failing.set(sheetId, {
      error: String((error as Error)?.message ?? error).slice(0, 300),
      failures,
      since: entry?.since ?? this.now(),
      nextAttemptAt: this.now() + delay,
    });
    return delay;
  }

  succeeded(sheetId: string): boolean {
    return this.failing.delete(sheetId);
  }

  /** False while the sheet waits out its backoff. */
  mayAttempt(sheetId: string): boolean {
    const entry = this.failing.get(sheetId);
    return !entry || entry.nextAttemptAt <= this.now();
  }

  /** The sheets waiting out their backoff now. */
  waiting(): Set<string> {
    const now = this.now();
    return new Set([...this.failing].filter(([, f]) => f.nextAttemptAt > now).map(([id]) => id));
  }

  isFailing(sheetId: string): boolean {
    return this.failing.has(sheetId);
  }

  forget(sheetId: string): void {
    this.failing.delete(sheetId);
  }

  get degraded(): boolean {
    return this.failing.size > 0;
  }

  report(): SheetFailure[] {
    return [...this.failing].map(([sheetId, f]) => ({
      sheetId,
      error: f.error,
      failures: f.failures,
      since: new Date(f.since).toISOString(),
      nextAttemptAt: new Date(f.nextAttemptAt).toISOString(),
    }));
  }
}
