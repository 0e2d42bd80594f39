/**
 * CloudWatch alarm operations: PutMetricAlarm, DescribeAlarms,
 * DescribeAlarmsForMetric, DescribeAlarmHistory, DeleteAlarms,
 * SetAlarmState, EnableAlarmActions, DisableAlarmActions.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { own, paginate } from '../../core/util.js';
import { isPercentile, list, need, readDimensions, readPeriod, readUnit, STATISTICS, toMs, toNumber } from './common.js';
import { applyTags } from './tags.js';
import {
  cloudWatchState,
  deleteAlarmRecords,
  metricKey,
  putAlarmRecord,
  setAlarmState as applyState,
  type AlarmState,
  type ComparisonOperator,
  type MetricAlarmRecord,
} from './state.js';

const OPERATORS: readonly ComparisonOperator[] = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
];
const STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

/** The alarm as DescribeAlarms returns it. */
export function alarmShape(a: MetricAlarmRecord): Record<string, unknown> {
  return {
    ...a,
    AlarmConfigurationUpdatedTimestamp: new Date(a.AlarmConfigurationUpdatedTimestamp),
    StateUpdatedTimestamp: new Date(a.StateUpdatedTimestamp),
    StateTransitionedTimestamp: new Date(a.StateTransitionedTimestamp),
    OKActions: [...a.OKActions],
    AlarmActions: [...a.AlarmActions],
    InsufficientDataActions: [...a.InsufficientDataActions],
    Dimensions: a.Dimensions.map((d) => ({ ...d })),
  };
}

function readActions(value: unknown, field: string): string[] {
  const actions = list(value).map(String);
  if (actions.length > 5) throw new AwsError('InvalidParameterValue', `The collection ${field} must not have more than 5 members, got ${actions.length}.`);
  for (const a of actions) {
    if (!a.startsWith('arn:')) throw new AwsError('ValidationError', `Invalid arn syntax: ${a} (in ${field}).`);
  }
  return actions;
}

