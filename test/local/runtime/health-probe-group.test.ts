import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ContainerHealthMonitor, runProbe } from '../../../src/local/runtime/container-health.js';
import { processAlive } from './tasks/helpers.js';

/** A `sleep` duration no other process on this machine uses, so /proc finds only ours. */
function uniqueSleep(): string {
  return `40.${process.pid}${Math.floor(Math.random() * 1e6)}`;
}

/** Live `sleep <seconds>` processes. */
function sleeping(seconds: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.some((a) => a.endsWith('sleep')) && argv.includes(seconds) && processAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function until(predicate: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

test('a probe that times out is killed with its whole process group: CMD-SHELL "sleep 40" leaves no sleep behind', async () => {
  const seconds = uniqueSleep();
  // `; true` keeps the shell from exec-ing sleep: the sleep is the shell's child, as in the report.
  const started = Date.now();
  assert.equal(await runProbe(['/bin/sh', '-c', `sleep ${seconds}; true`], 300), false);
  assert.ok(Date.now() - started < 5000);
  assert.ok(await until(() => sleeping(seconds).length === 0, 2000), `orphaned sleeps: ${sleeping(seconds).join(', ')}`);
});

test('what a probe leaves running in the background is killed when it exits', async () => {
  const seconds = uniqueSleep();
  assert.equal(await runProbe(['/bin/sh', '-c', `sleep ${seconds} & exit 0`], 5000), true);
  assert.ok(await until(() => sleeping(seconds).length === 0, 2000), `background sleeps: ${sleeping(seconds).join(', ')}`);
});

test('a health check whose probes keep timing out never piles up processes, and stopping it kills the probe in flight', async () => {
  const seconds = uniqueSleep();
  let checks = 0;
  const monitor = new ContainerHealthMonitor(
    { command: ['CMD-SHELL', `sleep ${seconds}; true`], interval: 5, timeout: 2, retries: 10 },
    '127.0.0.1',
    0.01, // interval 50 ms; the probe timeout is never below 1 s of real time
    () => {},
    (argv, timeoutMs, signal) => {
      checks++;
      return runProbe(argv, timeoutMs, { signal });
    },
  );
  monitor.start();
  let most = 0;
  const deadline = Date.now() + 3500;
  while (Date.now() < deadline) {
    most = Math.max(most, sleeping(seconds).length);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(checks >= 2, `only ${checks} checks ran`);
  assert.ok(most <= 1, `${most} sleeps alive at once after ${checks} timed-out checks`);
  monitor.stop();
  assert.ok(await until(() => sleeping(seconds).length === 0, 2000), 'the probe in flight ends with the monitor');
});

test('an aborted probe ends at once, and one aborted before it starts never runs', async () => {
  const seconds = uniqueSleep();
  const controller = new AbortController();
  const probe = runProbe(['/bin/sh', '-c', `sleep ${seconds}; true`], 30_000, { signal: controller.signal });
  assert.ok(await until(() => sleeping(seconds).length === 1, 2000));
  const aborted = Date.now();
  controller.abort();
  assert.equal(await probe, false);
  assert.ok(Date.now() - aborted < 2000);
  assert.ok(await until(() => sleeping(seconds).length === 0, 2000));
  assert.equal(await runProbe(['/bin/sh', '-c', 'exit 0'], 1000, { signal: controller.signal }), false);
});
