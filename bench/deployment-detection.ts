/**
 * Benchmark (not a test) of deployment detection: on the same deployments in
 * the local cloud — one completing (a new revision of a tiny node image), one
 * rolled back by the circuit breaker (`ecskit/crash`) — ecskit's
 * `waitForDeployment` and the SDK's `waitUntilServicesStable` follow the
 * deployment side by side, each with its own SDK clients counted by
 * middleware and the same fixed poll interval. A third, uncounted client
 * polls DescribeServices every 25 ms to timestamp the moment the deployment
 * is done (rolloutState COMPLETED, or FAILED with the rollback deployment
 * visible) and the moment the service is steady again. Reported: latency
 * from that moment to each waiter's return, API calls, and what each waiter
 * said (did it notice the rollback?).
 *
 * Run: `npm run bench -- deployment-detection` (options: `--repeats 3 --interval 1 --time-scale 0.02`).
 *
 * @internal
 * @module
 */
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand, waitUntilServicesStable } from '@aws-sdk/client-ecs';
import { parseArgs } from 'node:util';
import { startLocalCloud } from '../src/local/index.js';
import { waitForDeployment } from '../src/waiters/deployment/index.js';
import { CallCounter, clientsFor, defaultNetwork, destroyClients, machineLine, median, round, sleep, table, TINY_ENTRY, writeResult, type BenchClients } from './lib.js';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    interval: { type: 'string', default: '1' },
    'time-scale': { type: 'string', default: '0.02' },
  },
});
const repeats = Number(values.repeats);
const intervalSeconds = Number(values.interval);
const timeScale = Number(values['time-scale']);
const CLUSTER = 'bench';
const SERVICE = 'detect';

/** What one waiter did on one deployment. */
interface WaiterRun {
  returnedAt: number;
  apiCalls: number;
  said: string;
  noticedRollback: boolean;
}

/** One deployment followed by both waiters. */
interface Trial {
  scenario: 'completing' | 'rollback';
  deploymentDoneAt: number | undefined;
  serviceSteadyAt: number | undefined;
  ecskit: WaiterRun;
  sdk: WaiterRun;
}

