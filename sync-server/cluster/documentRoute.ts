// The persister's route that relays load rooms from: a sheet's whole state and the last stream entry
// that state holds (the relay reads the stream after it).
import * as Y from 'yjs';
import { BinaryBody, sheetParam, type Route } from '../internalApi';
import type { RoomManager } from '../roomManager';
import type { Persister } from './persister';

export function documentRoute(rooms: RoomManager, persister: Persister): Route {
  return {
    method: 'GET',
    // Relays call it with the internal secret alone: they hold no identity of their own.
    access: 'public',
    pattern: /^\/internal\/sheets\/([^/]+)\/document$/,
    handle: async ({ params }) => {
      const sheetId = sheetParam({ rooms }, params[0]);
      return rooms.withRoom(sheetId, (room) => {
        persister.watchStream(sheetId);
        return new BinaryBody(Y.encodeStateAsUpdate(room.doc), { 'x-cellar-stream-id': persister.applied.get(sheetId) ?? '0' });
      });
    },
  };
}
