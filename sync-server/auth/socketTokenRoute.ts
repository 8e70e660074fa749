// GET /internal/sheets/:id/socket-token → { token, expiresAt }: a short-lived socket token for the caller,
// for that one sheet (the browser's y-websocket `params`).
import { sheetParam, type Route } from '../internalApi';
import type { RoomManager } from '../roomManager';
import type { SocketTokens } from './socketTokens';

export function socketTokenRoute(deps: { rooms: RoomManager; socketTokens: SocketTokens }): Route {
  return {
    method: 'GET',
    pattern: /^\/internal\/sheets\/([^/]+)\/socket-token$/,
    access: 'viewer',
    handle: async ({ params, identity }) => {
      const sheetId = sheetParam(deps, params[0]);
      return { ...(await deps.socketTokens.issue(identity!, sheetId)), role: identity!.role };
    },
  };
}
