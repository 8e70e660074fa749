// Hybrid logical clock: wall-clock milliseconds that never run backwards and move past every time observed.
// One tick per local transaction; every cell written in it shares the tick, so a paste is one instant.

export class HybridLogicalClock {
  private last = 0;

  constructor(private readonly wallClock: () => number = Date.now) {}

  /** A time later than every time this clock has issued or observed. */
  tick(): number {
    this.last = Math.max(this.wallClock(), this.last + 1);
    return this.last;
  }

  /** Remember a remote time so the next local edit is ordered after it. */
  observe(remoteTime: number): void {
    if (Number.isFinite(remoteTime) && remoteTime > this.last) this.last = remoteTime;
  }

  peek(): number {
    return this.last;
  }
}

/** Total order of writes: later `t` wins; ties broken by the higher `by`. */
export function compareStamps(a: { t: number; by: string }, b: { t: number; by: string }): number {
  if (a.t !== b.t) return a.t < b.t ? -1 : 1;
  if (a.by === b.by) return 0;
  return a.by < b.by ? -1 : 1;
}
