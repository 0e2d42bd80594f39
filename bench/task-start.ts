/**
 * Benchmark (not a test) of task start on the local cloud: for each app
 * (invsys, gateway, and the benchmarks' tiny node server for reference) as
 * a standalone awsvpc task, the time from RunTask to lastStatus RUNNING and
 * to the container health check reporting HEALTHY (the lab's `curl -f`
 * command; interval 5 AWS seconds = 100 ms at time scale 0.02, timeout 30,
 * start period 300 so a slow start under load is not counted as a failure),
 * and the resident memory of the task's process once healthy.
 * DescribeTasks is polled every 20 ms.
 *
 * Then the two task drivers side by side, in the same run: the tiny server
 * as a process (`--driver process`) and as a container (`--driver
 * container`, its image built on the offline base image), RunTask → RUNNING
 * and → HEALTHY (a `CMD node -e fetch(…)` check, which both drivers can
 * run: the offline image has no shell or curl), and memory per task: the
 * app process's RSS for both (for a container, its main process as the host
 * sees it), plus the container's cgroup memory from the engine's stats.
 * Medians, and container/process ratios. Skipped, saying why, when no
 * container engine answers.
 *
 * Run: `npm run bench -- task-start` (options: `--repeats 5`).
 *
 * @internal
 * @module
 */
import { CreateClusterCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ContainerEngineError, detectContainerEngine, ensureOfflineNodeImage, type ContainerEngine } from '../src/containers/index.js';
import { startLocalCloud, type LocalCloud } from '../src/local/index.js';
import { clientsFor, defaultNetwork, destroyClients, machineLine, median, round, rssMiB, sleep, table, TINY_ENTRY, writeResult } from './lib.js';

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' }, 'time-scale': { type: 'string', default: '0.02' } } });
const repeats = Number(values.repeats);
const timeScale = Number(values['time-scale']);

const APPS = [
  { app: 'invsys', image: 'flask-inventory/invsys', port: 5000, health: '/health', env: [{ name: 'INVENTORY_DB', value: ':memory:' }] },
  { app: 'gateway', image: 'flask-inventory/gateway', port: 5001, health: '/health', env: [{ name: 'INVSYS_URL', value: 'http://127.0.0.1:9' }] },
  { app: 'tiny node server (reference)', image: 'bench/tiny', port: 8080, health: '/', env: [] },
] as const;

/** One start. */
interface Start {
  app: string;
  runningMs: number;
  healthyMs: number;
  rssMiB: number;
}

const loadBefore = machineLine();
const cloud = await startLocalCloud({ port: 0, timeScale, runtime: { tickMs: 50 }, images: { 'bench/tiny': { kind: 'node', entry: TINY_ENTRY } }, log: () => undefined });
const clients = clientsFor(cloud.endpoint);
const starts: Start[] = [];
try {
  const { subnetId } = await defaultNetwork(clients);
  await clients.ecs.send(new CreateClusterCommand({ clusterName: 'start' }));
  for (const app of APPS) {
    const td = await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: app.app.replace(/\W+/g, '-'),
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'app',
            image: app.image,
            essential: true,
            portMappings: [{ containerPort: app.port }],
            environment: [...app.env],
            healthCheck: { command: ['CMD-SHELL', `curl -f http://localhost:${app.port}${app.health} || exit 1`], interval: 5, timeout: 30, retries: 3, startPeriod: 300 },
          },
        ],
      }),
    );
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      const run = await clients.ecs.send(
        new RunTaskCommand({ cluster: 'start', taskDefinition: td.taskDefinition!.taskDefinitionArn!, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId] } } }),
      );
      const taskArn = run.tasks?.[0]?.taskArn;
      if (!taskArn) throw new Error(`RunTask started nothing for ${app.app}: ${JSON.stringify(run.failures)}`);
      let runningMs = Number.NaN;
      let healthyMs = Number.NaN;
      const deadline = t0 + 60_000;
      while (performance.now() < deadline) {
        const task = (await clients.ecs.send(new DescribeTasksCommand({ cluster: 'start', tasks: [taskArn] }))).tasks?.[0];
        const at = performance.now() - t0;
        if (Number.isNaN(runningMs) && task?.lastStatus === 'RUNNING') runningMs = at;
        if (task?.containers?.[0]?.healthStatus === 'HEALTHY') {
          healthyMs = at;
          break;
        }
        if (task?.lastStatus === 'STOPPED') throw new Error(`${app.app} task stopped: ${task.stoppedReason}`);
        await sleep(20);
      }
      const pid = cloud.runtime?.context.tasks.get(taskArn)?.containers[0]?.process.pid;
      const rss = pid ? await rssMiB(pid) : Number.NaN;
      starts.push({ app: app.app, runningMs: round(runningMs, 0), healthyMs: round(healthyMs, 0), rssMiB: rss });
      await clients.ecs.send(new StopTaskCommand({ cluster: 'start', task: taskArn }));
    }
  }
} finally {
  destroyClients(clients);
  await cloud.stop();
}

