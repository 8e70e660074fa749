// Follows the streams of the rooms a relay has open, on one blocking connection: every entry another
// process added is handed over in stream order (XREAD, as y-redis's subscriber does).
import type { Redis } from 'ioredis';
import { logger } from '../logger';
import { entryFields, updatesKey } from './streamKeys';

export type EntryHandler = (sheetId: string, id: string, update: Uint8Array) => void;

/** How long one XREAD blocks: rooms opened meanwhile join the next read (their loads read up to here). */
const BLOCK_MS = 200;

export class StreamFollower {
  private readonly cursors = new Map<string, string>();
  private closed = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly reader: Redis,
    private readonly selfId: string,
    private readonly onEntry: EntryHandler,
  ) {}

  /** Follows a sheet's stream after entry `fromId` ('0': from the start). */
  follow(sheetId: string, fromId: string): void {
    this.cursors.set(sheetId, fromId);
    this.running ??= this.loop();
    this.wake?.();
  }

  unfollow(sheetId: string): void {
    this.cursors.delete(sheetId);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    this.reader.disconnect();
    await this.running?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      if (this.cursors.size === 0) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      const sheets = [...this.cursors.keys()];
      let result: Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      try {
        result = (await this.reader.xreadBuffer(
          'COUNT',
          1000,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          ...sheets.map(updatesKey),
          ...sheets.map((id) => this.cursors.get(id)!),
        )) as Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;
      } catch (err) {
        if (this.closed) return;
        logger.warn({ err: (err as Error).message }, 'stream read failed; retrying');
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      for (const [key, entries] of result ?? []) {
        const sheetId = sheets[sheets.map(updatesKey).indexOf(key.toString())];
        if (!sheetId || !this.cursors.has(sheetId)) continue;
        for (const [rawId, fields] of entries) {
          const id = rawId.toString();
          this.cursors.set(sheetId, id);
          const entry = entryFields(fields);
          const update = entry.get('u');
          if (!update || entry.get('r')?.toString() === this.selfId) continue;
          try {
            this.onEntry(sheetId, id, new Uint8Array(update.buffer, update.byteOffset, update.byteLength));
          } catch (err) {
            logger.error({ err, sheetId, id }, 'stream entry failed to apply');
          }
        }
      }
    }
  }
}
