/**
 * EC2 instances as capacity with the runtime: a new cluster has none (the
 * default), instances launched with ECS_CLUSTER user data (and the container
 * instance profile, as on AWS) are registered by
 * the runtime's tick, a service spreads its tasks over their zones, and
 * terminating an instance stops its task process ("Host EC2 … terminated.")
 * while the scheduler replaces it on the instance left.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateClusterCommand, CreateServiceCommand, DescribeClustersCommand, DescribeServicesCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { DescribeSubnetsCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { createEcsInstanceProfile, rejection, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';
import { describeTask, processAlive, startRuntimeCloud, waitFor } from './helpers.js';

const CLUSTER = 'on-ec2';

describe('EC2 instances as the capacity of a cluster, with the runtime', () => {
  let t: TestCloud;
  let ec2: EC2Client;
  let subnets: { id: string; zone: string }[];
  let profile: { Name: string };
  const logs: string[] = [];
  before(async () => {
    // No virtual container instances: the default of a local cloud, as on AWS.
    t = await startRuntimeCloud({ runtime: { containerInstances: { count: 0 } }, log: (line) => logs.push(line) });
    ec2 = new EC2Client({ endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    subnets = ((await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? []).map((s) => ({ id: s.SubnetId!, zone: s.AvailabilityZone! }));
    // The container instance profile, as on AWS: the agent registers with its role's credentials.
    profile = await createEcsInstanceProfile(t.cloud);
  });
  after(async () => {
    ec2?.destroy();
    await t?.stop();
  });

  const tasksOf = async (): Promise<Task[]> => {
    const arns = (await t.clients.ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: 'web' }))).taskArns ?? [];
    return Promise.all(arns.map((arn) => describeTask(t.clients.ecs, CLUSTER, arn)));
  };

  test('a new cluster has no container instances, and EC2 RunTask on it is refused as on AWS', async () => {
    const created = await t.clients.ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    assert.equal(created.cluster?.registeredContainerInstancesCount, 0);
    await new Promise((r) => setTimeout(r, 200)); // a few runtime ticks
    assert.equal((await t.clients.ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER] }))).clusters?.[0]?.registeredContainerInstancesCount, 0);
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['EC2'],
        cpu: '256',
        memory: '256',
        containerDefinitions: [{ name: 'app', image: 'test/echo:latest', essential: true, portMappings: [{ containerPort: 8080 }] }],
      }),
    );
    const error = await rejection(t.clients.ecs.send(new RunTaskCommand({ cluster: CLUSTER, taskDefinition: 'web', networkConfiguration: { awsvpcConfiguration: { subnets: [subnets[0]!.id] } } })));
    assert.equal(`${error.name}: ${error.message}`, 'InvalidParameterException: No Container Instances were found in your cluster.');
  });

  test('instances launched with ECS_CLUSTER join; a service spreads over their zones; terminating one stops its task and the scheduler replaces it', { timeout: 60_000 }, async () => {
    const userData = Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${CLUSTER} >> /etc/ecs/ecs.config\n`).toString('base64');
    const ids: string[] = [];
    for (const s of subnets.slice(0, 2)) {
      const out = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.medium', MinCount: 1, MaxCount: 1, SubnetId: s.id, UserData: userData, IamInstanceProfile: profile }));
      ids.push(out.Instances![0]!.InstanceId!);
    }
    await waitFor('2 container instances', async () => (await t.clients.ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER] }))).clusters?.[0]?.registeredContainerInstancesCount === 2);

    await t.clients.ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: 'web',
        taskDefinition: 'web',
        desiredCount: 2,
        launchType: 'EC2',
        networkConfiguration: { awsvpcConfiguration: { subnets: subnets.slice(0, 2).map((s) => s.id) } },
        placementStrategy: [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
      }),
    );
    const running = await waitFor('2 running tasks', async () => {
      const tasks = await tasksOf();
      return tasks.length === 2 && tasks.every((x) => x.lastStatus === 'RUNNING') ? tasks : undefined;
    }, 30_000);
    assert.deepEqual(running.map((x) => x.availabilityZone).sort(), [subnets[0]!.zone, subnets[1]!.zone].sort(), 'one task per zone');

    const doomed = running.find((x) => x.availabilityZone === subnets[0]!.zone)!;
    const survivor = running.find((x) => x !== doomed)!;
    const pid = t.cloud.runtime!.context.tasks.get(doomed.taskArn!)?.containers[0]?.process.pid;
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [ids[0]!] }));
    const stopped = await waitFor('the task of the terminated instance to stop', async () => {
      const task = await describeTask(t.clients.ecs, CLUSTER, doomed.taskArn!);
      return task.lastStatus === 'STOPPED' ? task : undefined;
    }, 20_000);
    assert.equal(stopped.stoppedReason, `Host EC2 (instance ${ids[0]}) terminated.`);
    if (pid) assert.equal(processAlive(pid), false, 'its process ended');
    const replaced = await waitFor('a replacement on the instance left', async () => {
      const tasks = (await tasksOf()).filter((x) => x.lastStatus === 'RUNNING');
      return tasks.length === 2 ? tasks : undefined;
    }, 30_000);
    assert.ok(replaced.every((x) => x.containerInstanceArn === survivor.containerInstanceArn), 'both on the remaining instance');
    const svc = (await t.clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['web'] }))).services![0]!;
    assert.equal(svc.runningCount, 2);
    assert.equal((await t.clients.ecs.send(new DescribeClustersCommand({ clusters: [CLUSTER] }))).clusters?.[0]?.registeredContainerInstancesCount, 1);
  });

  test('an instance launched without an instance profile is not registered by the runtime\'s ticks either; the agent\'s complaint is logged once', async () => {
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'no-creds' }));
    const userData = Buffer.from('#!/bin/bash\necho ECS_CLUSTER=no-creds >> /etc/ecs/ecs.config\n').toString('base64');
    const out = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.medium', MinCount: 1, MaxCount: 1, UserData: userData }));
    const id = out.Instances![0]!.InstanceId!;
    // The agent is due 10 AWS seconds (200 ms here) after the instance runs; the ticks alone (no ECS call) find it has no credentials.
    await waitFor('the agent\'s complaint', async () => logs.some((l) => l.includes(id)), 5000);
    await new Promise((r) => setTimeout(r, 500)); // ten more ticks
    assert.equal((await t.clients.ecs.send(new DescribeClustersCommand({ clusters: ['no-creds'] }))).clusters?.[0]?.registeredContainerInstancesCount, 0);
    const lines = logs.filter((l) => l.includes(id));
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0]!, new RegExp(`ecs agent on ${id}: cannot register with cluster no-creds: no instance profile`));
  });
});
