/**
 * Scalable target operations: RegisterScalableTarget,
 * DescribeScalableTargets, DeregisterScalableTarget.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { arn, hexId, paginate } from '../../core/util.js';
import { deleteAlarmRecords } from '../cloudwatch/state.js';
import { findCluster, findService } from '../ecs/state.js';
import { readTagMap } from './tags.js';
import { autoScalingState, getScalableTarget, requireScalableTarget, targetKey, targetPolicies, type ScalableTargetRecord } from './state.js';
import { readNamespace, readTarget } from './validation.js';

function capacity(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new AwsError('ValidationException', `${field} must be a non-negative integer, got: ${String(value)}`);
  return n;
}

function targetShape(t: ScalableTargetRecord): Record<string, unknown> {
  const { lastScaleInAt: _i, lastScaleOutAt: _o, ...rest } = t;
  return { ...rest, CreationTime: new Date(t.CreationTime), SuspendedState: { ...t.SuspendedState } };
}

export const registerScalableTarget: OperationHandler = (input, ctx) => {
  const id = readTarget(input);
  const min = capacity(input.MinCapacity, 'MinCapacity');
  const max = capacity(input.MaxCapacity, 'MaxCapacity');
  const state = autoScalingState(ctx.state);
  const existing = getScalableTarget(ctx.state, id.ServiceNamespace, id.ResourceId, id.ScalableDimension);
  const nextMin = min ?? existing?.MinCapacity;
  const nextMax = max ?? existing?.MaxCapacity;
  if (nextMin === undefined || nextMax === undefined) {
    throw new AwsError('ValidationException', 'MinCapacity and MaxCapacity are required when registering a new scalable target.');
  }
  if (nextMin > nextMax) throw new AwsError('ValidationException', `Minimum capacity cannot be greater than maximum capacity (MinCapacity ${nextMin} > MaxCapacity ${nextMax}).`);
  const suspended = input.SuspendedState as Partial<Record<keyof ScalableTargetRecord['SuspendedState'], unknown>> | undefined;
  const flag = (v: unknown, fallback: boolean) => (v === undefined ? fallback : v === true || v === 'true');
  if (existing) {
    existing.MinCapacity = nextMin;
    existing.MaxCapacity = nextMax;
    if (input.RoleARN !== undefined) existing.RoleARN = String(input.RoleARN);
    if (suspended) {
      existing.SuspendedState = {
        DynamicScalingInSuspended: flag(suspended.DynamicScalingInSuspended, existing.SuspendedState.DynamicScalingInSuspended),
        DynamicScalingOutSuspended: flag(suspended.DynamicScalingOutSuspended, existing.SuspendedState.DynamicScalingOutSuspended),
        ScheduledScalingSuspended: flag(suspended.ScheduledScalingSuspended, existing.SuspendedState.ScheduledScalingSuspended),
      };
    }
    emit(ctx, existing);
    return { ScalableTargetARN: existing.ScalableTargetARN };
  }
  // AWS checks the ECS service when a target is first registered ("ECS service doesn't exist: service/<cluster>/<service>").
  const [, clusterName = '', serviceName = ''] = id.ResourceId.split('/');
  const cluster = findCluster(ctx.state, clusterName);
  const service = cluster ? findService(ctx.state, cluster.clusterArn, serviceName) : undefined;
  if (!service || service.status === 'INACTIVE') {
    throw new AwsError('ValidationException', `ECS service doesn't exist: ${id.ResourceId}. Create the service (ecs create-service) before registering it as a scalable target.`);
  }
  const tags = readTagMap(input.Tags);
  const target: ScalableTargetRecord = {
    ...id,
    MinCapacity: nextMin,
    MaxCapacity: nextMax,
    RoleARN: String(
      input.RoleARN ?? arn(ctx, 'iam', 'role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService', ''),
    ),
    CreationTime: ctx.now().getTime(),
    SuspendedState: {
      DynamicScalingInSuspended: flag(suspended?.DynamicScalingInSuspended, false),
      DynamicScalingOutSuspended: flag(suspended?.DynamicScalingOutSuspended, false),
      ScheduledScalingSuspended: flag(suspended?.ScheduledScalingSuspended, false),
    },
    ScalableTargetARN: arn(ctx, 'application-autoscaling', `scalable-target/${hexId(36)}`),
  };
  state.targets[targetKey(id.ServiceNamespace, id.ResourceId, id.ScalableDimension)] = target;
  if (Object.keys(tags).length > 0) state.tags[target.ScalableTargetARN] = tags;
  emit(ctx, target);
  return { ScalableTargetARN: target.ScalableTargetARN };
};

function emit(ctx: Parameters<OperationHandler>[1], t: ScalableTargetRecord): void {
  ctx.events.emit('autoscaling:target-registered', {
    accountId: ctx.accountId,
    region: ctx.region,
    type: 'autoscaling:target-registered',
    serviceNamespace: t.ServiceNamespace,
    resourceId: t.ResourceId,
    scalableDimension: t.ScalableDimension,
  });
}

export const describeScalableTargets: OperationHandler = (input, ctx) => {
  const ns = readNamespace(input.ServiceNamespace);
  const ids = Array.isArray(input.ResourceIds) ? (input.ResourceIds as unknown[]).map(String) : undefined;
  const max = input.MaxResults === undefined ? 50 : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 50) throw new AwsError('ValidationException', `MaxResults must be between 1 and 50, got: ${String(input.MaxResults)}`);
  const items = Object.values(autoScalingState(ctx.state).targets)
    .filter((t) => t.ServiceNamespace === ns)
    .filter((t) => !ids || ids.length === 0 || ids.includes(t.ResourceId))
    .filter((t) => input.ScalableDimension === undefined || t.ScalableDimension === input.ScalableDimension)
    .sort((a, b) => a.CreationTime - b.CreationTime);
  const { page, nextToken } = paginate(items, input.NextToken, max, {
    pageSize: 50,
    invalidToken: () => new AwsError('InvalidNextTokenException', 'The next token is invalid.'),
  });
  return { ScalableTargets: page.map(targetShape), ...(nextToken ? { NextToken: nextToken } : {}) };
};

export const deregisterScalableTarget: OperationHandler = (input, ctx) => {
  const id = readTarget(input);
  const target = requireScalableTarget(ctx.state, id.ServiceNamespace, id.ResourceId, id.ScalableDimension);
  const state = autoScalingState(ctx.state);
  const now = ctx.now().getTime();
  for (const policy of targetPolicies(ctx.state, id)) {
    deleteAlarmRecords(ctx.state, policy.Alarms.map((a) => a.AlarmName), now);
    delete state.policies[policy.PolicyARN];
  }
  const key = targetKey(id.ServiceNamespace, id.ResourceId, id.ScalableDimension);
  delete state.targets[key];
  delete state.activities[key];
  delete state.tags[target.ScalableTargetARN];
  ctx.events.emit('autoscaling:target-deregistered', {
    accountId: ctx.accountId,
    region: ctx.region,
    type: 'autoscaling:target-deregistered',
    serviceNamespace: id.ServiceNamespace,
    resourceId: id.ResourceId,
    scalableDimension: id.ScalableDimension,
  });
  return {};
};
