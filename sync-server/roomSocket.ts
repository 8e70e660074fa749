// What a room needs of a connection: send, close, and who is on the other end. Rooms never see `ws`,
// so they run in unit tests with plain objects and behind any transport.

export interface SocketIdentity {
  /** The authenticated user or token id; null when the server lets everyone in. */
  userId: string | null;
  /** A viewer: its document updates are dropped (never applied or relayed), awareness is allowed. */
  readOnly?: boolean;
}

export interface RoomSocket {
  send(message: Uint8Array): void;
  close(code: number, reason: string): void;
  readonly identity: SocketIdentity;
}
