import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import type { LiveTask, RuntimeContext } from '../../../../src/local/runtime/context.js';
import { EcsMetricsPublisher, type TaskUtilization } from '../../../../src/local/runtime/monitoring/ecs-metrics.js';
import { findMetric } from '../../../../src/local/services/cloudwatch/state.js';
import { runtimePort } from '../../../../src/local/services/runtime-port.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** A context with only what the publisher reads: live tasks, the state and its regions, the control plane. */
function contextOf(cloud: CloudState, tasks: LiveTask[]): RuntimeContext {
  return {
    cloud,
    controlPlane: runtimePort,
    tasks: new Map(tasks.map((t) => [t.taskArn, t])),
    regions: () =>
      Object.entries(cloud.snapshot()).flatMap(([accountId, regions]) => Object.entries(regions).map(([region, state]) => ({ accountId, region, state }))),
  } as unknown as RuntimeContext;
}

/** A live task whose one container is this test process (so /proc has something to read). */
function liveTask(i: number, serviceArn?: string, region = REGION): LiveTask {
  return {
    accountId: ACCOUNT,
    region,
    taskArn: `arn:aws:ecs:${region}:${ACCOUNT}:task/metrics/${String(i).padStart(32, '0')}`,
    clusterArn: `arn:aws:ecs:${region}:${ACCOUNT}:cluster/metrics`,
    ...(serviceArn ? { serviceArn } : {}),
    taskDefinitionArn: `arn:aws:ecs:${region}:${ACCOUNT}:task-definition/metrics:1`,
    address: '127.0.0.1',
    cpuUnits: 256,
    memoryMiB: 512,
    containers: [{ name: 'app', process: { pid: process.pid, exit: undefined } as never, ports: [], essential: true }],
  };
}

describe('EcsMetricsPublisher', () => {
  it('samples every live task (more than it reads at once), in task order, from the second round on', async () => {
    const cloud = new CloudState();
    const tasks = Array.from({ length: 53 }, (_, i) => liveTask(i, i % 2 ? `arn:aws:ecs:${REGION}:${ACCOUNT}:service/metrics/s${i % 3}` : undefined));
    const publisher = new EcsMetricsPublisher(contextOf(cloud, tasks));
    assert.deepEqual(await publisher.sampleTasks(), [], 'a first sample has no CPU value yet');
    const readings = await publisher.sampleTasks();
    assert.deepEqual(
      readings.map((r) => r.task.taskArn),
      tasks.map((t) => t.taskArn),
    );
    for (const r of readings) {
      assert.ok(r.memoryMiB > 1, `resident memory ${r.memoryMiB} MiB`);
      assert.ok(Number.isFinite(r.cpuPercent) && r.cpuPercent >= 0, `cpu ${r.cpuPercent} %`);
    }
  });

  it('publishes Container Insights per service from that service’s readings only (same account and region)', async () => {
    const cloud = new CloudState();
    const ecs = (operation: string, input: unknown, region = REGION) => cloud.invoke('ecs', operation, input, { region }) as Promise<any>;
    const serviceArns: Record<string, string> = {};
    for (const region of [REGION, 'eu-west-1']) {
      await ecs('CreateCluster', { clusterName: 'metrics', settings: [{ name: 'containerInsights', value: 'enabled' }] }, region);
      const { taskDefinition } = await ecs(
        'RegisterTaskDefinition',
        { family: 'metrics', networkMode: 'bridge', containerDefinitions: [{ name: 'app', image: 'x', memory: 64, essential: true }] },
        region,
      );
      for (const name of ['a', 'b', 'c']) {
        const { service } = await ecs('CreateService', { cluster: 'metrics', serviceName: name, taskDefinition: taskDefinition.taskDefinitionArn, desiredCount: 2 }, region);
        serviceArns[`${region}/${name}`] = service.serviceArn;
      }
    }
    // Readings of several services, interleaved, in both regions, plus a standalone task.
    const plan: Array<[string | undefined, string, number, number]> = [
      ['a', REGION, 100, 10],
      ['b', REGION, 7, 1],
      ['a', REGION, 20, 5],
      [undefined, REGION, 1000, 100],
      ['a', 'eu-west-1', 300, 30],
      ['b', REGION, 3, 2],
    ];
    const readings: TaskUtilization[] = plan.map(([service, region, cpuUnits, memoryMiB], i) => ({
      task: liveTask(i, service ? serviceArns[`${region}/${service}`] : undefined, region),
      cpuUnits,
      cpuPercent: (cpuUnits / 256) * 100,
      memoryMiB,
      memoryPercent: (memoryMiB / 512) * 100,
    }));
    const publisher = new EcsMetricsPublisher(contextOf(cloud, []));
    const now = Date.now();
    publisher.publish(readings, now);
    const value = (region: string, service: string, metricName: string) =>
      findMetric(cloud.region(region), 'ECS/ContainerInsights', metricName, [
        { Name: 'ClusterName', Value: 'metrics' },
        { Name: 'ServiceName', Value: service },
      ])?.points.at(-1)?.s;
    assert.equal(value(REGION, 'a', 'CpuUtilized'), 120);
    assert.equal(value(REGION, 'a', 'MemoryUtilized'), 15);
    assert.equal(value(REGION, 'b', 'CpuUtilized'), 10);
    assert.equal(value(REGION, 'b', 'MemoryUtilized'), 3);
    assert.equal(value(REGION, 'c', 'CpuUtilized'), 0, 'a service without readings');
    assert.equal(value('eu-west-1', 'a', 'CpuUtilized'), 300, 'the other region’s service of the same name');
    assert.equal(value('eu-west-1', 'b', 'CpuUtilized'), 0);
    assert.equal(value(REGION, 'a', 'DesiredTaskCount'), 2);
  });
});
