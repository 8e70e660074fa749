// A lane of DuckDB reader connections: at most one read per connection at a time, a bounded queue of
// waiting reads (a read that finds it full, or that waits longer than `maxWaitMs`, fails at once with
// PoolBusyError, which the API answers 503 with retry-after), and a time limit per read after which the
// connection's query is interrupted (DuckDB's `interrupt()`), so one slow read frees its connection.
import type { DuckDBConnection } from '@duckdb/node-api';

export interface ReaderPoolOptions {
  name: string;
  /** Reads waiting for a connection at most; more are refused. */
  maxQueue: number;
  /** Longest a read may wait for a connection. */
  maxWaitMs: number;
  /** Longest a read may run before its query is interrupted (0: no limit). */
  timeLimitMs: number;
}

/** The lane is full: try again after `retryAfterSeconds`. */
export class PoolBusyError extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
    this.name = 'PoolBusyError';
  }
}

/** A read ran past its time limit and was interrupted. */
export class ReadTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`the read took longer than ${limitMs / 1000} s and was stopped`);
    this.name = 'ReadTimeoutError';
  }
}

interface Waiter {
  resolve: (connection: DuckDBConnection) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class ReaderPool {
  private readonly idle: DuckDBConnection[];
  private readonly waiting: Waiter[] = [];
  /** Recent read durations (ms), for the retry-after estimate. */
  private averageMs = 100;
  private closed = false;

  constructor(
    readonly connections: readonly DuckDBConnection[],
    readonly options: ReaderPoolOptions,
  ) {
    this.idle = [...connections];
  }

  get queued(): number {
    return this.waiting.length;
  }

  get busy(): number {
    return this.connections.length - this.idle.length;
  }

  async run<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('database is closed');
    const connection = this.idle.pop() ?? (await this.wait());
    const started = performance.now();
    let timedOut = false;
    const timer =
      this.options.timeLimitMs > 0
        ? setTimeout(() => {
            timedOut = true;
            connection.interrupt();
          }, this.options.timeLimitMs)
        : null;
    try {
      return await work(connection);
    } catch (error) {
      if (timedOut) throw new ReadTimeoutError(this.options.timeLimitMs);
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
      this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - started);
      this.release(connection);
    }
  }

  private wait(): Promise<DuckDBConnection> {
    if (this.waiting.length >= this.options.maxQueue) throw this.busyError();
    return new Promise<DuckDBConnection>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(this.busyError());
        }, this.options.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(connection: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.resolve(connection);
    } else this.idle.push(connection);
  }

  private busyError(): PoolBusyError {
    // About how long the queue ahead takes to drain, at least a second.
    const seconds = Math.min(60, Math.max(1, Math.ceil(((this.waiting.length + 1) * this.averageMs) / this.connections.length / 1000)));
    return new PoolBusyError(seconds, `the ${this.options.name} are busy; try again in ${seconds} s`);
  }

  close(): DuckDBConnection[] {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error('database is closed'));
    }
    return [...this.idle];
  }
}
