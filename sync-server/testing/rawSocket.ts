// A bare WebSocket speaking the y-websocket framing by hand, for tests that send what no stock client would:
// updates out of order, oversized or hostile awareness, frames of any kind.
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { MESSAGE_AWARENESS, MESSAGE_SYNC } from '../../lib/protocol';
import { TEST_ADMIN_TOKEN } from './syncServerProcess';

export interface RawSocket {
  socket: WebSocket;
  /** Resolves with the close code. */
  closed: Promise<number>;
  received: Buffer[];
  send: (message: Uint8Array) => void;
}

/** Opens a socket to a sheet, with the test servers' admin token unless `token` says otherwise (null: none). */
export async function openRawSocket(wsUrl: string, sheetId: string, token: string | null = TEST_ADMIN_TOKEN): Promise<RawSocket> {
  const socket = new WebSocket(`${wsUrl}/${sheetId}${token ? `?token=${encodeURIComponent(token)}` : ''}`);
  const received: Buffer[] = [];
  socket.on('message', (data: Buffer) => received.push(data));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('close', (code) => reject(new Error(`closed with ${code} before opening`)));
  });
  return { socket, closed, received, send: (message) => socket.send(message) };
}

/** A sync "update" message carrying one Yjs update. */
export function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** An awareness message carrying one encoded awareness update. */
export function awarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** An awareness update for one client id with the given state (y-protocols' encoding). */
export function awarenessUpdate(clientId: number, clock: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return encoding.toUint8Array(encoder);
}
