// The room part of a relay: follows the sheet's stream (applies what other processes appended), carries
// presence to and from the other relays (pub/sub), and hears what the persister made durable.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Redis } from 'ioredis';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { logger } from '../logger';
import type { Room } from '../room';
import type { RoomPart } from '../roomPart';
import type { RelayDocumentStore } from './relayDocumentStore';
import type { StreamFollower } from './streamFollower';
import { awarenessChannel, durableKey, sheetFromKey, STREAM_ORIGIN, updatesKey } from './streamKeys';

const PRESENCE_UPDATE = 0;
const PRESENCE_QUERY = 1;

export interface RelayPartDeps {
  redis: Redis;
  subscriber: Redis;
  store: RelayDocumentStore;
  follower: StreamFollower;
  relayId: string;
}

export interface RelayPart extends RoomPart {
  /** The open room of a sheet, if any. */
  room(sheetId: string): Room | undefined;
}

function presenceMessage(type: number, relayId: string, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  encoding.writeVarString(encoder, relayId);
  encoding.writeVarUint8Array(encoder, payload);
  return Buffer.from(encoding.toUint8Array(encoder));
}

/** The awareness clients of a room that this relay's sockets control. */
function localClients(room: Room): number[] {
  return [...room.sockets.values()].flatMap((ids) => [...ids]);
}

export function relayPart(deps: RelayPartDeps): RelayPart {
  const { redis, subscriber, store, follower, relayId } = deps;
  const open = new Map<string, Room>();

  subscriber.on('messageBuffer', (channelBuffer: Buffer, message: Buffer) => {
    const channel = channelBuffer.toString();
    const sheetId = sheetFromKey(channel);
    const room = sheetId ? open.get(sheetId) : undefined;
    if (!sheetId || !room) return;
    try {
      if (channel === durableKey(sheetId)) {
        store.durable(sheetId, Y.decodeStateVector(new Uint8Array(message)));
        return;
      }
      const decoder = decoding.createDecoder(new Uint8Array(message));
      const type = decoding.readVarUint(decoder);
      if (decoding.readVarString(decoder) === relayId) return;
      if (type === PRESENCE_QUERY) {
        const clients = localClients(room);
        if (clients.length > 0) void redis.publish(channel, presenceMessage(PRESENCE_UPDATE, relayId, awarenessProtocol.encodeAwarenessUpdate(room.awareness, clients)));
      } else if (type === PRESENCE_UPDATE) {
        awarenessProtocol.applyAwarenessUpdate(room.awareness, decoding.readVarUint8Array(decoder), STREAM_ORIGIN);
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message, channel }, 'bad cluster message ignored');
    }
  });

  // What the persister made durable is published once, per commit: one published while this relay was not
  // (yet, or no longer) subscribed is read back from its key, or a client's last edits would never be
  // acknowledged. Durable state only grows (Room.markDurable keeps the maximum), so reading it twice is harmless.
  const catchUpDurable = async (sheetId: string) => {
    const durable = await redis.getBuffer(durableKey(sheetId));
    if (durable && open.has(sheetId)) store.durable(sheetId, Y.decodeStateVector(new Uint8Array(durable)));
  };
  let subscribedBefore = false;
  subscriber.on('ready', () => {
    if (!subscribedBefore) {
      subscribedBefore = true;
      return;
    }
    // Back after losing Redis: subscribe again (ioredis does too; waiting for ours orders it before the read).
    for (const sheetId of open.keys()) {
      void subscriber
        .subscribe(awarenessChannel(sheetId), durableKey(sheetId))
        .then(() => catchUpDurable(sheetId))
        .catch((err) => logger.warn({ err: err.message, sheetId }, 'resubscribe failed'));
    }
  });

  return {
    room: (sheetId) => open.get(sheetId),
    afterLoad(room) {
      const { sheetId } = room;
      open.set(sheetId, room);
      follower.follow(sheetId, store.loadedUpTo.get(sheetId) ?? '0');
      const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        if (origin === STREAM_ORIGIN) return;
        const changed = added.concat(updated, removed);
        void redis.publish(awarenessChannel(sheetId), presenceMessage(PRESENCE_UPDATE, relayId, awarenessProtocol.encodeAwarenessUpdate(room.awareness, changed)));
      };
      room.awareness.on('update', onAwareness);
      void subscriber
        .subscribe(awarenessChannel(sheetId), durableKey(sheetId))
        .then(() => Promise.all([redis.publish(awarenessChannel(sheetId), presenceMessage(PRESENCE_QUERY, relayId)), catchUpDurable(sheetId)]))
        .catch((err) => logger.warn({ err: err.message, sheetId }, 'subscribe failed'));
      return () => {
        open.delete(sheetId);
        room.awareness.off('update', onAwareness);
        follower.unfollow(sheetId);
        void subscriber.unsubscribe(awarenessChannel(sheetId), durableKey(sheetId)).catch(() => undefined);
      };
    },
  };
}

/** After Redis comes back, each open room adds its whole state to its stream: whatever Redis lost reaches everyone again. */
export function resyncRooms(redis: Redis, relayId: string, rooms: ReadonlyMap<string, Room>): void {
  for (const room of rooms.values()) {
    const state = Y.encodeStateAsUpdate(room.doc);
    void redis.xadd(updatesKey(room.sheetId), '*', 'u', Buffer.from(state), 'r', relayId).catch(() => undefined);
    void redis.publish(awarenessChannel(room.sheetId), presenceMessage(PRESENCE_QUERY, relayId)).catch(() => undefined);
  }
}
