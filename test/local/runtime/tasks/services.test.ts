import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import type { TestCloud } from '../../helpers.js';
import { defaultSubnet, describeTask, startRuntimeCloud, waitFor } from './helpers.js';

const CLUSTER = 'svc-cluster';
const EXEC_ROLE = 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole';

describe('the service scheduler', () => {
  let t: TestCloud;
  let subnet: string;

  before(async () => {
    t = await startRuntimeCloud();
    subnet = await defaultSubnet(t);
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  });
  after(async () => {
    await t?.stop();
  });

  async function register(family: string, image: string) {
    const out = await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn: EXEC_ROLE,
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image, essential: true, portMappings: [{ containerPort: 8080 }] }],
      }),
    );
    return out.taskDefinition!.taskDefinitionArn!;
  }

  async function service(name: string): Promise<Service> {
    const out = await t.clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: [name] }));
    return out.services![0]!;
  }

  const steadyEvents = (s: Service) => (s.events ?? []).filter((e) => e.message === `(service ${s.serviceName}) has reached a steady state.`).length;

  async function waitSteady(name: string, running: number, minSteadyEvents: number) {
    return waitFor(`${name}: ${running} running and steady`, async () => {
      const s = await service(name);
      return s.runningCount === running && s.pendingCount === 0 && s.deployments?.length === 1 && steadyEvents(s) >= minSteadyEvents ? s : undefined;
    });
  }

  test('keeps desired tasks running, scales 2 → 4 → 2 with ECS events, and replaces a SIGKILLed task', async () => {
    await register('web', 'test/echo');
    await t.clients.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
      }),
    );
    let s = await waitSteady('web', 2, 1);
    assert.equal(s.deployments?.[0]?.rolloutState, 'COMPLETED');
    const messages = () => (s.events ?? []).map((e) => e.message ?? '');
    assert.ok(messages().some((m) => /^\(service web\) has started 2 tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/.test(m)), messages().join('\n'));
    assert.ok(messages().some((m) => /^\(service web\) \(deployment ecs-svc\/\d+\) deployment completed\.$/.test(m)));

    await t.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', desiredCount: 4 }));
    s = await waitSteady('web', 4, 2);
    await t.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'web', desiredCount: 2 }));
    s = await waitSteady('web', 2, 3);
    assert.ok(messages().some((m) => /^\(service web\) has stopped 2 running tasks: \(task [0-9a-f]{32}\) \(task [0-9a-f]{32}\)\.$/.test(m)), messages().join('\n'));

    // SIGKILL one task's process: the task stops with 137, a replacement starts, steady again.
    const listed = await t.clients.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }));
    const victim = listed.taskArns![0]!;
    const live = t.cloud.runtime!.context.tasks.get(victim);
    const pid = live?.containers[0]?.process.pid;
    assert.ok(pid, 'the task has a process');
    process.kill(pid, 'SIGKILL');
    const stopped = await waitFor('the killed task STOPPED', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, victim);
      return task.lastStatus === 'STOPPED' ? task : undefined;
    });
    assert.equal(stopped.containers?.[0]?.exitCode, 137);
    assert.equal(stopped.stoppedReason, 'Essential container in task exited');
    s = await waitSteady('web', 2, 4);
    const after = await t.clients.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }));
    assert.equal(after.taskArns?.length, 2);
    assert.ok(!after.taskArns?.includes(victim));
    assert.ok(messages().some((m) => /^\(service web\) has started 1 tasks: \(task [0-9a-f]{32}\)\.$/.test(m)));
  });

  test('a deployment of a crashing image trips the circuit breaker and rolls back to the last completed revision', async () => {
    const good = await register('roll', 'test/echo');
    await t.clients.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'roll',
        taskDefinition: good,
        desiredCount: 2,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, minimumHealthyPercent: 100, maximumPercent: 200 },
      }),
    );
    await waitSteady('roll', 2, 1);
    const bad = await register('roll', 'ecskit/crash');
    const update = await t.clients.ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: 'roll', taskDefinition: bad }));
    const failedId = update.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
    assert.ok(failedId);
    const failed = await waitFor('the new deployment FAILED', async () => {
      const d = (await service('roll')).deployments?.find((x) => x.id === failedId);
      return d?.rolloutState === 'FAILED' ? d : undefined;
    });
    assert.equal(failed.rolloutStateReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.ok((failed.failedTasks ?? 0) >= 3, `failedTasks ${failed.failedTasks}`);
    const s = await waitFor(
      'rollback completed',
      async () => {
        const x = await service('roll');
        const primary = x.deployments?.find((d) => d.status === 'PRIMARY');
        return x.deployments?.length === 1 && primary?.id !== failedId && primary?.rolloutState === 'COMPLETED' && x.runningCount === 2 ? x : undefined;
      },
      30_000,
    );
    assert.equal(s.taskDefinition, good);
    const messages = (s.events ?? []).map((e) => e.message ?? '');
    assert.ok(
      messages.includes(`(service roll) (deployment ${failedId}) deployment failed: ECS deployment circuit breaker: tasks failed to start.`),
      messages.join('\n'),
    );
    const arns = (await t.clients.ecs.send(new ListServiceDeploymentsCommand({ cluster: CLUSTER, service: 'roll' }))).serviceDeployments?.map((d) => d.serviceDeploymentArn!);
    const described = await t.clients.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }));
    const rolledBack = described.serviceDeployments?.find((d) => d.status === 'ROLLBACK_SUCCESSFUL');
    assert.equal(rolledBack?.statusReason, 'ECS deployment circuit breaker: tasks failed to start.');
    assert.equal(rolledBack?.deploymentCircuitBreaker?.status, 'TRIGGERED');
    // The old tasks were never replaced: minimum healthy 100% kept them running.
    const tasks = await t.clients.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'roll' }));
    for (const arn of tasks.taskArns ?? []) assert.equal((await describeTask(t.clients.ecs, CLUSTER, arn)).taskDefinitionArn, good);
  });
});

