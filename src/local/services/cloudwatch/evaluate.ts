/**
 * Metric alarm evaluation: a pure `evaluateAlarm` (M out of N periods,
 * missing-data treatment) and helpers that feed it from stored metrics.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { REAL_TIME, TimeScale } from '../../../time-scale.js';
import {
  aggregate,
  findMetric,
  getAlarm,
  setAlarmState,
  statisticValue,
  type AlarmState,
  type MetricAlarmRecord,
} from './state.js';

/** One per-period value of the alarm's statistic. */
export interface AlarmDatapoint {
  /** Start of the period (epoch ms). */
  timestamp: number;
  value: number;
}

/** Outcome of one evaluation. */
export interface AlarmEvaluation {
  state: AlarmState;
  reason: string;
  /** JSON text for `StateReasonData`. */
  reasonData: string;
}

/** The alarm fields evaluation reads. */
export type EvaluatedAlarm = Pick<
  MetricAlarmRecord,
  'StateValue' | 'Period' | 'EvaluationPeriods' | 'DatapointsToAlarm' | 'Threshold' | 'ComparisonOperator' | 'TreatMissingData' | 'Statistic' | 'ExtendedStatistic'
>;

const WORDS: Record<string, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/** True when `value` breaches `threshold` under `operator`. */
export function breaches(value: number, operator: string, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return false;
  }
}

