import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import { CreatePrivateDnsNamespaceCommand, CreateServiceCommand, GetOperationCommand, RegisterInstanceCommand } from '@aws-sdk/client-servicediscovery';
import type { ContainerEngine } from '../../../../src/containers/index.js';
import type { ContainerDriver } from '../../../../src/local/runtime/drivers/container-driver.js';
import type { TestCloud } from '../../helpers.js';
import { defaultSubnet, describeTask, startRuntimeCloud, waitFor } from '../tasks/helpers.js';
import { containersOf, prepareContainerTests, TEST_IMAGE } from './helpers.js';

const CLUSTER = 'containers';
/** Set in this process only: must never show up inside a container. */
const HOST_SENTINEL = 'ECSKIT_DRIVER_TEST_HOST_ONLY';
const prepared = await prepareContainerTests().catch((error: Error) => `the test image did not build: ${error.message}`);
const skip = typeof prepared === 'string' ? prepared : false;

/** A `CMD` health check done with node (the offline base image has no shell and no curl). */
const NODE_HEALTH = ['CMD', 'node', '-e', "fetch('http://localhost:8080/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"];

describe('the container driver runs each container definition as a container', { skip }, () => {
  let t: TestCloud;
  let subnet: string;
  let engine: ContainerEngine;

  before(async () => {
    process.env[HOST_SENTINEL] = 'leaked';
    engine = prepared as ContainerEngine;
    t = await startRuntimeCloud({ timeScale: 0.05, runtime: { driver: 'container' } });
    subnet = await defaultSubnet(t);
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  });
  after(async () => {
    delete process.env[HOST_SENTINEL];
    const cloudId = t ? (t.cloud.runtime!.context.driver as ContainerDriver).cloudId : undefined;
    await t?.stop();
    if (cloudId) assert.deepEqual(await containersOf(engine, cloudId), [], 'no container outlives its local cloud');
  });

  async function register(family: string, container: Partial<ContainerDefinition>) {
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: 'awsvpc',
        executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: TEST_IMAGE, essential: true, portMappings: [{ containerPort: 8080 }], ...container } as ContainerDefinition],
      }),
    );
  }

  async function run(family: string): Promise<string> {
    const out = await t.clients.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: family, launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }));
    const arn = out.tasks?.[0]?.taskArn;
    assert.ok(arn, JSON.stringify(out.failures));
    return arn;
  }

  const stopped = (arn: string) =>
    waitFor('STOPPED', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, arn);
      return task.lastStatus === 'STOPPED' ? task : undefined;
    }, 60_000);

  async function logLines(stream: string): Promise<string[]> {
    const out = await t.clients.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/containers', logStreamName: stream, startFromHead: true }));
    return (out.events ?? []).map((e) => e.message ?? '');
  }

  test('a task runs as a labelled container on its own 127.x address, with only the ECS environment, its logs in CloudWatch Logs, its health check run inside, the metadata endpoint reachable, and StopTask sends SIGTERM', async () => {
    await register('echo', {
      environment: [{ name: 'GREETING', value: 'hello' }],
      healthCheck: { command: NODE_HEALTH, interval: 5, timeout: 5, retries: 3, startPeriod: 0 },
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/containers', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs', 'awslogs-create-group': 'true' } },
    });
    const arn = await run('echo');
    const healthy = await waitFor('HEALTHY', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, arn);
      assert.notEqual(task.lastStatus, 'STOPPED', task.stoppedReason);
      return task.containers?.[0]?.healthStatus === 'HEALTHY' ? task : undefined;
    }, 60_000);
    const address = healthy.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address ?? '';
    assert.match(address, /^127\.10\.\d+\.\d+$/);
    assert.equal(healthy.healthStatus, 'HEALTHY');

    const env = (await (await fetch(`http://${address}:8080/env`)).json()) as Record<string, string>;
    assert.equal(env.GREETING, 'hello');
    assert.equal(env.HOST, address);
    assert.equal(env.PORT, '8080');
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_ECS_FARGATE');
    // HOME is the image's own (podman/docker set it from the image's user), so a sentinel stands for the host's environment.
    assert.equal(env[HOST_SENTINEL], undefined, "the host's environment must not reach the container");
    for (const name of Object.keys(process.env).filter((n) => /^(AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_PROFILE|npm_|TEST_)/.test(n))) {
      assert.equal(env[name], undefined, `the host's ${name} must not reach the container`);
    }
    const metadata = (await (await fetch(`http://${address}:8080/metadata`)).json()) as { container: { Name: string }; task: { TaskARN: string } };
    assert.equal(metadata.container.Name, 'app');
    assert.equal(metadata.task.TaskARN, arn);

    const cloudId = (t.cloud.runtime!.context.driver as ContainerDriver).cloudId;
    assert.equal((await containersOf(engine, cloudId)).length, 1, 'one container, labelled with the cloud id');

    const stream = `ecs/app/${arn.split('/').at(-1)}`;
    await waitFor('the startup lines in CloudWatch Logs', async () => {
      const lines = await logLines(stream);
      return lines.includes(`listening on ${address}:8080`) && lines.includes('a line on stderr');
    });
    await t.clients.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn, reason: 'test is done' }));
    const done = await stopped(arn);
    assert.equal(done.stoppedReason, 'test is done');
    assert.equal(done.containers?.[0]?.exitCode, 0, 'the app exits 0 on SIGTERM');
    await waitFor('"got SIGTERM" in the logs', async () => (await logLines(stream)).includes('got SIGTERM'));
  });

  test('a container that ignores SIGTERM is killed after its stopTimeout (exit 137, SIGTERM seen first)', async () => {
    await register('stubborn', {
      environment: [{ name: 'IGNORE_TERM', value: '1' }],
      stopTimeout: 20, // 1 s at time scale 0.05
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/containers', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs', 'awslogs-create-group': 'true' } },
    });
    const arn = await run('stubborn');
    const running = await waitFor('RUNNING', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, arn);
      return task.lastStatus === 'RUNNING' ? task : undefined;
    }, 60_000);
    const address = running.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address ?? '';
    await waitFor('the app answering', async () => (await fetch(`http://${address}:8080/`)).ok);
    const t0 = Date.now();
    await t.clients.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn }));
    const done = await stopped(arn);
    assert.equal(done.containers?.[0]?.exitCode, 137);
    assert.ok(Date.now() - t0 >= 900, `killed only after the stop timeout (${Date.now() - t0} ms)`);
    assert.ok((await logLines(`ecs/app/${arn.split('/').at(-1)}`)).includes('got SIGTERM'), 'SIGTERM came first');
  });

  test('Cloud Map names resolve inside the container through the local DNS server', async () => {
    const sd = t.clients.serviceDiscovery;
    const op = await sd.send(new CreatePrivateDnsNamespaceCommand({ Name: 'driver.local', Vpc: 'vpc-0123456789abcdef0' }));
    const namespaceId = await waitFor('the namespace', async () => {
      const { Operation } = await sd.send(new GetOperationCommand({ OperationId: op.OperationId! }));
      return Operation?.Status === 'SUCCESS' ? Operation.Targets?.NAMESPACE : undefined;
    });
    const service = await sd.send(new CreateServiceCommand({ Name: 'backend', NamespaceId: namespaceId, DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 10 }] } }));
    await sd.send(new RegisterInstanceCommand({ ServiceId: service.Service!.Id!, InstanceId: 'i-1', Attributes: { AWS_INSTANCE_IPV4: '127.0.0.77' } }));
    await register('resolver', {});
    const arn = await run('resolver');
    const running = await waitFor('RUNNING', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, arn);
      return task.lastStatus === 'RUNNING' ? task : undefined;
    }, 60_000);
    const address = running.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address ?? '';
    const answer = await waitFor('an answer', async () => {
      const response = await fetch(`http://${address}:8080/resolve?name=backend.driver.local`);
      return response.ok ? ((await response.json()) as Array<{ address: string }>) : undefined;
    });
    assert.deepEqual(answer.map((a) => a.address), ['127.0.0.77']);
    await t.clients.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn }));
    await stopped(arn);
  });

  test('an image no registry or store has stops the task with CannotPullContainerError', async () => {
    await register('missing', { image: 'localhost/ecskit-test/no-such-image:9' });
    const done = await stopped(await run('missing'));
    assert.equal(done.stopCode, 'TaskFailedToStart');
    assert.match(done.stoppedReason ?? '', /^CannotPullContainerError: pull image manifest has been retried 1 time\(s\): failed to resolve ref localhost\/ecskit-test\/no-such-image:9: not found$/);
  });

  test('a command the image does not have stops the task with CannotStartContainerError, and leaves no container', async () => {
    await register('no-command', { entryPoint: ['/no/such/program'] });
    const done = await stopped(await run('no-command'));
    assert.equal(done.stopCode, 'TaskFailedToStart');
    assert.match(done.stoppedReason ?? '', /^CannotStartContainerError: .*\/no\/such\/program/);
    const cloudId = (t.cloud.runtime!.context.driver as ContainerDriver).cloudId;
    assert.deepEqual(await containersOf(engine, cloudId), []);
  });
});
