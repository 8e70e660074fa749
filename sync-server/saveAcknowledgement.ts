// The save acknowledgement as a room part: when a state vector becomes durable, the room's sockets are
// told (MESSAGE_SAVED), at most once per SAVED_NOTICE_MS so a busy room does not flood its clients.
import { encodeSaved } from '../lib/protocol';
import type { Room } from './room';
import type { RoomPart } from './roomPart';

/** Shortest interval between two save acknowledgements to a room's sockets. */
export const SAVED_NOTICE_MS = 15;

export function saveAcknowledgement(): RoomPart {
  const state = new WeakMap<Room, { timer: NodeJS.Timeout | null; last: number }>();
  return {
    afterCommit(room) {
      if (room.sockets.size === 0) return;
      let notice = state.get(room);
      if (!notice) state.set(room, (notice = { timer: null, last: 0 }));
      if (notice.timer) return;
      const current = notice;
      const notify = () => {
        current.timer = null;
        current.last = Date.now();
        room.broadcast(encodeSaved(room.durable));
      };
      const elapsed = Date.now() - current.last;
      if (elapsed >= SAVED_NOTICE_MS) notify();
      else current.timer = setTimeout(notify, SAVED_NOTICE_MS - elapsed);
    },
    beforeUnload(room) {
      const timer = state.get(room)?.timer;
      if (timer) clearTimeout(timer);
      state.delete(room);
    },
  };
}
