// What the sync server adds to every room and to the internal API beyond the spine.
import type { Route } from './internalApi';
import type { Room } from './room';
import type { SyncServer } from './syncServer';

export function serverExtensions(): Array<(room: Room) => () => void> {
  return [];
}

export function serverRoutes(_server: Omit<SyncServer, 'close' | 'url'>): Route[] {
  return [];
}
