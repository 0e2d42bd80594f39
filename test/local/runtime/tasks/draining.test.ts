/**
 * A task leaving a target group stays visible while it drains, as on ECS:
 * DEACTIVATING (the target `draining` for the deregistration delay), then
 * STOPPING, then STOPPED; its service shows the task until it is gone.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateClusterCommand, CreateServiceCommand, DescribeTasksCommand, ListTasksCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateListenerCommand, CreateLoadBalancerCommand, CreateTargetGroupCommand, DescribeTargetHealthCommand, ModifyTargetGroupAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { startTestCloud, type TestCloud } from '../../helpers.js';
import { defaultNetwork } from '../../services/elbv2/network.js';
import { ensureAppsBuilt } from '../apps.js';
import { waitFor } from '../../../wait-for.js';

let t: TestCloud;
let tgArn: string;

before(async () => {
  ensureAppsBuilt();
  // 0.02: the 300 s default deregistration delay lasts 6 s here.
  t = await startTestCloud({ timeScale: 0.02, runtime: { tickMs: 50 } });
  const { vpcId, subnetIds } = await defaultNetwork(t);
  const tg = await t.clients.elbv2.send(
    new CreateTargetGroupCommand({
      Name: 'drain-tg', Protocol: 'HTTP', Port: 5000, VpcId: vpcId, TargetType: 'ip',
      HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 2,
    }),
  );
  tgArn = tg.TargetGroups![0]!.TargetGroupArn!;
  const lb = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'drain-alb', Subnets: subnetIds.slice(0, 2) }));
  await t.clients.elbv2.send(new CreateListenerCommand({ LoadBalancerArn: lb.LoadBalancers![0]!.LoadBalancerArn!, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }));
  await t.clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tgArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '300' }] }));
  await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'drain' }));
  await t.clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'invsys', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'invsys', image: 'flask-inventory/invsys:latest', essential: true, portMappings: [{ containerPort: 5000 }] }],
    }),
  );
  await t.clients.ecs.send(
    new CreateServiceCommand({
      cluster: 'drain', serviceName: 'invsys', taskDefinition: 'invsys', desiredCount: 1, launchType: 'FARGATE',
      healthCheckGracePeriodSeconds: 150, // 3 s here: time for the app to listen before failed checks count
      networkConfiguration: { awsvpcConfiguration: { subnets: subnetIds.slice(0, 2) } },
      loadBalancers: [{ targetGroupArn: tgArn, containerName: 'invsys', containerPort: 5000 }],
    }),
  );
});
after(async () => {
  await t?.stop();
});

test('a task scaled in stays DEACTIVATING while its target drains, then STOPPING, then STOPPED', { timeout: 90_000 }, async () => {
  const { ecs, elbv2 } = t.clients;
  await waitFor('the task to be a healthy target', async () => {
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
    return health.TargetHealthDescriptions?.some((d) => d.TargetHealth?.State === 'healthy');
  }, { timeoutMs: 30_000 });
  const taskArn = (await ecs.send(new ListTasksCommand({ cluster: 'drain', serviceName: 'invsys' }))).taskArns![0]!;

  await ecs.send(new UpdateServiceCommand({ cluster: 'drain', service: 'invsys', desiredCount: 0 }));
  const seen: string[] = [];
  const targetStates = new Set<string>();
  await waitFor('the task to stop', async () => {
    const task = (await ecs.send(new DescribeTasksCommand({ cluster: 'drain', tasks: [taskArn] }))).tasks?.[0];
    const status = task?.lastStatus ?? 'GONE';
    if (seen.at(-1) !== status) seen.push(status);
    if (status === 'DEACTIVATING') {
      assert.equal(task?.desiredStatus, 'STOPPED');
      // Still listed for its service when asked for stopping tasks, as ECS lists it.
      const stopping = await ecs.send(new ListTasksCommand({ cluster: 'drain', serviceName: 'invsys', desiredStatus: 'STOPPED' }));
      assert.ok(stopping.taskArns?.includes(taskArn), 'a draining task is listed with desiredStatus STOPPED');
      const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tgArn }));
      for (const d of health.TargetHealthDescriptions ?? []) targetStates.add(d.TargetHealth?.State ?? '');
    }
    return status === 'STOPPED';
  }, { timeoutMs: 60_000 });
  assert.deepEqual(seen.filter((s) => s !== 'RUNNING'), ['DEACTIVATING', 'STOPPING', 'STOPPED'], `observed ${seen.join(' → ')}`);
  assert.ok(targetStates.has('draining'), `the target was draining while the task was DEACTIVATING (saw ${[...targetStates].join(', ')})`);
});