function fmt(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(Math.round(n * 1e6) / 1e6);
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/**
 * Evaluates an alarm over its last `EvaluationPeriods` periods ending at
 * `now`: ALARM when at least `DatapointsToAlarm` (default: all) periods
 * breach; otherwise OK; with no data, the `TreatMissingData` rule decides
 * (`missing` → INSUFFICIENT_DATA, `breaching` → ALARM, `notBreaching` → OK,
 * `ignore` → current state). `timeScale` shrinks the period as the local
 * cloud's clock does. Pure: does not touch state.
 */
export function evaluateAlarm(
  alarm: EvaluatedAlarm,
  datapoints: readonly AlarmDatapoint[],
  now: number,
  options: { timeScale?: number } = {},
): AlarmEvaluation {
  const periodSeconds = alarm.Period ?? 60;
  const periodMs = new TimeScale(options.timeScale ?? REAL_TIME).ms(periodSeconds);
  const n = Math.max(1, alarm.EvaluationPeriods);
  const m = Math.min(n, alarm.DatapointsToAlarm ?? n);
  const threshold = alarm.Threshold ?? 0;
  const operator = alarm.ComparisonOperator;
  const treat = alarm.TreatMissingData ?? 'missing';
  const periods: { start: number; value?: number }[] = [];
  for (let i = 0; i < n; i++) {
    const end = now - i * periodMs;
    const start = end - periodMs;
    let value: number | undefined;
    let latest = -Infinity;
    for (const d of datapoints) {
      if (d.timestamp >= start && d.timestamp < end && d.timestamp >= latest) {
        latest = d.timestamp;
        value = d.value;
      }
    }
    periods.push(value === undefined ? { start } : { start, value });
  }
  const present = periods.filter((p): p is { start: number; value: number } => p.value !== undefined);
  const missing = n - present.length;
  const breaching = present.filter((p) => breaches(p.value, operator, threshold));
  const breachCount = breaching.length + (treat === 'breaching' ? missing : 0);
  const reasonData = JSON.stringify({
    version: '1.0',
    queryDate: new Date(now).toISOString(),
    startDate: new Date(now - n * periodMs).toISOString(),
    ...(alarm.Statistic !== undefined ? { statistic: alarm.Statistic } : {}),
    ...(alarm.ExtendedStatistic !== undefined ? { extendedStatistic: alarm.ExtendedStatistic } : {}),
    period: periodSeconds,
    recentDatapoints: present.map((p) => p.value),
    threshold,
    evaluatedDatapoints: present.map((p) => ({ timestamp: new Date(p.start).toISOString(), value: p.value })),
  });
  const words = WORDS[operator] ?? operator;
  const list = (items: { start: number; value: number }[]) => `[${items.map((p) => `${fmt(p.value)} (${stamp(p.start)})`).join(', ')}]`;
  if (present.length === 0 && treat !== 'breaching') {
    if (treat === 'notBreaching') {
      return { state: 'OK', reason: `Threshold Crossed: no datapoints were received for ${n} period${n === 1 ? '' : 's'} and ${n} missing datapoint${n === 1 ? ' was' : 's were'} treated as [NonBreaching].`, reasonData };
    }
    if (treat === 'ignore') return { state: alarm.StateValue, reason: `Insufficient Data: ${n} datapoint${n === 1 ? ' was' : 's were'} unknown; state kept (TreatMissingData: ignore).`, reasonData };
    return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${n} datapoint${n === 1 ? ' was' : 's were'} unknown.`, reasonData };
  }
  if (breachCount >= m) {
    const shown = breaching.length > 0 ? list(breaching) : '[]';
    return {
      state: 'ALARM',
      reason: `Threshold Crossed: ${breachCount} out of the last ${n} datapoints ${shown} ${breachCount === 1 ? 'was' : 'were'} ${words} the threshold (${fmt(threshold)}) (minimum ${m} datapoint${m === 1 ? '' : 's'} for OK -> ALARM transition).`,
      reasonData,
    };
  }
  return {
    state: 'OK',
    reason: `Threshold Crossed: ${present.length} datapoint${present.length === 1 ? '' : 's'} ${list(present)} ${present.length === 1 ? 'was' : 'were'} not ${words} the threshold (${fmt(threshold)}) (minimum ${m} datapoint${m === 1 ? '' : 's'} for ALARM -> OK transition).`,
    reasonData,
  };
}

/**
 * Per-period values of the alarm's statistic over its evaluation window,
 * computed from stored metrics (empty for metric-math alarms).
 */
export function alarmDatapoints(regionState: RegionState, alarm: MetricAlarmRecord, now: number, timeScale = 1): AlarmDatapoint[] {
  if (!alarm.Namespace || !alarm.MetricName) return [];
  const metric = findMetric(regionState, alarm.Namespace, alarm.MetricName, alarm.Dimensions);
  if (!metric) return [];
  const periodMs = new TimeScale(timeScale).ms(alarm.Period ?? 60);
  const stat = alarm.Statistic ?? alarm.ExtendedStatistic ?? 'Average';
  const out: AlarmDatapoint[] = [];
  for (let i = 0; i < alarm.EvaluationPeriods; i++) {
    const end = now - i * periodMs;
    const start = end - periodMs;
    const agg = aggregate(metric.points.filter((p) => p.t >= start && p.t < end && (alarm.Unit === undefined || p.u === alarm.Unit)));
    const value = agg ? statisticValue(agg, stat) : undefined;
    if (value !== undefined) out.push({ timestamp: start, value });
  }
  return out.reverse();
}

/**
 * Evaluates a stored alarm against stored metrics at `now` and applies the
 * result with {@link setAlarmState}. Returns the evaluation and whether the
 * state changed (the runtime triggers actions on a change to ALARM/OK).
 */
export function evaluateStoredAlarm(
  regionState: RegionState,
  alarmName: string,
  now: number,
  timeScale = 1,
): (AlarmEvaluation & { changed: boolean; previous: AlarmState }) | undefined {
  const alarm = getAlarm(regionState, alarmName);
  if (!alarm || alarm.Metrics) return undefined;
  const evaluation = evaluateAlarm(alarm, alarmDatapoints(regionState, alarm, now, timeScale), now, { timeScale });
  const { changed, previous } = setAlarmState(regionState, alarmName, evaluation.state, evaluation.reason, now, evaluation.reasonData);
  return { ...evaluation, changed, previous };
}
