import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import {
  alarmCause,
  desiredCountDescription,
  findPoliciesByAlarm,
  getScalableTarget,
  recordScalingActivity,
  updateScalableTargetState,
} from '../../../../src/local/services/autoscaling/state.js';
import { rejects } from '../rejects.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const RESOURCE = 'service/flask-inventory-cluster/invsys-service';
const TARGET = { ServiceNamespace: 'ecs', ResourceId: RESOURCE, ScalableDimension: 'ecs:service:DesiredCount' };
const LABEL = 'app/flask-inventory-alb/50dc6c495c0c9188/targetgroup/gateway-tg/6d0ecf831eec9f09';

function setup() {
  let now = T0;
  const cloud = new CloudState({ now: () => new Date(now) });
  const call = (op: string, input: unknown = {}) => cloud.invoke('application-autoscaling', op, input, { region: 'us-east-1' }) as Promise<any>;
  const cw = (op: string, input: unknown = {}) => cloud.invoke('monitoring', op, input, { region: 'us-east-1' }) as Promise<any>;
  // AWS registers a scalable target only for an ECS service that exists: create flask-inventory-cluster/invsys-service first.
  const ecs = (op: string, input: unknown = {}) => cloud.invoke('ecs', op, input, { region: 'us-east-1' }) as Promise<any>;
  const ready = (async () => {
    await ecs('CreateCluster', { clusterName: 'flask-inventory-cluster' });
    await ecs('RegisterTaskDefinition', { family: 'invsys', networkMode: 'bridge', containerDefinitions: [{ name: 'invsys', image: 'invsys:latest', memory: 128, essential: true }] });
    await ecs('CreateService', { cluster: 'flask-inventory-cluster', serviceName: 'invsys-service', taskDefinition: 'invsys', desiredCount: 1 });
  })();
  const callWhenReady = async (op: string, input: unknown = {}) => {
    await ready;
    return call(op, input);
  };
  return { cloud, call: callWhenReady, cw, ecs, advance: (ms: number) => (now += ms), region: () => cloud.region('us-east-1') };
}


async function registered(t = setup()) {
  const out = await t.call('RegisterScalableTarget', { ...TARGET, MinCapacity: 1, MaxCapacity: 4, RoleARN: 'arn:aws:iam::123456789012:role/ecsAutoscaleRole' });
  return { ...t, targetArn: out.ScalableTargetARN as string };
}

const cpuPolicy = {
  PolicyName: 'cpu-scaling-policy',
  ...TARGET,
  PolicyType: 'TargetTrackingScaling',
  TargetTrackingScalingPolicyConfiguration: {
    TargetValue: 70,
    PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    ScaleOutCooldown: 60,
    ScaleInCooldown: 60,
  },
};

