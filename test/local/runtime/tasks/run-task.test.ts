import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import type { TestCloud } from '../../helpers.js';
import { defaultSubnet, describeTask, processAlive, startRuntimeCloud, waitFor } from './helpers.js';

const CLUSTER = 'runtime-tasks';

describe('standalone tasks run as local processes', () => {
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

  async function register(family: string, container: Partial<ContainerDefinition>, networkMode: 'awsvpc' | 'bridge' = 'awsvpc') {
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode,
        requiresCompatibilities: networkMode === 'awsvpc' ? ['FARGATE'] : ['EC2'],
        executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'test/echo:latest', essential: true, portMappings: [{ containerPort: 8080 }], ...container } as ContainerDefinition],
      }),
    );
  }

  async function runFargate(family: string) {
    const out = await t.clients.ecs.send(
      new RunTaskCommand({ cluster: CLUSTER, taskDefinition: family, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }),
    );
    const arn = out.tasks?.[0]?.taskArn;
    assert.ok(arn, JSON.stringify(out.failures));
    return arn;
  }

  test('RunTask reaches RUNNING with an ENI address, serves HTTP there with exactly the ECS environment, and StopTask ends it with SIGTERM', async () => {
    await register('echo', {
      environment: [{ name: 'GREETING', value: 'hello' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/echo', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs', 'awslogs-create-group': 'true' } },
    });
    const arn = await runFargate('echo');
    const running = await waitFor('RUNNING', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, arn);
      return task.lastStatus === 'RUNNING' ? task : undefined;
    });
    const details = Object.fromEntries((running.attachments?.[0]?.details ?? []).map((d) => [d.name, d.value]));
    assert.equal(running.attachments?.[0]?.status, 'ATTACHED');
    assert.match(details.privateIPv4Address ?? '', /^127\.10\.\d+\.\d+$/);
    assert.match(details.networkInterfaceId ?? '', /^eni-[0-9a-f]{17}$/);
    assert.match(details.macAddress ?? '', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.equal(details.subnetId, subnet);
    assert.equal(running.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address, details.privateIPv4Address);
    assert.ok(running.startedAt && running.pullStartedAt && running.connectivityAt);

    const body = await waitFor('HTTP answer', async () => {
      const res = await fetch(`http://${details.privateIPv4Address}:8080/`);
      return (await res.json()) as { env: Record<string, string>; pid: number };
    });
    assert.deepEqual(Object.keys(body.env).sort(), ['AWS_DEFAULT_REGION', 'AWS_EXECUTION_ENV', 'AWS_REGION', 'ECS_CONTAINER_METADATA_URI_V4', 'GREETING', 'HOST', 'PORT']);
    assert.equal(body.env.HOST, details.privateIPv4Address);
    assert.equal(body.env.PORT, '8080');
    assert.equal(body.env.AWS_REGION, 'us-east-1');
    const metadata = (await (await fetch(`${body.env.ECS_CONTAINER_METADATA_URI_V4}/task`)).json()) as { TaskARN: string };
    assert.equal(metadata.TaskARN, arn);

    await t.clients.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn, reason: 'done with it' }));
    const stopped = await waitFor('STOPPED', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, arn);
      return task.lastStatus === 'STOPPED' ? task : undefined;
    });
    assert.equal(stopped.stoppedReason, 'done with it');
    assert.equal(stopped.stopCode, 'UserInitiated');
    assert.equal(stopped.containers?.[0]?.exitCode, 0);
    assert.equal(stopped.attachments?.[0]?.status, 'DELETED');
    assert.equal(processAlive(body.pid), false);

    const taskId = arn.split('/').at(-1);
    const stream = `ecs/app/${taskId}`;
    const events = await waitFor('log events', async () => {
      const out = await t.clients.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/echo', logStreamName: stream, startFromHead: true }));
      const messages = (out.events ?? []).map((e) => e.message);
      return messages.includes('got SIGTERM') ? messages : undefined;
    });
    assert.ok(events.some((m) => m?.startsWith('echo listening on 127.10.')));
    assert.ok(events.includes('a line on stderr'));
    const filtered = await t.clients.logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/echo', filterPattern: 'SIGTERM' }));
    assert.deepEqual(filtered.events?.map((e) => [e.logStreamName, e.message]), [[stream, 'got SIGTERM']]);
  });

  test('an unknown image stops the task with CannotPullContainerError and TaskFailedToStart', async () => {
    await register('nopull', { image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/does-not/exist:v9' });
    const arn = await runFargate('nopull');
    const task = await waitFor('STOPPED', async () => {
      const x = await describeTask(t.clients.ecs, CLUSTER, arn);
      return x.lastStatus === 'STOPPED' ? x : undefined;
    });
    assert.equal(task.stopCode, 'TaskFailedToStart');
    assert.match(task.stoppedReason ?? '', /^CannotPullContainerError: .*does-not\/exist:v9: not found$/);
    assert.match(task.containers?.[0]?.reason ?? '', /^CannotPullContainerError/);
  });

  test('a missing awslogs group without awslogs-create-group fails the task as ECS does', async () => {
    await register('nolog', { logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/missing', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs' } } });
    const arn = await runFargate('nolog');
    const task = await waitFor('STOPPED', async () => {
      const x = await describeTask(t.clients.ecs, CLUSTER, arn);
      return x.lastStatus === 'STOPPED' ? x : undefined;
    });
    assert.equal(task.stopCode, 'TaskFailedToStart');
    assert.match(task.stoppedReason ?? '', /^ResourceInitializationError: failed to validate logger args: .*The specified log group does not exist/);
  });

  test('an EC2 bridge task is placed on a container instance and listens on a dynamic host port', async () => {
    await register('bridge', { portMappings: [{ containerPort: 8080, hostPort: 0 }], memory: 256 }, 'bridge');
    const out = await t.clients.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'bridge', launchType: 'EC2' }));
    const arn = out.tasks?.[0]?.taskArn;
    assert.ok(arn, JSON.stringify(out.failures));
    const task = await waitFor('RUNNING', async () => {
      const x = await describeTask(t.clients.ecs, CLUSTER, arn);
      return x.lastStatus === 'RUNNING' ? x : undefined;
    });
    assert.match(task.containerInstanceArn ?? '', /:container-instance\/runtime-tasks\/[0-9a-f]{32}$/);
    const binding = task.containers?.[0]?.networkBindings?.[0];
    assert.equal(binding?.containerPort, 8080);
    assert.ok(binding?.hostPort && binding.hostPort !== 8080, `dynamic host port, got ${binding?.hostPort}`);
    const body = await waitFor('HTTP answer', async () => (await (await fetch(`http://127.0.0.1:${binding.hostPort}/`)).json()) as { env: Record<string, string> });
    assert.equal(body.env.PORT, String(binding.hostPort));

    // The essential container exits on its own: the task stops with its exit code.
    await fetch(`http://127.0.0.1:${binding.hostPort}/exit`);
    const stopped = await waitFor('STOPPED', async () => {
      const x = await describeTask(t.clients.ecs, CLUSTER, arn);
      return x.lastStatus === 'STOPPED' ? x : undefined;
    });
    assert.equal(stopped.stoppedReason, 'Essential container in task exited');
    assert.equal(stopped.stopCode, 'EssentialContainerExited');
    assert.equal(stopped.containers?.[0]?.exitCode, 3);
  });
});