const cloud = await startLocalCloud({
  port: 0,
  timeScale,
  runtime: { tickMs: 50 },
  images: { 'bench/tiny': { kind: 'node', entry: TINY_ENTRY } },
  log: () => undefined,
});
const watcher = clientsFor(cloud.endpoint);
const trials: Trial[] = [];
try {
  const { subnetId } = await defaultNetwork(watcher);
  await watcher.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  let revision = 0;
  const register = async (image: string) =>
    (
      await watcher.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: SERVICE,
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }], environment: [{ name: 'REVISION', value: String(revision++) }] }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
  const created = await watcher.ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: SERVICE,
      taskDefinition: await register('bench/tiny'),
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnetId] } },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, minimumHealthyPercent: 100, maximumPercent: 200 },
    }),
  );
  const first = await waitForDeployment(watcher, { cluster: CLUSTER, service: SERVICE, deploymentId: created.service!.deployments![0]!.id! }, { intervalSeconds: 0.1, timeoutSeconds: 120 });
  if (first.outcome !== 'completed') throw new Error(`the first deployment did not complete: ${first.outcome}: ${first.reason}`);

  /** Timestamps the deployment's end and the service's next steady state, polling every 25 ms. */
  const watch = async (deploymentId: string, until: Promise<unknown>) => {
    let doneAt: number | undefined;
    let steadyAt: number | undefined;
    let finished = false;
    void until.finally(() => (finished = true));
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline && !(finished && doneAt !== undefined && steadyAt !== undefined)) {
      const { services } = await watcher.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
      const at = performance.now();
      const service = services?.[0];
      const mine = service?.deployments?.find((d) => d.id === deploymentId);
      if (doneAt === undefined && (mine?.rolloutState === 'COMPLETED' || mine?.rolloutState === 'FAILED' || !mine)) doneAt = at;
      if (doneAt !== undefined && steadyAt === undefined && service?.deployments?.length === 1 && service.runningCount === service.desiredCount) steadyAt = at;
      if (finished && Date.now() > deadline - 170_000 && doneAt === undefined) break;
      await sleep(25);
    }
    return { doneAt, steadyAt };
  };

  const follow = async (scenario: Trial['scenario'], image: string): Promise<Trial> => {
    const ecskitCounter = new CallCounter();
    const sdkCounter = new CallCounter();
    const ecskitClients: BenchClients = clientsFor(cloud.endpoint, 'us-east-1', ecskitCounter);
    const sdkClients: BenchClients = clientsFor(cloud.endpoint, 'us-east-1', sdkCounter);
    try {
      const updated = await watcher.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: SERVICE, taskDefinition: await register(image) }));
      const deploymentId = updated.service!.deployments!.find((d) => d.status === 'PRIMARY')!.id!;
      const ecskit = waitForDeployment(ecskitClients, { cluster: CLUSTER, service: SERVICE, deploymentId }, { intervalSeconds, jitter: 0, timeoutSeconds: 180 }).then(
        (outcome): WaiterRun => ({
          returnedAt: performance.now(),
          apiCalls: ecskitCounter.total,
          said: outcome.outcome === 'rolledBack' ? `rolledBack (${outcome.reason})` : outcome.outcome,
          noticedRollback: outcome.outcome === 'rolledBack',
        }),
      );
      const sdk = waitUntilServicesStable({ client: sdkClients.ecs, maxWaitTime: 180, minDelay: intervalSeconds, maxDelay: intervalSeconds }, { cluster: CLUSTER, services: [SERVICE] }).then(
        (result): WaiterRun => ({ returnedAt: performance.now(), apiCalls: sdkCounter.total, said: `${result.state}`, noticedRollback: false }),
        (error: Error): WaiterRun => ({ returnedAt: performance.now(), apiCalls: sdkCounter.total, said: `threw ${error.name}: ${error.message.slice(0, 80)}`, noticedRollback: /roll|fail/i.test(error.message) }),
      );
      const both = Promise.all([ecskit, sdk]);
      const seen = await watch(deploymentId, both);
      const [e, s] = await both;
      return { scenario, deploymentDoneAt: seen.doneAt, serviceSteadyAt: seen.steadyAt, ecskit: e, sdk: s };
    } finally {
      destroyClients(ecskitClients);
      destroyClients(sdkClients);
    }
  };

  for (let i = 0; i < repeats; i++) {
    trials.push(await follow('completing', 'bench/tiny'));
    trials.push(await follow('rollback', 'ecskit/crash'));
    console.error(`repeat ${i + 1}/${repeats} done`);
  }
} finally {
  destroyClients(watcher);
  await cloud.stop();
}

const after = (t: number | undefined, at: number) => (t === undefined ? Number.NaN : round((at - t) / 1000, 2));
const summary = (['completing', 'rollback'] as const).flatMap((scenario) => {
  const ts = trials.filter((t) => t.scenario === scenario);
  return (['ecskit', 'sdk'] as const).map((who) => ({
    scenario,
    waiter: who === 'ecskit' ? 'ecskit waitForDeployment' : 'SDK waitUntilServicesStable',
    medianSecondsAfterDeploymentDone: round(median(ts.map((t) => after(t.deploymentDoneAt, t[who].returnedAt))), 2),
    medianSecondsAfterServiceSteady: round(median(ts.map((t) => after(t.serviceSteadyAt, t[who].returnedAt))), 2),
    medianApiCalls: median(ts.map((t) => t[who].apiCalls)),
    said: [...new Set(ts.map((t) => t[who].said))].join('; '),
    noticedRollback: scenario === 'rollback' ? `${ts.filter((t) => t[who].noticedRollback).length}/${ts.length}` : '—',
  }));
});

console.log(machineLine());
console.log(`${repeats} deployments per scenario, both waiters on the same deployment at once; poll interval ${intervalSeconds} s for both (ecskit jitter 0; SDK minDelay = maxDelay); time scale ${timeScale}; 2 tasks, circuit breaker with rollback\n`);
table(
  ['scenario', 'waiter', 's after deployment done', 's after service steady', 'API calls', 'returned', 'noticed rollback'],
  summary.map((r) => [r.scenario, r.waiter, r.medianSecondsAfterDeploymentDone, r.medianSecondsAfterServiceSteady, r.medianApiCalls, r.said, r.noticedRollback]),
);
console.log('\n"deployment done" = rolloutState COMPLETED (completing) or FAILED with the rollback deployment visible (rollback); negative = the waiter returned before ECS reported it.');
console.log(`load average at end: ${machineLine()}`);
console.log(`→ ${writeResult('deployment-detection', { repeats, intervalSeconds, timeScale, summary, trials })}`);
