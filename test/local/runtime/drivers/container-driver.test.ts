import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateClusterCommand, CreateServiceCommand as CreateEcsServiceCommand, DeleteServiceCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import { CreatePrivateDnsNamespaceCommand, CreateServiceCommand, GetOperationCommand, RegisterInstanceCommand } from '@aws-sdk/client-servicediscovery';
import { ECRClient } from '@aws-sdk/client-ecr';
import { pushImage, type ContainerEngine } from '../../../../src/containers/index.js';
import type { ContainerDriver } from '../../../../src/local/runtime/drivers/container-driver.js';
import type { TestCloud } from '../../helpers.js';
import { defaultSubnet, describeTask, startRuntimeCloud, waitFor } from '../tasks/helpers.js';
import { containersOf, prepareContainerTests, TEST_IMAGE } from './helpers.js';

const CLUSTER = 'containers';
/** Set in this process only: must never show up inside a container. */
const HOST_SENTINEL = 'ECSKIT_DRIVER_TEST_HOST_ONLY';
const prepared = await prepareContainerTests().catch((error: Error) => `the test image did not build: ${error.message}`);
const skip = typeof prepared === 'string' ? prepared : false;

/** A `CMD` health check done with node (exec form: no shell needed). */
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
    if (cloudId) assert.deepEqual(await volumesOf(engine, cloudId), [], 'no volume outlives its local cloud (the shared ones lived on its instances)');
  });

  async function volumesOf(engine: ContainerEngine, cloudId: string): Promise<string[]> {
    const { stdout } = await engine.exec(['volume', 'ls', '--filter', `label=ecskit.cloud=${cloudId}`, '--format', '{{.Name}}']);
    return stdout.split('\n').filter(Boolean).sort();
  }

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

  const LOGS = { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/containers', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': 'ecs', 'awslogs-create-group': 'true' } } as const;

  async function registerMany(family: string, containers: Array<Partial<ContainerDefinition>>) {
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        networkMode: 'awsvpc',
        executionRoleArn: 'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: containers.map((c) => ({ image: TEST_IMAGE, essential: true, logConfiguration: LOGS, ...c }) as ContainerDefinition),
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

  test('dependsOn, essential, entryPoint/command, workingDirectory and memory: an init container runs to SUCCESS first, the app starts after it with its own cwd and the task memory as its limit', async () => {
    await registerMany('ordered', [
      // Listed first but started last: it waits for init to succeed.
      { name: 'app', portMappings: [{ containerPort: 8080 }], workingDirectory: '/tmp', dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] },
      { name: 'init', essential: false, entryPoint: ['node', '-e'], command: ["setTimeout(() => { console.log('init done'); process.exit(0); }, 300)"] },
    ]);
    const arn = await run('ordered');
    const running = await waitFor('RUNNING', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, arn);
      assert.notEqual(task.lastStatus, 'STOPPED', task.stoppedReason);
      return task.lastStatus === 'RUNNING' ? task : undefined;
    }, 60_000);
    const init = running.containers?.find((c) => c.name === 'init');
    assert.equal(init?.exitCode, 0, 'init ran and exited 0 before the task was RUNNING');
    assert.equal(init?.lastStatus, 'STOPPED');
    const address = running.containers?.find((c) => c.name === 'app')?.networkInterfaces?.[0]?.privateIpv4Address ?? '';
    await waitFor('the app answering', async () => (await fetch(`http://${address}:8080/`).catch(() => undefined))?.ok);
    const info = (await (await fetch(`http://${address}:8080/info`)).json()) as { cwd: string; argv: string[]; memoryLimit: string | null };
    assert.equal(info.cwd, '/tmp', 'workingDirectory');
    assert.deepEqual(info.argv, ['/app/server.mjs'], "no command: the image's CMD");
    assert.equal(info.memoryLimit, String(512 * 1024 * 1024), 'the Fargate task memory is the hard limit');
    const id = arn.split('/').at(-1);
    const initLines = await logLines(`ecs/init/${id}`);
    assert.deepEqual(initLines, ['init done']);
    const events = await t.clients.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/containers', logStreamName: `ecs/init/${id}`, startFromHead: true }));
    const appEvents = await waitFor('the app\'s first log line', async () => {
      const out = await t.clients.logs.send(new GetLogEventsCommand({ logGroupName: '/ecs/containers', logStreamName: `ecs/app/${id}`, startFromHead: true }));
      return out.events?.length ? out : undefined;
    });
    assert.ok(events.events![0]!.timestamp! <= appEvents.events![0]!.timestamp!, 'init finished before the app started');
    await t.clients.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn }));
    await stopped(arn);
  });

  test('a SUCCESS dependency that fails stops the task before the dependent container starts', async () => {
    await registerMany('broken-init', [
      { name: 'app', portMappings: [{ containerPort: 8080 }], dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] },
      { name: 'init', essential: false, entryPoint: ['node', '-e'], command: ['process.exit(3)'] },
    ]);
    const arn = await run('broken-init');
    const done = await stopped(arn);
    assert.equal(done.stopCode, 'TaskFailedToStart');
    assert.equal(done.stoppedReason, 'CannotStartContainerError: container app not started: dependency init exited with code 3 (condition SUCCESS)');
    assert.equal(done.containers?.find((c) => c.name === 'init')?.exitCode, 3);
    assert.equal(done.containers?.find((c) => c.name === 'app')?.exitCode, undefined, 'the app never ran');
    const cloudId = (t.cloud.runtime!.context.driver as ContainerDriver).cloudId;
    await waitFor('no container of the task left', async () => (await containersOf(engine, cloudId, arn)).length === 0);
  });

  test("AWS/ECS CPUUtilization and MemoryUtilization of a service come from the engine's stats", async () => {
    await registerMany('burner', [{ name: 'app', portMappings: [{ containerPort: 8080 }], environment: [{ name: 'BURN', value: '1' }] }]);
    await t.clients.ecs.send(
      new CreateEcsServiceCommand({
        cluster: CLUSTER,
        serviceName: 'burner',
        taskDefinition: 'burner',
        desiredCount: 1,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
      }),
    );
    const live = await waitFor('the service task live', () => [...t.cloud.runtime!.context.tasks.values()].find((task) => task.serviceArn?.endsWith('/burner')), 60_000);
    const container = live.containers[0]!.process;
    assert.equal(container.pid, undefined, 'no host pid: the numbers can only come from the engine');
    const sample = await waitFor('a stats sample with CPU time', async () => {
      const s = await container.stats!();
      return s && s.cpuSeconds > 0 ? s : undefined;
    }, 30_000);
    assert.ok(sample.memoryMiB > 0 && sample.memoryMiB < 512, `memory in use: ${sample.memoryMiB} MiB`);
    const dims = [{ Name: 'ClusterName', Value: CLUSTER }, { Name: 'ServiceName', Value: 'burner' }];
    const stat = (metric: string) =>
      t.clients.cloudWatch
        .send(new GetMetricStatisticsCommand({ Namespace: 'AWS/ECS', MetricName: metric, Dimensions: dims, StartTime: new Date(Date.now() - 3600_000), EndTime: new Date(Date.now() + 60_000), Period: 3600, Statistics: ['Maximum'] }))
        .then((out) => out.Datapoints?.[0]?.Maximum);
    const cpu = await waitFor('CPUUtilization above idle', async () => {
      const value = await stat('CPUUtilization');
      return value !== undefined && value > 20 ? value : undefined;
    }, 60_000);
    assert.ok(cpu > 20, `CPUUtilization ${cpu}% of the task's 256 units`);
    const memory = await waitFor('MemoryUtilization', () => stat('MemoryUtilization'), 30_000);
    assert.ok(memory > 0 && memory < 100, `MemoryUtilization ${memory}%`);
    await t.clients.ecs.send(new DeleteServiceCommand({ cluster: CLUSTER, service: 'burner', force: true }));
    await waitFor('the service task gone', () => ![...t.cloud.runtime!.context.tasks.values()].some((task) => task.serviceArn?.endsWith('/burner')), 60_000);
  });

  test('volumes: a shared Docker volume is seen by every task, a task volume by its own task only and removed with it, a host path bind-mounted; EFS is refused naming the volume', async () => {
    const hostDir = mkdtempSync(join(tmpdir(), 'ecskit-bind-'));
    const script = [
      "const fs = require('fs'); const mark = process.env.MARK;",
      "console.log('shared:' + fs.readdirSync('/shared').sort().join(','));",
      "console.log('scratch:' + fs.readdirSync('/scratch').sort().join(','));",
      "for (const dir of ['/shared', '/scratch', '/host']) fs.writeFileSync(dir + '/' + mark, mark);",
      "try { fs.writeFileSync('/ro/x', 'x'); console.log('ro: written'); } catch (e) { console.log('ro: ' + e.code); }",
    ].join(' ');
    const volumes = [
      { name: 'shared', dockerVolumeConfiguration: { scope: 'shared' as const, autoprovision: true, driver: 'local' } },
      { name: 'scratch', host: {} },
      { name: 'hostdir', host: { sourcePath: hostDir } },
    ];
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'volumes',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['EC2'],
        volumes,
        containerDefinitions: [
          {
            name: 'app',
            image: TEST_IMAGE,
            essential: true,
            memory: 128,
            entryPoint: ['node', '-e'],
            command: [script],
            logConfiguration: LOGS,
            mountPoints: [
              { sourceVolume: 'shared', containerPath: '/shared' },
              { sourceVolume: 'scratch', containerPath: '/scratch' },
              { sourceVolume: 'hostdir', containerPath: '/host' },
              { sourceVolume: 'hostdir', containerPath: '/ro', readOnly: true },
            ],
          },
        ],
      }),
    );
    const runMarked = async (mark: string) => {
      const out = await t.clients.ecs.send(
        new RunTaskCommand({
          cluster: CLUSTER,
          taskDefinition: 'volumes',
          launchType: 'EC2',
          networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } },
          overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'MARK', value: mark }] }] },
        }),
      );
      const arn = out.tasks?.[0]?.taskArn;
      assert.ok(arn, JSON.stringify(out.failures));
      const done = await stopped(arn);
      assert.equal(done.containers?.[0]?.exitCode, 0, done.stoppedReason);
      return waitFor('its three log lines', async () => {
        const lines = await logLines(`ecs/app/${arn.split('/').at(-1)}`);
        return lines.length >= 3 ? lines : undefined;
      });
    };
    assert.deepEqual(await runMarked('a'), ['shared:', 'scratch:', 'ro: EROFS']);
    assert.deepEqual(await runMarked('b'), ['shared:a', 'scratch:', 'ro: EROFS'], "the shared volume kept task a's file; the task volume is b's own");
    assert.deepEqual(readdirSync(hostDir).sort(), ['a', 'b'], 'the host directory got both files');
    const cloudId = (t.cloud.runtime!.context.driver as ContainerDriver).cloudId;
    await waitFor('the task volumes removed with their tasks', async () => {
      const left = await volumesOf(engine, cloudId);
      return left.length === 1 && left[0] === `ecskit-${cloudId}-shared-shared` ? true : undefined;
    });

    // A task volume outlives the init container that filled it: the app started after it reads its file.
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'volumes-init',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['EC2'],
        volumes: [{ name: 'work', host: {} }],
        containerDefinitions: [
          { name: 'init', image: TEST_IMAGE, essential: false, memory: 64, entryPoint: ['node', '-e'], command: ["require('fs').writeFileSync('/work/msg', 'from init')"], mountPoints: [{ sourceVolume: 'work', containerPath: '/work' }] },
          {
            name: 'app',
            image: TEST_IMAGE,
            essential: true,
            memory: 64,
            entryPoint: ['node', '-e'],
            command: ["console.log(require('fs').readFileSync('/work/msg', 'utf8'))"],
            dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }],
            mountPoints: [{ sourceVolume: 'work', containerPath: '/work', readOnly: true }],
            logConfiguration: LOGS,
          },
        ],
      }),
    );
    const init = await t.clients.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'volumes-init', launchType: 'EC2', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }));
    const initArn = init.tasks![0]!.taskArn!;
    const initDone = await stopped(initArn);
    assert.equal(initDone.containers?.find((c) => c.name === 'app')?.exitCode, 0, initDone.stoppedReason);
    assert.deepEqual(await waitFor('the app line', async () => ((await logLines(`ecs/app/${initArn.split('/').at(-1)}`)).length ? logLines(`ecs/app/${initArn.split('/').at(-1)}`) : undefined)), ['from init']);
    await waitFor('the init task volume removed once the task stopped', async () => {
      const left = await volumesOf(engine, cloudId);
      return left.length === 1 ? true : undefined;
    });

    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'volumes-efs',
        networkMode: 'awsvpc',
        volumes: [{ name: 'files', efsVolumeConfiguration: { fileSystemId: 'fs-12345678' } }],
        containerDefinitions: [{ name: 'app', image: TEST_IMAGE, essential: true, memory: 128, mountPoints: [{ sourceVolume: 'files', containerPath: '/files' }] }],
      }),
    );
    const efs = await t.clients.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'volumes-efs', launchType: 'EC2', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet] } } }));
    const refused = await stopped(efs.tasks![0]!.taskArn!);
    assert.equal(refused.stoppedReason, 'CannotStartContainerError: volume files is an EFS volume (fileSystemId fs-12345678), which the local cloud cannot mount');
    rmSync(hostDir, { recursive: true, force: true });
  });

  test("an ECR image only the local ECR has is pulled from it: the task runs what was pushed, not a local build", async () => {
    const ecr = new ECRClient({ region: 'us-east-1', endpoint: t.cloud.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    try {
      const repository = `pulled-${Date.now().toString(36)}/echo`;
      const pushed = await pushImage({ engine, ecr, image: TEST_IMAGE, repository, tag: 'v1', createRepository: true });
      // Only the registry has it now: the engine's copies under the pushed name and the repository name are gone.
      await engine.exec(['rmi', pushed.pushedAs]);
      assert.equal(await engine.exec(['image', 'exists', pushed.pushedAs]).then(() => true, () => false), false);
      await register('pulled', { image: pushed.imageUri });
      const arn = await run('pulled');
      const running = await waitFor('RUNNING', async () => {
        const task = await describeTask(t.clients.ecs, CLUSTER, arn);
        assert.notEqual(task.lastStatus, 'STOPPED', task.stoppedReason);
        return task.lastStatus === 'RUNNING' ? task : undefined;
      }, 60_000);
      assert.equal(running.containers?.[0]?.image, pushed.imageUri);
      assert.equal(await engine.exec(['image', 'exists', pushed.pushedAs]).then(() => true, () => false), true, 'the driver pulled it from the local ECR');
      await t.clients.ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: arn }));
      await stopped(arn);
      await engine.exec(['rmi', pushed.pushedAs]).catch(() => {});
    } finally {
      ecr.destroy();
    }
  });

  test('an image no registry or store has stops the task with CannotPullContainerError', async () => {
    await register('missing', { image: 'localhost/ecskit-test/no-such-image:9' });
    const done = await stopped(await run('missing'));
    assert.equal(done.stopCode, 'TaskFailedToStart');
    assert.match(done.stoppedReason ?? '', /^CannotPullContainerError: pull image manifest has been retried 1 time\(s\): failed to resolve ref localhost\/ecskit-test\/no-such-image:9: not found$/);
  });

  test('a command the image does not have stops the task with CannotStartContainerError, and leaves no container', async () => {
    await register('no-command', { entryPoint: ['/no/such/program'] });
    const arn = await run('no-command');
    const done = await stopped(arn);
    assert.equal(done.stopCode, 'TaskFailedToStart');
    assert.match(done.stoppedReason ?? '', /^CannotStartContainerError: .*\/no\/such\/program/);
    const cloudId = (t.cloud.runtime!.context.driver as ContainerDriver).cloudId;
    assert.deepEqual(await containersOf(engine, cloudId, arn), []);
  });
});
