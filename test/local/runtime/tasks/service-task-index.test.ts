import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { ServiceTaskIndex } from '../../../../src/local/runtime/tasks/service-task-index.js';
import { attachRuntime } from '../../../../src/local/services/ecs/runtime-attachment.js';
import {
  createTasksForDeployment,
  ecsState,
  findTaskDefinition,
  newTaskRecords,
  requestTaskStop,
  serviceTasks,
  updateTask,
  type TaskRecord,
} from '../../../../src/local/services/ecs/state.js';

const REGION = 'us-east-1';

/** A region with one cluster, one task definition and three services (no runtime: tasks stay PROVISIONING until updated). */
async function region() {
  const cloud = new CloudState();
  // As when a runtime is attached: StopTask only requests the stop.
  attachRuntime(cloud.events);
  const ecs = (operation: string, input: unknown) => cloud.invoke('ecs', operation, input, { region: REGION }) as Promise<any>;
  const { cluster } = await ecs('CreateCluster', { clusterName: 'index' });
  const { taskDefinition } = await ecs('RegisterTaskDefinition', {
    family: 'index',
    networkMode: 'bridge',
    containerDefinitions: [{ name: 'app', image: 'bench/sleep', memory: 64, essential: true }],
  });
  const services: { serviceArn: string; deploymentId: string }[] = [];
  for (const name of ['a', 'b', 'c']) {
    const { service } = await ecs('CreateService', { cluster: 'index', serviceName: name, taskDefinition: taskDefinition.taskDefinitionArn, desiredCount: 0 });
    services.push({ serviceArn: service.serviceArn, deploymentId: service.deployments[0].id });
  }
  const rs = cloud.region(REGION);
  const tasks = () => Object.values(ecsState(rs).tasks);
  /** A standalone task (RunTask-like, no service). */
  const standalone = () =>
    newTaskRecords(rs, findTaskDefinition(rs, 'index')!, cluster.clusterArn, 1, { now: Date.now(), group: 'family:index', launchType: 'EC2' })[0]!;
  return { cloud, rs, services, tasks, standalone, ecs };
}

const arns = (list: readonly TaskRecord[]) => list.map((t) => t.taskArn);

/** The index agrees with `serviceTasks` for every service: same records, same order. */
function assertMatches(index: ServiceTaskIndex, rs: ReturnType<CloudState['region']>, serviceArns: string[]): void {
  for (const serviceArn of serviceArns) {
    const expected = serviceTasks(rs, serviceArn);
    const actual = index.of(serviceArn);
    assert.deepEqual(arns(actual), arns(expected), `tasks of ${serviceArn}`);
    actual.forEach((task, i) => assert.equal(task, expected[i], `the index holds the state's own record for ${task.taskArn}`));
  }
}

describe('ServiceTaskIndex (the scheduler’s tasks by service)', () => {
  it('groups a region’s tasks by service in the state’s order, as serviceTasks does, and leaves out tasks without a service', async () => {
    const r = await region();
    const [a, b, c] = r.services as [(typeof r.services)[0], (typeof r.services)[0], (typeof r.services)[0]];
    // Interleaved across services, with standalone tasks in between.
    createTasksForDeployment(r.rs, a.serviceArn, a.deploymentId, 2);
    const loose = r.standalone();
    createTasksForDeployment(r.rs, b.serviceArn, b.deploymentId, 1);
    createTasksForDeployment(r.rs, a.serviceArn, a.deploymentId, 1);
    r.standalone();
    createTasksForDeployment(r.rs, b.serviceArn, b.deploymentId, 3);
    const index = new ServiceTaskIndex(r.tasks());
    assertMatches(index, r.rs, [a.serviceArn, b.serviceArn, c.serviceArn]);
    assert.equal(index.of(a.serviceArn).length, 3);
    assert.equal(index.of(b.serviceArn).length, 4);
    assert.deepEqual(index.of(c.serviceArn), [], 'a service without tasks');
    assert.deepEqual(index.of('arn:aws:ecs:us-east-1:123456789012:service/index/none'), [], 'an unknown service');
    const all = [a, b, c].flatMap((s) => arns(index.of(s.serviceArn)));
    assert.ok(!all.includes(loose.taskArn), 'a task without a service is in no service’s list');
    assert.equal(all.length, r.tasks().filter((t) => t.serviceArn).length);
  });

  it('sees status changes without a rebuild (it holds the live records), so filters on status agree with serviceTasks', async () => {
    const r = await region();
    const [a] = r.services as [(typeof r.services)[0]];
    const created = createTasksForDeployment(r.rs, a.serviceArn, a.deploymentId, 4);
    const index = new ServiceTaskIndex(r.tasks());
    updateTask(r.rs, created[0]!.taskArn, { lastStatus: 'RUNNING' });
    requestTaskStop(r.rs, created[1]!.taskArn, 'Scaling activity', { stopCode: 'ServiceSchedulerInitiated' });
    updateTask(r.rs, created[2]!.taskArn, { lastStatus: 'STOPPED' });
    await r.ecs('StopTask', { cluster: 'index', task: created[3]!.taskArn, reason: 'user' });
    assertMatches(index, r.rs, [a.serviceArn]);
    const live = (list: readonly TaskRecord[]) => arns(list.filter((t) => t.lastStatus !== 'STOPPED' && t.desiredStatus === 'RUNNING'));
    assert.deepEqual(live(index.of(a.serviceArn)), live(serviceTasks(r.rs, a.serviceArn)));
    assert.deepEqual(live(index.of(a.serviceArn)), [created[0]!.taskArn]);
    assert.deepEqual(arns(index.of(a.serviceArn).filter((t) => t.lastStatus !== 'STOPPED')), arns(serviceTasks(r.rs, a.serviceArn, { activeOnly: true })));
  });

  it('stays consistent when the scheduler adds the tasks it creates during the tick', async () => {
    const r = await region();
    const [a, b] = r.services as [(typeof r.services)[0], (typeof r.services)[0]];
    createTasksForDeployment(r.rs, a.serviceArn, a.deploymentId, 1);
    createTasksForDeployment(r.rs, b.serviceArn, b.deploymentId, 1);
    const index = new ServiceTaskIndex(r.tasks());
    for (const task of createTasksForDeployment(r.rs, b.serviceArn, b.deploymentId, 2)) index.add(task);
    for (const task of createTasksForDeployment(r.rs, a.serviceArn, a.deploymentId, 1)) index.add(task);
    index.add(r.standalone()); // ignored: no service
    assertMatches(index, r.rs, [a.serviceArn, b.serviceArn]);
    assert.equal(index.of(b.serviceArn).length, 3);
  });

  it('a fresh index (the next tick’s) drops tasks that left the state, as after a reset or a restored state file', async () => {
    const r = await region();
    const [a] = r.services as [(typeof r.services)[0]];
    const created = createTasksForDeployment(r.rs, a.serviceArn, a.deploymentId, 3);
    const before = new ServiceTaskIndex(r.tasks());
    const snapshot = structuredClone(r.cloud.snapshot());
    delete ecsState(snapshot['123456789012']![REGION]!).tasks[created[1]!.taskArn];
    r.cloud.restore(snapshot);
    const rs = r.cloud.region(REGION);
    const after = new ServiceTaskIndex(Object.values(ecsState(rs).tasks));
    assertMatches(after, rs, [a.serviceArn]);
    assert.deepEqual(arns(after.of(a.serviceArn)), [created[0]!.taskArn, created[2]!.taskArn]);
    assert.equal(before.of(a.serviceArn).length, 3, 'an index is a snapshot of one tick: it is rebuilt, never reused');
  });
});
