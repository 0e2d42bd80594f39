/**
 * Scaling policy operations: PutScalingPolicy (target tracking creates its
 * CloudWatch alarms as AWS does; step scaling), DescribeScalingPolicies,
 * DeleteScalingPolicy, DescribeScalingActivities.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, own, uuid } from '../../core/util.js';
import { deleteAlarmRecords, putAlarmRecord, type Dimension } from '../cloudwatch/state.js';
import { autoScalingState, requireScalableTarget, targetKey, type ScalingPolicyRecord } from './state.js';
import { ecsNames, need, page, readMaxResults, readNamespace, readTarget } from './validation.js';

const PREDEFINED = ['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization', 'ALBRequestCountPerTarget'] as const;
const RESOURCE_LABEL = /^app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{1,32}\/targetgroup\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{1,32}$/;

interface TrackedMetric {
  Namespace: string;
  MetricName: string;
  Dimensions: Dimension[];
  Statistic: string;
  Unit?: string;
}

function trackedMetric(config: any, resourceId: string): TrackedMetric {
  const { cluster, service } = ecsNames(resourceId);
  const predefined = config.PredefinedMetricSpecification;
  const custom = config.CustomizedMetricSpecification;
  if ((predefined === undefined) === (custom === undefined)) {
    throw new AwsError('ValidationException', 'Exactly one of PredefinedMetricSpecification or CustomizedMetricSpecification must be specified.');
  }
  if (custom) {
    const statistic = String(need(custom.Statistic, 'customizedMetricSpecification.statistic'));
    if (!['Average', 'Minimum', 'Maximum', 'SampleCount', 'Sum'].includes(statistic)) {
      throw new AwsError('ValidationException', `CustomizedMetricSpecification.Statistic must be Average, Minimum, Maximum, SampleCount or Sum, got: ${statistic}`);
    }
    return {
      Namespace: String(need(custom.Namespace, 'customizedMetricSpecification.namespace')),
      MetricName: String(need(custom.MetricName, 'customizedMetricSpecification.metricName')),
      Dimensions: Array.isArray(custom.Dimensions) ? (custom.Dimensions as Dimension[]).map((d) => ({ Name: String(d.Name), Value: String(d.Value) })) : [],
      Statistic: statistic,
      ...(custom.Unit !== undefined ? { Unit: String(custom.Unit) } : {}),
    };
  }
  const type = String(need(predefined.PredefinedMetricType, 'predefinedMetricSpecification.predefinedMetricType'));
  if (!(PREDEFINED as readonly string[]).includes(type)) {
    throw new AwsError('ValidationException', `Unsupported predefined metric type for ECS services: ${type} (use ${PREDEFINED.join(', ')})`);
  }
  const ecsDims = [
    { Name: 'ClusterName', Value: cluster },
    { Name: 'ServiceName', Value: service },
  ];
  if (type === 'ALBRequestCountPerTarget') {
    const label = predefined.ResourceLabel;
    if (label === undefined || label === '') throw new AwsError('ValidationException', 'Resource label should be specified for predefined metric type ALBRequestCountPerTarget');
    if (!RESOURCE_LABEL.test(String(label))) {
      throw new AwsError(
        'ValidationException',
        `Invalid resource label ${String(label)} for ALBRequestCountPerTarget: expected app/<load-balancer-name>/<load-balancer-id>/targetgroup/<target-group-name>/<target-group-id>`,
      );
    }
    const tg = String(label).slice(String(label).indexOf('/targetgroup/') + 1);
    return { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCountPerTarget', Dimensions: [{ Name: 'TargetGroup', Value: tg }], Statistic: 'Sum' };
  }
  if (predefined.ResourceLabel !== undefined) {
    throw new AwsError('ValidationException', `ResourceLabel is only valid for ALBRequestCountPerTarget, not ${type}.`);
  }
  return {
    Namespace: 'AWS/ECS',
    MetricName: type === 'ECSServiceAverageCPUUtilization' ? 'CPUUtilization' : 'MemoryUtilization',
    Dimensions: ecsDims,
    Statistic: 'Average',
    Unit: 'Percent',
  };
}

function cooldown(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 86400) throw new AwsError('ValidationException', `${field} must be an integer between 0 and 86400 seconds, got: ${String(value)}`);
  return n;
}

function readTargetTracking(config: any, resourceId: string): { config: Record<string, unknown>; metric: TrackedMetric; target: number; disableScaleIn: boolean } {
  if (!config || typeof config !== 'object') throw new AwsError('ValidationException', 'TargetTrackingScalingPolicyConfiguration is required for policy type TargetTrackingScaling.');
  const target = Number(need(config.TargetValue, 'targetTrackingScalingPolicyConfiguration.targetValue'));
  if (!Number.isFinite(target) || target <= 0) throw new AwsError('ValidationException', `TargetValue must be a positive number, got: ${String(config.TargetValue)}`);
  const metric = trackedMetric(config, resourceId);
  const out = cooldown(config.ScaleOutCooldown, 'ScaleOutCooldown');
  const inn = cooldown(config.ScaleInCooldown, 'ScaleInCooldown');
  const disableScaleIn = config.DisableScaleIn === true || config.DisableScaleIn === 'true';
  return {
    config: {
      TargetValue: target,
      ...(config.PredefinedMetricSpecification ? { PredefinedMetricSpecification: { ...config.PredefinedMetricSpecification } } : {}),
      ...(config.CustomizedMetricSpecification ? { CustomizedMetricSpecification: { ...config.CustomizedMetricSpecification } } : {}),
      ...(out !== undefined ? { ScaleOutCooldown: out } : {}),
      ...(inn !== undefined ? { ScaleInCooldown: inn } : {}),
      DisableScaleIn: disableScaleIn,
    },
    metric,
    target,
    disableScaleIn,
  };
}

function readStepScaling(config: any): Record<string, unknown> {
  if (!config || typeof config !== 'object') throw new AwsError('ValidationException', 'StepScalingPolicyConfiguration is required for policy type StepScaling.');
  const adjustmentType = String(need(config.AdjustmentType, 'stepScalingPolicyConfiguration.adjustmentType'));
  if (!['ChangeInCapacity', 'PercentChangeInCapacity', 'ExactCapacity'].includes(adjustmentType)) {
    throw new AwsError('ValidationException', `AdjustmentType must be ChangeInCapacity, PercentChangeInCapacity or ExactCapacity, got: ${adjustmentType}`);
  }
  const steps = Array.isArray(config.StepAdjustments) ? (config.StepAdjustments as any[]) : [];
  if (steps.length === 0) throw new AwsError('ValidationException', 'StepAdjustments must contain at least one step adjustment.');
  const parsed = steps.map((s, i) => {
    const adj = Number(need(s.ScalingAdjustment, `stepAdjustments[${i}].scalingAdjustment`));
    if (!Number.isInteger(adj)) throw new AwsError('ValidationException', `StepAdjustments[${i}].ScalingAdjustment must be an integer, got: ${String(s.ScalingAdjustment)}`);
    const lower = s.MetricIntervalLowerBound === undefined ? undefined : Number(s.MetricIntervalLowerBound);
    const upper = s.MetricIntervalUpperBound === undefined ? undefined : Number(s.MetricIntervalUpperBound);
    if (lower !== undefined && upper !== undefined && lower >= upper) {
      throw new AwsError('ValidationException', `StepAdjustments[${i}]: MetricIntervalLowerBound (${lower}) must be less than MetricIntervalUpperBound (${upper}).`);
    }
    return { ...(lower !== undefined ? { MetricIntervalLowerBound: lower } : {}), ...(upper !== undefined ? { MetricIntervalUpperBound: upper } : {}), ScalingAdjustment: adj };
  });
  const sorted = [...parsed].sort((a, b) => (a.MetricIntervalLowerBound ?? -Infinity) - (b.MetricIntervalLowerBound ?? -Infinity));
  for (let i = 1; i < sorted.length; i++) {
    if ((sorted[i - 1]?.MetricIntervalUpperBound ?? Infinity) > (sorted[i]?.MetricIntervalLowerBound ?? -Infinity)) {
      throw new AwsError('ValidationException', 'Step adjustment intervals must not overlap.');
    }
  }
  const aggregation = config.MetricAggregationType === undefined ? undefined : String(config.MetricAggregationType);
  if (aggregation !== undefined && !['Average', 'Minimum', 'Maximum'].includes(aggregation)) {
    throw new AwsError('ValidationException', `MetricAggregationType must be Average, Minimum or Maximum, got: ${aggregation}`);
  }
  const cd = cooldown(config.Cooldown, 'Cooldown');
  return {
    AdjustmentType: adjustmentType,
    StepAdjustments: parsed,
    ...(config.MinAdjustmentMagnitude !== undefined ? { MinAdjustmentMagnitude: Number(config.MinAdjustmentMagnitude) } : {}),
    ...(cd !== undefined ? { Cooldown: cd } : {}),
    ...(aggregation !== undefined ? { MetricAggregationType: aggregation } : {}),
  };
}

function createTrackingAlarms(
  ctx: RequestContext,
  policyArn: string,
  resourceId: string,
  tracking: ReturnType<typeof readTargetTracking>,
  previous: ScalingPolicyRecord | undefined,
): { AlarmName: string; AlarmARN: string }[] {
  const now = ctx.now().getTime();
  const previousHigh = previous?.Alarms.find((a) => a.AlarmName.includes('-AlarmHigh-'))?.AlarmName;
  const previousLow = previous?.Alarms.find((a) => a.AlarmName.includes('-AlarmLow-'))?.AlarmName;
  const high = previousHigh ?? `TargetTracking-${resourceId}-AlarmHigh-${uuid()}`;
  const low = previousLow ?? `TargetTracking-${resourceId}-AlarmLow-${uuid()}`;
  const common = {
    AlarmDescription: `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy ${policyArn}.`,
    ActionsEnabled: true,
    OKActions: [],
    InsufficientDataActions: [],
    AlarmActions: [policyArn],
    MetricName: tracking.metric.MetricName,
    Namespace: tracking.metric.Namespace,
    Statistic: tracking.metric.Statistic,
    Dimensions: tracking.metric.Dimensions,
    Period: 60,
    ...(tracking.metric.Unit !== undefined ? { Unit: tracking.metric.Unit } : {}),
  };
  const alarms = [putAlarmRecord(ctx.state, ctx, { ...common, AlarmName: high, EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: tracking.target, ComparisonOperator: 'GreaterThanThreshold' }, now)];
  if (!tracking.disableScaleIn) {
    alarms.push(
      putAlarmRecord(
        ctx.state,
        ctx,
        { ...common, AlarmName: low, EvaluationPeriods: 15, DatapointsToAlarm: 15, Threshold: Math.round(tracking.target * 0.9 * 1e6) / 1e6, ComparisonOperator: 'LessThanThreshold' },
        now,
      ),
    );
  } else if (previousLow) {
    deleteAlarmRecords(ctx.state, [previousLow], now);
  }
  return alarms.map((a) => ({ AlarmName: a.AlarmName, AlarmARN: a.AlarmArn }));
}

function policyShape(p: ScalingPolicyRecord): Record<string, unknown> {
  return { ...p, Alarms: p.Alarms.map((a) => ({ ...a })), CreationTime: new Date(p.CreationTime) };
}

export const putScalingPolicy: OperationHandler = (input, ctx) => {
  const name = String(need(input.PolicyName, 'policyName'));
  if (name.length > 256 || /[:]/.test(name)) throw new AwsError('ValidationException', `PolicyName ${name} is invalid: use at most 256 characters and no colons.`);
  const id = readTarget(input);
  requireScalableTarget(ctx.state, id.ServiceNamespace, id.ResourceId, id.ScalableDimension);
  const type = String(input.PolicyType ?? 'StepScaling');
  if (type !== 'TargetTrackingScaling' && type !== 'StepScaling') {
    throw new AwsError('ValidationException', `PolicyType must be TargetTrackingScaling or StepScaling for ECS services, got: ${type}`);
  }
  const state = autoScalingState(ctx.state);
  const previous = Object.values(state.policies).find(
    (p) => p.PolicyName === name && p.ServiceNamespace === id.ServiceNamespace && p.ResourceId === id.ResourceId && p.ScalableDimension === id.ScalableDimension,
  );
  if (previous && previous.PolicyType !== type) {
    deleteAlarmRecords(ctx.state, previous.Alarms.map((a) => a.AlarmName), ctx.now().getTime());
    delete state.policies[previous.PolicyARN];
  }
  const keep = previous && previous.PolicyType === type ? previous : undefined;
  const policyArn =
    keep?.PolicyARN ?? arn(ctx, 'autoscaling', `scalingPolicy:${uuid()}:resource/${id.ServiceNamespace}/${id.ResourceId}:policyName/${name}`);
  let policy: ScalingPolicyRecord;
  if (type === 'TargetTrackingScaling') {
    if (input.StepScalingPolicyConfiguration !== undefined) throw new AwsError('ValidationException', 'StepScalingPolicyConfiguration is not valid for policy type TargetTrackingScaling.');
    if (id.ServiceNamespace === 'ecs') {
      const tracking = readTargetTracking(input.TargetTrackingScalingPolicyConfiguration, id.ResourceId);
      const alarms = createTrackingAlarms(ctx, policyArn, id.ResourceId, tracking, keep);
      policy = { PolicyARN: policyArn, PolicyName: name, ...id, PolicyType: type, TargetTrackingScalingPolicyConfiguration: tracking.config, Alarms: alarms, CreationTime: keep?.CreationTime ?? ctx.now().getTime() };
    } else {
      // Another namespace's resource is not emulated: the policy is stored and acts on nothing (no alarms to watch).
      const config = input.TargetTrackingScalingPolicyConfiguration as Record<string, unknown> | undefined;
      if (!config || typeof config !== 'object') throw new AwsError('ValidationException', 'TargetTrackingScalingPolicyConfiguration is required for policy type TargetTrackingScaling.');
      if (!(Number(config.TargetValue) > 0)) throw new AwsError('ValidationException', `TargetValue must be a positive number, got: ${String(config.TargetValue)}`);
      policy = { PolicyARN: policyArn, PolicyName: name, ...id, PolicyType: type, TargetTrackingScalingPolicyConfiguration: { ...config }, Alarms: [], CreationTime: keep?.CreationTime ?? ctx.now().getTime() };
    }
  } else {
    if (input.TargetTrackingScalingPolicyConfiguration !== undefined) throw new AwsError('ValidationException', 'TargetTrackingScalingPolicyConfiguration is not valid for policy type StepScaling.');
    policy = { PolicyARN: policyArn, PolicyName: name, ...id, PolicyType: type, StepScalingPolicyConfiguration: readStepScaling(input.StepScalingPolicyConfiguration), Alarms: [], CreationTime: keep?.CreationTime ?? ctx.now().getTime() };
  }
  state.policies[policyArn] = policy;
  ctx.events.emit('autoscaling:policy-updated', { accountId: ctx.accountId, region: ctx.region, type: 'autoscaling:policy-updated', policyArn, resourceId: id.ResourceId });
  return { PolicyARN: policyArn, ...(type === 'TargetTrackingScaling' ? { Alarms: policy.Alarms.map((a) => ({ ...a })) } : {}) };
};

export const describeScalingPolicies: OperationHandler = (input, ctx) => {
  const ns = readNamespace(input.ServiceNamespace);
  const names = Array.isArray(input.PolicyNames) ? (input.PolicyNames as unknown[]).map(String) : [];
  const max = readMaxResults(input);
  const items = Object.values(autoScalingState(ctx.state).policies)
    .filter((p) => p.ServiceNamespace === ns)
    .filter((p) => names.length === 0 || names.includes(p.PolicyName))
    .filter((p) => input.ResourceId === undefined || p.ResourceId === input.ResourceId)
    .filter((p) => input.ScalableDimension === undefined || p.ScalableDimension === input.ScalableDimension)
    .sort((a, b) => a.CreationTime - b.CreationTime);
  const { page: shown, nextToken } = page(items, input.NextToken, max);
  return { ScalingPolicies: shown.map(policyShape), ...(nextToken ? { NextToken: nextToken } : {}) };
};

export const deleteScalingPolicy: OperationHandler = (input, ctx) => {
  const name = String(need(input.PolicyName, 'policyName'));
  const id = readTarget(input);
  const state = autoScalingState(ctx.state);
  const policy = Object.values(state.policies).find(
    (p) => p.PolicyName === name && p.ServiceNamespace === id.ServiceNamespace && p.ResourceId === id.ResourceId && p.ScalableDimension === id.ScalableDimension,
  );
  if (!policy) {
    throw new AwsError(
      'ObjectNotFoundException',
      `No scaling policy found for service namespace: ${id.ServiceNamespace}, resource ID: ${id.ResourceId}, scalable dimension: ${id.ScalableDimension}, policy name: ${name}`,
    );
  }
  deleteAlarmRecords(ctx.state, policy.Alarms.map((a) => a.AlarmName), ctx.now().getTime());
  delete state.policies[policy.PolicyARN];
  return {};
};

export const describeScalingActivities: OperationHandler = (input, ctx) => {
  const ns = readNamespace(input.ServiceNamespace);
  const max = readMaxResults(input);
  const state = autoScalingState(ctx.state);
  const keys =
    input.ResourceId !== undefined && input.ScalableDimension !== undefined
      ? [targetKey(ns, String(input.ResourceId), String(input.ScalableDimension))]
      : Object.keys(state.activities).filter((k) => k.startsWith(`${ns}|`) && (input.ResourceId === undefined || k.split('|')[1] === input.ResourceId));
  // Newest first; activities of the same instant newest first too (each target's list is oldest first).
  const items = keys
    .flatMap((k) => (own(state.activities, k) ?? []).map((activity, order) => ({ activity, order })))
    .sort((a, b) => b.activity.StartTime - a.activity.StartTime || b.order - a.order)
    .map(({ activity }) => activity);
  const { page: shown, nextToken } = page(items, input.NextToken, max);
  return {
    ScalingActivities: shown.map((a) => ({ ...a, StartTime: new Date(a.StartTime), ...(a.EndTime !== undefined ? { EndTime: new Date(a.EndTime) } : {}) })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
};
