import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpuUnitsBetween, sampleProcess } from '../../../src/local/runtime/process-stats.js';

test('a busy process reads as hundreds of CPU units and an idle one as nearly none', async () => {
  const busy = spawn(process.execPath, ['-e', 'const end = Date.now() + 3000; while (Date.now() < end) {}']);
  const idle = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 3000)']);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const [b1, i1] = await Promise.all([sampleProcess(busy.pid!), sampleProcess(idle.pid!)]);
    await new Promise((r) => setTimeout(r, 700));
    const [b2, i2] = await Promise.all([sampleProcess(busy.pid!), sampleProcess(idle.pid!)]);
    assert.ok(b1 && b2 && i1 && i2);
    const busyUnits = cpuUnitsBetween(b1, b2);
    const idleUnits = cpuUnitsBetween(i1, i2);
    // Loose bounds: the machine has 2 shared cores, so a busy loop may get well under one.
    assert.ok(busyUnits > 150, `busy loop used ${busyUnits} units`);
    assert.ok(idleUnits < busyUnits / 3, `idle process used ${idleUnits} units, busy ${busyUnits}`);
    assert.ok(b2.memoryMiB > 5 && b2.memoryMiB < 500, `rss ${b2.memoryMiB} MiB`);
  } finally {
    busy.kill('SIGKILL');
    idle.kill('SIGKILL');
  }
});

test('a process that has exited has no sample', async () => {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  assert.equal(await sampleProcess(child.pid!), undefined);
});
