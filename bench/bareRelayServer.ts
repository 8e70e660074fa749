// The reference relay: @y/websocket-server@0.1.1's setupWSConnection, no persistence.
// Usage: node --import tsx bench/bareRelayServer.ts <port>
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

const port = Number(process.argv[2] ?? 1235);
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"ok":true}');
});
const wss = new WebSocketServer({ server });
wss.on('connection', (socket, request) => setupWSConnection(socket, request));
server.listen(port, '127.0.0.1', () => console.log(`bare relay on ${port}`));
process.on('SIGTERM', () => process.exit(0));
