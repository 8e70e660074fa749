// The persister (CELLAR_ROLE=persister): the sole owner of DuckDB. It consumes every sheet's stream with
// a consumer group into the rooms it holds (so the update log, the materializer and the one cell arbiter
// see every update), acknowledges an entry (XACK) only after the DuckDB commit that holds it, publishes
// what is durable for the relays' save acknowledgements, adds its own edits (REST, arbiter) to the
// stream, and trims each stream only below what is committed.
import type { Redis } from 'ioredis';
import * as Y from 'yjs';
import { logger } from '../logger';
import type { Room } from '../room';
import type { RoomPart } from '../roomPart';
import { SheetNotFoundError, type RoomManager } from '../roomManager';
import { connectRedis } from './redisConnection';
import { durableKey, entryUpdate, PERSISTER_GROUP, PERSISTER_ID, sheetFromKey, STREAM_ORIGIN, STREAMS_CHANNEL, STREAMS_SET, updatesKey } from './streamKeys';

/** Entries stay this long after their commit, so a relay that lags a little still reads them. */
const TRIM_LAG_MS = 30_000;
const TRIM_EVERY_MS = 5_000;
const BLOCK_MS = 200;
/**
 * Entries read (and applied in one transaction) per stream per read. Fewer, bigger transactions cost less
 * per edit (bench/cluster.ts: ~25 % less persister CPU at 10,000 than at 2,000); one takes ~0.1–0.2 s,
 * which only the persister's internal API waits for (relays relay through the stream, not through it).
 */
const READ_COUNT = 10_000;

interface SheetAcks {
  /** Applied entries whose content is not yet in a taken batch. */
  pending: string[];
  /** Batches taken and not yet committed, oldest first, with the entries each holds. */
  inFlight: string[][];
  /** Updates appended to the log and not yet taken in a batch (entries or the persister's own edits). */
  untaken: number;
}

export class Persister {
  private readonly reader: Redis;
  private readonly subscriber: Redis;
  private readonly streams = new Set<string>();
  private readonly acks = new Map<string, SheetAcks>();
  /** The last stream entry applied to each sheet's document (a relay's load reads the stream after it). */
  readonly applied = new Map<string, string>();
  private readonly committed = new Map<string, string>();
  private closed = false;
  private loop: Promise<void> | null = null;
  private trimTimer: NodeJS.Timeout | null = null;
  private rooms: RoomManager | null = null;
  stats = { entries: 0, acked: 0 };

  constructor(
    private readonly redis: Redis,
    redisUrl: string,
  ) {
    this.reader = connectRedis(redisUrl, 'persister-reader', { blocking: true });
    this.subscriber = connectRedis(redisUrl, 'persister-sub');
  }

  private sheetAcks(sheetId: string): SheetAcks {
    let acks = this.acks.get(sheetId);
    if (!acks) this.acks.set(sheetId, (acks = { pending: [], inFlight: [], untaken: 0 }));
    return acks;
  }

  /** The room part: counts what the log holds, acknowledges after commits, adds own edits to the stream. */
  part(): RoomPart {
    return {
      onUpdate: (room, update, origin) => {
        this.sheetAcks(room.sheetId).untaken++;
        if (origin === STREAM_ORIGIN) return;
        this.watchStream(room.sheetId);
        void this.redis.xadd(updatesKey(room.sheetId), '*', 'u', Buffer.from(update), 'r', PERSISTER_ID).catch((err) => logger.error({ err, sheetId: room.sheetId }, 'stream append failed'));
      },
      beforeCommit: (room) => {
        const acks = this.sheetAcks(room.sheetId);
        acks.inFlight.push(acks.pending);
        acks.pending = [];
        acks.untaken = 0;
      },
      afterCommit: (room) => {
        const ids = this.sheetAcks(room.sheetId).inFlight.shift() ?? [];
        this.acknowledge(room.sheetId, ids);
        const durable = Buffer.from(Y.encodeStateVector(room.durable));
        void this.redis.set(durableKey(room.sheetId), durable).catch(() => undefined);
        void this.redis.publish(durableKey(room.sheetId), durable).catch(() => undefined);
      },
    };
  }

  private acknowledge(sheetId: string, ids: string[]): void {
    if (ids.length === 0) return;
    this.stats.acked += ids.length;
    this.committed.set(sheetId, ids.at(-1)!);
    void this.redis.xack(updatesKey(sheetId), PERSISTER_GROUP, ...ids).catch((err) => logger.warn({ err: err.message, sheetId }, 'XACK failed; the entries are read again'));
  }

  async start(rooms: RoomManager): Promise<void> {
    this.rooms = rooms;
    this.subscriber.on('message', (_channel: string, sheetId: string) => this.watchStream(sheetId));
    await this.subscriber.subscribe(STREAMS_CHANNEL);
    for (const sheetId of await this.redis.smembers(STREAMS_SET)) this.watchStream(sheetId);
    this.loop = this.consume();
    this.trimTimer = setInterval(() => void this.trim(), TRIM_EVERY_MS);
  }

