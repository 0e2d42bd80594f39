import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type ScalingActivity,
} from '@aws-sdk/client-application-auto-scaling';
import { putMetricDatum } from '../../../../src/local/services/cloudwatch/state.js';
import { createService, desiredCount, feedMetric, startMonitoring, waitFor, type MonitoringHarness } from './harness.js';

// 1 AWS minute = 0.3 s: AlarmHigh (3 minutes) fires in ~1 s, AlarmLow (15 minutes) in ~4.5 s.
let h: MonitoringHarness;
before(async () => {
  h = await startMonitoring({ timeScale: 0.005 });
});
after(async () => {
  await h?.stop();
});

const DIMENSION = 'ecs:service:DesiredCount' as const;

/** Target tracking on the service's CPU as the tests publish it (AWS/ namespaces are AWS's own). */
async function trackCpu(cluster: string, service: string, config: { target: number; outCooldown: number; inCooldown: number }) {
  await h.clients.autoScaling.send(
    new PutScalingPolicyCommand({
      PolicyName: `${service}-cpu`,
      ServiceNamespace: 'ecs',
      ResourceId: `service/${cluster}/${service}`,
      ScalableDimension: DIMENSION,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: config.target,
        CustomizedMetricSpecification: {
          Namespace: 'Lab/ECS',
          MetricName: 'CPUUtilization',
          Dimensions: [
            { Name: 'ClusterName', Value: cluster },
            { Name: 'ServiceName', Value: service },
          ],
          Statistic: 'Average',
          Unit: 'Percent',
        },
        ScaleOutCooldown: config.outCooldown,
        ScaleInCooldown: config.inCooldown,
      },
    }),
  );
}

async function activities(resourceId: string): Promise<ScalingActivity[]> {
  const out = await h.clients.autoScaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: DIMENSION }));
  return [...(out.ScalingActivities ?? [])].reverse(); // oldest first
}

test('target tracking scales 2 → 3 → 4 under load, holds at the maximum, and scales back in to the minimum after its cooldowns', async () => {
  const [cluster, service] = ['tt-cluster', 'gateway-service'];
  const resourceId = `service/${cluster}/${service}`;
  await createService(h, { cluster, service, desiredCount: 2 });
  await h.clients.autoScaling.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: DIMENSION, MinCapacity: 2, MaxCapacity: 4 }));
  await trackCpu(cluster, service, { target: 50, outCooldown: 60, inCooldown: 120 });
  const feeder = feedMetric(h, { namespace: 'Lab/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: cluster, ServiceName: service }, unit: 'Percent' }, 70);
  try {
    // 70 % against a 50 % target: ceil(2 × 70 / 50) = 3, then (load unchanged) ceil(3 × 70 / 50) = 5, capped at 4.
    await waitFor('desired count 4', async () => (await desiredCount(h, cluster, service)) === 4, 20_000, 100);
    const [toThree, toFour] = await activities(resourceId);
    assert.equal(toThree?.Description, 'Setting desired count to 3.');
    assert.equal(toFour?.Description, 'Setting desired count to 4.');
    assert.match(toThree?.Cause ?? '', new RegExp(`^monitor alarm TargetTracking-service/${cluster}/${service}-AlarmHigh-[0-9a-f-]{36} in state ALARM triggered policy ${service}-cpu$`));
    assert.equal(toThree?.StatusCode, 'Successful');
    assert.ok(toThree?.EndTime && toThree.StartTime && toThree.EndTime >= toThree.StartTime);
    const outGap = toFour!.StartTime!.getTime() - toThree!.StartTime!.getTime();
    assert.ok(outGap >= 300, `second scale-out ${outGap} ms after the first, inside the 60 s (0.3 s) scale-out cooldown`);

    // Still 70 %: the policy keeps running but the maximum holds.
    const start = h.outcomes.length;
    await waitFor('two more runs held at the maximum', () => h.outcomes.slice(start).filter((o) => o.policyName === `${service}-cpu` && o.result === 'unchanged').length >= 2, 10_000);
    assert.equal(await desiredCount(h, cluster, service), 4);

    // Load drops to 30 % (< 90 % of the target): ceil(4 × 30 / 50) = 3, after the 0.6 s cooldown ceil(3 × 30 / 50) = 2 = the minimum.
    feeder.set(30);
    await waitFor('desired count back to 2', async () => (await desiredCount(h, cluster, service)) === 2, 40_000, 100);
    const all = await activities(resourceId);
    assert.deepEqual(all.map((a) => a.Description), ['Setting desired count to 3.', 'Setting desired count to 4.', 'Setting desired count to 3.', 'Setting desired count to 2.']);
    const [inOne, inTwo] = all.slice(2);
    assert.match(inOne?.Cause ?? '', /-AlarmLow-[0-9a-f-]{36} in state ALARM triggered policy gateway-service-cpu$/);
    const inGap = inTwo!.StartTime!.getTime() - inOne!.StartTime!.getTime();
    assert.ok(inGap >= 600, `second scale-in ${inGap} ms after the first, inside the 120 s (0.6 s) scale-in cooldown`);
    // At the minimum, further low load changes nothing.
    const mark = h.outcomes.length;
    await waitFor('two more runs held at the minimum', () => h.outcomes.slice(mark).filter((o) => o.policyName === `${service}-cpu` && o.result === 'unchanged').length >= 2, 10_000);
    assert.equal(await desiredCount(h, cluster, service), 2);
    assert.equal((await activities(resourceId)).length, 4);
  } finally {
    await feeder.stop();
  }
});

