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
 * Run: `npm run bench -- task-start` (options: `--repeats 5`).
 *
 * @internal
 * @module
 */
import { CreateClusterCommand, DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { parseArgs } from 'node:util';
import { startLocalCloud } from '../src/local/index.js';
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
console.log(`load average at end: ${machineLine()}`);
console.log(`→ ${writeResult('task-start', { repeats, timeScale, rows, starts })}`);
