// permessage-deflate for the sync server's sockets, for large messages only. Measured on a 5,000 × 20 sheet
// (bench/grid.ts): the document a cold client receives is 6.3 MB as a Yjs V1 update and 0.7 MB deflated at
// level 1 (25–95 ms to deflate, 30–45 ms to inflate, on the shared machine); Yjs's V2 encoding is 5.1 MB (0.36 MB deflated) but
// y-protocols' sync, which stock clients speak, is V1. So: deflate, level 1, only messages over 64 KiB
// (first syncs, big pastes), so ordinary edits and awareness go out as before and relay latency is
// unchanged; no context kept between messages (no per-socket zlib memory); at most two compressions at a
// time (zlib runs on libuv's thread pool, which DuckDB needs too).
//
// Off unless CELLAR_WS_DEFLATE=1: on loopback and LANs, where Cellar usually runs, the 6.3 MB cost ~5 ms to
// send and deflating costs 25–95 ms of server CPU per cold client (and clients, once it is negotiated, compress
// their own messages over 1 KiB, which the server inflates off the event loop, changing arrival timing);
// behind a slow link (≤ 50 Mbit/s) it saves seconds per cold open, so turn it on there.
import type { PerMessageDeflateOptions } from 'ws';

export const DEFLATE_THRESHOLD_BYTES = 64 * 1024;

export function perMessageDeflate(): PerMessageDeflateOptions | false {
  if (process.env.CELLAR_WS_DEFLATE !== '1') return false;
  return {
    threshold: DEFLATE_THRESHOLD_BYTES,
    zlibDeflateOptions: { level: 1 },
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    concurrencyLimit: 2,
  };
}
