/**
 * Benchmark (not a test) of scale: how the local cloud's cost grows with
 * work. Each level runs in a fresh child process (so memory is not carried
 * over): a local cloud with the runtime, N services of 1–5 tasks each
 * (service i wants 1 + i mod 5, Fargate/awsvpc) of a tiny image — `sleep` as
 * a command, about 1 MiB per task, so hundreds of tasks fit in memory; the
 * node apps would need ~50 MiB each — then, once every task is RUNNING,
 * a few seconds of steady state: the cloud process's RSS, the scheduler's
 * tick duration (`onTick`), and the p50/p99 latency of DescribeServices
 * (10 services) and ListTasks (100 per page). A last level registers 1,000
 * revisions of one task definition family (no services) and measures the
 * same, plus the registration rate.
 *
 * Run: `npm run bench -- scale` (options: `--levels 1,10,100,200 --revisions 1000 --sample 4`).
 *
 * @internal
 * @module
 */
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, DescribeTaskDefinitionCommand, ListTasksCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalCloud } from '../src/local/index.js';
import { clientsFor, defaultNetwork, destroyClients, machineLine, quantile, round, sleep, table, writeResult } from './lib.js';

const { values } = parseArgs({
  options: {
    levels: { type: 'string', default: '1,10,100,200' },
    revisions: { type: 'string', default: '1000' },
    sample: { type: 'string', default: '4' },
    'time-scale': { type: 'string', default: '0.02' },
    child: { type: 'string' },
  },
});
const sampleSeconds = Number(values.sample);
const timeScale = Number(values['time-scale']);

/** One level's measurements. */
interface Level {
  level: string;
  services: number;
  tasks: number;
  revisions: number;
  setupSeconds: number;
  rssMiB: number;
  heapMiB: number;
  tickMedianMs: number;
  tickP99Ms: number;
  tickMaxMs: number;
  ticksPerSecond: number;
  apiP50Ms: number;
  apiP99Ms: number;
  registerPerSecond?: number;
  note?: string;
}

/** Runs one level in this process and prints its JSON on the last line. */
async function child(spec: string): Promise<void> {
  const [kind, nText] = spec.split(':') as [string, string];
  const n = Number(nText);
  const ticks: { at: number; ms: number }[] = [];
  const cloud = await startLocalCloud({
    port: 0,
    timeScale,
    runtime: { tickMs: 100, onTick: (ms) => ticks.push({ at: performance.now(), ms }) },
    images: { 'bench/sleep': { kind: 'command', command: ['sleep', '86400'] } },
    log: () => undefined,
  });
  const clients = clientsFor(cloud.endpoint);
  let note: string | undefined;
  try {
    const { subnetId } = await defaultNetwork(clients);
    await clients.ecs.send(new CreateClusterCommand({ clusterName: 'scale' }));
    const t0 = performance.now();
    let services = 0;
    let tasks = 0;
    let revisions = 0;
    let registerPerSecond: number | undefined;
    const register = (i: number) =>
      clients.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'scale',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'app', image: 'bench/sleep', essential: true, environment: [{ name: 'REVISION', value: String(i) }] }],
        }),
      );
    if (kind === 'services') {
      const td = (await register(0)).taskDefinition!.taskDefinitionArn!;
      revisions = 1;
      for (let i = 0; i < n; i++) {
        const desired = 1 + (i % 5);
        await clients.ecs.send(
          new CreateServiceCommand({
            cluster: 'scale',
            serviceName: `svc-${i}`,
            taskDefinition: td,
            desiredCount: desired,
            launchType: 'FARGATE',
            networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId] } },
          }),
        );
        services++;
        tasks += desired;
      }
      const deadline = performance.now() + 240_000;
      for (;;) {
        const running = [...cloud.runtime!.context.tasks.values()].filter((t) => t.runningSince !== undefined).length;
        if (running >= tasks) break;
        if (performance.now() > deadline) {
          note = `only ${running} of ${tasks} tasks RUNNING after 240 s`;
          break;
        }
        await sleep(200);
      }
    } else {
      const r0 = performance.now();
      for (let i = 0; i < n; i++) await register(i);
      revisions = n;
      registerPerSecond = round(n / ((performance.now() - r0) / 1000), 0);
    }
    const setupSeconds = round((performance.now() - t0) / 1000);
    // steady state
    const sampleStart = performance.now();
    const latencies: number[] = [];
    let i = 0;
    while (performance.now() - sampleStart < sampleSeconds * 1000) {
      const a = performance.now();
      if (kind === 'services') {
        if (i % 2 === 0) await clients.ecs.send(new DescribeServicesCommand({ cluster: 'scale', services: Array.from({ length: Math.min(10, n) }, (_, k) => `svc-${(i + k) % n}`) }));
        else await clients.ecs.send(new ListTasksCommand({ cluster: 'scale', maxResults: 100 }));
      } else {
        await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `scale:${1 + (i % n)}` }));
      }
      latencies.push(performance.now() - a);
      i++;
      await sleep(10);
    }
    const window = ticks.filter((t) => t.at >= sampleStart).map((t) => t.ms);
    global.gc?.();
    const memory = process.memoryUsage();
    const level: Level = {
      level: kind === 'services' ? `${n} services` : `${n} revisions`,
      services,
      tasks,
      revisions,
      setupSeconds,
      rssMiB: round(memory.rss / 2 ** 20),
      heapMiB: round(memory.heapUsed / 2 ** 20),
      tickMedianMs: round(quantile(window, 0.5), 2),
      tickP99Ms: round(quantile(window, 0.99), 2),
      tickMaxMs: round(Math.max(...window), 2),
      ticksPerSecond: round(window.length / sampleSeconds),
      apiP50Ms: round(quantile(latencies, 0.5), 1),
      apiP99Ms: round(quantile(latencies, 0.99), 1),
      ...(registerPerSecond !== undefined ? { registerPerSecond } : {}),
      ...(note ? { note } : {}),
    };
    process.stdout.write(`${JSON.stringify(level)}\n`);
  } finally {
    destroyClients(clients);
    const s0 = performance.now();
    await cloud.stop();
    process.stderr.write(`stop took ${round(performance.now() - s0, 0)} ms\n`);
  }
}