test('suspended dynamic scale-out leaves the service alone until it is resumed', async () => {
  const [cluster, service] = ['suspended-cluster', 'quiet-service'];
  const resourceId = `service/${cluster}/${service}`;
  await createService(h, { cluster, service, desiredCount: 2 });
  const target = { ServiceNamespace: 'ecs' as const, ResourceId: resourceId, ScalableDimension: DIMENSION, MinCapacity: 1, MaxCapacity: 5 };
  await h.clients.autoScaling.send(
    new RegisterScalableTargetCommand({ ...target, SuspendedState: { DynamicScalingOutSuspended: true, DynamicScalingInSuspended: false, ScheduledScalingSuspended: false } }),
  );
  await trackCpu(cluster, service, { target: 50, outCooldown: 60, inCooldown: 60 });
  const feeder = feedMetric(h, { namespace: 'Lab/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: cluster, ServiceName: service }, unit: 'Percent' }, 90);
  try {
    await waitFor('the policy to run twice while suspended', () => h.outcomes.filter((o) => o.policyName === `${service}-cpu` && o.result === 'suspended').length >= 2, 15_000);
    assert.equal(await desiredCount(h, cluster, service), 2);
    assert.deepEqual(await activities(resourceId), []);

    await h.clients.autoScaling.send(
      new RegisterScalableTargetCommand({ ...target, SuspendedState: { DynamicScalingOutSuspended: false, DynamicScalingInSuspended: false, ScheduledScalingSuspended: false } }),
    );
    // 90 % against 50 %: ceil(2 × 90 / 50) = 4.
    await waitFor('scale-out once resumed', async () => (await desiredCount(h, cluster, service)) === 4, 15_000, 100);
    const [first] = await activities(resourceId);
    assert.equal(first?.Description, 'Setting desired count to 4.');
  } finally {
    await feeder.stop();
  }
});

test('target tracking on ALBRequestCountPerTarget follows the load balancer metric of the target group', async () => {
  const [cluster, service] = ['alb-cluster', 'web-service'];
  const resourceId = `service/${cluster}/${service}`;
  await createService(h, { cluster, service, desiredCount: 2 });
  await h.clients.autoScaling.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: DIMENSION, MinCapacity: 1, MaxCapacity: 6 }));
  const targetGroup = 'targetgroup/web-tg/0123456789abcdef';
  await h.clients.autoScaling.send(
    new PutScalingPolicyCommand({
      PolicyName: 'requests-per-target',
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
      ScalableDimension: DIMENSION,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ResourceLabel: `app/web-alb/fedcba9876543210/${targetGroup}` },
        ScaleOutCooldown: 60,
        ScaleInCooldown: 60,
      },
    }),
  );
  // The load balancer publishes this metric (AWS/ is reserved for AWS, so the test writes it
  // where the load balancer does): 500 requests per target per real second ≈ 150 per (0.3 s)
  // minute, counted by elapsed time so a late timer does not lower the rate.
  const regionState = h.cloud.state.region(h.cloud.region);
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const value = (now - last) * 0.5;
    last = now;
    putMetricDatum(regionState, { namespace: 'AWS/ApplicationELB', metricName: 'RequestCountPerTarget', dimensions: [{ Name: 'TargetGroup', Value: targetGroup }], unit: 'Count', value }, now);
  }, 50);
  try {
    await waitFor('scale-out on requests per target', async () => (await desiredCount(h, cluster, service)) >= 3, 15_000, 100);
    const [first] = await activities(resourceId);
    assert.match(first?.Cause ?? '', /-AlarmHigh-[0-9a-f-]{36} in state ALARM triggered policy requests-per-target$/);
    assert.match(first?.Description ?? '', /^Setting desired count to [3-6]\.$/);
  } finally {
    clearInterval(timer);
  }
});

