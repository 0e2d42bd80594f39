/**
 * Benchmark (not a test) of what durability costs per call: the same
 * state-changing call (`CreateCluster`, one journal entry each) and a
 * read-only one (`DescribeClusters`, no entry) against three local clouds
 * started side by side in this run: no state file, `--state-file` (a
 * synchronous journal append before each answer) and `--state-file --fsync`
 * (plus an fsync per append). Prints per-call latency medians and p99 at
 * concurrency 1 and 10 and the ratio to the cloud with no state file; rounds
 * alternate between the clouds so machine noise spreads over all three.
 *
 * Run: `npm run bench -- journal` (options: `--calls 400 --rounds 5`).
 *
 * @internal
 * @module
 */
import { CreateClusterCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clientsFor, destroyClients, machineLine, median, quantile, round, startLocalCloudProcess, table, writeResult } from './lib.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '400' },
    rounds: { type: 'string', default: '5' },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
if (!Number.isInteger(calls) || calls < 10) throw new Error(`--calls must be an integer of at least 10, got: ${values.calls}`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got: ${values.rounds}`);

const dir = mkdtempSync(join(tmpdir(), 'ecskit-bench-journal-'));
const modes = [
  { name: 'no state file', args: [] as string[] },
  { name: '--state-file', args: ['--state-file', join(dir, 'journal.json')] },
  { name: '--state-file --fsync', args: ['--state-file', join(dir, 'fsync.json'), '--fsync'] },
] as const;

console.log(machineLine());
const clouds = [];
for (const mode of modes) clouds.push(await startLocalCloudProcess(['--no-runtime', ...mode.args]));
const clients = clouds.map((cloud) => clientsFor(cloud.endpoint));

/** Latencies (ms) of `count` calls made by `concurrency` workers. */
async function measure(call: (i: number) => Promise<unknown>, count: number, concurrency: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const started = performance.now();
        await call(i);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

type Key = `${number}:${string}:${number}`;
const samples = new Map<Key, number[]>();
let serial = 0;
try {
  // Warm-up: the first calls of a fresh process compile the handlers.
  for (const c of clients) await measure((i) => c.ecs.send(new CreateClusterCommand({ clusterName: `warm-${i}` })), 50, 4);
  for (let round_ = 0; round_ < rounds; round_++) {
    for (const concurrency of [1, 10]) {
      for (const [m, c] of clients.entries()) {
        const create = await measure((i) => c.ecs.send(new CreateClusterCommand({ clusterName: `c-${serial}-${i}` })), calls, concurrency);
        serial++;
        const read = await measure(() => c.ecs.send(new DescribeClustersCommand({ clusters: ['warm-0'] })), calls, concurrency);
        for (const [operation, latencies] of [['CreateCluster', create], ['DescribeClusters', read]] as const) {
          const key: Key = `${m}:${operation}:${concurrency}`;
          samples.set(key, [...(samples.get(key) ?? []), ...latencies]);
        }
      }
    }
  }
} finally {
  for (const c of clients) destroyClients(c);
  for (const cloud of clouds) await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
}

const rows: Array<Array<string | number>> = [];
const result: Array<Record<string, unknown>> = [];
for (const operation of ['CreateCluster', 'DescribeClusters'] as const) {
  for (const concurrency of [1, 10]) {
    const base = median(samples.get(`0:${operation}:${concurrency}`)!);
    for (const [m, mode] of modes.entries()) {
      const latencies = samples.get(`${m}:${operation}:${concurrency}`)!;
      const p50 = median(latencies);
      const p99 = quantile(latencies, 0.99);
      rows.push([operation, concurrency, mode.name, round(p50, 2), round(p99, 2), `${round(p50 / base, 2)}×`, round((p50 - base) * 1000, 0)]);
      result.push({ operation, concurrency, mode: mode.name, p50Ms: p50, p99Ms: p99, ratioToNoStateFile: p50 / base, extraMicrosecondsPerCall: (p50 - base) * 1000 });
    }
  }
}
table(['operation', 'concurrency', 'durability', 'p50 ms', 'p99 ms', 'p50 vs none', 'extra µs/call (p50)'], rows);
console.log(`\n${calls} calls per cell, ${rounds} rounds alternating between the three clouds; latency includes the SDK client in this process.`);
console.log(`result: ${writeResult('journal', { machine: machineLine(), calls, rounds, cells: result })}`);
