// A stock y-websocket client in Node (the `ws` polyfill), as any third-party program would connect.
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { coversOwnEdits, MESSAGE_SAVED, readSaved } from '../../lib/protocol';
import { TEST_ADMIN_TOKEN, waitFor } from './syncServerProcess';

export interface StockClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** The latest durable state vector the server reported (Cellar's own message type). */
  saved: Map<number, number>;
  synced: () => Promise<void>;
  /** Resolves when the server reports this client's own edits durable. */
  savedOwnEdits: () => Promise<void>;
  destroy: () => void;
}

/**
 * Connects to `wsUrl`; given several (relays of one cluster), it moves to the next one whenever its
 * connection closes, as a client behind a load balancer would. `token` (the `?token=` query parameter)
 * defaults to the test servers' admin token; null sends none.
 */
export function connectStockClient(
  wsUrl: string | string[],
  sheetId: string,
  options: { connect?: boolean; clientId?: number; token?: string | null } = {},
): StockClient {
  const token = options.token === undefined ? TEST_ADMIN_TOKEN : options.token;
  const doc = new Y.Doc();
  // A forced Yjs client id must be set before the provider exists: its awareness is keyed by the id.
  if (options.clientId !== undefined) doc.clientID = options.clientId;
  const urls = Array.isArray(wsUrl) ? wsUrl : [wsUrl];
  const provider = new WebsocketProvider(urls[0], sheetId, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
    params: token ? { token } : {},
    // Reconnect soon after a relay dies (the stock client backs off up to 2.5 s by default).
    maxBackoffTime: urls.length > 1 ? 200 : undefined,
  });
  let current = 0;
  if (urls.length > 1) {
    provider.on('connection-close', () => {
      current = (current + 1) % urls.length;
      provider.serverUrl = urls[current];
    });
  }
  const saved = new Map<number, number>();
  // Cellar's save acknowledgement; a stock client without this handler logs and ignores it.
  provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    for (const [client, clock] of readSaved(decoder)) saved.set(client, clock);
  };
  return {
    doc,
    provider,
    saved,
    synced: () => waitFor(() => provider.synced, { timeoutMs: 10_000, what: 'sync' }).then(() => undefined),
    savedOwnEdits: () =>
      waitFor(() => coversOwnEdits(saved, doc), {
        timeoutMs: 10_000,
        what: 'the save acknowledgement',
      }).then(() => undefined),
    destroy: () => {
      provider.destroy();
      doc.destroy();
    },
  };
}
