import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachRuntime } from '../../../../src/local/services/ecs/runtime-attachment.js';
import {
  addServiceEvent,
  completeDeployment,
  createTasksForDeployment,
  ecsState,
  failDeployment,
  findCluster,
  findService,
  findTask,
  findTaskDefinition,
  pruneStoppedTasks,
  recordFailedTasks,
  STOPPED_TASK_RETENTION_MS,
  serviceEventMessage,
  setRolloutState,
  updateTask,
} from '../../../../src/local/services/ecs/state.js';
import { CLUSTER, invsysTaskDefinition, labRegion, REGION } from './fixtures.js';

async function serviceWithRuntime(deploymentConfiguration?: unknown) {
  const r = await labRegion();
  // a runtime is attached: stop requests wait for it
  attachRuntime(r.cloud.events);
  await r.ecs('RegisterTaskDefinition', invsysTaskDefinition());
  await r.ecs('RegisterTaskDefinition', invsysTaskDefinition({}, 'repo:v2'));
  const { service } = await r.ecs('CreateService', {
    cluster: CLUSTER,
    serviceName: 'invsys-service',
    taskDefinition: 'flask-inventory-invsys:1',
    desiredCount: 2,
    networkConfiguration: { awsvpcConfiguration: { subnets: r.subnets } },
    serviceRegistries: [{ registryArn: r.invsysDiscoveryArn }],
    deploymentConfiguration,
  });
  const rs = r.cloud.region(REGION);
  return { ...r, rs, serviceArn: service.serviceArn as string, deploymentId: service.deployments[0].id as string };
}

const describeService = async (r: { ecs: (op: string, i?: unknown) => Promise<any> }) =>
  (await r.ecs('DescribeServices', { cluster: CLUSTER, services: ['invsys-service'] })).services[0];

