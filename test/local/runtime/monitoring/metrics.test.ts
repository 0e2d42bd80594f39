import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeScalingActivitiesCommand, PutScalingPolicyCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { createService, desiredCount, runLiveTask, startMonitoring, waitFor, type MonitoringHarness } from './harness.js';

// 1 AWS minute = 0.6 s: a sample every 200 ms, alarms evaluated every 100 ms.
let h: MonitoringHarness;
before(async () => {
  h = await startMonitoring({ timeScale: 0.01 });
});
after(async () => {
  await h?.stop();
});

async function stats(namespace: string, metricName: string, dimensions: Record<string, string>, statistics: ('Average' | 'Minimum' | 'Maximum' | 'SampleCount')[]) {
  const now = Date.now();
  const out = await h.clients.cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      StartTime: new Date(now - 10 * 60_000),
      EndTime: new Date(now + 60_000),
      Period: 3600,
      Statistics: statistics,
    }),
  );
  return out.Datapoints?.[0];
}

test('a service whose tasks burn CPU reports CPUUtilization and MemoryUtilization per ClusterName and ServiceName', async () => {
  const ids = await createService(h, { cluster: 'metrics-cluster', service: 'busy-service', desiredCount: 2 });
  const idle = await createService(h, { cluster: 'metrics-cluster', service: 'idle-service', desiredCount: 1, existingCluster: true });
  // Small reservations (128 units) make even a starved busy loop read clearly above an idle process.
  for (let i = 0; i < 2; i++) runLiveTask(h, ids, { busy: true, cpuUnits: 128, memoryMiB: 512, holdMiB: 20 });
  runLiveTask(h, idle, { busy: false, cpuUnits: 128, memoryMiB: 512 });
  runLiveTask(h, { clusterArn: ids.clusterArn, taskDefinitionArn: ids.taskDefinitionArn }, { busy: false, cpuUnits: 1024, memoryMiB: 512 });
  const dims = { ClusterName: 'metrics-cluster', ServiceName: 'busy-service' };

  const idleDims = { ClusterName: 'metrics-cluster', ServiceName: 'idle-service' };
  // The machine is shared (2 cores, often heavily loaded), so only relative bounds hold: once
  // node's start-up cost is averaged out, a busy loop reads clearly above an idle process.
  let seen = '';
  const cpu = await waitFor('busy-service CPU clearly above idle-service CPU', async () => {
    const busy = await stats('AWS/ECS', 'CPUUtilization', dims, ['Average', 'Maximum', 'SampleCount']);
    const idleCpu = await stats('AWS/ECS', 'CPUUtilization', idleDims, ['Average']);
    seen = `busy ${busy?.Average}% (${busy?.SampleCount} samples), idle ${idleCpu?.Average}%`;
    return busy && idleCpu && (busy.SampleCount ?? 0) >= 10 && busy.Average! > 3 * idleCpu.Average! ? busy : undefined;
  }, 20_000).catch((error: Error) => assert.fail(`${error.message}: ${seen}`));
  assert.equal(cpu.Unit, 'Percent');
  assert.ok(cpu.Maximum! > 10, `busy service CPU maximum ${cpu.Maximum}%`);

  const memory = await stats('AWS/ECS', 'MemoryUtilization', dims, ['Average', 'SampleCount']);
  assert.ok(memory && memory.Unit === 'Percent', 'MemoryUtilization in Percent');
  // A node process holding 20 MiB: above 20 of the 512 MiB reserved (4 %), well under all of it.
  assert.ok(memory.Average! > 4 && memory.Average! < 60, `service memory average ${memory.Average}%`);

  // The cluster-level metrics count every task of the cluster, the standalone one included.
  const cluster = await stats('AWS/ECS', 'CPUUtilization', { ClusterName: 'metrics-cluster' }, ['SampleCount']);
  assert.ok(cluster!.SampleCount! > cpu.SampleCount!, `cluster samples ${cluster!.SampleCount} vs busy-service ${cpu.SampleCount}`);
  const listed = await h.clients.cloudWatch.send(new ListMetricsCommand({ Namespace: 'AWS/ECS', Dimensions: [{ Name: 'ClusterName', Value: 'metrics-cluster' }] }));
  const names = (listed.Metrics ?? []).map((m) => `${m.MetricName} ${(m.Dimensions ?? []).map((d) => d.Value).join('/')}`).sort();
  assert.deepEqual(names, [
    'CPUUtilization metrics-cluster',
    'CPUUtilization metrics-cluster/busy-service',
    'CPUUtilization metrics-cluster/idle-service',
    'MemoryUtilization metrics-cluster',
    'MemoryUtilization metrics-cluster/busy-service',
    'MemoryUtilization metrics-cluster/idle-service',
  ]);
  // Container Insights is off for this cluster: nothing in ECS/ContainerInsights for it.
  const insights = await h.clients.cloudWatch.send(new ListMetricsCommand({ Namespace: 'ECS/ContainerInsights', Dimensions: [{ Name: 'ClusterName', Value: 'metrics-cluster' }] }));
  assert.equal(insights.Metrics?.length ?? 0, 0);
});