  /** Starts consuming a sheet's stream (once). */
  watchStream(sheetId: string): void {
    if (this.streams.has(sheetId) || !/^[A-Za-z0-9_-]{1,64}$/.test(sheetId)) return;
    this.streams.add(sheetId);
    void this.redis.sadd(STREAMS_SET, sheetId).catch(() => undefined);
  }

  private async ensureGroups(sheets: string[]): Promise<void> {
    for (const sheetId of sheets) {
      try {
        // From the start of what the stream holds: it is trimmed only below what is committed.
        await this.redis.xgroup('CREATE', updatesKey(sheetId), PERSISTER_GROUP, '0', 'MKSTREAM');
      } catch (err) {
        if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
      }
    }
  }

  private async consume(): Promise<void> {
    const grouped = new Set<string>();
    // After a crash: the entries delivered before it and never acknowledged come first (id 0).
    let backlog = true;
    while (!this.closed) {
      const sheets = [...this.streams];
      if (sheets.length === 0) {
        await new Promise((r) => setTimeout(r, BLOCK_MS));
        continue;
      }
      try {
        const fresh = sheets.filter((s) => !grouped.has(s));
        await this.ensureGroups(fresh);
        for (const s of fresh) grouped.add(s);
        const result = (await this.reader.callBuffer(
          'XREADGROUP',
          'GROUP',
          PERSISTER_GROUP,
          PERSISTER_ID,
          'COUNT',
          READ_COUNT,
          ...(backlog ? [] : ['BLOCK', BLOCK_MS]),
          'STREAMS',
          ...sheets.map(updatesKey),
          ...sheets.map(() => (backlog ? '0' : '>')),
        )) as Array<[Buffer, Array<[Buffer, Buffer[] | null]>]> | null;
        const entries = (result ?? []).reduce((n, [, list]) => n + list.length, 0);
        for (const [key, list] of result ?? []) await this.apply(key.toString(), list);
        if (backlog && entries === 0) backlog = false;
      } catch (err) {
        if (this.closed) return;
        const message = String((err as Error).message);
        if (message.includes('NOGROUP')) grouped.clear(); // Redis lost the groups (restarted without them): make them again.
        logger.warn({ err: message }, 'stream consumption failed; retrying');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async apply(key: string, list: Array<[Buffer, Buffer[] | null]>): Promise<void> {
    const sheetId = sheetFromKey(key);
    if (!sheetId || !this.rooms) return;
    let room: Room;
    try {
      room = await this.rooms.open(sheetId);
    } catch (err) {
      if (err instanceof SheetNotFoundError) {
        // A stream of a sheet that does not exist here: nothing to persist.
        await this.redis.xack(key, PERSISTER_GROUP, ...list.map(([id]) => id.toString()));
        return;
      }
      throw err;
    }
    room.holds++;
    try {
      const acks = this.sheetAcks(sheetId);
      // The batch's updates applied in one transaction: the log, the arbiter and the materializer handle
      // one update instead of thousands. Not Y.mergeUpdates, which costs ~5 × more than applying (the
      // profile of bench/cluster.ts). A bad entry is logged and skipped; the others still apply.
      room.doc.transact(() => {
        for (const [, fields] of list) {
          const update = fields ? entryUpdate(fields, PERSISTER_ID) : null;
          if (!update) continue;
          try {
            Y.applyUpdate(room.doc, update, STREAM_ORIGIN);
          } catch (err) {
            logger.error({ err, sheetId }, 'a stream entry failed to apply; acknowledged and skipped');
          }
        }
      }, STREAM_ORIGIN);
      const ids = list.map(([rawId]) => rawId.toString());
      this.stats.entries += ids.length;
      this.applied.set(sheetId, ids.at(-1)!);
      // Durable once every update the document holds now is committed.
      if (acks.untaken > 0) pushAll(acks.pending, ids);
      else if (acks.inFlight.length > 0) pushAll(acks.inFlight.at(-1)!, ids);
      else this.acknowledge(sheetId, ids);
    } finally {
      room.holds--;
      this.rooms.release(room);
    }
  }

  /** Trims each stream below what is committed, keeping the last TRIM_LAG_MS for lagging relays. */
  private async trim(): Promise<void> {
    const horizon = Date.now() - TRIM_LAG_MS;
    for (const [sheetId, id] of this.committed) {
      const [ms] = id.split('-').map(Number);
      const minId = ms < horizon ? id : `${horizon}-0`;
      await this.redis.xtrim(updatesKey(sheetId), 'MINID', minId).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.trimTimer) clearInterval(this.trimTimer);
    this.reader.disconnect();
    this.subscriber.disconnect();
    await this.loop?.catch(() => undefined);
  }
}

/** Appends without spreading (a spread of a big batch can overflow the stack). */
function pushAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}
