// Accepts y-websocket connections: the room name is the sheet id. Refusals use close codes the stock
// client treats as final; messages are queued until the room's stored state is loaded.
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { limits } from '../lib/limits';
import { CLOSE_BAD_MESSAGE, CLOSE_NO_SUCH_SHEET, CLOSE_TOO_BIG } from '../lib/protocol';
import { closeForRefusal } from './updateRefusal';
import { isSheetId } from '../lib/schema';
import type { Authorization, Authorize } from './authorization';
import { logger } from './logger';
import type { RoomManager } from './roomManager';
import { SheetNotFoundError } from './sheetNotFoundError';
import type { RoomSocket, SocketIdentity } from './roomSocket';

export type { Authorization, Authorize };

/** Lets everyone in with full access: only for embedding rooms in tests of other parts. */
export const allowEveryone: Authorize = () => ({ ok: true, userId: null });

const PING_INTERVAL_MS = 30_000;
/** A socket that does not read what it is sent (or asks for the whole document again and again) is dropped at this backlog. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export function sheetIdFromUrl(url: string | undefined): string | null {
  const path = new URL(url ?? '/', 'http://localhost').pathname.replace(/^\/+|\/+$/g, '');
  const id = decodeURIComponent(path);
  return isSheetId(id) ? id : null;
}

/** A `ws` socket as a room sees it. */
export function roomSocket(socket: WebSocket, identity: SocketIdentity): RoomSocket {
  return {
    identity,
    send(message) {
      if (socket.readyState !== socket.OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return socket.terminate();
      socket.send(message, (error) => {
        if (error) socket.terminate();
      });
    },
    close: (code, reason) => socket.close(code, reason),
  };
}

export async function handleSocket(socket: WebSocket, request: IncomingMessage, rooms: RoomManager, authorize: Authorize = allowEveryone): Promise<void> {
  socket.binaryType = 'nodebuffer';
  const queued: Uint8Array[] = [];
  let queuedBytes = 0;
  let deliver: ((data: Uint8Array) => void) | null = null;
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      socket.close(CLOSE_BAD_MESSAGE, 'binary y-websocket messages only');
      return;
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (deliver) deliver(bytes);
    else if ((queuedBytes += bytes.byteLength) > limits().messageBytes) socket.close(CLOSE_TOO_BIG, 'too much sent before the sheet was ready');
    else queued.push(bytes);
  });
  socket.on('error', (err) => logger.debug({ err }, 'socket error'));

  const sheetId = sheetIdFromUrl(request.url);
  if (!sheetId || !rooms.mayExist(sheetId)) {
    socket.close(CLOSE_NO_SUCH_SHEET, 'no such sheet');
    return;
  }
  let authorization = await authorize(request, sheetId);
  if (authorization.ok) {
    // The parts' hooks may refuse, or name the caller when the server's check did not.
    const parts = await rooms.authenticate(request, sheetId);
    if (!parts.ok || authorization.userId === null) authorization = parts;
  }
  if (!authorization.ok) {
    socket.close(authorization.code, authorization.reason);
    return;
  }
  let room;
  try {
    room = await rooms.open(sheetId);
  } catch (err) {
    if (err instanceof SheetNotFoundError) {
      socket.close(CLOSE_NO_SUCH_SHEET, 'no such sheet');
      return;
    }
    logger.error({ err, sheetId }, 'room failed to load');
    socket.close(1011, 'room failed to load');
    return;
  }
  if (socket.readyState !== socket.OPEN) {
    rooms.release(room);
    return;
  }
  const loadedRoom = room;
  const peer = roomSocket(socket, { userId: authorization.userId, readOnly: authorization.readOnly ?? false });
  let alive = true;
  const pinger = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, PING_INTERVAL_MS);
  socket.on('pong', () => (alive = true));
  socket.on('close', () => {
    clearInterval(pinger);
    loadedRoom.removeSocket(peer);
    rooms.release(loadedRoom);
  });
  loadedRoom.addSocket(peer);
  deliver = (data) => {
    try {
      loadedRoom.handleMessage(peer, data);
    } catch (err) {
      const close = closeForRefusal(err);
      logger.warn({ sheetId, err: (err as Error).message }, `${close.reason}; closing socket`);
      socket.close(close.code, close.reason);
    }
  };
  for (const data of queued.splice(0)) deliver(data);
}