test('with two target-tracking policies the service scales in only when both are ready to scale in', async () => {
  const [cluster, service] = ['two-policy-cluster', 'gateway-service'];
  const resourceId = `service/${cluster}/${service}`;
  await createService(h, { cluster, service, desiredCount: 4 });
  await h.clients.autoScaling.send(new RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: DIMENSION, MinCapacity: 2, MaxCapacity: 4 }));
  await trackCpu(cluster, service, { target: 50, outCooldown: 60, inCooldown: 60 });
  // A second policy on another metric, at its target: it does not want to scale in.
  await h.clients.autoScaling.send(
    new PutScalingPolicyCommand({
      PolicyName: `${service}-requests`,
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
      ScalableDimension: DIMENSION,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        CustomizedMetricSpecification: { Namespace: 'Lab/ALB', MetricName: 'Requests', Dimensions: [{ Name: 'ServiceName', Value: service }], Statistic: 'Average', Unit: 'Count' },
        ScaleOutCooldown: 60,
        ScaleInCooldown: 60,
      },
    }),
  );
  const cpu = feedMetric(h, { namespace: 'Lab/ECS', metricName: 'CPUUtilization', dimensions: { ClusterName: cluster, ServiceName: service }, unit: 'Percent' }, 10);
  const requests = feedMetric(h, { namespace: 'Lab/ALB', metricName: 'Requests', dimensions: { ServiceName: service }, unit: 'Count' }, 100);
  try {
    // CPU alone would scale in (10 % against 50 %), but the request policy is at its target.
    await waitFor('the CPU policy to be held back twice', () => h.outcomes.filter((o) => o.policyName === `${service}-cpu` && o.reason === 'another target-tracking policy is not ready to scale in').length >= 2, 20_000);
    assert.equal(await desiredCount(h, cluster, service), 4);
    // Once requests drop too, both agree and the service scales in.
    requests.set(10);
    await waitFor('scale-in once both policies agree', async () => (await desiredCount(h, cluster, service)) < 4, 30_000, 100);
  } finally {
    await cpu.stop();
    await requests.stop();
  }
});

