/**
 * Ids, ARNs and names that are `Object.prototype` members (`constructor`,
 * `toString`, `hasOwnProperty`, `__proto__`): state records are plain
 * objects keyed by such user-supplied strings, so every lookup must find only
 * the record's own properties. Each operation must answer a hostile id exactly
 * as it answers any other unknown id (same error code and message, or the
 * same `MISSING` failure), and nothing may reach `Object.prototype`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CloudState } from '../../../src/local/cloud-state.js';

const HOSTILE = ['constructor', 'toString', '__proto__', 'hasOwnProperty'] as const;
/** An ordinary unknown id: the hostile ids must be answered exactly like it. */
const CONTROL = 'nosuchthing';
const ACCOUNT = '123456789012';

type Outcome = { error: string; message: string } | { result: unknown };

async function outcome(state: CloudState, service: string, operation: string, input: unknown): Promise<Outcome> {
  try {
    return { result: await state.invoke(service, operation, input, { accountId: ACCOUNT }) };
  } catch (e) {
    const err = e as { code?: string; name?: string; message?: string; statusCode?: number };
    return { error: String(err.code ?? err.name), message: String(err.message) };
  }
}

interface Case {
  readonly service: string;
  readonly operation: string;
  readonly input: (id: string) => unknown;
  /** What the control id must give: an error code, or `MISSING` (a failures entry in a 200 answer). */
  readonly expect: string;
}

/** Filled in by `before` (records the lookups below run against). */
const fixture = { cloudMapServiceId: '' };

