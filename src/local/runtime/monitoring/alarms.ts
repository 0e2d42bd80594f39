/**
 * Metric alarm evaluation for the runtime: every round evaluates each
 * metric alarm of every region against the stored metrics over whole,
 * aligned periods (scaled by the time scale; evaluation periods, datapoints to alarm and missing-data
 * treatment as `evaluateAlarm` implements them) and applies the result with
 * `setAlarmState` (reason, reason data, history on transitions).
 *
 * Actions: when `ActionsEnabled` and the new state's actions name an
 * Application Auto Scaling policy, that policy runs, and an `Action` history
 * item records it. As CloudWatch does for Auto Scaling actions, the policy
 * runs again once per (scaled) minute while the alarm stays in that state.
 * Other actions (SNS, EC2) are not executed locally.
 *
 * @internal
 */
import type { RuntimeContext } from '../context.js';
import type { AlarmState, MetricAlarmRecord } from '../control-plane.js';
import { alignedEvaluationTime, executeScalingPolicy, type PolicyOutcome } from './scaling.js';

/** How often an alarm in a state with Auto Scaling actions re-runs them, in AWS seconds. */
export const ACTION_REPEAT_SECONDS = 60;

const SCALING_POLICY_ARN = /^arn:aws[a-z-]*:autoscaling:[^:]*:\d{12}:scalingPolicy:/;

/** The actions of `alarm` for `state`. */
export function actionsFor(alarm: MetricAlarmRecord, state: AlarmState): string[] {
  return state === 'ALARM' ? alarm.AlarmActions : state === 'OK' ? alarm.OKActions : alarm.InsufficientDataActions;
}

/** Evaluates alarms and runs their scaling actions. */
export class AlarmEvaluator {
  readonly #context: RuntimeContext;
  readonly #onPolicy: ((outcome: PolicyOutcome) => void) | undefined;
  /** Last time each alarm's actions ran (`account \0 region \0 name`), with the state they ran for. */
  readonly #lastActions = new Map<string, { state: AlarmState; atMs: number }>();
  /** Last failure logged per policy, so a lasting failure is logged once. */
  readonly #lastFailures = new Map<string, string>();

  constructor(context: RuntimeContext, onPolicy?: (outcome: PolicyOutcome) => void) {
    this.#context = context;
    this.#onPolicy = onPolicy;
  }

  /** One evaluation round at `nowMs`. Returns whether any state changed. */
  evaluate(nowMs: number): boolean {
    const { cloudWatch, autoScaling } = this.#context.controlPlane;
    let changedAny = false;
    const live = new Set<string>();
    for (const { accountId, region, state: regionState } of this.#context.regions()) {
      const slice = cloudWatch.existing(regionState);
      if (!slice) continue;
      for (const alarm of Object.values(slice.alarms)) {
        if (alarm.Metrics) continue; // metric-math alarms are stored, not evaluated
        const key = `${accountId}\u0000${region}\u0000${alarm.AlarmName}`;
        live.add(key);
        const at = alignedEvaluationTime(alarm, nowMs, this.#context.timeScale);
        const evaluation = cloudWatch.evaluateAlarm(alarm, cloudWatch.alarmDatapoints(regionState, alarm, at, this.#context.timeScale), at, { timeScale: this.#context.timeScale });
        // `ignore` with no data keeps the state and the last real reason.
        if (alarm.TreatMissingData === 'ignore' && evaluation.state === alarm.StateValue && evaluation.reason.startsWith('Insufficient Data')) continue;
        const { changed, alarm: updated } = cloudWatch.setAlarmState(regionState, alarm.AlarmName, evaluation.state, evaluation.reason, nowMs, evaluation.reasonData);
        if (changed) changedAny = true;
        if (!updated.ActionsEnabled) continue;
        const policyArns = actionsFor(updated, updated.StateValue).filter((a) => SCALING_POLICY_ARN.test(a));
        if (policyArns.length === 0) continue;
        const last = this.#lastActions.get(key);
        const due = changed || !last || last.state !== updated.StateValue || nowMs - last.atMs >= this.#context.scaledMs(ACTION_REPEAT_SECONDS);
        if (!due) continue;
        this.#lastActions.set(key, { state: updated.StateValue, atMs: nowMs });
        for (const policyArn of policyArns) {
          const policy = autoScaling.existing(regionState)?.policies[policyArn];
          if (changed) {
            cloudWatch.recordHistory(regionState, {
              AlarmName: updated.AlarmName,
              AlarmType: 'MetricAlarm',
              Timestamp: nowMs,
              HistoryItemType: 'Action',
              HistorySummary: policy ? `Successfully executed action ${policyArn}` : `Failed to execute action ${policyArn}`,
              HistoryData: JSON.stringify({
                actionState: policy ? 'Succeeded' : 'Failed',
                stateUpdateTimestamp: nowMs,
                notificationResource: policyArn,
                ...(policy ? {} : { error: `Scaling policy ${policyArn} does not exist.` }),
              }),
            });
            changedAny = true;
          }
          if (!policy) continue;
          const outcome = executeScalingPolicy(
            {
              accountId,
              region,
              regionState,
              controlPlane: this.#context.controlPlane,
              timeScale: this.#context.timeScale,
              scaledMs: (s) => this.#context.scaledMs(s),
              emit: (type, payload) => this.#context.cloud.events.emit(type, { accountId, region, type, ...payload }),
            },
            policy,
            updated,
            updated.StateValue,
            nowMs,
          );
          if (outcome.result === 'scaled') {
            changedAny = true;
            this.#context.log(`auto scaling: ${policy.ResourceId} desired count ${outcome.from} → ${outcome.to} (policy ${policy.PolicyName}, alarm ${updated.AlarmName} in ${updated.StateValue})`);
          }
          if (outcome.result === 'failed') {
            if (this.#lastFailures.get(policyArn) !== outcome.reason) this.#context.log(`auto scaling: policy ${policy.PolicyName} failed: ${outcome.reason ?? 'unknown'}`);
            this.#lastFailures.set(policyArn, outcome.reason ?? '');
          } else {
            this.#lastFailures.delete(policyArn);
          }
          this.#onPolicy?.(outcome);
        }
      }
    }
    for (const key of this.#lastActions.keys()) if (!live.has(key)) this.#lastActions.delete(key);
    return changedAny;
  }
}
