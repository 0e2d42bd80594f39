/**
 * Application Auto Scaling, executed: an alarm action that names a scaling
 * policy runs it here. Target tracking computes the proportional capacity
 * (`ceil(current × metric / target)`), step scaling applies the matching
 * step adjustment; both clamp to the scalable target's min/max, honour the
 * (time-scaled) cooldowns and the target's `SuspendedState`, then set the
 * ECS service's desired count and record a scaling activity with AWS's text.
 *
 * Simplification (documented): while a cooldown of the same direction is in
 * effect the policy does nothing, where AWS may still add the difference
 * between a larger new capacity and the one the cooldown started with.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { TimeScale } from '../../../time-scale.js';
import type { AlarmState, ControlPlane, MetricAlarmRecord, ScalingPolicyRecord } from '../control-plane.js';

/** AWS's default cooldown for ECS services (target tracking and step scaling), in seconds. */
export const DEFAULT_COOLDOWN_SECONDS = 300;

/** One step adjustment of a step scaling policy. */
export interface StepAdjustment {
  MetricIntervalLowerBound?: number;
  MetricIntervalUpperBound?: number;
  ScalingAdjustment: number;
}

/** The fields of a step scaling configuration the runtime reads. */
export interface StepScalingConfig {
  AdjustmentType: 'ChangeInCapacity' | 'PercentChangeInCapacity' | 'ExactCapacity' | string;
  StepAdjustments: StepAdjustment[];
  MinAdjustmentMagnitude?: number;
  Cooldown?: number;
  MetricAggregationType?: string;
}

/** What one policy invocation did. */
export interface PolicyOutcome {
  readonly policyName: string;
  readonly policyArn: string;
  readonly alarmName: string;
  readonly alarmState: AlarmState;
  /** `scaled`: desired count changed; the others say why it did not. */
  readonly result: 'scaled' | 'unchanged' | 'cooldown' | 'suspended' | 'no-data' | 'failed';
  /** Desired count before, and the new one when it changed. */
  readonly from?: number;
  readonly to?: number;
  /** Why nothing changed, or the failure. */
  readonly reason?: string;
}

/**
 * Target tracking's proportional capacity: enough tasks to bring `metric`
 * back to `target` if load stays the same (`ceil(current × metric / target)`).
 */
export function targetTrackingCapacity(current: number, metric: number, target: number): number {
  if (!(target > 0)) return current;
  // Round away float noise first (2 × 75 / 50 must be 3, not 3.0000000000000004 → 4).
  return Math.ceil(Math.round(((current * metric) / target) * 1e9) / 1e9);
}

/**
 * The step adjustment whose interval holds `delta` (metric − alarm
 * threshold). Above the threshold the lower bound is inclusive and the
 * upper exclusive; below it the lower bound is exclusive and the upper
 * inclusive, as AWS documents.
 */
export function matchingStep(steps: readonly StepAdjustment[], delta: number): StepAdjustment | undefined {
  return steps.find((s) => {
    const lower = s.MetricIntervalLowerBound ?? -Infinity;
    const upper = s.MetricIntervalUpperBound ?? Infinity;
    return delta >= 0 ? delta >= lower && delta < upper : delta > lower && delta <= upper;
  });
}

/**
 * The new capacity a step adjustment asks for (before min/max):
 * `ChangeInCapacity` adds, `ExactCapacity` sets, `PercentChangeInCapacity`
 * adds a percentage rounded toward zero (but at least ±1), raised to
 * `MinAdjustmentMagnitude` when smaller.
 */
export function stepCapacity(current: number, adjustmentType: string, adjustment: number, minAdjustmentMagnitude?: number): number {
  switch (adjustmentType) {
    case 'ExactCapacity':
      return adjustment;
    case 'PercentChangeInCapacity': {
      const raw = (current * adjustment) / 100;
      let change = raw > 1 ? Math.floor(raw) : raw < -1 ? Math.ceil(raw) : raw > 0 ? 1 : raw < 0 ? -1 : 0;
      if (minAdjustmentMagnitude !== undefined && change !== 0 && Math.abs(change) < minAdjustmentMagnitude) change = Math.sign(change) * minAdjustmentMagnitude;
      return current + change;
    }
    default:
      return current + adjustment;
  }
}

