// Insight answers cached per request (insight, resolved parameters, paging, format) and per data version
// — the count of materialized changes to the sheets the insights read (Materializer.dataVersion) — with
// concurrent identical requests sharing one computation (single-flight). An entry is only ever used for
// the version it was computed at, so any edit that reaches DuckDB makes every older answer unreachable;
// nothing is time-based.
//
// Why the version is read before computing: a materialized change commits, then bumps the version, then
// is announced on the change feed. A computation that starts after reading version v runs on a snapshot
// that holds every change up to v (maybe more, which is harmless: that entry is stale at once), so no
// answer stored under v misses a change announced with v.
//
// Bounded by bytes (least recently used first out); an answer larger than a quarter of the budget is
// served but not kept.

export interface CacheStats {
  hits: number;
  misses: number;
  shared: number;
  entries: number;
  bytes: number;
}

interface Entry {
  version: number;
  chunks: Uint8Array[];
  bytes: number;
}

export class InsightCache {
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Promise<Uint8Array[]>>();
  private bytes = 0;
  readonly stats = { hits: 0, misses: 0, shared: 0 };

  constructor(
    private readonly maxBytes: number,
    private readonly enabled = true,
  ) {}

  /** The answer for `key` at `version`: cached, being computed by another request, or computed now. */
  async get(key: string, version: number, compute: () => Promise<Uint8Array[]>): Promise<Uint8Array[]> {
    if (!this.enabled) return compute();
    const entry = this.entries.get(key);
    if (entry && entry.version === version) {
      this.stats.hits++;
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.chunks;
    }
    const flightKey = `${version}\u0000${key}`;
    const flight = this.flights.get(flightKey);
    if (flight) {
      this.stats.shared++;
      return flight;
    }
    this.stats.misses++;
    const computing = compute().then((chunks) => {
      this.store(key, version, chunks);
      return chunks;
    });
    this.flights.set(flightKey, computing);
    try {
      return await computing;
    } finally {
      this.flights.delete(flightKey);
    }
  }

  private store(key: string, version: number, chunks: Uint8Array[]): void {
    const bytes = chunks.reduce((total, chunk) => total + chunk.byteLength, 0);
    const previous = this.entries.get(key);
    if (previous) {
      // An answer for an older version is never better than the one just computed.
      if (previous.version > version) return;
      this.entries.delete(key);
      this.bytes -= previous.bytes;
    }
    if (bytes > this.maxBytes / 4) return;
    this.entries.set(key, { version, chunks, bytes });
    this.bytes += bytes;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= old.bytes;
    }
  }

  /** Drops every entry older than `version` (they can never be used again). */
  prune(version: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.version < version) {
        this.entries.delete(key);
        this.bytes -= entry.bytes;
      }
    }
  }

  snapshot(): CacheStats {
    return { ...this.stats, entries: this.entries.size, bytes: this.bytes };
  }
}
