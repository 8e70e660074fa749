// Per-socket limits on awareness (presence) messages: each at most `awarenessBytes`, at most
// `awarenessPerSecond` of them (a token bucket; the excess is dropped, as presence is ephemeral and every
// client re-sends its state periodically), and at most `awarenessClientsPerSocket` client ids per socket.
// A message over the size limit closes the socket with 1009, like any oversized message.
import * as decoding from 'lib0/decoding';
import { limits } from '../lib/limits';

export type AwarenessVerdict = 'apply' | 'drop' | 'too-big';

export class AwarenessGate {
  private tokens = limits().awarenessPerSecond;
  private refilledAt = Date.now();

  constructor(private readonly now: () => number = Date.now) {}

  /** Decides about one awareness update from the socket, given the client ids it controls already. */
  admit(update: Uint8Array, controlled: ReadonlySet<number>): AwarenessVerdict {
    if (update.byteLength > limits().awarenessBytes) return 'too-big';
    const rate = limits().awarenessPerSecond;
    const now = this.now();
    this.tokens = Math.min(rate, this.tokens + ((now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
    if (this.tokens < 1) return 'drop';
    this.tokens -= 1;
    let ids: number[];
    try {
      ids = clientIds(update);
    } catch {
      return 'drop';
    }
    const added = new Set(ids.filter((id) => !controlled.has(id)));
    return controlled.size + added.size > limits().awarenessClientsPerSocket ? 'drop' : 'apply';
  }
}

/** The client ids an encoded awareness update speaks for (y-protocols' format: count, then id, clock, state). */
function clientIds(update: Uint8Array): number[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(decoding.readVarUint(decoder));
    decoding.readVarUint(decoder);
    decoding.readVarString(decoder);
  }
  return ids;
}
