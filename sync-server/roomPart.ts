// A room's lifecycle hooks, as Hocuspocus's extensions: the update log, the materializer, the cell
// arbiter, the save acknowledgement and cluster mode's stream are each a part on the same hooks.
import type { IncomingMessage } from 'node:http';
import type { StateVector } from '../lib/protocol';
import type { Room } from './room';
import type { Authorization } from './authorization';

export interface RoomPart {
  /** Decides at the upgrade whether a request may join a sheet; the first refusal wins. */
  authenticate?(request: IncomingMessage, sheetId: string): Promise<Authorization> | Authorization;
  /** The room's stored state is loaded and no socket has joined yet. Returns a detach, run at unload. */
  afterLoad?(room: Room): void | (() => void);
  /** Every update applied to the document except stored state being loaded; `origin` is the transaction's. */
  onUpdate?(room: Room, update: Uint8Array, origin: unknown): void;
  /** A commit of every update applied so far is starting (its afterCommit follows, in order). */
  beforeCommit?(room: Room): void;
  /** A state vector of the room became durable (is committed). */
  afterCommit?(room: Room, durable: StateVector): void;
  /** Writes what the part holds for the room (before a sheet counts as created, before unload). */
  flush?(room: Room): Promise<void>;
  /** The room is idle and flushed and is about to be destroyed. */
  beforeUnload?(room: Room): void;
}