const rows = APPS.map(({ app }) => {
  const xs = starts.filter((s) => s.app === app);
  return {
    app,
    medianRunningMs: median(xs.map((s) => s.runningMs)),
    medianHealthyMs: median(xs.map((s) => s.healthyMs)),
    medianRssMiB: median(xs.map((s) => s.rssMiB)),
    healthyMs: xs.map((s) => s.healthyMs),
  };
});
console.log(loadBefore);
console.log(`${repeats} standalone awsvpc tasks per app, one at a time; local cloud in this process, time scale ${timeScale}, tick 50 ms; health check every 5 AWS s (100 ms), timeout 30 s, start period 300 s\n`);
table(
  ['app', 'RunTask → RUNNING ms', 'RunTask → HEALTHY ms', 'runs (healthy ms)', 'RSS per task MiB'],
  rows.map((r) => [r.app, r.medianRunningMs, r.medianHealthyMs, r.healthyMs.join(' / '), r.medianRssMiB]),
);

// ---------------------------------------------------------------------------
// process driver vs container driver, the same tiny server

const TINY_IMAGE = 'localhost/ecskit-bench/tiny:1';
const TINY_CONTEXT = fileURLToPath(new URL('./fixtures/tiny-image', import.meta.url));
const NODE_CHECK = ['CMD', 'node', '-e', "fetch('http://localhost:8080/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"];

/** One start under a driver. */
interface DriverStart {
  driver: 'process' | 'container';
  runningMs: number;
  healthyMs: number;
  rssMiB: number;
  cgroupMiB: number;
  /** The driver's own host processes for the task (container: its `logs --follow`). */
  driverMiB: number;
}

/** RSS (MiB) of this process's engine children (podman/docker: the container driver's `logs --follow`, one per container). */
async function engineChildrenRssMiB(): Promise<number> {
  const { readdirSync, readFileSync } = await import('node:fs');
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, comm = '', rest = ''] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? [];
      const ppid = Number(rest.split(' ')[1]);
      if (ppid === process.pid && /^(podman|docker)$/.test(comm)) total += await rssMiB(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return round(total);
}

/** Host pid of a container's main process (podman and docker both report it). */
async function containerPid(engine: ContainerEngine, taskArn: string): Promise<number | undefined> {
  const { stdout } = await engine.exec(['ps', '--filter', `label=com.amazonaws.ecs.task-arn=${taskArn}`, '--format', '{{.ID}}']);
  const id = stdout.trim().split('\n')[0];
  if (!id) return undefined;
  const pid = Number((await engine.exec(['inspect', '--format', '{{.State.Pid}}', id])).stdout.trim());
  return pid > 0 ? pid : undefined;
}