describe('Application Auto Scaling targets', () => {
  it('registers an ECS service as a scalable target and describes it', async () => {
    const t = await registered();
    assert.match(t.targetArn, /^arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target\/[0-9a-f]{36}$/);
    const { ScalableTargets } = await t.call('DescribeScalableTargets', { ServiceNamespace: 'ecs', ResourceIds: [RESOURCE] });
    assert.equal(ScalableTargets.length, 1);
    assert.equal(ScalableTargets[0].MinCapacity, 1);
    assert.equal(ScalableTargets[0].MaxCapacity, 4);
    assert.deepEqual(ScalableTargets[0].SuspendedState, { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false });
    assert.deepEqual(ScalableTargets[0].CreationTime, new Date(T0));
  });

  it('updates a target on re-registration and keeps its ARN', async () => {
    const t = await registered();
    const again = await t.call('RegisterScalableTarget', { ...TARGET, MaxCapacity: 6 });
    assert.equal(again.ScalableTargetARN, t.targetArn);
    assert.equal(getScalableTarget(t.region(), 'ecs', RESOURCE, 'ecs:service:DesiredCount')?.MaxCapacity, 6);
  });

  it('validates the resource id format, dimension and min <= max', async () => {
    const t = setup();
    await rejects(t.call('RegisterScalableTarget', { ...TARGET, ResourceId: 'flask-inventory-cluster/invsys', MinCapacity: 1, MaxCapacity: 2 }), 'ValidationException', /service\/<cluster-name>/);
    await rejects(t.call('RegisterScalableTarget', { ...TARGET, ScalableDimension: 'ecs:service:Count', MinCapacity: 1, MaxCapacity: 2 }), 'ValidationException');
    await rejects(t.call('RegisterScalableTarget', { ...TARGET, MinCapacity: 5, MaxCapacity: 2 }), 'ValidationException', /Minimum capacity cannot be greater than maximum capacity/);
    await rejects(t.call('RegisterScalableTarget', { ...TARGET, ServiceNamespace: 'nope', MinCapacity: 1, MaxCapacity: 2 }), 'ValidationException');
  });

  it('refuses to register a target for an ECS service that does not exist, as AWS does', async () => {
    const t = setup();
    await rejects(
      t.call('RegisterScalableTarget', { ...TARGET, ResourceId: 'service/flask-inventory-cluster/ghost-service', MinCapacity: 1, MaxCapacity: 2 }),
      'ValidationException',
      /ECS service doesn't exist: service\/flask-inventory-cluster\/ghost-service/,
    );
    await rejects(t.call('RegisterScalableTarget', { ...TARGET, ResourceId: 'service/ghost-cluster/invsys-service', MinCapacity: 1, MaxCapacity: 2 }), 'ValidationException', /ECS service doesn't exist/);
  });

  it('deregisters a target together with its policies and their alarms', async () => {
    const t = await registered();
    await t.call('PutScalingPolicy', cpuPolicy);
    await t.call('DeregisterScalableTarget', TARGET);
    assert.equal((await t.call('DescribeScalableTargets', { ServiceNamespace: 'ecs' })).ScalableTargets.length, 0);
    assert.equal((await t.call('DescribeScalingPolicies', { ServiceNamespace: 'ecs' })).ScalingPolicies.length, 0);
    assert.equal((await t.cw('DescribeAlarms')).MetricAlarms.length, 0);
    await rejects(t.call('DeregisterScalableTarget', TARGET), 'ObjectNotFoundException', /No scalable target registered/);
  });

  it('tags scalable targets', async () => {
    const t = await registered();
    await t.call('TagResource', { ResourceARN: t.targetArn, Tags: { project: 'lab', env: 'dev' } });
    await t.call('UntagResource', { ResourceARN: t.targetArn, TagKeys: ['env'] });
    assert.deepEqual((await t.call('ListTagsForResource', { ResourceARN: t.targetArn })).Tags, { project: 'lab' });
    await rejects(t.call('ListTagsForResource', { ResourceARN: `${t.targetArn}0` }), 'ResourceNotFoundException');
  });
});

describe('Application Auto Scaling policies', () => {
  it('creates target-tracking alarms in CloudWatch as AWS does', async () => {
    const t = await registered();
    const out = await t.call('PutScalingPolicy', cpuPolicy);
    assert.match(out.PolicyARN, /^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:resource\/ecs\/service\/flask-inventory-cluster\/invsys-service:policyName\/cpu-scaling-policy$/);
    assert.equal(out.Alarms.length, 2);
    const [high, low] = out.Alarms;
    assert.match(high.AlarmName, /^TargetTracking-service\/flask-inventory-cluster\/invsys-service-AlarmHigh-[0-9a-f-]{36}$/);
    assert.match(low.AlarmName, /^TargetTracking-service\/flask-inventory-cluster\/invsys-service-AlarmLow-[0-9a-f-]{36}$/);
    const { MetricAlarms } = await t.cw('DescribeAlarms', { AlarmNamePrefix: 'TargetTracking-' });
    const highAlarm = MetricAlarms.find((a: any) => a.AlarmName === high.AlarmName);
    const lowAlarm = MetricAlarms.find((a: any) => a.AlarmName === low.AlarmName);
    assert.equal(highAlarm.AlarmArn, high.AlarmARN);
    assert.equal(highAlarm.Namespace, 'AWS/ECS');
    assert.equal(highAlarm.MetricName, 'CPUUtilization');
    assert.deepEqual(highAlarm.Dimensions, [{ Name: 'ClusterName', Value: 'flask-inventory-cluster' }, { Name: 'ServiceName', Value: 'invsys-service' }]);
    assert.equal(highAlarm.Threshold, 70);
    assert.equal(highAlarm.EvaluationPeriods, 3);
    assert.equal(highAlarm.ComparisonOperator, 'GreaterThanThreshold');
    assert.deepEqual(highAlarm.AlarmActions, [out.PolicyARN]);
    assert.equal(lowAlarm.Threshold, 63);
    assert.equal(lowAlarm.EvaluationPeriods, 15);
    assert.equal(lowAlarm.ComparisonOperator, 'LessThanThreshold');
  });

  it('requires an ALB resource label of the form app/…/targetgroup/… for ALBRequestCountPerTarget (lab 8.3)', async () => {
    const t = await registered();
    const policy = (label?: string) => ({
      PolicyName: 'alb-requests',
      ...TARGET,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 100,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ALBRequestCountPerTarget', ...(label ? { ResourceLabel: label } : {}) },
      },
    });
    await rejects(t.call('PutScalingPolicy', policy()), 'ValidationException', /Resource label should be specified/);
    await rejects(t.call('PutScalingPolicy', policy(`loadbalancer/${LABEL}`)), 'ValidationException', /app\/<load-balancer-name>/);
    const out = await t.call('PutScalingPolicy', policy(LABEL));
    const { MetricAlarms } = await t.cw('DescribeAlarms', { AlarmNames: [out.Alarms[0].AlarmName] });
    assert.equal(MetricAlarms[0].Namespace, 'AWS/ApplicationELB');
    assert.equal(MetricAlarms[0].MetricName, 'RequestCountPerTarget');
    assert.deepEqual(MetricAlarms[0].Dimensions, [{ Name: 'TargetGroup', Value: 'targetgroup/gateway-tg/6d0ecf831eec9f09' }]);
    assert.equal(MetricAlarms[0].Statistic, 'Sum');
  });

  it('refuses a policy for an unregistered target', async () => {
    await rejects(setup().call('PutScalingPolicy', cpuPolicy), 'ObjectNotFoundException', /No scalable target registered/);
  });

  it('creates only the high alarm when scale-in is disabled, and keeps alarm names on update', async () => {
    const t = await registered();
    const first = await t.call('PutScalingPolicy', cpuPolicy);
    const updated = await t.call('PutScalingPolicy', {
      ...cpuPolicy,
      TargetTrackingScalingPolicyConfiguration: { ...cpuPolicy.TargetTrackingScalingPolicyConfiguration, TargetValue: 50, DisableScaleIn: true },
    });
    assert.equal(updated.PolicyARN, first.PolicyARN);
    assert.deepEqual(updated.Alarms, [first.Alarms[0]]);
    const { MetricAlarms } = await t.cw('DescribeAlarms');
    assert.equal(MetricAlarms.length, 1);
    assert.equal(MetricAlarms[0].Threshold, 50);
  });

  it('stores step scaling policies and rejects overlapping steps', async () => {
    const t = await registered();
    const step = {
      PolicyName: 'step-out',
      ...TARGET,
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }], Cooldown: 60, MetricAggregationType: 'Average' },
    };
    const out = await t.call('PutScalingPolicy', step);
    assert.equal(out.Alarms, undefined);
    const { ScalingPolicies } = await t.call('DescribeScalingPolicies', { ServiceNamespace: 'ecs', PolicyNames: ['step-out'] });
    assert.equal(ScalingPolicies[0].StepScalingPolicyConfiguration.AdjustmentType, 'ChangeInCapacity');
    await rejects(
      t.call('PutScalingPolicy', {
        ...step,
        StepScalingPolicyConfiguration: { AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }, { MetricIntervalLowerBound: 5, MetricIntervalUpperBound: 10, ScalingAdjustment: 2 }] },
      }),
      'ValidationException',
      /overlap/,
    );
    await t.cw('PutMetricAlarm', {
      AlarmName: 'invsys-cpu-step', Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 80,
      ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [out.PolicyARN],
    });
    assert.deepEqual(findPoliciesByAlarm(t.region(), 'invsys-cpu-step').map((p) => p.PolicyName), ['step-out']);
  });

  it('deletes a policy together with its alarms', async () => {
    const t = await registered();
    await t.call('PutScalingPolicy', cpuPolicy);
    await t.call('DeleteScalingPolicy', { PolicyName: 'cpu-scaling-policy', ...TARGET });
    assert.equal((await t.cw('DescribeAlarms')).MetricAlarms.length, 0);
    await rejects(t.call('DeleteScalingPolicy', { PolicyName: 'cpu-scaling-policy', ...TARGET }), 'ObjectNotFoundException', /No scaling policy found/);
  });
});

