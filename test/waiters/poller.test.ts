import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poll, isRetryableError } from '../../src/waiters/poller.js';
import { fakeClock } from './fake-clock.js';

test('the first poll is immediate and polling stops as soon as the acceptor is done', async () => {
  const clock = fakeClock();
  let calls = 0;
  const result = await poll({
    clock,
    random: () => 0.5,
    intervalSeconds: 2,
    observe: async () => ++calls,
    accept: (n) => (n === 3 ? { state: 'done', value: `after ${n}` } : { state: 'pending', reason: `seen ${n}` }),
  });
  assert.deepEqual(result, { state: 'done', value: 'after 3', attempts: 3, elapsedSeconds: 4 });
  assert.deepEqual(clock.sleeps, [2000, 2000]);
});

test('jitter keeps each wait within the configured fraction of the interval', async () => {
  const clock = fakeClock();
  const randoms = [0, 0.999999];
  let i = 0;
  await poll({
    clock,
    random: () => randoms[i++ % 2]!,
    intervalSeconds: 10,
    jitter: 0.2,
    observe: async () => i,
    accept: () => (clock.sleeps.length === 2 ? { state: 'done', value: 1 } : { state: 'pending' }),
  });
  assert.equal(clock.sleeps[0], 8000);
  assert.ok(Math.abs(clock.sleeps[1]! - 12000) < 1);
});

test('a timeout returns the last observation and the reason it was still waiting', async () => {
  const clock = fakeClock();
  const result = await poll({
    clock,
    random: () => 0.5,
    intervalSeconds: 3,
    timeoutSeconds: 10,
    observe: async () => 'IN_PROGRESS',
    accept: (s) => ({ state: 'pending', reason: `rollout ${s}` }),
  });
  assert.equal(result.state, 'timedOut');
  if (result.state !== 'timedOut') return;
  assert.equal(result.last, 'IN_PROGRESS');
  assert.equal(result.reason, 'rollout IN_PROGRESS');
  assert.equal(result.elapsedSeconds, 10);
  assert.equal(result.attempts, 4);
});

test('there is no hidden cap: without a timeout it keeps polling for hours of virtual time', async () => {
  const clock = fakeClock();
  const result = await poll({
    clock,
    random: () => 0.5,
    intervalSeconds: 2,
    observe: async () => clock.now(),
    accept: () => (clock.sleeps.length >= 9000 ? { state: 'done', value: 'late' } : { state: 'pending' }),
  });
  assert.equal(result.state, 'done');
  assert.equal(result.elapsedSeconds, 18000);
});

test('throttling backs off exponentially and returns to the normal cadence afterwards', async () => {
  const clock = fakeClock();
  let calls = 0;
  const throttle = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  const result = await poll({
    clock,
    random: () => 0.5,
    intervalSeconds: 1,
    maxBackoffSeconds: 5,
    observe: async () => {
      calls++;
      if (calls <= 4) throw throttle;
      return calls;
    },
    accept: (n) => (n === 6 ? { state: 'done', value: n } : { state: 'pending' }),
  });
  assert.equal(result.state, 'done');
  assert.deepEqual(clock.sleeps, [1000, 2000, 4000, 5000, 1000]);
});

test('a non-retryable error propagates at once', async () => {
  const clock = fakeClock();
  const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
  await assert.rejects(
    poll({ clock, observe: async () => { throw denied; }, accept: () => ({ state: 'pending' }) }),
    denied,
  );
});

test('aborting the signal ends the wait with the last observation', async () => {
  const controller = new AbortController();
  const clock = fakeClock();
  let calls = 0;
  const result = await poll({
    clock,
    signal: controller.signal,
    observe: async () => {
      if (++calls === 2) controller.abort(new Error('user pressed Ctrl-C'));
      return calls;
    },
    accept: () => ({ state: 'pending', reason: 'still rolling' }),
  });
  assert.equal(result.state, 'aborted');
  if (result.state === 'aborted') assert.equal(result.last, 2);
});

test('an already aborted signal observes nothing', async () => {
  let calls = 0;
  const result = await poll({
    signal: AbortSignal.abort(),
    observe: async () => ++calls,
    accept: () => ({ state: 'done', value: 1 }),
  });
  assert.equal(result.state, 'aborted');
  assert.equal(calls, 0);
});

test('throttling, 5xx and connection resets are retryable; validation errors are not', () => {
  assert.equal(isRetryableError({ name: 'ThrottlingException' }), true);
  assert.equal(isRetryableError({ name: 'ServerException', $metadata: { httpStatusCode: 503 } }), true);
  assert.equal(isRetryableError({ code: 'ECONNRESET' }), true);
  assert.equal(isRetryableError({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } }), false);
});