async function driverStarts(driver: 'process' | 'container', engine: ContainerEngine | undefined): Promise<DriverStart[]> {
  const local: LocalCloud = await startLocalCloud({
    port: 0,
    timeScale,
    driver,
    runtime: { tickMs: 50 },
    images: { 'bench/tiny': { kind: 'node', entry: TINY_ENTRY } },
    log: () => undefined,
  });
  const c = clientsFor(local.endpoint);
  const out: DriverStart[] = [];
  try {
    const { subnetId } = await defaultNetwork(c);
    await c.ecs.send(new CreateClusterCommand({ clusterName: 'drivers' }));
    const td = await c.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: `tiny-${driver}`,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name: 'app',
            image: driver === 'container' ? TINY_IMAGE : 'bench/tiny',
            essential: true,
            portMappings: [{ containerPort: 8080 }],
            healthCheck: { command: NODE_CHECK, interval: 5, timeout: 30, retries: 3, startPeriod: 300 },
          },
        ],
      }),
    );
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      const run = await c.ecs.send(
        new RunTaskCommand({ cluster: 'drivers', taskDefinition: td.taskDefinition!.taskDefinitionArn!, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId] } } }),
      );
      const taskArn = run.tasks?.[0]?.taskArn;
      if (!taskArn) throw new Error(`RunTask started nothing (${driver}): ${JSON.stringify(run.failures)}`);
      let runningMs = Number.NaN;
      let healthyMs = Number.NaN;
      const deadline = t0 + 120_000;
      while (performance.now() < deadline) {
        const task = (await c.ecs.send(new DescribeTasksCommand({ cluster: 'drivers', tasks: [taskArn] }))).tasks?.[0];
        const at = performance.now() - t0;
        if (Number.isNaN(runningMs) && task?.lastStatus === 'RUNNING') runningMs = at;
        if (task?.containers?.[0]?.healthStatus === 'HEALTHY') {
          healthyMs = at;
          break;
        }
        if (task?.lastStatus === 'STOPPED') throw new Error(`${driver} task stopped: ${task.stoppedReason}`);
        await sleep(20);
      }
      const container = local.runtime?.context.tasks.get(taskArn)?.containers[0]?.process;
      const pid = container?.pid ?? (engine && driver === 'container' ? await containerPid(engine, taskArn) : undefined);
      const rss = pid ? await rssMiB(pid) : Number.NaN;
      const sample = driver === 'container' ? await container?.stats?.() : undefined;
      const driverMiB = driver === 'container' ? await engineChildrenRssMiB() : 0;
      out.push({ driver, runningMs: round(runningMs, 0), healthyMs: round(healthyMs, 0), rssMiB: rss, cgroupMiB: sample ? round(sample.memoryMiB) : Number.NaN, driverMiB });
      await c.ecs.send(new StopTaskCommand({ cluster: 'drivers', task: taskArn }));
      await sleep(200);
    }
  } finally {
    destroyClients(c);
    await local.stop();
  }
  return out;
}

let engine: ContainerEngine | undefined;
let skipped: string | undefined;
try {
  engine = await detectContainerEngine();
  const base = await ensureOfflineNodeImage({ engine });
  await engine.exec(['build', ...engine.buildFlags({ pull: 'never' }), '--build-arg', `NODE_IMAGE=${base.image}`, '-t', TINY_IMAGE, TINY_CONTEXT], { timeoutMs: 300_000 });
} catch (error) {
  skipped = error instanceof ContainerEngineError ? error.message : `the benchmark image did not build: ${(error as Error).message}`;
}
const driverRuns = [...(await driverStarts('process', engine)), ...(skipped ? [] : await driverStarts('container', engine))];
const driverRows = (['process', 'container'] as const).flatMap((driver) => {
  const xs = driverRuns.filter((s) => s.driver === driver);
  if (xs.length === 0) return [];
  return [{
    driver: driver === 'container' ? `container (${engine?.name})` : 'process',
    medianRunningMs: median(xs.map((s) => s.runningMs)),
    medianHealthyMs: median(xs.map((s) => s.healthyMs)),
    medianRssMiB: median(xs.map((s) => s.rssMiB)),
    medianCgroupMiB: driver === 'container' ? median(xs.map((s) => s.cgroupMiB)) : Number.NaN,
    medianDriverMiB: median(xs.map((s) => s.driverMiB)),
    healthyMs: xs.map((s) => s.healthyMs),
  }];
});
console.log(`\nTask drivers side by side: the tiny node server, ${repeats} standalone awsvpc tasks per driver, one at a time; health check CMD node -e fetch(…) every 5 AWS s\n`);
if (skipped) console.log(`container driver skipped: ${skipped}\n`);
table(
  ['driver', 'RunTask → RUNNING ms', 'RunTask → HEALTHY ms', 'runs (healthy ms)', 'app RSS MiB', 'cgroup memory MiB', 'driver processes MiB'],
  driverRows.map((r) => [r.driver, r.medianRunningMs, r.medianHealthyMs, r.healthyMs.join(' / '), r.medianRssMiB, Number.isNaN(r.medianCgroupMiB) ? '-' : r.medianCgroupMiB, r.medianDriverMiB]),
);
const [proc, cont] = driverRows;
const ratios = proc && cont
  ? { running: round(cont.medianRunningMs / proc.medianRunningMs, 2), healthy: round(cont.medianHealthyMs / proc.medianHealthyMs, 2), rss: round(cont.medianRssMiB / proc.medianRssMiB, 2) }
  : undefined;
if (ratios) console.log(`container / process: RUNNING ×${ratios.running}, HEALTHY ×${ratios.healthy}, app RSS ×${ratios.rss}`);
console.log(`load average at end: ${machineLine()}`);
console.log(`→ ${writeResult('task-start', { repeats, timeScale, rows, starts, drivers: { rows: driverRows, runs: driverRuns, ratios, ...(skipped ? { skipped } : {}) } })}`);
