/**
 * awsvpc tasks spread over the Availability Zones of the subnets they may use,
 * as ECS spreads them: a Fargate service's tasks take the least-used subnet, and
 * a task on an EC2 instance gets the allowed subnet in the instance's zone.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateClusterCommand, CreateServiceCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startTestCloud, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from '../../services/elbv2/network.js';
import { ensureAppsBuilt } from '../apps.js';
import { waitFor } from '../../../wait-for.js';

let t: TestCloud;
let subnetIds: string[];
const zoneOf = new Map<string, string>();

before(async () => {
  ensureAppsBuilt();
  t = await startTestCloud({ timeScale: 0.02, runtime: { tickMs: 50 } });
  subnetIds = [...(await defaultNetwork(t)).subnetIds];
  const ec2 = new EC2Client({ endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS });
  const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }));
  ec2.destroy();
  for (const s of Subnets) zoneOf.set(s.SubnetId!, s.AvailabilityZone!);
  await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'zones' }));
  await t.clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'invsys', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE', 'EC2'], cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'invsys', image: 'flask-inventory/invsys:latest', essential: true, portMappings: [{ containerPort: 5000 }] }],
    }),
  );
});
after(async () => {
  await t?.stop();
});

const describeTasks = async (arns: string[]) => (await t.clients.ecs.send(new DescribeTasksCommand({ cluster: 'zones', tasks: arns }))).tasks ?? [];
const subnetOf = (task: { attachments?: { details?: { name?: string; value?: string }[] }[] }) => task.attachments?.[0]?.details?.find((d) => d.name === 'subnetId')?.value ?? '';

test('a Fargate service with one subnet per zone runs one task in each zone', { timeout: 60_000 }, async () => {
  assert.ok(new Set(zoneOf.values()).size >= 3, `the default VPC has a subnet per zone: ${[...zoneOf.values()].join(', ')}`);
  await t.clients.ecs.send(
    new CreateServiceCommand({
      cluster: 'zones', serviceName: 'spread', taskDefinition: 'invsys', desiredCount: 3, launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: subnetIds.slice(0, 3) } },
    }),
  );
  const tasks = await waitFor('three RUNNING tasks', async () => {
    const arns = (await t.clients.ecs.send(new ListTasksCommand({ cluster: 'zones', serviceName: 'spread' }))).taskArns ?? [];
    const described = arns.length ? await describeTasks(arns) : [];
    return described.filter((x) => x.lastStatus === 'RUNNING').length === 3 ? described : undefined;
  }, { timeoutMs: 45_000 });
  const zones = tasks.map((x) => x.availabilityZone).sort();
  assert.deepEqual(zones, subnetIds.slice(0, 3).map((id) => zoneOf.get(id)).sort(), 'one task per zone');
  for (const task of tasks) assert.equal(zoneOf.get(subnetOf(task)), task.availabilityZone, 'the task sits in its subnet\'s zone');
});

test('a task placed on a container instance gets the allowed subnet in that instance\'s zone', { timeout: 60_000 }, async () => {
  const run = await t.clients.ecs.send(
    new RunTaskCommand({
      cluster: 'zones', taskDefinition: 'invsys', launchType: 'EC2', count: 2,
      networkConfiguration: { awsvpcConfiguration: { subnets: subnetIds } },
    }),
  );
  const arns = (run.tasks ?? []).map((x) => x.taskArn!);
  assert.equal(arns.length, 2, JSON.stringify(run.failures));
  const tasks = await waitFor('the tasks to be placed', async () => {
    const described = await describeTasks(arns);
    return described.every((x) => x.containerInstanceArn && x.lastStatus !== 'PROVISIONING') ? described : undefined;
  }, { timeoutMs: 30_000 });
  for (const task of tasks) {
    assert.ok(task.availabilityZone, 'placed in a zone');
    assert.equal(zoneOf.get(subnetOf(task)), task.availabilityZone, `subnet ${subnetOf(task)} is in the instance's zone ${task.availabilityZone}`);
  }
});
