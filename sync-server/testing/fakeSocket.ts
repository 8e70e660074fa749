// A room socket in memory: records what the room sends it, decoded.
import { decodeMessage, type ClientMessage } from '../../lib/protocol';
import type { RoomSocket, SocketIdentity } from '../roomSocket';

export interface FakeSocket extends RoomSocket {
  received: ClientMessage[];
  closed: { code: number; reason: string } | null;
}

export function fakeSocket(identity: SocketIdentity = { userId: null }): FakeSocket {
  const socket: FakeSocket = {
    identity,
    received: [],
    closed: null,
    send: (message) => socket.received.push(decodeMessage(message)),
    close: (code, reason) => (socket.closed = { code, reason }),
  };
  return socket;
}
