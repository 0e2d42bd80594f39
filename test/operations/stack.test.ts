/**
 * The lab's whole stack built twice through the operations (idempotence),
 * then destroyed: dry run, for real, again, and after a partial state.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { DeleteLoadBalancerCommand, DescribeListenersCommand, DescribeRulesCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import {
  dashboard,
  discoveryService,
  ecsServiceMetric,
  listener,
  listenerRule,
  loadBalancer,
  metricAlarm,
  metricWidget,
  privateDnsNamespace,
  scalableTarget,
  service,
  stepScalingPolicy,
  targetGroup,
  targetTrackingPolicy,
} from '../../src/index.js';
import { DESTROY_ORDER, OperationError, STACK_TAG, type Operations, type StackResourceKind } from '../../src/operations/index.js';
import { invsysTd, startOpsCloud, type OpsCloud } from './helpers.js';

const CLUSTER = 'flask-inventory-cluster';

/** Builds the lab's stack with every ensure/put verb; returns what each call reported. */
async function buildStack(ops: Operations, prefix = '') {
  const net = await ops.lookupDefaultNetwork();
  const cluster = await ops.ensureCluster(`${prefix}${CLUSTER}`, { settings: [{ name: 'containerInsights', value: 'enabled' }] });
  const sg = await ops.ensureSecurityGroup({
    name: `${prefix}flask-inventory-tasks`,
    vpcId: net.vpcId,
    ingress: [
      { port: 5000, toPort: 5001, cidr: net.cidrBlock },
      { port: 80, cidr: '0.0.0.0/0' },
    ],
  });
  // An EC2 instance tagged with the stack whose ECS agent joins the cluster, launched once (as the lab's setup does).
  const ec2 = ops.context.clients.ec2;
  const stackTag = { Name: `tag:${STACK_TAG}`, Values: [ops.context.stack] };
  const live = await ec2.send(new DescribeInstancesCommand({ Filters: [stackTag, { Name: 'instance-state-name', Values: ['pending', 'running'] }] }));
  if (!live.Reservations?.length) {
    await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0123456789abcdef0',
        InstanceType: 't3.medium',
        MinCount: 1,
        MaxCount: 1,
        UserData: Buffer.from(`#!/bin/bash\necho ECS_CLUSTER=${prefix}${CLUSTER} >> /etc/ecs/ecs.config\n`).toString('base64'),
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: STACK_TAG, Value: ops.context.stack }] }],
      }),
    );
  }
  const td = await ops.registerTaskDefinition(invsysTd(`${prefix}flask-inventory-invsys`));
  const ns = await ops.ensureNamespace(privateDnsNamespace(`${prefix}local`).vpc(net.vpcId));
  const disco = await ops.ensureDiscoveryService(discoveryService('invsys').namespaceId(ns.resource.Id ?? '').dnsRecord('A', 60));
  const alb = await ops.ensureLoadBalancer(loadBalancer(`${prefix}flask-inventory-alb`).subnets(net.subnetIds).securityGroups([sg.resource.GroupId ?? '']));
  const tg = await ops.ensureTargetGroup(
    targetGroup(`${prefix}gateway-tg`).protocol('HTTP').port(5001).vpc(net.vpcId).targetType('ip').healthCheck({ path: '/health' }).deregistrationDelaySeconds(30),
  );
  const http = await ops.ensureListener(listener(alb.resource.LoadBalancerArn ?? '').port(80).protocol('HTTP').forward(tg.resource.TargetGroupArn ?? ''));
  const rule = await ops.ensureListenerRule(
    listenerRule(http.resource.ListenerArn ?? '').priority(100).pathPattern('/api/*').forward(tg.resource.TargetGroupArn ?? ''),
  );
  const svc = await ops.ensureService(
    service('invsys-service')
      .cluster(`${prefix}${CLUSTER}`)
      .taskDefinition(td.familyRevision)
      .desiredCount(2)
      .launchType('EC2')
      .awsvpc({ subnets: [...net.subnetIds], securityGroups: [sg.resource.GroupId ?? ''] })
      .serviceRegistry({ registryArn: disco.resource.Arn ?? '' }),
  );
  const target = await ops.registerScalableTarget(scalableTarget().service(`${prefix}${CLUSTER}`, 'invsys-service').minCapacity(2).maxCapacity(6));
  await ops.putScalingPolicy(
    targetTrackingPolicy('invsys-cpu').service(`${prefix}${CLUSTER}`, 'invsys-service').predefinedMetric('ECSServiceAverageCPUUtilization').targetValue(70),
  );
  const step = await ops.putScalingPolicy(
    stepScalingPolicy('invsys-step').service(`${prefix}${CLUSTER}`, 'invsys-service').adjustmentType('ChangeInCapacity').step({ lowerBound: 0, adjustment: 1 }),
  );
  const cpu = ecsServiceMetric(`${prefix}${CLUSTER}`, 'invsys-service', 'CPUUtilization');
  const alarm = await ops.putAlarm(
    metricAlarm(`${prefix}invsys-high-cpu`).metric(cpu).statistic('Average').periodSeconds(60).evaluationPeriods(2).threshold(80)
      .comparisonOperator('GreaterThanThreshold').alarmActions(step.PolicyARN ?? ''),
  );
  // The lab's own dashboard name: the stack tag, not the name, says whose it is.
  const board = await ops.putDashboard(dashboard(`${prefix}FlaskInventoryMonitoring`).widget(metricWidget('invsys CPU').region('us-east-1').metric(cpu)));
  return { net, cluster, sg, td, ns, disco, alb, tg, http, rule, svc, target, alarm, board };
}

