/**
 * Scalable target operations: RegisterScalableTarget,
 * DescribeScalableTargets, DeregisterScalableTarget.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { arn, hexId } from '../../core/util.js';
import { deleteAlarmRecords } from '../cloudwatch/state.js';
import { findCluster, findService } from '../ecs/state.js';
import { readTagMap } from './tags.js';
import { autoScalingState, getScalableTarget, requireScalableTarget, targetKey, targetPolicies, type ScalableTargetRecord } from './state.js';
import { page, readMaxResults, readNamespace, readTarget } from './validation.js';

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
  // Other namespaces' resources are not emulated: their targets are stored as given.
  const [, clusterName = '', serviceName = ''] = id.ResourceId.split('/');
  const cluster = id.ServiceNamespace === 'ecs' ? findCluster(ctx.state, clusterName) : undefined;
  const service = cluster ? findService(ctx.state, cluster.clusterArn, serviceName) : undefined;
  if (id.ServiceNamespace === 'ecs' && (!service || service.status === 'INACTIVE')) {
    throw new AwsError('ValidationException', `ECS service doesn't exist: ${id.ResourceId}. Create the service (ecs create-service) before registering it as a scalable target.`);
  }
  const tags = readTagMap(input.Tags);
  const target: ScalableTargetRecord = {
    ...id,
    MinCapacity: nextMin,
    MaxCapacity: nextMax,
    RoleARN: String(
      input.RoleARN ??
        arn(
          ctx,
          'iam',
          id.ServiceNamespace === 'ecs'
            ? 'role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService'
            : `role/aws-service-role/${id.ServiceNamespace}.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling`,
          '',
        ),
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
  const max = readMaxResults(input);
  const items = Object.values(autoScalingState(ctx.state).targets)
    .filter((t) => t.ServiceNamespace === ns)
    .filter((t) => !ids || ids.length === 0 || ids.includes(t.ResourceId))
    .filter((t) => input.ScalableDimension === undefined || t.ScalableDimension === input.ScalableDimension)
    .sort((a, b) => a.CreationTime - b.CreationTime);
  const { page: shown, nextToken } = page(items, input.NextToken, max);
  return { ScalableTargets: shown.map(targetShape), ...(nextToken ? { NextToken: nextToken } : {}) };
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
  // AWS deletes the target's scheduled actions with it.
  for (const [actionArn, action] of Object.entries(state.scheduledActions ?? {})) {
    if (targetKey(action.ServiceNamespace, action.ResourceId, action.ScalableDimension) === key) delete state.scheduledActions![actionArn];
  }
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