describe('Application Auto Scaling accessors for the runtime', () => {
  it('finds the policy behind an alarm and records an AWS-style scaling activity', async () => {
    const t = await registered();
    const out = await t.call('PutScalingPolicy', cpuPolicy);
    const region = t.region();
    const [policy] = findPoliciesByAlarm(region, out.Alarms[0].AlarmName);
    assert.equal(policy?.PolicyARN, out.PolicyARN);
    recordScalingActivity(region, {
      ...TARGET,
      Description: desiredCountDescription(2),
      Cause: alarmCause(out.Alarms[0].AlarmName, 'ALARM', 'cpu-scaling-policy'),
      StartTime: T0,
      EndTime: T0 + 1000,
      StatusCode: 'Successful',
      StatusMessage: 'Successfully set desired count to 2. Change successfully fulfilled by ecs.',
    });
    updateScalableTargetState(region, TARGET, { lastScaleOutAt: T0 });
    assert.equal(getScalableTarget(region, 'ecs', RESOURCE, 'ecs:service:DesiredCount')?.lastScaleOutAt, T0);
    const { ScalingActivities } = await t.call('DescribeScalingActivities', { ServiceNamespace: 'ecs', ResourceId: RESOURCE });
    assert.equal(ScalingActivities.length, 1);
    assert.equal(ScalingActivities[0].Description, 'Setting desired count to 2.');
    assert.match(ScalingActivities[0].Cause, /^monitor alarm TargetTracking-service\/flask-inventory-cluster\/invsys-service-AlarmHigh-.* in state ALARM triggered policy cpu-scaling-policy$/);
    assert.deepEqual(ScalingActivities[0].EndTime, new Date(T0 + 1000));
    assert.deepEqual(JSON.parse(JSON.stringify(region['application-autoscaling'])), region['application-autoscaling']);
  });
});

