/**
 * Test harness for the monitoring component: a local cloud on loopback with
 * a runtime made of the monitoring component only, helpers to create an ECS
 * service, to run "tasks" (container processes registered in the runtime's
 * live-task registry, as the task runner would) and to wait on conditions.
 *
 * @internal
 */
import { waitFor as sharedWaitFor } from '../../../wait-for.js';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CreateClusterCommand, DescribeClustersCommand, ECSClient, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchClient, PutMetricDataCommand, type StandardUnit } from '@aws-sdk/client-cloudwatch';
import { ContainerProcess } from '../../../../src/local/runtime/container-process.js';
import { LocalRuntime } from '../../../../src/local/local-runtime.js';
import { monitoringComponent, type MonitoringOptions, type PolicyOutcome } from '../../../../src/local/runtime/monitoring/index.js';
import { startTestCloud, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';

/** A test cloud plus a monitoring-only runtime. */
export interface MonitoringHarness extends TestCloud {
  runtime: LocalRuntime;
  /** Every scaling policy run so far. */
  outcomes: PolicyOutcome[];
}

/** Starts the cloud and the runtime; `stop()` stops both. */
export async function startMonitoring(options: { timeScale: number } & MonitoringOptions): Promise<MonitoringHarness> {
  const { timeScale, ...monitoring } = options;
  const t = await startTestCloud({ timeScale });
  // These tests poll for many seconds while some clients sit idle longer than the
  // server's 5 s keep-alive; let the SDK retry the rare reset of a reused socket.
  const config = { endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 3 };
  for (const client of [t.clients.ecs, t.clients.autoScaling, t.clients.cloudWatch]) client.destroy();
  t.clients.ecs = new ECSClient(config);
  t.clients.autoScaling = new ApplicationAutoScalingClient(config);
  t.clients.cloudWatch = new CloudWatchClient(config);
  const outcomes: PolicyOutcome[] = [];
  const runtime = new LocalRuntime(t.cloud.state, {
    log: () => {},
    tickMs: 50,
    components: (ctx) => [monitoringComponent(ctx, { ...monitoring, onPolicy: (o) => outcomes.push(o) })],
  });
  await runtime.start();
  return {
    ...t,
    runtime,
    outcomes,
    stop: async () => {
      await runtime.stop();
      await t.stop();
    },
  };
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws with `what`): {@link sharedWaitFor}, truthy only. */
export function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  return sharedWaitFor(what, async () => ((await check()) || undefined) as T | undefined, { timeoutMs, everyMs });
}

/** Creates a cluster, a Fargate task definition and a service with `desiredCount` (no scheduler runs in these tests). */
export async function createService(
  t: TestCloud,
  names: { cluster: string; service: string; desiredCount: number; containerInsights?: 'enabled' | 'disabled'; existingCluster?: boolean },
): Promise<{ clusterArn: string; serviceArn: string; taskDefinitionArn: string }> {
  const clusterArn = names.existingCluster
    ? (await t.clients.ecs.send(new DescribeClustersCommand({ clusters: [names.cluster] }))).clusters![0]!.clusterArn!
    : (await t.clients.ecs.send(new CreateClusterCommand({ clusterName: names.cluster, settings: [{ name: 'containerInsights', value: names.containerInsights ?? 'disabled' }] }))).cluster!.clusterArn!;
  const td = await t.clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `${names.service}-td`,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image: 'ecskit-test/busy', essential: true }],
    }),
  );
  const subnets = ((await t.cloud.state.invoke('ec2', 'DescribeSubnets', {}, { region: t.cloud.region })) as { subnetSet: { subnetId: string }[] }).subnetSet;
  const svc = await t.clients.ecs.send(
    new CreateServiceCommand({
      cluster: names.cluster,
      serviceName: names.service,
      taskDefinition: td.taskDefinition!.taskDefinitionArn!,
      desiredCount: names.desiredCount,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnets[0]!.subnetId], assignPublicIp: 'ENABLED' } },
    }),
  );
  return { clusterArn, serviceArn: svc.service!.serviceArn!, taskDefinitionArn: td.taskDefinition!.taskDefinitionArn! };
}

/** Desired count of a service, through DescribeServices. */
export async function desiredCount(t: TestCloud, cluster: string, service: string): Promise<number> {
  const out = await t.clients.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  return out.services?.[0]?.desiredCount ?? -1;
}

const BUSY = fileURLToPath(new URL('./fixtures/busy.mjs', import.meta.url));

/**
 * Runs one container process from the busy-loop image (or idle with
 * `busy: false`) and registers it as a live task of the service, reserving
 * `cpuUnits`/`memoryMiB` as the task definition would.
 */
export function runLiveTask(
  h: MonitoringHarness,
  where: { clusterArn: string; serviceArn?: string; taskDefinitionArn: string },
  options: { busy: boolean; cpuUnits: number; memoryMiB: number; holdMiB?: number },
): { taskArn: string; process: ContainerProcess } {
  const process = new ContainerProcess({
    image: { kind: 'node', entry: BUSY },
    env: { BUSY: options.busy ? '1' : '0', HOLD_MIB: String(options.holdMiB ?? 0) },
  });
  const clusterName = where.clusterArn.slice(where.clusterArn.lastIndexOf('/') + 1);
  const taskArn = where.clusterArn.replace(/:cluster\/.*$/, `:task/${clusterName}/${randomUUID().replaceAll('-', '')}`);
  h.runtime.context.tasks.set(taskArn, {
    accountId: h.cloud.accountId,
    region: h.cloud.region,
    taskArn,
    clusterArn: where.clusterArn,
    ...(where.serviceArn ? { serviceArn: where.serviceArn } : {}),
    taskDefinitionArn: where.taskDefinitionArn,
    address: '127.0.0.1',
    cpuUnits: options.cpuUnits,
    memoryMiB: options.memoryMiB,
    containers: [{ name: 'app', process, ports: [], essential: true }],
    runningSince: Date.now(),
  });
  return { taskArn, process };
}

/** A loop that puts one datapoint of a metric every `everyMs` with the current value. */
export interface MetricFeeder {
  /** Changes the value the next datapoints carry. */
  set(value: number): void;
  stop(): Promise<void>;
}

/** Starts a {@link MetricFeeder} that calls PutMetricData (as an app or agent would; not for `AWS/` namespaces, which AWS reserves). */
export function feedMetric(
  t: TestCloud,
  metric: { namespace: string; metricName: string; dimensions: Record<string, string>; unit?: StandardUnit },
  initial: number,
  everyMs = 50,
): MetricFeeder {
  let value = initial;
  let running = true;
  let succeeded = 0;
  let lastError: unknown;
  const loop = (async () => {
    while (running) {
      await t.clients.cloudWatch
        .send(
          new PutMetricDataCommand({
            Namespace: metric.namespace,
            MetricData: [
              {
                MetricName: metric.metricName,
                Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
                Value: value,
                ...(metric.unit ? { Unit: metric.unit } : {}),
              },
            ],
          }),
        )
        .then(
          () => succeeded++,
          (error: unknown) => {
            lastError = error;
          },
        );
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    set: (v) => {
      value = v;
    },
    stop: async () => {
      running = false;
      await loop;
      if (succeeded === 0 && lastError) throw lastError;
    },
  };
}