/** PIDs of the `sleep 86400` task processes still alive (none after a clean stop). */
function leftoverTasks(): number[] {
  try {
    return execFileSync('pgrep', ['-f', '^sleep 86400$'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Runs one level in a child process; its last stdout line is the level's JSON. */
async function level(spec: string): Promise<Level> {
  const script = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, '--child', spec, '--sample', String(sampleSeconds), '--time-scale', String(timeScale)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-3000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const last = out.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last) as Level;
  } catch {
    throw new Error(`scale level ${spec} exited with ${code} without a result: ${err}`);
  }
}

if (values.child) {
  await child(values.child);
  // The runtime has stopped every task; some handle keeps the event loop alive after stop, so leave now.
  process.exit(0);
} else {
  const loadBefore = machineLine();
  const specs = [...values.levels.split(',').map((n) => `services:${n}`), ...(Number(values.revisions) > 0 ? [`revisions:${values.revisions}`] : [])];
  const levels: Level[] = [];
  for (const spec of specs) {
    const l = await level(spec);
    levels.push(l);
    // The container shim ends its command when the cloud's process is gone (it checks every 500 ms).
    let leftovers = leftoverTasks();
    for (let waited = 0; leftovers.length && waited < 10_000; waited += 250) {
      await sleep(250);
      leftovers = leftoverTasks();
    }
    if (leftovers.length) {
      console.error(`${leftovers.length} task processes outlived level ${spec} by 10 s; killing them`);
      for (const pid of leftovers) process.kill(pid, 'SIGKILL');
    }
    console.error(`${l.level}: ${l.tasks} tasks, RSS ${l.rssMiB} MiB, tick p99 ${l.tickP99Ms} ms${l.note ? ` (${l.note})` : ''}`);
  }
  console.log(loadBefore);
  console.log(`each level in a fresh process; local cloud with the runtime (tick every 100 ms, time scale ${timeScale}); tasks run \`sleep\` (no port, no health check); ${sampleSeconds} s of steady state sampled\n`);
  table(
    ['level', 'tasks', 'setup s', 'cloud RSS MiB', 'heap MiB', 'tick median ms', 'tick p99 ms', 'tick max ms', 'API p50 ms', 'API p99 ms', 'notes'],
    levels.map((l) => [l.level, l.tasks, l.setupSeconds, l.rssMiB, l.heapMiB, l.tickMedianMs, l.tickP99Ms, l.tickMaxMs, l.apiP50Ms, l.apiP99Ms, [l.registerPerSecond ? `${l.registerPerSecond} registrations/s` : '', l.note ?? ''].filter(Boolean).join('; ') || '—']),
  );
  console.log('API = DescribeServices (10 services) and ListTasks (100 per page) alternately; for revisions, DescribeTaskDefinition of a random revision.');
  console.log(`load average at end: ${machineLine()}`);
  console.log(`→ ${writeResult('scale', { sampleSeconds, timeScale, levels })}`);
}
