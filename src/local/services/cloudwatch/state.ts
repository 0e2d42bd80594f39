/**
 * CloudWatch state: metrics (a bounded rolling window of datapoints per
 * metric), alarms with their history, dashboards and tags, plus the
 * accessors the runtime uses (`putMetricDatum`, `setAlarmState`, …) and
 * Application Auto Scaling uses (`putAlarmRecord`, `deleteAlarmRecords`).
 * Plain JSON; times are epoch milliseconds.
 *
 * @internal
 */
import { AwsError, type RegionState } from '../../core/types.js';
import { own, partitionOf, setOwn } from '../../core/util.js';

/** Key of the CloudWatch slice in a region's state. */
export const CLOUDWATCH_KEY = 'monitoring';

/** Datapoints older than this (relative to the newest put) are dropped. */
export const METRIC_WINDOW_MS = 3 * 3_600_000;
/** Most datapoints kept per metric. */
export const MAX_POINTS_PER_METRIC = 5_000;
/** Most metrics kept per region (least recently written are dropped). */
export const MAX_METRICS = 5_000;
/** Most raw values kept per datapoint (for percentiles). */
export const MAX_RAW_VALUES = 150;
/** Most alarm history items kept per region. */
export const MAX_HISTORY = 2_000;

/** A metric dimension. */
export interface Dimension {
  Name: string;
  Value: string;
}

/** One stored datapoint (one PutMetricData datum). */
export interface MetricPoint {
  /** Timestamp (epoch ms). */
  t: number;
  /** Sample count. */
  n: number;
  /** Sum. */
  s: number;
  /** Minimum. */
  mn: number;
  /** Maximum. */
  mx: number;
  /** Unit, when given. */
  u?: string;
  /** Raw values (each repeated by its count, capped), for percentiles. */
  v?: number[];
}

/** One metric and its datapoints (sorted by time). */
export interface MetricRecord {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  points: MetricPoint[];
  /** Last time a datum was put (epoch ms), for RecentlyActive and eviction. */
  lastPut: number;
}

/** Comparison operators for metric alarms. */
export type ComparisonOperator =
  | 'GreaterThanOrEqualToThreshold'
  | 'GreaterThanThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold'
  | 'LessThanLowerOrGreaterThanUpperThreshold'
  | 'LessThanLowerThreshold'
  | 'GreaterThanUpperThreshold';

/** Alarm states. */
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One metric alarm, stored with the SDK's field names (dates as epoch ms). */
export interface MetricAlarmRecord {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  AlarmConfigurationUpdatedTimestamp: number;
  ActionsEnabled: boolean;
  OKActions: string[];
  AlarmActions: string[];
  InsufficientDataActions: string[];
  StateValue: AlarmState;
  StateReason: string;
  StateReasonData?: string;
  StateUpdatedTimestamp: number;
  StateTransitionedTimestamp: number;
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions: Dimension[];
  Period?: number;
  Unit?: string;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator: ComparisonOperator;
  TreatMissingData?: string;
  EvaluateLowSampleCountPercentile?: string;
  Metrics?: unknown[];
  ThresholdMetricId?: string;
}

/** One alarm history item (dates as epoch ms). */
export interface AlarmHistoryRecord {
  AlarmName: string;
  AlarmType: 'MetricAlarm';
  Timestamp: number;
  HistoryItemType: 'ConfigurationUpdate' | 'StateUpdate' | 'Action';
  HistorySummary: string;
  HistoryData: string;
}

/** One dashboard. */
export interface DashboardRecord {
  name: string;
  arn: string;
  body: string;
  lastModified: number;
}

/** The whole CloudWatch slice of one account+region. */
export interface CloudWatchState {
  /** metric key → metric. */
  metrics: Record<string, MetricRecord>;
  alarms: Record<string, MetricAlarmRecord>;
  history: AlarmHistoryRecord[];
  dashboards: Record<string, DashboardRecord>;
  /** resource ARN → tag key → value. */
  tags: Record<string, Record<string, string>>;
}