test('a scheduled action sets min and max when it comes due and moves the desired count into them; suspended, it does nothing; deleting the target deletes it', async () => {
  const [cluster, service] = ['scheduled-cluster', 'batch-service'];
  const resourceId = `service/${cluster}/${service}`;
  await createService(h, { cluster, service, desiredCount: 1 });
  const target = { ServiceNamespace: 'ecs' as const, ResourceId: resourceId, ScalableDimension: DIMENSION };
  await h.clients.autoScaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 2 }));
  // rate(1 minute) at time scale 0.005: every 0.3 s.
  await h.clients.autoScaling.send(new PutScheduledActionCommand({ ...target, ScheduledActionName: 'morning', Schedule: 'rate(1 minute)', ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 5 } }));
  const described = (await h.clients.autoScaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }))).ScheduledActions ?? [];
  assert.deepEqual(described.map((a) => [a.ScheduledActionName, a.Schedule, a.ScalableTargetAction?.MinCapacity, a.ScalableTargetAction?.MaxCapacity]), [['morning', 'rate(1 minute)', 3, 5]]);
  assert.match(described[0]?.ScheduledActionARN ?? '', /^arn:aws:autoscaling:us-east-1:\d{12}:scheduledAction:[0-9a-f-]+:resource\/ecs\/service\/scheduled-cluster\/batch-service:scheduledActionName\/morning$/);
  assert.ok(described[0]?.CreationTime instanceof Date);

  await waitFor('the scheduled action to raise the desired count to the new minimum', async () => (await desiredCount(h, cluster, service)) === 3, 15_000, 50);
  const [limits, desired] = await activities(resourceId);
  assert.equal(limits?.Description, 'Setting min capacity to 3 and max capacity to 5');
  assert.equal(limits?.Cause, 'scheduled action name morning was triggered');
  assert.equal(desired?.Description, 'Setting desired count to 3.');
  assert.equal(desired?.Cause, 'minimum capacity was set to 3');
  const registered = (await h.clients.autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] }))).ScalableTargets?.[0];
  assert.deepEqual([registered?.MinCapacity, registered?.MaxCapacity], [3, 5]);

  // Suspended: the next action changes nothing.
  await h.clients.autoScaling.send(new RegisterScalableTargetCommand({ ...target, SuspendedState: { ScheduledScalingSuspended: true } }));
  await h.clients.autoScaling.send(new PutScheduledActionCommand({ ...target, ScheduledActionName: 'night', Schedule: 'rate(1 minute)', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 1 } }));
  const before = (await activities(resourceId)).length;
  await new Promise((resolve) => setTimeout(resolve, 1500)); // five periods of the schedule: nothing may happen
  assert.equal(await desiredCount(h, cluster, service), 3);
  assert.equal((await activities(resourceId)).length, before);

  await h.clients.autoScaling.send(new DeleteScheduledActionCommand({ ...target, ScheduledActionName: 'night' }));
  await assert.rejects(h.clients.autoScaling.send(new DeleteScheduledActionCommand({ ...target, ScheduledActionName: 'night' })), (e: Error) => e.name === 'ObjectNotFoundException');
  await h.clients.autoScaling.send(new DeregisterScalableTargetCommand(target));
  assert.deepEqual((await h.clients.autoScaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }))).ScheduledActions, []);
});

test('scheduled actions refuse bad input naming the field, and need a registered target', async () => {
  const [cluster, service] = ['scheduled-bad', 'svc'];
  const resourceId = `service/${cluster}/${service}`;
  const target = { ServiceNamespace: 'ecs' as const, ResourceId: resourceId, ScalableDimension: DIMENSION };
  const put = (extra: Record<string, unknown>) => h.clients.autoScaling.send(new PutScheduledActionCommand({ ...target, ScheduledActionName: 'a', Schedule: 'rate(1 minute)', ScalableTargetAction: { MinCapacity: 1 }, ...extra }));
  await assert.rejects(put({}), (e: Error) => e.name === 'ObjectNotFoundException');
  await createService(h, { cluster, service, desiredCount: 1 });
  await h.clients.autoScaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 2 }));
  for (const [extra, message] of [
    [{ Schedule: 'cron(0 8 * * *)' }, /6 fields/],
    [{ Timezone: 'Mars/Olympus_Mons' }, /Timezone Mars\/Olympus_Mons is not a valid time zone/],
    [{ ScalableTargetAction: {} }, /MinCapacity, MaxCapacity or both/],
    [{ ScalableTargetAction: { MinCapacity: 5, MaxCapacity: 2 } }, /cannot be greater/],
    [{ StartTime: new Date('2027-01-02T00:00:00Z'), EndTime: new Date('2027-01-01T00:00:00Z') }, /EndTime must be later than StartTime/],
  ] as const) {
    await assert.rejects(put(extra), (e: Error) => e.name === 'ValidationException' && message.test(e.message), JSON.stringify(extra));
  }
  assert.deepEqual((await h.clients.autoScaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }))).ScheduledActions, []);
});
