import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeScalingActivitiesCommand, PutScalingPolicyCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, RegisterTaskDefinitionCommand, type Service } from '@aws-sdk/client-ecs';
import { startTestCloud, type TestCloud } from '../../helpers.js';
import { waitFor } from './harness.js';

// The whole runtime (scheduler, load balancing, monitoring) at 1 AWS minute = 0.6 s.
const BUSY = fileURLToPath(new URL('./fixtures/busy.mjs', import.meta.url));
const CLUSTER = 'flask-inventory-cluster';
const SERVICE = 'gateway-service';
let t: TestCloud;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ecskit-monitoring-'));
  t = await startTestCloud({ timeScale: 0.01, runtime: { tickMs: 50 }, images: { 'ecskit-test/busy': { kind: 'node', entry: BUSY } } });
});
after(async () => {
  await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function service(): Promise<Service> {
  const out = await t.clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [SERVICE] }));
  return out.services![0]!;
}

test('real tasks under CPU load make target tracking scale the service out, the scheduler start tasks, and scale back in when the load stops', async () => {
  const loadFile = join(dir, 'load');
  writeFileSync(loadFile, 'on');
  const subnets = await t.query('ec2', 'DescribeSubnets');
  const subnet = String(subnets.xml?.DescribeSubnetsResponse?.subnetSet?.item?.[0]?.subnetId);
  await t.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  await t.clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'busy-gateway',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'gateway', image: 'ecskit-test/busy:latest', essential: true, environment: [{ name: 'BUSY_FILE', value: loadFile }] }],
    }),
  );
  await t.clients.ecs.send(
    new CreateServiceCommand({
      cluster: CLUSTER,
      serviceName: SERVICE,
      taskDefinition: 'busy-gateway',
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
    }),
  );
  await waitFor('2 running tasks', async () => (await service()).runningCount === 2, 20_000, 100);

  const resourceId = `service/${CLUSTER}/${SERVICE}`;
  await t.clients.autoScaling.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 4 }));
  await t.clients.autoScaling.send(
    new PutScalingPolicyCommand({
      PolicyName: 'gateway-cpu-scaling',
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
      ScalableDimension: 'ecs:service:DesiredCount',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        // A busy loop against 256 reserved units reads well above 10 % even when the 2-core
        // machine is shared with a dozen other processes (an idle task reads under 1 %).
        TargetValue: 10,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleOutCooldown: 60,
        ScaleInCooldown: 60,
      },
    }),
  );

  const scaledOut = await waitFor('scale-out started more tasks', async () => {
    const s = await service();
    return s.desiredCount! >= 3 && s.runningCount === s.desiredCount ? s : undefined;
  }, 30_000, 200);
  assert.ok((scaledOut.events ?? []).some((e) => /^\(service gateway-service\) has started [12] tasks: /.test(e.message ?? '')), 'a "has started" event after scaling out');
  const activities = (await t.clients.autoScaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }))).ScalingActivities ?? [];
  const first = activities.at(-1);
  assert.match(first?.Description ?? '', /^Setting desired count to [34]\.$/);
  assert.match(first?.Cause ?? '', /^monitor alarm TargetTracking-service\/flask-inventory-cluster\/gateway-service-AlarmHigh-[0-9a-f-]{36} in state ALARM triggered policy gateway-cpu-scaling$/);

  const now = Date.now();
  const cpu = await t.clients.cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Dimensions: [
        { Name: 'ClusterName', Value: CLUSTER },
        { Name: 'ServiceName', Value: SERVICE },
      ],
      StartTime: new Date(now - 3_600_000),
      EndTime: new Date(now + 60_000),
      Period: 3600,
      Statistics: ['Average', 'SampleCount'],
    }),
  );
  assert.ok((cpu.Datapoints?.[0]?.Average ?? 0) > 10, `service CPU ${cpu.Datapoints?.[0]?.Average}%`);

  // The load stops: after 15 low (scaled) minutes AlarmLow fires and the service goes back to 1 task.
  rmSync(loadFile);
  await waitFor('scale-in to 1 running task', async () => {
    const s = await service();
    return s.desiredCount === 1 && s.runningCount === 1;
  }, 45_000, 200);
  const last = ((await t.clients.autoScaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }))).ScalingActivities ?? [])[0];
  assert.equal(last?.Description, 'Setting desired count to 1.');
  assert.match(last?.Cause ?? '', /-AlarmLow-[0-9a-f-]{36} in state ALARM triggered policy gateway-cpu-scaling$/);
});
