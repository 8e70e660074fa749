// Honest save status: a local change counts as pending until the sync server says (MESSAGE_SAVED, with
// the state vector it has durably stored) that it holds that change. Pending entries survive a reload
// (localStorage), keyed by the Yjs client id that wrote them, so edits made offline before a reload are
// still counted until the server acknowledges them.

export interface PendingEntry {
  /** Yjs client id that wrote the change. */
  client: number;
  /** That client's clock after the change: saved once the server's state vector reaches it. */
  clock: number;
  /** A delete-only change (no new structs): saved by the first acknowledgement after it was sent. */
  deleteOnly?: boolean;
  /** Acknowledgement generation after which a delete-only entry counts as saved. */
  after?: number;
}

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class PendingChanges {
  private entries: PendingEntry[] = [];
  private ackGeneration = 0;
  private listeners = new Set<() => void>();

  constructor(
    private readonly storageKey: string | null = null,
    private readonly storage: StorageLike | null = null,
  ) {
    if (storageKey && storage) {
      try {
        const parsed = JSON.parse(storage.getItem(storageKey) ?? '[]');
        if (Array.isArray(parsed)) {
          // Delete-only entries from an earlier page need any acknowledgement after this page synced.
          this.entries = parsed
            .filter((e) => e && typeof e.client === 'number' && typeof e.clock === 'number')
            .map((e) => (e.deleteOnly ? { ...e, after: 0 } : e));
        }
      } catch {
        this.entries = [];
      }
    }
  }

  get count(): number {
    return this.entries.length;
  }

  list(): readonly PendingEntry[] {
    return this.entries;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records one local transaction. `clockAfter` is the writer's clock after it; `advanced` false for delete-only. */
  record(client: number, clockAfter: number, advanced: boolean): void {
    if (advanced) this.entries.push({ client, clock: clockAfter });
    else this.entries.push({ client, clock: clockAfter, deleteOnly: true, after: this.ackGeneration });
    this.changed();
  }

  /** The server durably stored everything in `stateVector`. */
  acknowledge(stateVector: Map<number, number>): void {
    this.ackGeneration++;
    const before = this.entries.length;
    this.entries = this.entries.filter((entry) => {
      if (entry.deleteOnly) return this.ackGeneration <= (entry.after ?? 0);
      return (stateVector.get(entry.client) ?? 0) < entry.clock;
    });
    if (this.entries.length !== before) this.changed();
  }

  private changed(): void {
    if (this.storageKey && this.storage) {
      try {
        if (this.entries.length === 0) this.storage.removeItem(this.storageKey);
        else this.storage.setItem(this.storageKey, JSON.stringify(this.entries.slice(-5000)));
      } catch {
        // storage full or unavailable: the in-memory count stays honest for this page
      }
    }
    for (const listener of this.listeners) listener();
  }
}

export type SaveState = 'saved' | 'saving' | 'offline' | 'connecting' | 'refused';

export interface StatusInput {
  browserOnline: boolean;
  connected: boolean;
  /** Connected and the first sync exchange finished. */
  synced: boolean;
  pending: number;
  /** The server refused the room (close 44xx): the reason. */
  refused?: string | null;
  /** Has this page ever been connected? Before that, "connecting" rather than "offline" while online. */
  everConnected: boolean;
}

export function saveStatus(input: StatusInput): { state: SaveState; label: string } {
  if (input.refused) return { state: 'refused', label: input.refused };
  if (!input.browserOnline || (!input.connected && input.everConnected) || (!input.connected && input.pending > 0)) {
    return {
      state: 'offline',
      label: input.pending > 0 ? `Offline — ${input.pending} ${input.pending === 1 ? 'change' : 'changes'} pending` : 'Offline',
    };
  }
  if (!input.connected) return { state: 'connecting', label: 'Connecting…' };
  if (input.pending > 0 || !input.synced) return { state: 'saving', label: 'Saving…' };
  return { state: 'saved', label: 'All changes saved' };
}