export const putMetricAlarm: OperationHandler = (input, ctx) => {
  const name = String(need(input.AlarmName, 'AlarmName'));
  if (name.length > 255) throw new AwsError('InvalidParameterValue', 'The parameter AlarmName must be at most 255 characters.');
  const evaluationPeriods = toNumber(need(input.EvaluationPeriods, 'EvaluationPeriods'), 'EvaluationPeriods');
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
    throw new AwsError('InvalidParameterValue', `The parameter EvaluationPeriods must be a positive integer, got: ${String(input.EvaluationPeriods)}.`);
  }
  const operator = String(need(input.ComparisonOperator, 'ComparisonOperator')) as ComparisonOperator;
  if (!OPERATORS.includes(operator)) throw new AwsError('InvalidParameterValue', `The value ${operator} for parameter ComparisonOperator is not valid; use one of ${OPERATORS.join(', ')}.`);
  const metrics = input.Metrics !== undefined ? list(input.Metrics) : undefined;
  const statistic = input.Statistic === undefined ? undefined : String(input.Statistic);
  const extended = input.ExtendedStatistic === undefined ? undefined : String(input.ExtendedStatistic);
  let period: number | undefined;
  if (metrics) {
    if (input.MetricName !== undefined || input.Namespace !== undefined || statistic !== undefined || extended !== undefined || input.Period !== undefined) {
      throw new AwsError('InvalidParameterCombination', 'Metrics cannot be combined with MetricName, Namespace, Statistic, ExtendedStatistic or Period.');
    }
  } else {
    need(input.MetricName, 'MetricName');
    need(input.Namespace, 'Namespace');
    if ((statistic === undefined) === (extended === undefined)) {
      throw new AwsError('InvalidParameterCombination', 'Exactly one of Statistic or ExtendedStatistic must be specified.');
    }
    if (statistic !== undefined && !(STATISTICS as readonly string[]).includes(statistic)) {
      throw new AwsError('InvalidParameterValue', `The value ${statistic} for parameter Statistic is not valid; use ${STATISTICS.join(', ')}.`);
    }
    if (extended !== undefined && !isPercentile(extended)) throw new AwsError('InvalidParameterValue', `The value ${extended} for parameter ExtendedStatistic is not a percentile such as p90.`);
    period = readPeriod(input.Period);
    if (period === 1 || period === 5) throw new AwsError('InvalidParameterValue', `The parameter Period must be 10, 30 or a multiple of 60 for alarms, got: ${period}.`);
    if (period * evaluationPeriods > 7 * 86_400) {
      throw new AwsError('ValidationError', `The product of Period (${period}) and EvaluationPeriods (${evaluationPeriods}) must not exceed 604800 seconds (7 days).`);
    }
  }
  const datapointsToAlarm = input.DatapointsToAlarm === undefined ? undefined : toNumber(input.DatapointsToAlarm, 'DatapointsToAlarm');
  if (datapointsToAlarm !== undefined && (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods)) {
    throw new AwsError('ValidationError', `DatapointsToAlarm (${datapointsToAlarm}) must be between 1 and EvaluationPeriods (${evaluationPeriods}).`);
  }
  const treat = input.TreatMissingData === undefined ? undefined : String(input.TreatMissingData);
  if (treat !== undefined && !['breaching', 'notBreaching', 'ignore', 'missing'].includes(treat)) {
    throw new AwsError('InvalidParameterValue', `The value ${treat} for parameter TreatMissingData is not valid; use breaching, notBreaching, ignore or missing.`);
  }
  if (input.Threshold === undefined && input.ThresholdMetricId === undefined) throw new AwsError('ValidationError', 'Threshold is required unless ThresholdMetricId is set.');
  const unit = readUnit(input.Unit);
  const existed = own(cloudWatchState(ctx.state).alarms, name) !== undefined;
  const alarm = putAlarmRecord(
    ctx.state,
    ctx,
    {
      AlarmName: name,
      ...(input.AlarmDescription !== undefined ? { AlarmDescription: String(input.AlarmDescription) } : {}),
      ActionsEnabled: input.ActionsEnabled === undefined ? true : input.ActionsEnabled === true || input.ActionsEnabled === 'true',
      OKActions: readActions(input.OKActions, 'OKActions'),
      AlarmActions: readActions(input.AlarmActions, 'AlarmActions'),
      InsufficientDataActions: readActions(input.InsufficientDataActions, 'InsufficientDataActions'),
      ...(input.MetricName !== undefined ? { MetricName: String(input.MetricName) } : {}),
      ...(input.Namespace !== undefined ? { Namespace: String(input.Namespace) } : {}),
      ...(statistic !== undefined ? { Statistic: statistic } : {}),
      ...(extended !== undefined ? { ExtendedStatistic: extended } : {}),
      Dimensions: readDimensions(input.Dimensions),
      ...(period !== undefined ? { Period: period } : {}),
      ...(unit !== undefined ? { Unit: unit } : {}),
      EvaluationPeriods: evaluationPeriods,
      ...(datapointsToAlarm !== undefined ? { DatapointsToAlarm: datapointsToAlarm } : {}),
      ...(input.Threshold !== undefined ? { Threshold: toNumber(input.Threshold, 'Threshold') } : {}),
      ComparisonOperator: operator,
      ...(treat !== undefined ? { TreatMissingData: treat } : {}),
      ...(input.EvaluateLowSampleCountPercentile !== undefined ? { EvaluateLowSampleCountPercentile: String(input.EvaluateLowSampleCountPercentile) } : {}),
      ...(metrics ? { Metrics: metrics } : {}),
      ...(input.ThresholdMetricId !== undefined ? { ThresholdMetricId: String(input.ThresholdMetricId) } : {}),
    },
    ctx.now().getTime(),
  );
  if (!existed) applyTags(ctx, alarm.AlarmArn, input.Tags);
  ctx.events.emit('cloudwatch:alarm-updated', { accountId: ctx.accountId, region: ctx.region, type: 'cloudwatch:alarm-updated', alarmName: name, alarmArn: alarm.AlarmArn });
  return {};
};

