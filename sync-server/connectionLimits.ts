// Caps on open sockets, per sheet and in all (DESIGN "limits"). A socket counts from the moment it is
// accepted until it closes, authenticated or not, syncing or idle, so sockets that never sync are bounded
// too. Over a cap the socket is closed with 1013 (try again later), which the stock client retries.
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
