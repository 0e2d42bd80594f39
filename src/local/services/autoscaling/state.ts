/**
 * Application Auto Scaling state: scalable targets, scaling policies,
 * scaling activities and tags, plus the accessors the runtime uses to apply
 * scaling (`findPoliciesByAlarm`, `recordScalingActivity`,
 * `getScalableTarget`, `updateScalableTargetState`). Plain JSON; times are
 * epoch milliseconds.
 *
 * @internal
 */
import { AwsError, type RegionState } from '../../core/types.js';
import { uuid } from '../../core/util.js';
import { getAlarm } from '../cloudwatch/state.js';

/** Key of the Application Auto Scaling slice in a region's state. */
export const AUTOSCALING_KEY = 'application-autoscaling';

/** Most scaling activities kept per target (oldest dropped). */
export const MAX_ACTIVITIES_PER_TARGET = 200;

/** Suspension flags of a scalable target. */
export interface SuspendedState {
  DynamicScalingInSuspended: boolean;
  DynamicScalingOutSuspended: boolean;
  ScheduledScalingSuspended: boolean;
}

/** One scalable target. */
export interface ScalableTargetRecord {
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  MinCapacity: number;
  MaxCapacity: number;
  RoleARN: string;
  CreationTime: number;
  SuspendedState: SuspendedState;
  ScalableTargetARN: string;
  /** Last scale-out / scale-in (epoch ms), for cooldowns; set by the runtime. */
  lastScaleOutAt?: number;
  lastScaleInAt?: number;
}

/** One scaling policy, stored with the SDK's field names. */
export interface ScalingPolicyRecord {
  PolicyARN: string;
  PolicyName: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  PolicyType: 'TargetTrackingScaling' | 'StepScaling';
  StepScalingPolicyConfiguration?: Record<string, unknown>;
  TargetTrackingScalingPolicyConfiguration?: Record<string, unknown>;
  Alarms: { AlarmName: string; AlarmARN: string }[];
  CreationTime: number;
}

/** One scaling activity. */
export interface ScalingActivityRecord {
  ActivityId: string;
  ServiceNamespace: string;
  ResourceId: string;
  ScalableDimension: string;
  Description: string;
  Cause: string;
  StartTime: number;
  EndTime?: number;
  StatusCode: 'Pending' | 'InProgress' | 'Successful' | 'Overridden' | 'Unfulfilled' | 'Failed';
  StatusMessage?: string;
  Details?: string;
}

/** The whole Application Auto Scaling slice of one account+region. */
export interface AutoScalingState {
  /** target key → target. */
  targets: Record<string, ScalableTargetRecord>;
  /** policy ARN → policy. */
  policies: Record<string, ScalingPolicyRecord>;
  /** target key → activities (oldest first). */
  activities: Record<string, ScalingActivityRecord[]>;
  /** target ARN → tags. */
  tags: Record<string, Record<string, string>>;
  /** scheduled action ARN → action (absent in state files written before scheduled actions). */
  scheduledActions?: Record<string, ScheduledActionRecord>;
}

/** One scheduled action, stored with the SDK's field names. */
export interface ScheduledActionRecord {
  ScheduledActionName: string;
  ScheduledActionARN: string;
  ServiceNamespace: string;
  Schedule: string;
  Timezone?: string;
  ResourceId: string;
  ScalableDimension: string;
  StartTime?: number;
  EndTime?: number;
  ScalableTargetAction: { MinCapacity?: number; MaxCapacity?: number };
  CreationTime: number;
  /** Up to when the runtime has checked the schedule (epoch ms). */
  checkedUntil?: number;
}

/** The scheduled actions of the slice, created on first use. */
export function scheduledActions(regionState: RegionState): Record<string, ScheduledActionRecord> {
  return (autoScalingState(regionState).scheduledActions ??= {});
}

/** The slice of `regionState`, created on first use. */
export function autoScalingState(regionState: RegionState): AutoScalingState {
  const existing = regionState[AUTOSCALING_KEY] as AutoScalingState | undefined;
  if (existing) return existing;
  const created: AutoScalingState = { targets: {}, policies: {}, activities: {}, tags: {} };
  regionState[AUTOSCALING_KEY] = created;
  return created;
}

