import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerHealthMonitor, MIN_PROBE_TIMEOUT_MS, runProbe, targetCommand } from '../../../src/local/runtime/container-health.js';
import { AddressPool, assertLoopbackRange } from '../../../src/local/runtime/addresses.js';

test('localhost in a CMD-SHELL health check reaches the task address', () => {
  assert.deepEqual(targetCommand(['CMD-SHELL', 'curl -f http://localhost:5000/items || exit 1'], '127.10.0.7'), [
    '/bin/sh',
    '-c',
    'curl -f http://127.10.0.7:5000/items || exit 1',
  ]);
  assert.deepEqual(targetCommand(['CMD', 'wget', '-q', 'http://127.0.0.1:80/'], '127.10.0.8'), ['wget', '-q', 'http://127.10.0.8:80/']);
});

test('a probe passes on exit 0 and fails on a non-zero exit or a timeout', async () => {
  assert.equal(await runProbe(['/bin/sh', '-c', 'exit 0'], 1000), true);
  assert.equal(await runProbe(['/bin/sh', '-c', 'exit 1'], 1000), false);
  assert.equal(await runProbe(['/bin/sh', '-c', 'sleep 5'], 100), false);
  assert.equal(await runProbe(['/no/such/binary'], 1000), false);
});

async function until(predicate: () => boolean, ms = 3000) {
  const deadline = Date.now() + ms;
  while (!predicate() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

test('a container turns UNHEALTHY only after `retries` consecutive failures, and HEALTHY on one success', async () => {
  // success, fail, fail, success (resets the count), fail, fail, fail → UNHEALTHY on the 7th check
  const results = [true, false, false, true, false, false, false];
  const seen: Array<[string, number]> = [];
  let calls = 0;
  const monitor = new ContainerHealthMonitor(
    { command: ['CMD-SHELL', 'true'], interval: 5, timeout: 2, retries: 3, startPeriod: 0 },
    '127.10.0.1',
    0.002, // 5 s interval → 10 ms
    (s) => seen.push([s, calls]),
    async () => results[calls++] ?? false,
  );
  monitor.start();
  await until(() => seen.length >= 2);
  monitor.stop();
  assert.deepEqual(seen, [
    ['HEALTHY', 1],
    ['UNHEALTHY', 7],
  ]);
  assert.equal(monitor.status, 'UNHEALTHY');
});

test('failures during the start period do not count', async () => {
  const seen: string[] = [];
  let calls = 0;
  const monitor = new ContainerHealthMonitor(
    { command: ['CMD-SHELL', 'false'], interval: 5, timeout: 2, retries: 1, startPeriod: 300 },
    '127.10.0.1',
    0.002, // start period 300 s → 600 ms
    (s) => seen.push(s),
    async () => {
      calls++;
      return false;
    },
  );
  monitor.start();
  await until(() => calls >= 5, 400);
  assert.deepEqual(seen, [], 'no status change inside the start period');
  await until(() => seen.length > 0, 2000);
  monitor.stop();
  assert.deepEqual(seen, ['UNHEALTHY']);
});

test('the probe timeout scales with the time scale but never drops below 1 s of real time', async () => {
  const timeouts: number[] = [];
  const monitorAt = (timeScale: number) =>
    new ContainerHealthMonitor(
      { command: ['CMD-SHELL', 'true'], interval: 5, timeout: 5, retries: 3, startPeriod: 0 },
      '127.10.0.1',
      timeScale,
      () => undefined,
      async (_argv, timeoutMs) => {
        timeouts.push(timeoutMs);
        return true;
      },
    );
  for (const scale of [0.02, 0.5]) {
    const monitor = monitorAt(scale);
    monitor.start();
    await until(() => monitor.status === 'HEALTHY');
    monitor.stop();
  }
  // 5 s × 0.02 = 100 ms → the 1 s floor; 5 s × 0.5 = 2.5 s as configured.
  assert.deepEqual(timeouts, [MIN_PROBE_TIMEOUT_MS, 2500]);
  assert.equal(MIN_PROBE_TIMEOUT_MS, 1000);
});

test('the address pool hands out unique loopback addresses and reuses released ones', () => {
  const pool = new AddressPool(10);
  const a = pool.allocate();
  const b = pool.allocate();
  assert.equal(a, '127.10.0.2');
  assert.equal(b, '127.10.0.3');
  pool.release(a);
  const many = new Set(Array.from({ length: 600 }, () => pool.allocate()));
  assert.equal(many.size, 600);
  for (const address of many) assert.match(address, /^127\.10\.\d+\.(?!0$|255$)\d+$/);
});

test('this platform can bind addresses across 127.0.0.0/8', async () => {
  await assertLoopbackRange('127.10.0.1');
});
