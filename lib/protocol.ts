// WebSocket message types. 0–3 are y-websocket's (sync, awareness, auth, query-awareness); Cellar's own
// start at 100, which the stock client logs as unknown and ignores.
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
/** Server → client: varUint8Array of the encoded state vector that is durably committed to DuckDB. */
export const MESSAGE_SAVED = 100;

// Close codes the stock client treats as final (4400–4499), and 1009 for oversized messages.
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_NO_SUCH_SHEET = 4404;
export const CLOSE_BAD_MESSAGE = 4400;
export const CLOSE_TOO_BIG = 1009;

/** Largest WebSocket message the sync server accepts (a 100k-cell sheet's first sync fits well within). */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
