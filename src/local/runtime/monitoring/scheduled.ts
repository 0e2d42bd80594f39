/**
 * Application Auto Scaling scheduled actions, executed: when an action's
 * schedule comes due (between its StartTime and EndTime), the scalable
 * target gets the action's MinCapacity/MaxCapacity, and an ECS service whose
 * desired count is now outside that range is moved into it, each recorded as
 * a scaling activity with AWS's text. A target with ScheduledScalingSuspended
 * is left alone (the time still counts as checked, as AWS skips it).
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { ControlPlane, ScheduledActionRecord } from '../control-plane.js';
import type { RuntimeContext } from '../context.js';

/** What one due action did (diagnostics, tests). */
export interface ScheduledOutcome {
  readonly actionName: string;
  readonly result: 'applied' | 'suspended' | 'no-target';
  readonly desiredCount?: { readonly from: number; readonly to: number };
}

/** Runs the scheduled actions of every region that came due up to `nowMs`; true when state changed. */
export function runScheduledActions(context: RuntimeContext, nowMs: number, onAction?: (outcome: ScheduledOutcome) => void): boolean {
  const cp = context.controlPlane;
  const { autoScaling } = cp;
  const serviceUpdated = cp.ecs.events.serviceUpdated;
  let changed = false;
  for (const { accountId, region, state } of context.regions()) {
    const actions = autoScaling.existing(state) ? Object.values(autoScaling.scheduledActions(state)) : [];
    for (const action of actions) {
      const from = Math.max(action.checkedUntil ?? action.CreationTime, (action.StartTime ?? -Infinity) - 1);
      const to = Math.min(nowMs, action.EndTime ?? Infinity);
      action.checkedUntil = nowMs;
      const due = autoScaling.dueTimes(autoScaling.parseSchedule(action.Schedule), from, to, {
        timezone: action.Timezone ?? 'UTC',
        timeScale: context.timeScale,
        anchorMs: action.StartTime ?? action.CreationTime,
      });
      // Only ECS services are emulated: other namespaces' actions are stored and act on nothing.
      if (due.length === 0 || action.ServiceNamespace !== 'ecs') continue;
      const outcome = apply(cp, state, action, nowMs, (serviceArn, clusterArn) => context.cloud.events.emit(serviceUpdated, { accountId, region, type: serviceUpdated, clusterArn, serviceArn }));
      onAction?.(outcome);
      changed ||= outcome.result === 'applied';
    }
  }
  return changed;
}

function apply(cp: ControlPlane, state: RegionState, action: ScheduledActionRecord, nowMs: number, serviceUpdated: (serviceArn: string, clusterArn: string) => void): ScheduledOutcome {
  const { autoScaling, ecs } = cp;
  const target = autoScaling.getScalableTarget(state, action.ServiceNamespace, action.ResourceId, action.ScalableDimension);
  if (!target) return { actionName: action.ScheduledActionName, result: 'no-target' };
  if (target.SuspendedState.ScheduledScalingSuspended) return { actionName: action.ScheduledActionName, result: 'suspended' };
  const min = action.ScalableTargetAction.MinCapacity ?? target.MinCapacity;
  const max = action.ScalableTargetAction.MaxCapacity ?? target.MaxCapacity;
  target.MinCapacity = Math.min(min, max);
  target.MaxCapacity = max;
  const identity = { ServiceNamespace: action.ServiceNamespace, ResourceId: action.ResourceId, ScalableDimension: action.ScalableDimension };
  autoScaling.recordScalingActivity(state, {
    ...identity,
    Description: `Setting min capacity to ${target.MinCapacity} and max capacity to ${target.MaxCapacity}`,
    Cause: `scheduled action name ${action.ScheduledActionName} was triggered`,
    StartTime: nowMs,
    EndTime: nowMs,
    StatusCode: 'Successful',
    StatusMessage: `Successfully set min capacity to ${target.MinCapacity} and max capacity to ${target.MaxCapacity}`,
  });
  const { cluster: clusterName, service: serviceName } = autoScaling.ecsNames(action.ResourceId);
  const cluster = ecs.findCluster(state, clusterName);
  const service = cluster ? ecs.findService(state, cluster.clusterArn, serviceName) : undefined;
  if (!cluster || !service || service.status !== 'ACTIVE') return { actionName: action.ScheduledActionName, result: 'applied' };
  const current = service.desiredCount;
  const next = Math.min(target.MaxCapacity, Math.max(target.MinCapacity, current));
  if (next === current) return { actionName: action.ScheduledActionName, result: 'applied' };
  ecs.setDesiredCount(state, service.serviceArn, next);
  autoScaling.recordScalingActivity(state, {
    ...identity,
    Description: autoScaling.desiredCountDescription(next),
    Cause: next > current ? `minimum capacity was set to ${target.MinCapacity}` : `maximum capacity was set to ${target.MaxCapacity}`,
    StartTime: nowMs,
    EndTime: nowMs,
    StatusCode: 'Successful',
    StatusMessage: `Successfully set desired count to ${next}. Change successfully fulfilled by ecs.`,
  });
  serviceUpdated(service.serviceArn, cluster.clusterArn);
  return { actionName: action.ScheduledActionName, result: 'applied', desiredCount: { from: current, to: next } };
}