export const describeAlarms: OperationHandler = (input, ctx) => {
  const names = list(input.AlarmNames).map(String);
  if (names.length > 100) throw new AwsError('InvalidParameterValue', `The collection AlarmNames must not have more than 100 members, got ${names.length}.`);
  if (names.length > 0 && input.AlarmNamePrefix !== undefined) {
    throw new AwsError('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be specified together.');
  }
  const state = input.StateValue === undefined ? undefined : String(input.StateValue);
  if (state !== undefined && !STATES.includes(state as AlarmState)) throw new AwsError('InvalidParameterValue', `The value ${state} for parameter StateValue is not valid; use OK, ALARM or INSUFFICIENT_DATA.`);
  const max = input.MaxRecords === undefined ? 50 : toNumber(input.MaxRecords, 'MaxRecords');
  if (!Number.isInteger(max) || max < 1 || max > 100) throw new AwsError('InvalidParameterValue', `The parameter MaxRecords must be between 1 and 100, got: ${String(input.MaxRecords)}.`);
  const types = list(input.AlarmTypes).map(String);
  const wantMetric = types.length === 0 || types.includes('MetricAlarm');
  const prefix = input.AlarmNamePrefix === undefined ? undefined : String(input.AlarmNamePrefix);
  const actionPrefix = input.ActionPrefix === undefined ? undefined : String(input.ActionPrefix);
  const items = !wantMetric
    ? []
    : Object.values(cloudWatchState(ctx.state).alarms)
        .filter((a) => names.length === 0 || names.includes(a.AlarmName))
        .filter((a) => prefix === undefined || a.AlarmName.startsWith(prefix))
        .filter((a) => state === undefined || a.StateValue === state)
        .filter((a) => actionPrefix === undefined || [...a.AlarmActions, ...a.OKActions, ...a.InsufficientDataActions].some((x) => x.startsWith(actionPrefix)))
        .sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : a.AlarmName > b.AlarmName ? 1 : 0));
  const { page, nextToken } = paginate(items, input.NextToken, max, {
    pageSize: 50,
    maxPageSize: 100,
    invalidToken: () => new AwsError('InvalidNextToken', 'The service returned an invalid next token.'),
  });
  return { MetricAlarms: page.map(alarmShape), CompositeAlarms: [], ...(nextToken ? { NextToken: nextToken } : {}) };
};

export const describeAlarmsForMetric: OperationHandler = (input, ctx) => {
  const namespace = String(need(input.Namespace, 'Namespace'));
  const metricName = String(need(input.MetricName, 'MetricName'));
  const dims = readDimensions(input.Dimensions);
  const key = metricKey(namespace, metricName, dims);
  const alarms = Object.values(cloudWatchState(ctx.state).alarms)
    .filter((a) => a.Namespace !== undefined && a.MetricName !== undefined && metricKey(a.Namespace, a.MetricName, a.Dimensions) === key)
    .filter((a) => input.Statistic === undefined || a.Statistic === input.Statistic)
    .filter((a) => input.ExtendedStatistic === undefined || a.ExtendedStatistic === input.ExtendedStatistic)
    .filter((a) => input.Period === undefined || a.Period === Number(input.Period))
    .filter((a) => input.Unit === undefined || a.Unit === input.Unit)
    .sort((a, b) => (a.AlarmName < b.AlarmName ? -1 : 1));
  return { MetricAlarms: alarms.map(alarmShape) };
};

