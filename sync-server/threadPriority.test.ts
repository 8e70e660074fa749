// Background threads' priority (threadPriority.ts), read back from /proc: every thread but the main one,
// including one started afterwards, runs at the nice value given; the main thread keeps its own.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { backgroundNiceFromEnv, DEFAULT_BACKGROUND_NICE, lowerBackgroundThreads } from './threadPriority';

/** Each thread's nice value (field 19 of /proc/self/task/<tid>/stat, after the parenthesised name). */
function niceValues(): Map<number, number> {
  const values = new Map<number, number>();
  for (const name of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${name}/stat`, 'utf8');
      values.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended while being read
    }
  }
  return values;
}

test('every thread but the main one is lowered, threads started later too', { skip: process.platform !== 'linux' && 'threads are listed from /proc' }, async () => {
  const mainNice = niceValues().get(process.pid);
  const stop = lowerBackgroundThreads(7, 20);
  const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
  try {
    await new Promise((resolve) => worker.once('online', resolve));
    const deadline = Date.now() + 5000;
    let values = niceValues();
    while (Date.now() < deadline && [...values].some(([tid, nice]) => tid !== process.pid && nice !== 7)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      values = niceValues();
    }
    const others = [...values].filter(([tid]) => tid !== process.pid);
    assert.ok(others.length >= 2, `threads besides the main one: ${others.length}`);
    assert.deepEqual(others.filter(([, nice]) => nice !== 7), []);
    assert.equal(values.get(process.pid), mainNice);
  } finally {
    stop();
    await worker.terminate();
  }
});

test('CELLAR_THREAD_NICE: default, 0 turns it off, anything but 0–19 is refused', () => {
  assert.equal(backgroundNiceFromEnv({}), DEFAULT_BACKGROUND_NICE);
  assert.equal(backgroundNiceFromEnv({ CELLAR_THREAD_NICE: '' }), DEFAULT_BACKGROUND_NICE);
  assert.equal(backgroundNiceFromEnv({ CELLAR_THREAD_NICE: '0' }), 0);
  assert.equal(backgroundNiceFromEnv({ CELLAR_THREAD_NICE: '19' }), 19);
  for (const bad of ['-1', '20', '5.5', 'high']) assert.throws(() => backgroundNiceFromEnv({ CELLAR_THREAD_NICE: bad }), /CELLAR_THREAD_NICE/);
});
