import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudState, LocalRuntime } from '../../../src/local/index.js';

test('the runtime reports each scheduler tick’s duration to onTick, and an onTick that throws does not stop the loop', async () => {
  const durations: number[] = [];
  const logged: string[] = [];
  let calls = 0;
  const runtime = new LocalRuntime(new CloudState({ accountId: '123456789012' }), {
    tickMs: 5,
    log: (line) => logged.push(line),
    components: () => [
      {
        name: 'slow',
        tick: async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
        stop: async () => undefined,
      },
    ],
    onTick: (ms) => {
      calls++;
      if (calls === 1) throw new Error('first call fails');
      durations.push(ms);
    },
  });
  await runtime.start();
  try {
    const deadline = Date.now() + 5_000;
    while (durations.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    await runtime.stop();
  }
  assert.ok(durations.length >= 3, `onTick was called ${durations.length} times after the failing call`);
  for (const ms of durations) assert.ok(ms >= 15 && Number.isFinite(ms), `a tick with a 20 ms component took ${ms} ms`);
  assert.ok(logged.some((line) => line.includes('onTick failed: first call fails')), `log: ${logged.join(' | ')}`);
});