describe('placement on virtual container instances', () => {
  let t: TestCloud;
  before(async () => {
    t = await startRuntimeCloud({ runtime: { containerInstances: { count: 1, cpu: 1024, memory: 256 } } });
  });
  after(async () => {
    await t?.stop();
  });

  test('a task that needs more memory than any instance has leaves ECS’s "unable to place" event', async () => {
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'tiny' }));
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'big',
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
        containerDefinitions: [{ name: 'app', image: 'test/echo', memory: 512, essential: true }],
      }),
    );
    await t.clients.ecs.send(new CreateServiceCommand({ cluster: 'tiny', serviceName: 'big', taskDefinition: 'big', desiredCount: 1, launchType: 'EC2' }));
    const s = await waitFor('placement event', async () => {
      const out = await t.clients.ecs.send(new DescribeServicesCommand({ cluster: 'tiny', services: ['big'] }));
      const svc = out.services![0]!;
      return svc.events?.some((e) => e.message?.includes('unable to place')) ? svc : undefined;
    });
    const event = s.events!.find((e) => e.message?.includes('unable to place'))!.message!;
    assert.match(
      event,
      /^\(service big\) was unable to place a task because no container instance met all of its requirements\. The closest matching \(container-instance [0-9a-f]{32}\) has insufficient memory available\. For more information, see the Troubleshooting section\.$/,
    );
    assert.equal(s.runningCount, 0);
    // As on ECS, a task that cannot be placed is not created: nothing waits in PROVISIONING.
    assert.equal(s.pendingCount, 0);
    const tasks = await t.clients.ecs.send(new ListTasksCommand({ cluster: 'tiny', serviceName: 'big' }));
    assert.deepEqual(tasks.taskArns, []);
  });
});