export const describeAlarmHistory: OperationHandler = (input, ctx) => {
  const type = input.HistoryItemType === undefined ? undefined : String(input.HistoryItemType);
  if (type !== undefined && !['ConfigurationUpdate', 'StateUpdate', 'Action'].includes(type)) {
    throw new AwsError('InvalidParameterValue', `The value ${type} for parameter HistoryItemType is not valid; use ConfigurationUpdate, StateUpdate or Action.`);
  }
  const start = input.StartDate === undefined ? -Infinity : toMs(input.StartDate, 'StartDate');
  const end = input.EndDate === undefined ? Infinity : toMs(input.EndDate, 'EndDate');
  const max = input.MaxRecords === undefined ? 100 : toNumber(input.MaxRecords, 'MaxRecords');
  if (!Number.isInteger(max) || max < 1 || max > 100) throw new AwsError('InvalidParameterValue', `The parameter MaxRecords must be between 1 and 100, got: ${String(input.MaxRecords)}.`);
  const items = cloudWatchState(ctx.state)
    .history.filter((h) => input.AlarmName === undefined || h.AlarmName === input.AlarmName)
    .filter((h) => type === undefined || h.HistoryItemType === type)
    .filter((h) => h.Timestamp >= start && h.Timestamp <= end);
  const ordered = input.ScanBy === 'TimestampAscending' ? [...items] : [...items].reverse();
  const { page, nextToken } = paginate(ordered, input.NextToken, max, {
    pageSize: 100,
    maxPageSize: 100,
    invalidToken: () => new AwsError('InvalidNextToken', 'The service returned an invalid next token.'),
  });
  return { AlarmHistoryItems: page.map((h) => ({ ...h, Timestamp: new Date(h.Timestamp) })), ...(nextToken ? { NextToken: nextToken } : {}) };
};

export const deleteAlarms: OperationHandler = (input, ctx) => {
  const names = list(need(input.AlarmNames, 'AlarmNames')).map(String);
  if (names.length > 100) throw new AwsError('InvalidParameterValue', `The collection AlarmNames must not have more than 100 members, got ${names.length}.`);
  // As the API reference says: the alarms with correct names are deleted, incorrect names are ignored (no error).
  const alarms = cloudWatchState(ctx.state).alarms;
  deleteAlarmRecords(ctx.state, names.filter((n) => Object.hasOwn(alarms, n)), ctx.now().getTime());
  return {};
};

function emitState(ctx: RequestContext, alarmName: string, previous: AlarmState, next: AlarmState): void {
  ctx.events.emit('cloudwatch:alarm-state-changed', {
    accountId: ctx.accountId,
    region: ctx.region,
    type: 'cloudwatch:alarm-state-changed',
    alarmName,
    previousState: previous,
    state: next,
  });
}

export const setAlarmState: OperationHandler = (input, ctx) => {
  const name = String(need(input.AlarmName, 'AlarmName'));
  const next = String(need(input.StateValue, 'StateValue')) as AlarmState;
  if (!STATES.includes(next)) throw new AwsError('InvalidParameterValue', `The value ${next} for parameter StateValue is not valid; use OK, ALARM or INSUFFICIENT_DATA.`);
  const reason = String(need(input.StateReason, 'StateReason'));
  const data = input.StateReasonData === undefined ? undefined : String(input.StateReasonData);
  if (data !== undefined) {
    try {
      JSON.parse(data);
    } catch {
      throw new AwsError('InvalidFormat', `StateReasonData is not valid JSON: ${data.slice(0, 80)}`);
    }
  }
  const { previous, changed } = applyState(ctx.state, name, next, reason, ctx.now().getTime(), data);
  if (changed) emitState(ctx, name, previous, next);
  return {};
};

function setActions(enabled: boolean): OperationHandler {
  return (input, ctx) => {
    const names = list(need(input.AlarmNames, 'AlarmNames')).map(String);
    const alarms = cloudWatchState(ctx.state).alarms;
    for (const n of names) {
      const alarm = own(alarms, n);
      if (alarm) alarm.ActionsEnabled = enabled;
    }
    return {};
  };
}

export const enableAlarmActions = setActions(true);
export const disableAlarmActions = setActions(false);