/** The CloudWatch slice of `regionState`, created on first use. */
export function cloudWatchState(regionState: RegionState): CloudWatchState {
  const existing = regionState[CLOUDWATCH_KEY] as CloudWatchState | undefined;
  if (existing) return existing;
  const created: CloudWatchState = { metrics: {}, alarms: {}, history: [], dashboards: {}, tags: {} };
  regionState[CLOUDWATCH_KEY] = created;
  return created;
}

/** Dimensions sorted by name (CloudWatch treats dimension sets as unordered). */
export function sortDimensions(dimensions: readonly Dimension[] = []): Dimension[] {
  return [...dimensions].map((d) => ({ Name: d.Name, Value: d.Value })).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

/** Identity of a metric: namespace, name and the exact dimension set. */
export function metricKey(namespace: string, metricName: string, dimensions: readonly Dimension[] = []): string {
  return [namespace, metricName, ...sortDimensions(dimensions).map((d) => `${d.Name}=${d.Value}`)].join('\u0000');
}

/** One datum as the runtime (or PutMetricData) supplies it. */
export interface MetricDatum {
  namespace: string;
  metricName: string;
  dimensions?: readonly Dimension[];
  /** Epoch ms; defaults to `now`. */
  timestamp?: number;
  unit?: string;
  /** A single value… */
  value?: number;
  /** …or values with optional counts… */
  values?: readonly number[];
  counts?: readonly number[];
  /** …or a statistic set. */
  statisticValues?: { SampleCount: number; Sum: number; Minimum: number; Maximum: number };
}

/**
 * Stores one datapoint (the runtime calls this for AWS/ECS and
 * AWS/ApplicationELB metrics; PutMetricData calls it per datum). Keeps the
 * window and counts bounded.
 */
export function putMetricDatum(regionState: RegionState, datum: MetricDatum, now: number): void {
  const state = cloudWatchState(regionState);
  const key = metricKey(datum.namespace, datum.metricName, datum.dimensions);
  let metric = own(state.metrics, key);
  if (!metric) {
    metric = { namespace: datum.namespace, metricName: datum.metricName, dimensions: sortDimensions(datum.dimensions), points: [], lastPut: now };
    state.metrics[key] = metric;
    evictMetrics(state);
  }
  metric.lastPut = now;
  const t = datum.timestamp ?? now;
  let point: MetricPoint;
  if (datum.statisticValues) {
    const sv = datum.statisticValues;
    point = { t, n: sv.SampleCount, s: sv.Sum, mn: sv.Minimum, mx: sv.Maximum };
  } else if (datum.values && datum.values.length > 0) {
    let n = 0;
    let s = 0;
    let mn = Infinity;
    let mx = -Infinity;
    const raw: number[] = [];
    datum.values.forEach((value, i) => {
      const count = datum.counts?.[i] ?? 1;
      n += count;
      s += value * count;
      mn = Math.min(mn, value);
      mx = Math.max(mx, value);
      for (let c = 0; c < count && raw.length < MAX_RAW_VALUES; c++) raw.push(value);
    });
    point = { t, n, s, mn, mx, v: raw };
  } else {
    const value = datum.value ?? 0;
    point = { t, n: 1, s: value, mn: value, mx: value, v: [value] };
  }
  if (datum.unit !== undefined && datum.unit !== 'None') point.u = datum.unit;
  const points = metric.points;
  const last = points[points.length - 1];
  if (!last || last.t <= t) points.push(point);
  else {
    let i = points.length;
    while (i > 0 && (points[i - 1]?.t ?? 0) > t) i--;
    points.splice(i, 0, point);
  }
  const cutoff = now - METRIC_WINDOW_MS;
  let drop = 0;
  while (drop < points.length && (points[drop]?.t ?? Infinity) < cutoff) drop++;
  if (points.length - drop > MAX_POINTS_PER_METRIC) drop = points.length - MAX_POINTS_PER_METRIC;
  if (drop > 0) points.splice(0, drop);
}

function evictMetrics(state: CloudWatchState): void {
  const keys = Object.keys(state.metrics);
  if (keys.length <= MAX_METRICS) return;
  const oldest = keys.sort((a, b) => (own(state.metrics, a)?.lastPut ?? 0) - (own(state.metrics, b)?.lastPut ?? 0)).slice(0, keys.length - MAX_METRICS);
  for (const key of oldest) delete state.metrics[key];
}

/** The metric with exactly these dimensions, or undefined. */
export function findMetric(regionState: RegionState, namespace: string, metricName: string, dimensions: readonly Dimension[] = []): MetricRecord | undefined {
  return cloudWatchState(regionState).metrics[metricKey(namespace, metricName, dimensions)];
}

/** Aggregated statistics of a set of points. */
export interface Aggregate {
  SampleCount: number;
  Sum: number;
  Minimum: number;
  Maximum: number;
  Average: number;
  /** Raw values (for percentiles); statistic sets contribute their average. */
  values: number[];
  unit?: string;
}

/** Aggregates points (undefined when there are none). */
export function aggregate(points: readonly MetricPoint[]): Aggregate | undefined {
  if (points.length === 0) return undefined;
  let n = 0;
  let s = 0;
  let mn = Infinity;
  let mx = -Infinity;
  const values: number[] = [];
  let unit: string | undefined;
  for (const p of points) {
    n += p.n;
    s += p.s;
    mn = Math.min(mn, p.mn);
    mx = Math.max(mx, p.mx);
    if (p.v) values.push(...p.v);
    else if (p.n > 0) values.push(p.s / p.n);
    unit ??= p.u;
  }
  return { SampleCount: n, Sum: s, Minimum: mn, Maximum: mx, Average: n > 0 ? s / n : 0, values, ...(unit !== undefined ? { unit } : {}) };
}

/** The `pNN` percentile of `values` (nearest rank), or undefined. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** Value of a statistic (`Average`, `Sum`, …, `p90`, `p99.9`) of an aggregate. */
export function statisticValue(agg: Aggregate, stat: string): number | undefined {
  switch (stat) {
    case 'SampleCount':
      return agg.SampleCount;
    case 'Sum':
      return agg.Sum;
    case 'Minimum':
      return agg.Minimum;
    case 'Maximum':
      return agg.Maximum;
    case 'Average':
      return agg.Average;
    default: {
      const match = /^p(\d{1,2}(?:\.\d{1,10})?|100)$/.exec(stat);
      return match?.[1] ? percentile(agg.values, Number(match[1])) : undefined;
    }
  }
}

/** The alarm or undefined. */
export function getAlarm(regionState: RegionState, name: string): MetricAlarmRecord | undefined {
  return own(cloudWatchState(regionState).alarms, name);
}

/** Appends a history item, keeping history bounded. */
export function recordHistory(regionState: RegionState, item: AlarmHistoryRecord): void {
  const history = cloudWatchState(regionState).history;
  history.push(item);
  if (history.length > MAX_HISTORY) history.splice(0, history.length - MAX_HISTORY);
}

function isoForHistory(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/**
 * Creates or replaces an alarm (PutMetricAlarm, or Application Auto Scaling
 * creating target-tracking alarms). A new alarm starts in
 * INSUFFICIENT_DATA; an updated one keeps its state. Records a
 * ConfigurationUpdate history item.
 */
export function putAlarmRecord(
  regionState: RegionState,
  where: { accountId: string; region: string },
  config: Omit<MetricAlarmRecord, 'AlarmArn' | 'AlarmConfigurationUpdatedTimestamp' | 'StateValue' | 'StateReason' | 'StateUpdatedTimestamp' | 'StateTransitionedTimestamp'>,
  now: number,
): MetricAlarmRecord {
  const state = cloudWatchState(regionState);
  const previous = own(state.alarms, config.AlarmName);
  const alarm: MetricAlarmRecord = {
    ...config,
    AlarmArn: `arn:${partitionOf(where.region)}:cloudwatch:${where.region}:${where.accountId}:alarm:${config.AlarmName}`,
    AlarmConfigurationUpdatedTimestamp: now,
    StateValue: previous?.StateValue ?? 'INSUFFICIENT_DATA',
    StateReason: previous?.StateReason ?? 'Unchecked: Initial alarm creation',
    ...(previous?.StateReasonData !== undefined ? { StateReasonData: previous.StateReasonData } : {}),
    StateUpdatedTimestamp: previous?.StateUpdatedTimestamp ?? now,
    StateTransitionedTimestamp: previous?.StateTransitionedTimestamp ?? now,
  };
  setOwn(state.alarms, alarm.AlarmName, alarm);
  const { AlarmArn: _arn, StateValue: _s, StateReason: _r, StateReasonData: _d, StateUpdatedTimestamp: _u, StateTransitionedTimestamp: _t, ...configOnly } = alarm;
  recordHistory(regionState, {
    AlarmName: alarm.AlarmName,
    AlarmType: 'MetricAlarm',
    Timestamp: now,
    HistoryItemType: 'ConfigurationUpdate',
    HistorySummary: `Alarm "${alarm.AlarmName}" ${previous ? 'updated' : 'created'}`,
    HistoryData: JSON.stringify({ version: '1.0', type: previous ? 'Update' : 'Create', [previous ? 'updatedAlarm' : 'createdAlarm']: { ...configOnly, AlarmConfigurationUpdatedTimestamp: isoForHistory(now) } }),
  });
  return alarm;
}

/** Deletes alarms by name (missing names are ignored); records a history item each. */
export function deleteAlarmRecords(regionState: RegionState, names: readonly string[], now: number): void {
  const state = cloudWatchState(regionState);
  for (const name of names) {
    const alarm = own(state.alarms, name);
    if (!alarm) continue;
    delete state.alarms[name];
    delete state.tags[alarm.AlarmArn];
    recordHistory(regionState, {
      AlarmName: name,
      AlarmType: 'MetricAlarm',
      Timestamp: now,
      HistoryItemType: 'ConfigurationUpdate',
      HistorySummary: `Alarm "${name}" deleted`,
      HistoryData: JSON.stringify({ version: '1.0', type: 'Delete', deletedAlarm: { AlarmName: name } }),
    });
  }
}

/**
 * Sets an alarm's state and records a StateUpdate history item (SetAlarmState,
 * or the runtime after {@link evaluateAlarm}). Returns the previous state, or
 * throws `ResourceNotFound` for an unknown alarm. A state equal to the
 * current one only refreshes the reason and `StateUpdatedTimestamp`, as AWS
 * does on re-evaluation; history is recorded only on transitions.
 */
export function setAlarmState(
  regionState: RegionState,
  name: string,
  next: AlarmState,
  reason: string,
  now: number,
  reasonData?: string,
): { previous: AlarmState; changed: boolean; alarm: MetricAlarmRecord } {
  const alarm = getAlarm(regionState, name);
  if (!alarm) throw new AwsError('ResourceNotFound', `Alarm ${name} not found`, 404);
  const previous = alarm.StateValue;
  const changed = previous !== next;
  alarm.StateValue = next;
  alarm.StateReason = reason;
  if (reasonData !== undefined) alarm.StateReasonData = reasonData;
  else delete alarm.StateReasonData;
  alarm.StateUpdatedTimestamp = now;
  if (changed) {
    alarm.StateTransitionedTimestamp = now;
    recordHistory(regionState, {
      AlarmName: name,
      AlarmType: 'MetricAlarm',
      Timestamp: now,
      HistoryItemType: 'StateUpdate',
      HistorySummary: `Alarm updated from ${previous} to ${next}`,
      HistoryData: JSON.stringify({
        version: '1.0',
        oldState: { stateValue: previous },
        newState: { stateValue: next, stateReason: reason, ...(reasonData !== undefined ? { stateReasonData: safeJson(reasonData) } : {}) },
      }),
    });
  }
  return { previous, changed, alarm };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