describe('ECS runtime accessors', () => {
  it('finds clusters, services, tasks and task definitions by name, id or ARN', async () => {
    const r = await serviceWithRuntime();
    const [task] = createTasksForDeployment(r.rs, r.serviceArn, r.deploymentId, 1);
    assert.equal(findCluster(r.rs, CLUSTER)?.clusterArn, r.clusterArn);
    assert.equal(findService(r.rs, r.clusterArn, 'invsys-service')?.serviceArn, r.serviceArn);
    assert.equal(findService(r.rs, r.clusterArn, r.serviceArn)?.serviceName, 'invsys-service');
    assert.equal(findTask(r.rs, task!.taskArn.split('/').pop()!)?.taskArn, task!.taskArn);
    assert.equal(findTaskDefinition(r.rs, 'flask-inventory-invsys')?.revision, 2);
    assert.equal(findTaskDefinition(r.rs, 'flask-inventory-invsys:1')?.revision, 1);
  });

  it('creates service tasks started by the deployment in group service:<name> and counts them as pending, then running', async () => {
    const r = await serviceWithRuntime();
    const tasks = createTasksForDeployment(r.rs, r.serviceArn, r.deploymentId, 2, { now: 1_000 });
    assert.equal(tasks[0]!.startedBy, r.deploymentId);
    assert.equal(tasks[0]!.group, 'service:invsys-service');
    let svc = await describeService(r);
    assert.equal(svc.pendingCount, 2);
    assert.equal(svc.deployments[0].pendingCount, 2);
    const listed = await r.ecs('ListTasks', { cluster: CLUSTER, serviceName: 'invsys-service' });
    assert.equal(listed.taskArns.length, 2);
    for (const t of tasks) {
      updateTask(r.rs, t.taskArn, {
        lastStatus: 'RUNNING',
        healthStatus: 'HEALTHY',
        eni: { privateIPv4Address: '127.0.10.2', networkInterfaceId: 'eni-1' },
        containers: [{ name: 'invsys', healthStatus: 'HEALTHY', privateIpv4Address: '127.0.10.2', networkBindings: [] }],
      });
    }
    svc = await describeService(r);
    assert.equal(svc.runningCount, 2);
    assert.equal(svc.pendingCount, 0);
    const described = (await r.ecs('DescribeTasks', { cluster: CLUSTER, tasks: [tasks[0]!.taskArn] })).tasks[0];
    assert.equal(described.lastStatus, 'RUNNING');
    assert.equal(described.healthStatus, 'HEALTHY');
    assert.ok(described.startedAt instanceof Date);
    assert.equal(described.attachments[0].status, 'ATTACHED');
    assert.ok(described.attachments[0].details.some((d: any) => d.name === 'privateIPv4Address' && d.value === '127.0.10.2'));
    assert.equal(described.containers[0].networkInterfaces[0].privateIpv4Address, '127.0.10.2');
    const cluster = (await r.ecs('DescribeClusters', { clusters: [CLUSTER] })).clusters[0];
    assert.equal(cluster.runningTasksCount, 2);
    assert.equal(cluster.activeServicesCount, 1);
  });

  it('records a stopped task with its exit code, stop code and reason', async () => {
    const r = await serviceWithRuntime();
    const [task] = createTasksForDeployment(r.rs, r.serviceArn, r.deploymentId, 1);
    updateTask(r.rs, task!.taskArn, {
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'invsys', exitCode: 1, reason: 'exit 1' }],
    });
    recordFailedTasks(r.rs, r.serviceArn, r.deploymentId, 1);
    const t = (await r.ecs('DescribeTasks', { cluster: CLUSTER, tasks: [task!.taskArn] })).tasks[0];
    assert.equal(t.lastStatus, 'STOPPED');
    assert.equal(t.desiredStatus, 'STOPPED');
    assert.equal(t.stopCode, 'EssentialContainerExited');
    assert.equal(t.containers[0].exitCode, 1);
    assert.equal(t.containers[0].lastStatus, 'STOPPED');
    assert.equal((await describeService(r)).deployments[0].failedTasks, 1);
  });

  it('forgets tasks stopped more than an hour ago (DescribeTasks: MISSING), keeps newer and live ones', async () => {
    const r = await serviceWithRuntime();
    const [old, recent, live] = createTasksForDeployment(r.rs, r.serviceArn, r.deploymentId, 3, { now: 1_000 });
    updateTask(r.rs, old!.taskArn, { lastStatus: 'STOPPED', stoppedReason: 'old' }, { now: 10_000 });
    updateTask(r.rs, recent!.taskArn, { lastStatus: 'STOPPED', stoppedReason: 'recent' }, { now: 10_000 + 30 * 60_000 });
    await r.ecs('TagResource', { resourceArn: old!.taskArn, tags: [{ key: 'k', value: 'v' }] });
    const now = 10_000 + STOPPED_TASK_RETENTION_MS + 1;
    assert.deepEqual(pruneStoppedTasks(r.rs, now), [old!.taskArn]);
    assert.deepEqual(pruneStoppedTasks(r.rs, now), [], 'pruning twice removes nothing more');
    const described = await r.ecs('DescribeTasks', { cluster: CLUSTER, tasks: [old!.taskArn, recent!.taskArn, live!.taskArn] });
    assert.deepEqual(described.tasks.map((t: { taskArn: string }) => t.taskArn).sort(), [recent!.taskArn, live!.taskArn].sort());
    assert.deepEqual(described.failures, [{ arn: old!.taskArn, reason: 'MISSING' }]);
    assert.equal(ecsState(r.rs).tags[old!.taskArn], undefined, 'its tags go with it');
    const stopped = await r.ecs('ListTasks', { cluster: CLUSTER, desiredStatus: 'STOPPED' });
    assert.deepEqual(stopped.taskArns, [recent!.taskArn]);
  });

  it('keeps service events newest first and at most 100', async () => {
    const r = await serviceWithRuntime();
    for (let i = 0; i < 105; i++) addServiceEvent(r.rs, r.serviceArn, `event ${i}`, { now: 1_000 + i });
    addServiceEvent(r.rs, r.serviceArn, serviceEventMessage.steadyState('invsys-service'), { now: 5_000 });
    const svc = await describeService(r);
    assert.equal(svc.events.length, 100);
    assert.equal(svc.events[0].message, '(service invsys-service) has reached a steady state.');
    assert.equal(svc.events[1].message, 'event 104');
  });

  it('completes a rolling deployment: rollout COMPLETED, old deployment gone, service deployment SUCCESSFUL', async () => {
    const r = await serviceWithRuntime();
    completeDeployment(r.rs, r.serviceArn, r.deploymentId);
    const { service } = await r.ecs('UpdateService', { cluster: CLUSTER, service: 'invsys-service', taskDefinition: 'flask-inventory-invsys:2' });
    const newId = service.deployments[0].id;
    setRolloutState(r.rs, r.serviceArn, newId, 'IN_PROGRESS', 'ECS deployment in progress: 1/2 tasks.');
    completeDeployment(r.rs, r.serviceArn, newId);
    const svc = await describeService(r);
    assert.deepEqual(svc.deployments.map((d: any) => [d.id, d.status, d.rolloutState]), [[newId, 'PRIMARY', 'COMPLETED']]);
    assert.equal(svc.deployments[0].rolloutStateReason, `ECS deployment ${newId} completed.`);
    assert.match(svc.events[0].message, /deployment completed/);
    const list = await r.ecs('ListServiceDeployments', { cluster: CLUSTER, service: 'invsys-service' });
    assert.deepEqual(list.serviceDeployments.map((d: any) => d.status), ['SUCCESSFUL', 'SUCCESSFUL']);
    assert.ok(list.serviceDeployments[0].finishedAt instanceof Date);
  });

  it('fails a deployment with circuit-breaker rollback to the last completed revision', async () => {
    const r = await serviceWithRuntime({ deploymentCircuitBreaker: { enable: true, rollback: true } });
    completeDeployment(r.rs, r.serviceArn, r.deploymentId);
    const { service } = await r.ecs('UpdateService', { cluster: CLUSTER, service: 'invsys-service', taskDefinition: 'flask-inventory-invsys:2' });
    const badId = service.deployments[0].id;
    recordFailedTasks(r.rs, r.serviceArn, badId, 3);
    const { rollback } = failDeployment(r.rs, r.serviceArn, badId, 'tasks failed to start', { rollback: true });
    assert.ok(rollback);
    const svc = await describeService(r);
    assert.equal(svc.deployments[0].id, rollback.id);
    assert.equal(svc.deployments[0].status, 'PRIMARY');
    assert.ok(svc.deployments[0].taskDefinition.endsWith('flask-inventory-invsys:1'));
    assert.ok(svc.taskDefinition.endsWith('flask-inventory-invsys:1'));
    const failed = svc.deployments.find((d: any) => d.id === badId);
    assert.equal(failed.rolloutState, 'FAILED');
    assert.equal(failed.rolloutStateReason, 'tasks failed to start');
    const list = await r.ecs('ListServiceDeployments', { cluster: CLUSTER, service: 'invsys-service', status: ['ROLLBACK_IN_PROGRESS'] });
    assert.equal(list.serviceDeployments.length, 1);
    const sd = (await r.ecs('DescribeServiceDeployments', { serviceDeploymentArns: [list.serviceDeployments[0].serviceDeploymentArn] })).serviceDeployments[0];
    assert.equal(sd.deploymentCircuitBreaker.status, 'TRIGGERED');
    assert.equal(sd.deploymentCircuitBreaker.failureCount, 3);
    assert.equal(sd.rollback.reason, 'tasks failed to start');
    completeDeployment(r.rs, r.serviceArn, rollback.id);
    const after = await r.ecs('DescribeServiceDeployments', { serviceDeploymentArns: [sd.serviceDeploymentArn] });
    assert.equal(after.serviceDeployments[0].status, 'ROLLBACK_SUCCESSFUL');
  });

  it('keeps a deleted service DRAINING until the runtime stops its last task, then INACTIVE', async () => {
    const r = await serviceWithRuntime();
    const tasks = createTasksForDeployment(r.rs, r.serviceArn, r.deploymentId, 2);
    await r.ecs('UpdateService', { cluster: CLUSTER, service: 'invsys-service', desiredCount: 0 });
    await r.ecs('DeleteService', { cluster: CLUSTER, service: 'invsys-service' });
    assert.equal((await describeService(r)).status, 'DRAINING');
    assert.ok(tasks.every((t) => ecsState(r.rs).tasks[t.taskArn]!.desiredStatus === 'STOPPED'));
    updateTask(r.rs, tasks[0]!.taskArn, { lastStatus: 'STOPPED' });
    assert.equal((await describeService(r)).status, 'DRAINING');
    updateTask(r.rs, tasks[1]!.taskArn, { lastStatus: 'STOPPED' });
    assert.equal((await describeService(r)).status, 'INACTIVE');
    assert.equal((await r.ecs('DeleteCluster', { cluster: CLUSTER })).cluster.status, 'INACTIVE');
  });

  it('keeps the ECS slice plain JSON (it survives a JSON round trip unchanged)', async () => {
    const r = await serviceWithRuntime();
    createTasksForDeployment(r.rs, r.serviceArn, r.deploymentId, 1);
    const slice = ecsState(r.rs);
    assert.deepEqual(JSON.parse(JSON.stringify(slice)), slice);
  });
});