describe('operations over the local cloud: the lab stack', () => {
  let t: OpsCloud;
  let ops: Operations & { lines: string[] };
  let first: Awaited<ReturnType<typeof buildStack>>;
  let second: Awaited<ReturnType<typeof buildStack>>;
  before(async () => {
    t = await startOpsCloud();
    ops = t.ops('flask-inventory-lab');
    first = await buildStack(ops);
    second = await buildStack(ops);
  });
  after(() => t.stop());

  test('the first run creates every resource and the second creates none', () => {
    const created = (r: typeof first) => [r.cluster, r.sg, r.td, r.ns, r.disco, r.alb, r.tg, r.http, r.rule, r.svc].map((x) => x.action === 'created');
    assert.deepEqual(created(first), Array(10).fill(true));
    assert.deepEqual(created(second), Array(10).fill(false));
    assert.equal(second.sg.rulesAdded, 0);
    assert.equal(second.svc.action === 'updated', false);
    assert.equal(second.tg.action === 'updated', false);
    assert.equal(second.http.action === 'updated', false);
    assert.equal(second.rule.action === 'updated', false);
    assert.equal(second.ns.resource.Id, first.ns.resource.Id);
    assert.equal(second.alb.resource.LoadBalancerArn, first.alb.resource.LoadBalancerArn);
    assert.equal(second.target.scalableTargetArn, first.target.scalableTargetArn);
  });

  test('ensureService returns the PRIMARY deployment of the CreateService response, and the same one when unchanged', async () => {
    const described = await t.clients.ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ['invsys-service'] }));
    const primary = described.services?.[0]?.deployments?.find((d) => d.status === 'PRIMARY');
    assert.match(first.svc.deploymentId, /^ecs-svc\//);
    assert.equal(first.svc.deploymentId, primary?.id);
    assert.equal(second.svc.deploymentId, first.svc.deploymentId);
  });

  test('exactly one of each resource exists after two runs', async () => {
    const tds = await t.clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'flask-inventory-invsys' }));
    assert.equal(tds.taskDefinitionArns?.length, 1);
    const sgs = await t.clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['flask-inventory-tasks'] }] }));
    assert.equal(sgs.SecurityGroups?.length, 1);
    assert.equal(sgs.SecurityGroups?.[0]?.IpPermissions?.length, 2);
    const listeners = await t.clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: first.alb.resource.LoadBalancerArn }));
    assert.equal(listeners.Listeners?.length, 1);
    const rules = await t.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: first.http.resource.ListenerArn }));
    assert.equal(rules.Rules?.filter((r) => !r.IsDefault).length, 1);
  });

  test('a target group with a different health check is modified, not recreated or failed', async () => {
    const changed = await ops.ensureTargetGroup(
      targetGroup('gateway-tg').protocol('HTTP').port(5001).vpc(first.net.vpcId).targetType('ip').healthCheck({ path: '/health/ready', intervalSeconds: 15 }),
    );
    assert.deepEqual([changed.action === 'created', changed.action === 'updated'], [false, true]);
    assert.equal(changed.resource.TargetGroupArn, first.tg.resource.TargetGroupArn);
    const tg = await t.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['gateway-tg'] }));
    assert.equal(tg.TargetGroups?.[0]?.HealthCheckPath, '/health/ready');
    assert.equal(tg.TargetGroups?.[0]?.HealthCheckIntervalSeconds, 15);
  });

  test('a target group asked for a different port fails with a message that says it cannot change', async () => {
    await assert.rejects(
      ops.ensureTargetGroup(targetGroup('gateway-tg').protocol('HTTP').port(8080).vpc(first.net.vpcId).targetType('ip')),
      (e: unknown) => e instanceof OperationError && /Port is 5001, wanted 8080.*cannot change/.test(e.message),
    );
  });

  test('deploy, scale and rollback to a named revision return the PRIMARY deployment', async () => {
    const v2 = await ops.registerTaskDefinition(invsysTd('flask-inventory-invsys', 'flask-inventory/invsys:v2.0.0'));
    const deployed = await ops.deploy({ cluster: CLUSTER, service: 'invsys-service', taskDefinition: v2.familyRevision });
    assert.notEqual(deployed.deploymentId, first.svc.deploymentId);
    assert.match(deployed.taskDefinition, /flask-inventory-invsys:2$/);
    const scaled = await ops.scale({ cluster: CLUSTER, service: 'invsys-service', desiredCount: 4 });
    assert.equal(scaled.service.desiredCount, 4);
    const back = await ops.rollback({ cluster: CLUSTER, service: 'invsys-service', toTaskDefinition: 'flask-inventory-invsys:1' });
    assert.match(back.taskDefinition, /flask-inventory-invsys:1$/);
    assert.notEqual(back.deploymentId, deployed.deploymentId);
  });

  test('rollback without a revision and no earlier completed deployment says how to name one', async () => {
    await assert.rejects(ops.rollback({ cluster: CLUSTER, service: 'invsys-service' }), (e: unknown) =>
      e instanceof OperationError && /toTaskDefinition/.test(e.message),
    );
  });

  test('the dashboard is created tagged with the stack the first time and updated the second', () => {
    assert.deepEqual([first.board.created, first.board.owned], [true, true]);
    assert.deepEqual([second.board.created, second.board.owned], [false, true]);
    assert.equal(second.board.dashboardArn, first.board.dashboardArn);
    assert.match(first.board.dashboardArn, /:dashboard\/FlaskInventoryMonitoring$/);
  });

  test('listStackResources finds every kind the stack owns', async () => {
    const kinds = new Set((await ops.listStackResources()).map((r) => r.kind));
    assert.deepEqual([...DESTROY_ORDER].filter((k) => !kinds.has(k)), []);
  });

  test('destroy in dry run plans every resource in dependency order and changes nothing', async () => {
    const beforeList = await ops.listStackResources();
    const plan = await ops.destroy({ dryRun: true });
    assert.equal(plan.dryRun, true);
    assert.equal(plan.removed.length, 0);
    assert.deepEqual(plan.steps.map((s) => s.resource.id), beforeList.map((r) => r.id));
    assert.ok(plan.steps.every((s) => s.outcome === 'planned'));
    const order = plan.steps.map((s) => DESTROY_ORDER.indexOf(s.resource.kind));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    assert.ok(ops.lines.some((l) => l.startsWith('would remove service invsys-service')));
    assert.deepEqual((await ops.listStackResources()).map((r) => r.id), beforeList.map((r) => r.id));
    await t.clients.cloudWatch.send(new GetDashboardCommand({ DashboardName: 'FlaskInventoryMonitoring' }));
  });

  test('destroy leaves another stack untouched, removes everything of its own, and a second run removes nothing', async () => {
    const other = t.ops('other-stack');
    await buildStack(other, 'o-');
    const report = await ops.destroy();
    assert.equal(report.dryRun, false);
    const kinds = new Set<StackResourceKind>(report.removed.map((r) => r.kind));
    assert.deepEqual([...DESTROY_ORDER].filter((k) => !kinds.has(k)), []);
    assert.deepEqual(await ops.listStackResources(), []);
    // The instance was terminated (EC2 still lists it, terminated) and its container instance deregistered before the cluster went.
    const instances = await t.clients.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${STACK_TAG}`, Values: ['flask-inventory-lab'] }] }));
    assert.deepEqual(instances.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name), ['terminated']);
    assert.ok(ops.lines.some((l) => /^removed: instance i-/.test(l)), ops.lines.join('\n'));
    const again = await ops.destroy();
    assert.deepEqual([again.steps.length, again.removed.length], [0, 0]);
    const survivors = new Set((await other.listStackResources()).map((r) => r.kind));
    assert.deepEqual([...DESTROY_ORDER].filter((k) => !survivors.has(k)), []);
  });

  test('destroy after a crashed half-removal (load balancer already gone) finishes the job', async () => {
    const other = t.ops('other-stack');
    const lb = (await other.listStackResources()).find((r) => r.kind === 'load-balancer');
    assert.ok(lb);
    // Simulate a crashed run: the load balancer (and with it its listener and rule) is gone already.
    await t.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.id }));
    const report = await other.destroy();
    assert.ok(report.removed.some((r) => r.kind === 'service'));
    assert.ok(!report.removed.some((r) => r.kind === 'load-balancer'));
    assert.deepEqual(await other.listStackResources(), []);
  });
});
