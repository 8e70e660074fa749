// Caps on open sockets, per sheet and in all (DESIGN "limits"). A socket counts from the moment it is
// accepted until it closes, authenticated or not, syncing or idle, so sockets that never sync are bounded
// too. Over a cap the socket is closed with 1013 (try again later), which the stock client retries.
import type { Duplex } from 'node:stream';
import { limits } from '../lib/limits';

export const CLOSE_TRY_AGAIN_LATER = 1013;

export class ConnectionLimits {
  private total = 0;
  private readonly perSheet = new Map<string, number>();

  /** Counts a new socket; returns why it is refused (and then counts nothing), or null. */
  admit(sheetId: string): string | null {
    if (this.total >= limits().socketsTotal) return 'too many connections to this server';
    const onSheet = this.perSheet.get(sheetId) ?? 0;
    if (onSheet >= limits().socketsPerSheet) return 'too many connections to this sheet';
    this.total++;
    this.perSheet.set(sheetId, onSheet + 1);
    return null;
  }

  release(sheetId: string): void {
    this.total = Math.max(0, this.total - 1);
    const onSheet = (this.perSheet.get(sheetId) ?? 1) - 1;
    if (onSheet <= 0) this.perSheet.delete(sheetId);
    else this.perSheet.set(sheetId, onSheet);
  }

  get open(): number {
    return this.total;
  }
}

/** WebSocket handshakes done per turn of the event loop. */
export const HANDSHAKES_PER_TURN = 32;

/**
 * Spreads a burst of upgrade requests over turns of the event loop, HANDSHAKES_PER_TURN at a time, so
 * 2,000 sockets arriving at once do not hold up `/health` and REST requests for the whole burst: between
 * batches the server reads whatever else has arrived. A socket that goes away while it waits is skipped.
 */
export class AcceptPacer {
  private readonly waiting: Array<{ socket: Duplex; accept: () => void; onError: () => void }> = [];
  private scheduled = false;

  run(socket: Duplex, accept: () => void): void {
    // Node's HTTP server stops listening for errors on an upgraded socket: one that resets while it waits
    // here would otherwise be an uncaught error.
    const onError = () => socket.destroy();
    socket.on('error', onError);
    this.waiting.push({ socket, accept, onError });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.turn);
    }
  }

  private turn = (): void => {
    for (const { socket, accept, onError } of this.waiting.splice(0, HANDSHAKES_PER_TURN)) {
      socket.off('error', onError);
      if (!socket.destroyed) accept();
    }
    if (this.waiting.length > 0) setImmediate(this.turn);
    else this.scheduled = false;
  };
}
