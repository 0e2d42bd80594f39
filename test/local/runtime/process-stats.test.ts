import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpuUnitsBetween, sampleProcess } from '../../../src/local/runtime/process-stats.js';

test('a process reads with the CPU time it used itself and its resident memory', async () => {
  // The child burns 300 ms of CPU time (however long that takes on a busy
  // machine), prints its own count, then idles: the sample must agree with it.
  const child = spawn(
    process.execPath,
    ['-e', 'const t0 = process.cpuUsage(); let u; do { u = process.cpuUsage(t0); } while (u.user + u.system < 300_000); const c = process.cpuUsage(); console.log((c.user + c.system) / 1e6); setTimeout(() => {}, 10_000);'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    const selfReported = await new Promise<number>((resolve) => child.stdout!.setEncoding('utf8').once('data', (d: string) => resolve(Number(d))));
    const sample = await sampleProcess(child.pid!);
    assert.ok(sample, 'the process is alive');
    // /proc counts in 10 ms ticks and includes a little start-up and exit work of the runtime.
    assert.ok(Math.abs(sample.cpuSeconds - selfReported) < 0.15, `sampled ${sample.cpuSeconds} s, the process says ${selfReported} s`);
    assert.ok(sample.memoryMiB > 5 && sample.memoryMiB < 500, `rss ${sample.memoryMiB} MiB`);
  } finally {
    child.kill('SIGKILL');
  }
});

test('CPU units between two samples: 1024 per fully used vCPU', () => {
  const before = { cpuSeconds: 10, memoryMiB: 50, atMs: 0 };
  assert.equal(cpuUnitsBetween(before, { cpuSeconds: 10.5, memoryMiB: 50, atMs: 1000 }), 512);
  assert.equal(cpuUnitsBetween(before, { cpuSeconds: 12, memoryMiB: 50, atMs: 1000 }), 2048);
  assert.equal(cpuUnitsBetween(before, { cpuSeconds: 10, memoryMiB: 50, atMs: 0 }), 0);
});

test('a process that has exited has no sample', async () => {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  assert.equal(await sampleProcess(child.pid!), undefined);
});