const cases: Case[] = [
  // ELBv2
  { service: 'elasticloadbalancing', operation: 'DescribeListeners', input: (id) => ({ ListenerArns: [id] }), expect: 'ListenerNotFound' },
  { service: 'elasticloadbalancing', operation: 'DescribeRules', input: (id) => ({ RuleArns: [id] }), expect: 'RuleNotFound' },
  { service: 'elasticloadbalancing', operation: 'DescribeLoadBalancers', input: (id) => ({ LoadBalancerArns: [id] }), expect: 'LoadBalancerNotFound' },
  { service: 'elasticloadbalancing', operation: 'DescribeTargetGroups', input: (id) => ({ TargetGroupArns: [id] }), expect: 'TargetGroupNotFound' },
  { service: 'elasticloadbalancing', operation: 'DescribeListenerCertificates', input: (id) => ({ ListenerArn: id }), expect: 'ListenerNotFound' },
  { service: 'elasticloadbalancing', operation: 'ModifyListener', input: (id) => ({ ListenerArn: id, Port: 81 }), expect: 'ListenerNotFound' },
  { service: 'elasticloadbalancing', operation: 'DeleteListener', input: (id) => ({ ListenerArn: id }), expect: 'ListenerNotFound' },
  { service: 'elasticloadbalancing', operation: 'ModifyRule', input: (id) => ({ RuleArn: id }), expect: 'RuleNotFound' },
  { service: 'elasticloadbalancing', operation: 'DeleteRule', input: (id) => ({ RuleArn: id }), expect: 'RuleNotFound' },
  { service: 'elasticloadbalancing', operation: 'DescribeLoadBalancerAttributes', input: (id) => ({ LoadBalancerArn: id }), expect: 'LoadBalancerNotFound' },
  { service: 'elasticloadbalancing', operation: 'DescribeTargetGroupAttributes', input: (id) => ({ TargetGroupArn: id }), expect: 'TargetGroupNotFound' },
  { service: 'elasticloadbalancing', operation: 'DescribeTargetHealth', input: (id) => ({ TargetGroupArn: id }), expect: 'TargetGroupNotFound' },
  { service: 'elasticloadbalancing', operation: 'DeleteTargetGroup', input: (id) => ({ TargetGroupArn: id }), expect: '*' },
  { service: 'elasticloadbalancing', operation: 'DeleteLoadBalancer', input: (id) => ({ LoadBalancerArn: id }), expect: '*' },
  // ECS
  { service: 'ecs', operation: 'DescribeServiceDeployments', input: (id) => ({ serviceDeploymentArns: [id] }), expect: 'MISSING' },
  { service: 'ecs', operation: 'DescribeServiceRevisions', input: (id) => ({ serviceRevisionArns: [id] }), expect: 'MISSING' },
  { service: 'ecs', operation: 'DescribeClusters', input: (id) => ({ clusters: [id] }), expect: 'MISSING' },
  { service: 'ecs', operation: 'DescribeServices', input: (id) => ({ services: [id] }), expect: 'MISSING' },
  { service: 'ecs', operation: 'DescribeTasks', input: (id) => ({ tasks: [id] }), expect: 'MISSING' },
  { service: 'ecs', operation: 'DescribeContainerInstances', input: (id) => ({ containerInstances: [id] }), expect: 'MISSING' },
  { service: 'ecs', operation: 'DescribeCapacityProviders', input: (id) => ({ capacityProviders: [id] }), expect: '*' },
  { service: 'ecs', operation: 'DeleteCapacityProvider', input: (id) => ({ capacityProvider: id }), expect: '*' },
  { service: 'ecs', operation: 'DescribeTaskDefinition', input: (id) => ({ taskDefinition: id }), expect: 'ClientException' },
  { service: 'ecs', operation: 'DescribeTaskDefinition', input: (id) => ({ taskDefinition: `${id}:1` }), expect: 'ClientException' },
  { service: 'ecs', operation: 'DeregisterTaskDefinition', input: (id) => ({ taskDefinition: `${id}:1` }), expect: '*' },
  { service: 'ecs', operation: 'UpdateService', input: (id) => ({ service: id, desiredCount: 1 }), expect: '*' },
  { service: 'ecs', operation: 'DeleteService', input: (id) => ({ service: id }), expect: '*' },
  { service: 'ecs', operation: 'StopTask', input: (id) => ({ task: id }), expect: '*' },
  { service: 'ecs', operation: 'DeleteCluster', input: (id) => ({ cluster: id }), expect: '*' },
  { service: 'ecs', operation: 'ListTagsForResource', input: (id) => ({ resourceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/${id}:1` }), expect: '*' },
  { service: 'ecs', operation: 'ListContainerInstances', input: (id) => ({ filter: `attribute:x ${id} y` }), expect: '*' },
  // Cloud Map
  { service: 'servicediscovery', operation: 'GetService', input: (id) => ({ Id: id }), expect: 'ServiceNotFound' },
  { service: 'servicediscovery', operation: 'DeleteService', input: (id) => ({ Id: id }), expect: 'ServiceNotFound' },
  { service: 'servicediscovery', operation: 'UpdateService', input: (id) => ({ Id: id, Service: { Description: 'd' } }), expect: 'ServiceNotFound' },
  { service: 'servicediscovery', operation: 'ListInstances', input: (id) => ({ ServiceId: id }), expect: 'ServiceNotFound' },
  { service: 'servicediscovery', operation: 'GetInstancesHealthStatus', input: (id) => ({ ServiceId: id }), expect: 'ServiceNotFound' },
  { service: 'servicediscovery', operation: 'GetNamespace', input: (id) => ({ Id: id }), expect: 'NamespaceNotFound' },
  { service: 'servicediscovery', operation: 'DeleteNamespace', input: (id) => ({ Id: id }), expect: 'NamespaceNotFound' },
  { service: 'servicediscovery', operation: 'GetOperation', input: (id) => ({ OperationId: id }), expect: 'OperationNotFound' },
  { service: 'servicediscovery', operation: 'GetInstance', input: (id) => ({ ServiceId: fixture.cloudMapServiceId, InstanceId: id }), expect: 'InstanceNotFound' },
  { service: 'servicediscovery', operation: 'DeregisterInstance', input: (id) => ({ ServiceId: fixture.cloudMapServiceId, InstanceId: id }), expect: 'InstanceNotFound' },
  // CloudWatch
  { service: 'monitoring', operation: 'GetDashboard', input: (id) => ({ DashboardName: id }), expect: 'ResourceNotFound' },
  { service: 'monitoring', operation: 'DeleteDashboards', input: (id) => ({ DashboardNames: [id] }), expect: '*' },
  { service: 'monitoring', operation: 'DescribeAlarms', input: (id) => ({ AlarmNames: [id] }), expect: '*' },
  { service: 'monitoring', operation: 'DeleteAlarms', input: (id) => ({ AlarmNames: [id] }), expect: '*' },
  { service: 'monitoring', operation: 'SetAlarmState', input: (id) => ({ AlarmName: id, StateValue: 'OK', StateReason: 'r' }), expect: 'ResourceNotFound' },
  // Application Auto Scaling
  { service: 'application-autoscaling', operation: 'DescribeScalableTargets', input: (id) => ({ ServiceNamespace: 'ecs', ResourceIds: [id] }), expect: '*' },
  // Logs, IAM (already own-property lookups; kept as regressions)
  { service: 'logs', operation: 'DescribeLogStreams', input: (id) => ({ logGroupName: id }), expect: 'ResourceNotFoundException' },
  { service: 'logs', operation: 'DeleteLogGroup', input: (id) => ({ logGroupName: id }), expect: 'ResourceNotFoundException' },
  { service: 'iam', operation: 'GetRole', input: (id) => ({ RoleName: id }), expect: 'NoSuchEntity' },
  { service: 'iam', operation: 'GetInstanceProfile', input: (id) => ({ InstanceProfileName: id }), expect: 'NoSuchEntity' },
];

const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();

function controlMatches(outcome: Outcome, expect: string): boolean {
  if (expect === '*') return true;
  if (expect === 'MISSING') return 'result' in outcome && JSON.stringify(outcome.result).includes('"MISSING"');
  return 'error' in outcome && outcome.error === expect;
}

describe('ids that are Object.prototype members find no record', () => {
  let state: CloudState;

  before(async () => {
    state = new CloudState({ timeScale: 0.002 });
    await state.invoke('ecs', 'CreateCluster', {}, { accountId: ACCOUNT });
    const ns = (await state.invoke('servicediscovery', 'CreateHttpNamespace', { Name: 'hostile-ns' }, { accountId: ACCOUNT })) as { OperationId: string };
    type Op = { Operation: { Status: string; Targets: { NAMESPACE: string } } };
    let op = (await state.invoke('servicediscovery', 'GetOperation', { OperationId: ns.OperationId }, { accountId: ACCOUNT })) as Op;
    for (let i = 0; i < 200 && op.Operation.Status !== 'SUCCESS'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      op = (await state.invoke('servicediscovery', 'GetOperation', { OperationId: ns.OperationId }, { accountId: ACCOUNT })) as Op;
    }
    const svc = (await state.invoke('servicediscovery', 'CreateService', { Name: 'hostile-svc', NamespaceId: op.Operation.Targets.NAMESPACE }, { accountId: ACCOUNT })) as {
      Service: { Id: string };
    };
    fixture.cloudMapServiceId = svc.Service.Id;
  });

  after(() => {
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoBefore, 'Object.prototype gained or lost a property');
  });

  for (const c of cases) {
    test(`${c.service} ${c.operation} ${JSON.stringify(c.input('<id>'))}`, async () => {
      const control = await outcome(state, c.service, c.operation, c.input(CONTROL));
      assert.ok(controlMatches(control, c.expect), `control answer ${JSON.stringify(control)} is not ${c.expect}`);
      for (const id of HOSTILE) {
        const got = await outcome(state, c.service, c.operation, c.input(id));
        const want = JSON.parse(JSON.stringify(control).replaceAll(CONTROL, id)) as Outcome;
        assert.deepEqual(got, want, `${c.operation} with ${id}`);
      }
      assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoBefore);
    });
  }
});

describe('names that are Object.prototype members are stored as ordinary records', () => {
  let state: CloudState;
  before(() => {
    state = new CloudState({ timeScale: 0.002 });
  });
  after(() => {
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoBefore, 'Object.prototype gained or lost a property');
    assert.equal(({} as Record<string, unknown>)['AlarmName'], undefined);
  });

  for (const name of HOSTILE) {
    test(`CloudWatch alarm and dashboard named ${name}`, async () => {
      await state.invoke(
        'monitoring',
        'PutMetricAlarm',
        { AlarmName: name, MetricName: 'CPUUtilization', Namespace: 'AWS/ECS', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 50, ComparisonOperator: 'GreaterThanThreshold' },
        { accountId: ACCOUNT },
      );
      const alarms = (await state.invoke('monitoring', 'DescribeAlarms', { AlarmNames: [name] }, { accountId: ACCOUNT })) as { MetricAlarms: { AlarmName: string }[] };
      assert.deepEqual(alarms.MetricAlarms.map((a) => a.AlarmName), [name]);
      await state.invoke('monitoring', 'PutDashboard', { DashboardName: name, DashboardBody: '{"widgets":[]}' }, { accountId: ACCOUNT });
      const dashboard = (await state.invoke('monitoring', 'GetDashboard', { DashboardName: name }, { accountId: ACCOUNT })) as { DashboardName: string };
      assert.equal(dashboard.DashboardName, name);
      await state.invoke('monitoring', 'DeleteDashboards', { DashboardNames: [name] }, { accountId: ACCOUNT });
      await state.invoke('monitoring', 'DeleteAlarms', { AlarmNames: [name] }, { accountId: ACCOUNT });
      const gone = (await state.invoke('monitoring', 'DescribeAlarms', { AlarmNames: [name] }, { accountId: ACCOUNT })) as { MetricAlarms: unknown[] };
      assert.deepEqual(gone.MetricAlarms, []);
    });

    test(`ECS task definition family named ${name}`, async () => {
      const registered = (await state.invoke(
        'ecs',
        'RegisterTaskDefinition',
        { family: name, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] },
        { accountId: ACCOUNT },
      )) as { taskDefinition: { revision: number } };
      assert.equal(registered.taskDefinition.revision, 1);
      const described = (await state.invoke('ecs', 'DescribeTaskDefinition', { taskDefinition: name }, { accountId: ACCOUNT })) as { taskDefinition: { family: string; revision: number } };
      assert.equal(described.taskDefinition.family, name);
      assert.equal(described.taskDefinition.revision, 1);
    });
  }
});

describe('a tag whose key is an Object.prototype member is kept like any other tag', () => {
  const state = new CloudState({ timeScale: 0.01 });
  const call = (service: string, operation: string, input: unknown) => state.invoke(service, operation, input, { accountId: ACCOUNT });
  const keys = [...HOSTILE, 'plain'];

  test('CloudWatch TagResource / ListTagsForResource', async () => {
    await call('monitoring', 'PutMetricAlarm', { AlarmName: 'tagged', MetricName: 'X', Namespace: 'N', Statistic: 'Sum', Period: 60, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'GreaterThanThreshold' });
    const arn = `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:tagged`;
    await call('monitoring', 'TagResource', { ResourceARN: arn, Tags: keys.map((Key) => ({ Key, Value: `v-${Key}` })) });
    const listed = (await call('monitoring', 'ListTagsForResource', { ResourceARN: arn })) as { Tags: { Key: string; Value: string }[] };
    assert.deepEqual(listed.Tags.map((t) => [t.Key, t.Value]).sort(), keys.map((k) => [k, `v-${k}`]).sort());
  });

  test('EC2 CreateTags / DescribeTags and TagSpecifications', async () => {
    const vpc = (await call('ec2', 'CreateVpc', { CidrBlock: '10.9.0.0/16', TagSpecification: [{ ResourceType: 'vpc', Tag: [{ Key: '__proto__', Value: 'from-spec' }] }] })) as { vpc: { vpcId: string } };
    const id = vpc.vpc.vpcId;
    await call('ec2', 'CreateTags', { ResourceId: [id], Tag: HOSTILE.filter((k) => k !== '__proto__').map((Key) => ({ Key, Value: `v-${Key}` })) });
    const tags = (await call('ec2', 'DescribeTags', { Filter: [{ Name: 'resource-id', Value: [id] }] })) as { tagSet: { key: string; value: string }[] };
    assert.deepEqual(
      tags.tagSet.map((t) => [t.key, t.value]).sort(),
      [['__proto__', 'from-spec'], ...HOSTILE.filter((k) => k !== '__proto__').map((k) => [k, `v-${k}`])].sort(),
    );
  });

  test('Cloud Map TagResource / ListTagsForResource', async () => {
    const created = (await call('servicediscovery', 'CreateHttpNamespace', { Name: 'tagged-ns', Tags: keys.map((Key) => ({ Key, Value: `v-${Key}` })) })) as { OperationId: string };
    // The namespace is visible once its operation succeeded (as on AWS).
    let operation: { Operation: { Status: string; Targets: { NAMESPACE: string } } };
    const deadline = Date.now() + 10_000;
    do {
      operation = (await call('servicediscovery', 'GetOperation', { OperationId: created.OperationId })) as typeof operation;
      if (operation.Operation.Status !== 'SUCCESS') await new Promise((r) => setTimeout(r, 20));
    } while (operation.Operation.Status !== 'SUCCESS' && Date.now() < deadline);
    const namespace = (await call('servicediscovery', 'GetNamespace', { Id: operation.Operation.Targets.NAMESPACE })) as { Namespace: { Arn: string } };
    const listed = (await call('servicediscovery', 'ListTagsForResource', { ResourceARN: namespace.Namespace.Arn })) as { Tags: { Key: string; Value: string }[] };
    assert.deepEqual(listed.Tags.map((t) => [t.Key, t.Value]).sort(), keys.map((k) => [k, `v-${k}`]).sort());
  });

  test('nothing reached Object.prototype', () => {
    for (const key of keys) assert.equal(Object.hasOwn(Object.prototype, `v-${key}`), false);
    assert.equal(({} as Record<string, unknown>)['plain'], undefined);
  });
});