test('a cluster with Container Insights enabled gets RunningTaskCount and DesiredTaskCount per service', async () => {
  await createService(h, { cluster: 'insights-cluster', service: 'counted', desiredCount: 3, containerInsights: 'enabled' });
  const dims = { ClusterName: 'insights-cluster', ServiceName: 'counted' };
  const desired = await waitFor('DesiredTaskCount', () => stats('ECS/ContainerInsights', 'DesiredTaskCount', dims, ['Maximum']));
  assert.equal(desired.Maximum, 3);
  assert.equal(desired.Unit, 'Count');
  // No scheduler runs in this test, so no task is RUNNING.
  const running = await stats('ECS/ContainerInsights', 'RunningTaskCount', dims, ['Maximum']);
  assert.equal(running?.Maximum, 0);
});

test('target tracking on CPU scales a busy service out to its maximum and back in once the load is gone', async () => {
  const ids = await createService(h, { cluster: 'tt-cluster', service: 'hot-service', desiredCount: 2 });
  const busy = [0, 1].map(() => runLiveTask(h, ids, { busy: true, cpuUnits: 128, memoryMiB: 512 }));
  const resourceId = 'service/tt-cluster/hot-service';
  await h.clients.autoScaling.send(
    new RegisterScalableTargetCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 4 }),
  );
  await h.clients.autoScaling.send(
    new PutScalingPolicyCommand({
      PolicyName: 'cpu-tracking',
      ServiceNamespace: 'ecs',
      ResourceId: resourceId,
      ScalableDimension: 'ecs:service:DesiredCount',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 10,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleOutCooldown: 60,
        ScaleInCooldown: 60,
      },
    }),
  );
  // A busy loop against 128 reserved units reads far above 10 % even on a loaded machine: 2 → ceil(2 × CPU / 10), capped at 4.
  await waitFor('scale-out to 4', async () => (await desiredCount(h, 'tt-cluster', 'hot-service')) === 4, 20_000, 100);
  const out = await h.clients.autoScaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }));
  const first = out.ScalingActivities?.[0];
  assert.equal(first?.Description, 'Setting desired count to 4.');
  assert.match(first?.Cause ?? '', /^monitor alarm TargetTracking-service\/tt-cluster\/hot-service-AlarmHigh-[0-9a-f-]{36} in state ALARM triggered policy cpu-tracking$/);
  assert.equal(first?.StatusCode, 'Successful');

  // The load goes away: the tasks are replaced by idle ones. AlarmLow needs 15 low minutes (9 s here).
  for (const task of busy) {
    h.runtime.context.tasks.delete(task.taskArn);
    task.process.kill();
    runLiveTask(h, ids, { busy: false, cpuUnits: 256, memoryMiB: 512 });
  }
  // Idle tasks use almost nothing of the target: back to the minimum of 1 (in one step, or a
  // few when start-up CPU still shows, each after the 60 s (0.6 s) scale-in cooldown).
  await waitFor('scale-in to 1', async () => (await desiredCount(h, 'tt-cluster', 'hot-service')) === 1, 40_000, 200);
  const back = await h.clients.autoScaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }));
  const scaleIns = (back.ScalingActivities ?? []).filter((a) => a.Cause?.includes('-AlarmLow-'));
  assert.ok(scaleIns.length >= 1, 'a scale-in activity');
  assert.equal(scaleIns[0]?.Description, 'Setting desired count to 1.');
  assert.match(scaleIns[0]?.Cause ?? '', /^monitor alarm TargetTracking-service\/tt-cluster\/hot-service-AlarmLow-[0-9a-f-]{36} in state ALARM triggered policy cpu-tracking$/);
});