/** Identity of a scalable target. */
export function targetKey(serviceNamespace: string, resourceId: string, scalableDimension: string): string {
  return `${serviceNamespace}|${resourceId}|${scalableDimension}`;
}

/** The scalable target, or undefined. */
export function getScalableTarget(regionState: RegionState, serviceNamespace: string, resourceId: string, scalableDimension: string): ScalableTargetRecord | undefined {
  return autoScalingState(regionState).targets[targetKey(serviceNamespace, resourceId, scalableDimension)];
}

/** The scalable target or AWS's `ObjectNotFoundException`. */
export function requireScalableTarget(regionState: RegionState, serviceNamespace: string, resourceId: string, scalableDimension: string): ScalableTargetRecord {
  const target = getScalableTarget(regionState, serviceNamespace, resourceId, scalableDimension);
  if (!target) {
    throw new AwsError(
      'ObjectNotFoundException',
      `No scalable target registered for service namespace: ${serviceNamespace}, resource ID: ${resourceId}, scalable dimension: ${scalableDimension}`,
    );
  }
  return target;
}

/**
 * Updates the runtime-owned fields of a target (last scale times) and
 * returns it; throws `ObjectNotFoundException` for an unknown target.
 */
export function updateScalableTargetState(
  regionState: RegionState,
  target: { ServiceNamespace: string; ResourceId: string; ScalableDimension: string },
  patch: Partial<Pick<ScalableTargetRecord, 'lastScaleOutAt' | 'lastScaleInAt'>>,
): ScalableTargetRecord {
  const record = requireScalableTarget(regionState, target.ServiceNamespace, target.ResourceId, target.ScalableDimension);
  Object.assign(record, patch);
  return record;
}

/** Policies of a target. */
export function targetPolicies(regionState: RegionState, target: { ServiceNamespace: string; ResourceId: string; ScalableDimension: string }): ScalingPolicyRecord[] {
  return Object.values(autoScalingState(regionState).policies).filter(
    (p) => p.ServiceNamespace === target.ServiceNamespace && p.ResourceId === target.ResourceId && p.ScalableDimension === target.ScalableDimension,
  );
}

/**
 * Policies an alarm triggers: target-tracking policies that own the alarm,
 * and step policies named in the alarm's actions (looked up in CloudWatch).
 */
export function findPoliciesByAlarm(regionState: RegionState, alarmName: string): ScalingPolicyRecord[] {
  const policies = Object.values(autoScalingState(regionState).policies);
  const owned = policies.filter((p) => p.Alarms.some((a) => a.AlarmName === alarmName));
  const alarm = getAlarm(regionState, alarmName);
  const actions = alarm ? new Set([...alarm.AlarmActions, ...alarm.OKActions]) : new Set<string>();
  const referenced = policies.filter((p) => actions.has(p.PolicyARN) && !owned.includes(p));
  return [...owned, ...referenced];
}

/** AWS's Cause text for an alarm-triggered activity. */
export function alarmCause(alarmName: string, alarmState: string, policyName: string): string {
  return `monitor alarm ${alarmName} in state ${alarmState} triggered policy ${policyName}`;
}

/** AWS's Description text for an ECS desired-count change. */
export function desiredCountDescription(desiredCount: number): string {
  return `Setting desired count to ${desiredCount}.`;
}

/**
 * Records a scaling activity for a target (newest last, bounded) and
 * returns it. `StatusMessage` for success is AWS's
 * `Successfully set desired count to N. Change successfully fulfilled by ecs.`
 */
export function recordScalingActivity(
  regionState: RegionState,
  activity: Omit<ScalingActivityRecord, 'ActivityId'> & { ActivityId?: string },
): ScalingActivityRecord {
  const state = autoScalingState(regionState);
  const key = targetKey(activity.ServiceNamespace, activity.ResourceId, activity.ScalableDimension);
  const record: ScalingActivityRecord = { ...activity, ActivityId: activity.ActivityId ?? uuid() };
  const list = (state.activities[key] ??= []);
  list.push(record);
  if (list.length > MAX_ACTIVITIES_PER_TARGET) list.splice(0, list.length - MAX_ACTIVITIES_PER_TARGET);
  return record;
}