describe('other service namespaces (stored, acting on nothing)', () => {
  it('registers, describes and deregisters a DynamoDB target with its policy and scheduled action, creating no alarm', async () => {
    const t = setup();
    const table = { ServiceNamespace: 'dynamodb', ResourceId: 'table/orders', ScalableDimension: 'dynamodb:table:ReadCapacityUnits' };
    await t.call('RegisterScalableTarget', { ...table, MinCapacity: 5, MaxCapacity: 50 });
    const [target] = (await t.call('DescribeScalableTargets', { ServiceNamespace: 'dynamodb' })).ScalableTargets;
    assert.deepEqual([target.ResourceId, target.MinCapacity, target.MaxCapacity], ['table/orders', 5, 50]);
    assert.match(target.RoleARN, /:role\/aws-service-role\/dynamodb\.application-autoscaling\.amazonaws\.com\//);
    assert.deepEqual((await t.call('DescribeScalableTargets', { ServiceNamespace: 'ecs' })).ScalableTargets, [], 'namespaces stay apart');
    const put = await t.call('PutScalingPolicy', {
      ...table,
      PolicyName: 'reads',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' } },
    });
    assert.deepEqual(put.Alarms, []);
    assert.deepEqual((await t.cw('DescribeAlarms')).MetricAlarms, []);
    const [policy] = (await t.call('DescribeScalingPolicies', { ServiceNamespace: 'dynamodb' })).ScalingPolicies;
    assert.equal(policy.TargetTrackingScalingPolicyConfiguration.TargetValue, 70);
    await t.call('PutScheduledAction', { ...table, ScheduledActionName: 'night', Schedule: 'cron(0 22 * * ? *)', ScalableTargetAction: { MinCapacity: 1 } });
    assert.equal((await t.call('DescribeScheduledActions', { ServiceNamespace: 'dynamodb' })).ScheduledActions.length, 1);
    await t.call('DeregisterScalableTarget', table);
    assert.deepEqual((await t.call('DescribeScheduledActions', { ServiceNamespace: 'dynamodb' })).ScheduledActions, []);
  });

  it('refuses a dimension of another namespace and an unknown namespace', async () => {
    const t = setup();
    await rejects(t.call('RegisterScalableTarget', { ServiceNamespace: 'dynamodb', ResourceId: 'table/x', ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: 1, MaxCapacity: 2 }), 'ValidationException', /not a dimension of dynamodb/);
    await rejects(t.call('DescribeScalableTargets', { ServiceNamespace: 'beanstalk' }), 'ValidationException', /enum value set/);
  });
});