function aggregateValues(values: readonly number[], type: string | undefined): number | undefined {
  if (values.length === 0) return undefined;
  if (type === 'Minimum') return Math.min(...values);
  if (type === 'Maximum') return Math.max(...values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * The instant an alarm is evaluated at: `nowMs` rounded down to a multiple
 * of its (scaled) period, so that, as in CloudWatch, every evaluated period
 * is a whole, aligned one (a 60 s period spans one clock minute) rather than
 * a window that straddles two.
 */
export function alignedEvaluationTime(alarm: Pick<MetricAlarmRecord, 'Period'>, nowMs: number, timeScale: number): number {
  const periodMs = new TimeScale(timeScale).ms(alarm.Period ?? 60);
  return periodMs > 0 ? Math.floor(nowMs / periodMs) * periodMs : nowMs;
}

/** Where a policy runs and how the runtime reaches the rest of the cloud. */
export interface PolicyRunContext {
  readonly accountId: string;
  readonly region: string;
  readonly regionState: RegionState;
  /** The control plane the policy reads and writes. */
  readonly controlPlane: ControlPlane;
  readonly timeScale: number;
  /** Real milliseconds for an AWS duration in seconds. */
  scaledMs(seconds: number): number;
  /** Emits a control-plane event (the scheduler hears `ecs:service-updated`). */
  emit(type: string, payload: Record<string, unknown>): void;
}

/**
 * Runs `policy` because `alarm` is in `alarmState` at `nowMs`: computes the
 * new desired count and, when it differs and neither a cooldown nor a
 * suspension forbids it, sets it on the ECS service and records a
 * successful scaling activity. Never throws.
 */
export function executeScalingPolicy(run: PolicyRunContext, policy: ScalingPolicyRecord, alarm: MetricAlarmRecord, alarmState: AlarmState, nowMs: number): PolicyOutcome {
  const base = { policyName: policy.PolicyName, policyArn: policy.PolicyARN, alarmName: alarm.AlarmName, alarmState };
  const rs = run.regionState;
  const { autoScaling, cloudWatch, ecs } = run.controlPlane;
  const target = autoScaling.getScalableTarget(rs, policy.ServiceNamespace, policy.ResourceId, policy.ScalableDimension);
  if (!target) return { ...base, result: 'failed', reason: `no scalable target ${policy.ResourceId}` };
  const { cluster: clusterName, service: serviceName } = autoScaling.ecsNames(policy.ResourceId);
  const cluster = ecs.findCluster(rs, clusterName);
  const service = cluster ? ecs.findService(rs, cluster.clusterArn, serviceName) : undefined;
  if (!cluster || !service || service.status !== 'ACTIVE') {
    return { ...base, result: 'failed', reason: `ECS service ${serviceName} in cluster ${clusterName} not found or not ACTIVE` };
  }
  const current = service.desiredCount;
  const points = cloudWatch.alarmDatapoints(rs, alarm, alignedEvaluationTime(alarm, nowMs, run.timeScale), run.timeScale);

  let wanted: number;
  let outCooldownSeconds: number;
  let inCooldownSeconds: number;
  if (policy.PolicyType === 'TargetTrackingScaling') {
    const config = policy.TargetTrackingScalingPolicyConfiguration ?? {};
    const targetValue = Number(config.TargetValue);
    const latest = points.at(-1)?.value;
    if (latest === undefined) return { ...base, result: 'no-data', from: current, reason: 'the alarm has no recent datapoint' };
    const scaleIn = alarm.ComparisonOperator.startsWith('Less');
    if (scaleIn && config.DisableScaleIn === true) return { ...base, result: 'unchanged', from: current, reason: 'scale-in is disabled' };
    const proportional = targetTrackingCapacity(current, latest, targetValue);
    wanted = scaleIn ? Math.min(current, proportional) : Math.max(current, proportional);
    if (scaleIn && wanted < current) {
      // AWS: with several target-tracking policies, scale out when any asks,
      // scale in only when every policy with scale-in enabled agrees — and
      // never below what any of them needs.
      const others = otherScaleInCapacities(run, policy, current, nowMs);
      if (others === 'disagree') {
        return { ...base, result: 'unchanged', from: current, reason: 'another target-tracking policy is not ready to scale in' };
      }
      wanted = Math.max(wanted, ...others);
    }
    outCooldownSeconds = Number(config.ScaleOutCooldown ?? DEFAULT_COOLDOWN_SECONDS);
    inCooldownSeconds = Number(config.ScaleInCooldown ?? DEFAULT_COOLDOWN_SECONDS);
  } else {
    const config = (policy.StepScalingPolicyConfiguration ?? {}) as unknown as StepScalingConfig;
    const threshold = alarm.Threshold ?? 0;
    const breaching = points.filter((p) => cloudWatch.breaches(p.value, alarm.ComparisonOperator, threshold)).map((p) => p.value);
    const value = aggregateValues(breaching.length > 0 ? breaching : points.map((p) => p.value), config.MetricAggregationType);
    if (value === undefined) return { ...base, result: 'no-data', from: current, reason: 'the alarm has no recent datapoint' };
    const step = matchingStep(config.StepAdjustments ?? [], value - threshold);
    if (!step) return { ...base, result: 'unchanged', from: current, reason: `no step adjustment covers ${value - threshold} from the threshold` };
    wanted = stepCapacity(current, config.AdjustmentType, step.ScalingAdjustment, config.MinAdjustmentMagnitude);
    outCooldownSeconds = inCooldownSeconds = Number(config.Cooldown ?? DEFAULT_COOLDOWN_SECONDS);
  }

  const next = Math.min(target.MaxCapacity, Math.max(target.MinCapacity, wanted));
  if (next === current) return { ...base, result: 'unchanged', from: current, reason: wanted === current ? 'already at the computed capacity' : `capacity limited to ${target.MinCapacity}-${target.MaxCapacity}` };
  const out = next > current;
  if (out ? target.SuspendedState.DynamicScalingOutSuspended : target.SuspendedState.DynamicScalingInSuspended) {
    return { ...base, result: 'suspended', from: current, reason: `dynamic scaling ${out ? 'out' : 'in'} is suspended` };
  }
  const last = out ? target.lastScaleOutAt : target.lastScaleInAt;
  const cooldownMs = run.scaledMs(out ? outCooldownSeconds : inCooldownSeconds);
  if (last !== undefined && nowMs - last < cooldownMs) {
    return { ...base, result: 'cooldown', from: current, reason: `scale-${out ? 'out' : 'in'} cooldown until ${new Date(last + cooldownMs).toISOString()}` };
  }

  ecs.setDesiredCount(rs, service.serviceArn, next);
  autoScaling.updateScalableTargetState(rs, target, out ? { lastScaleOutAt: nowMs } : { lastScaleInAt: nowMs });
  autoScaling.recordScalingActivity(rs, {
    ServiceNamespace: policy.ServiceNamespace,
    ResourceId: policy.ResourceId,
    ScalableDimension: policy.ScalableDimension,
    Description: autoScaling.desiredCountDescription(next),
    Cause: autoScaling.alarmCause(alarm.AlarmName, alarmState, policy.PolicyName),
    StartTime: nowMs,
    EndTime: nowMs,
    StatusCode: 'Successful',
    StatusMessage: `Successfully set desired count to ${next}. Change successfully fulfilled by ecs.`,
  });
  run.emit(ecs.events.serviceUpdated, { clusterArn: cluster.clusterArn, serviceArn: service.serviceArn });
  return { ...base, result: 'scaled', from: current, to: next };
}

/**
 * For a target-tracking scale-in: the capacities the scalable target's other
 * target-tracking policies (scale-in enabled) would scale in to, or
 * `'disagree'` when one of them is not in its low alarm.
 */
function otherScaleInCapacities(run: PolicyRunContext, policy: ScalingPolicyRecord, current: number, nowMs: number): number[] | 'disagree' {
  const { autoScaling, cloudWatch } = run.controlPlane;
  const capacities: number[] = [];
  for (const other of autoScaling.targetPolicies(run.regionState, policy)) {
    if (other.PolicyARN === policy.PolicyARN || other.PolicyType !== 'TargetTrackingScaling') continue;
    const config = other.TargetTrackingScalingPolicyConfiguration ?? {};
    if (config.DisableScaleIn === true) continue;
    const low = other.Alarms.map((a) => cloudWatch.getAlarm(run.regionState, a.AlarmName)).find((a) => a?.ComparisonOperator.startsWith('Less'));
    if (!low || low.StateValue !== 'ALARM') return 'disagree';
    const latest = cloudWatch.alarmDatapoints(run.regionState, low, alignedEvaluationTime(low, nowMs, run.timeScale), run.timeScale).at(-1)?.value;
    if (latest === undefined) return 'disagree';
    capacities.push(Math.min(current, targetTrackingCapacity(current, latest, Number(config.TargetValue))));
  }
  return capacities;
}
