// The accept pacer: a burst of upgrades is handed over a batch per turn of the event loop; a socket that
// errors or goes away while it waits is destroyed and skipped, never an uncaught error.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { AcceptPacer, HANDSHAKES_PER_TURN } from './connectionLimits';

const turn = () => new Promise((resolve) => setImmediate(resolve));

test('a burst is accepted a batch per turn, in arrival order; sockets that errored or closed meanwhile are skipped', async () => {
  const pacer = new AcceptPacer();
  const accepted: number[] = [];
  const sockets = Array.from({ length: HANDSHAKES_PER_TURN * 3 }, () => new PassThrough());
  sockets.forEach((socket, i) => pacer.run(socket, () => accepted.push(i)));
  sockets[5].emit('error', new Error('ECONNRESET'));
  sockets[6].destroy();
  assert.equal(accepted.length, 0, 'nothing is accepted in the turn the upgrades arrive');
  await turn();
  assert.ok(accepted.length <= HANDSHAKES_PER_TURN);
  for (let i = 0; i < 5; i++) await turn();
  const expected = sockets.map((_, i) => i).filter((i) => i !== 5 && i !== 6);
  assert.deepEqual(accepted, expected);
  assert.equal(sockets[5].destroyed, true);
  assert.equal(sockets[0].listenerCount('error'), 0, 'the pacer leaves no error listener behind');
});
