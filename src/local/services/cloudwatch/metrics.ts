/**
 * CloudWatch metric operations: PutMetricData, GetMetricStatistics,
 * GetMetricData, ListMetrics.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { paginate } from '../../core/util.js';
import { isPercentile, list, need, readDimensions, readPeriod, readUnit, STATISTICS, toMs, toNumber } from './common.js';
import { evaluateExpression, type Series } from './expressions.js';
import { aggregate, cloudWatchState, findMetric, putMetricDatum, statisticValue, type Dimension, type MetricRecord } from './state.js';

const DAY = 86_400_000;

export const putMetricData: OperationHandler = (input, ctx) => {
  const namespace = String(need(input.Namespace, 'Namespace'));
  if (namespace.startsWith('AWS/') || namespace.length > 255 || !/^[^:].*$/.test(namespace)) {
    throw new AwsError('InvalidParameterValue', `The value ${namespace} for parameter Namespace is invalid.`);
  }
  const data = list<any>(need(input.MetricData, 'MetricData'));
  if (data.length === 0) throw new AwsError('MissingParameter', 'The parameter MetricData is required.');
  if (data.length > 1000) throw new AwsError('InvalidParameterValue', `The collection MetricData must not have more than 1000 members, got ${data.length}.`);
  const now = ctx.now().getTime();
  const parsed = data.map((d, i) => {
    const field = `MetricData.member.${i + 1}`;
    const metricName = String(need(d.MetricName, `${field}.MetricName`));
    const dimensions = readDimensions(d.Dimensions, `${field}.Dimensions`);
    const timestamp = d.Timestamp === undefined ? now : toMs(d.Timestamp, `${field}.Timestamp`);
    if (timestamp < now - 14 * DAY || timestamp > now + 2 * 3_600_000) {
      throw new AwsError('InvalidParameterValue', `The parameter ${field}.Timestamp must specify a time no more than two weeks in the past or two hours in the future.`);
    }
    const unit = readUnit(d.Unit, `${field}.Unit`);
    const hasValue = d.Value !== undefined && d.Value !== null && d.Value !== '';
    const values = list(d.Values).map((v, j) => toNumber(v, `${field}.Values.member.${j + 1}`));
    const counts = list(d.Counts).map((v, j) => toNumber(v, `${field}.Counts.member.${j + 1}`));
    const sv = d.StatisticValues;
    const given = [hasValue, values.length > 0, sv !== undefined].filter(Boolean).length;
    if (given > 1) throw new AwsError('InvalidParameterCombination', `The parameters ${field}.Value, ${field}.Values and ${field}.StatisticValues are mutually exclusive.`);
    if (given === 0) throw new AwsError('InvalidParameterCombination', `At least one of the parameters ${field}.Value, ${field}.Values or ${field}.StatisticValues must be specified.`);
    if (counts.length > 0 && counts.length !== values.length) {
      throw new AwsError('InvalidParameterValue', `The parameters ${field}.Values and ${field}.Counts must have the same length (${values.length} vs ${counts.length}).`);
    }
    const statisticValues = sv
      ? {
          SampleCount: toNumber(sv.SampleCount, `${field}.StatisticValues.SampleCount`),
          Sum: toNumber(sv.Sum, `${field}.StatisticValues.Sum`),
          Minimum: toNumber(sv.Minimum, `${field}.StatisticValues.Minimum`),
          Maximum: toNumber(sv.Maximum, `${field}.StatisticValues.Maximum`),
        }
      : undefined;
    if (statisticValues && statisticValues.Minimum > statisticValues.Maximum) {
      throw new AwsError('InvalidParameterValue', `${field}.StatisticValues.Minimum (${statisticValues.Minimum}) must not exceed Maximum (${statisticValues.Maximum}).`);
    }
    return {
      namespace,
      metricName,
      dimensions,
      timestamp,
      ...(unit !== undefined ? { unit } : {}),
      ...(hasValue ? { value: toNumber(d.Value, `${field}.Value`) } : {}),
      ...(values.length > 0 ? { values, ...(counts.length > 0 ? { counts } : {}) } : {}),
      ...(statisticValues ? { statisticValues } : {}),
    };
  });
  for (const datum of parsed) putMetricDatum(ctx.state, datum, now);
  return {};
};

function readStatistics(input: any): { statistics: string[]; extended: string[] } {
  const statistics = list(input.Statistics).map(String);
  const extended = list(input.ExtendedStatistics).map(String);
  if (statistics.length === 0 && extended.length === 0) {
    throw new AwsError('InvalidParameterCombination', 'Must specify either Statistics or ExtendedStatistics, but not both.');
  }
  if (statistics.length > 0 && extended.length > 0) {
    throw new AwsError('InvalidParameterCombination', 'Must specify either Statistics or ExtendedStatistics, but not both.');
  }
  for (const s of statistics) {
    if (!(STATISTICS as readonly string[]).includes(s)) throw new AwsError('InvalidParameterValue', `The value ${s} for parameter Statistics is not valid; use ${STATISTICS.join(', ')}.`);
  }
  for (const s of extended) if (!isPercentile(s)) throw new AwsError('InvalidParameterValue', `The value ${s} for parameter ExtendedStatistics is not a percentile such as p90 or p99.9.`);
  return { statistics, extended };
}

function buckets(metric: MetricRecord | undefined, start: number, end: number, periodMs: number, unit?: string) {
  const out: { start: number; agg: NonNullable<ReturnType<typeof aggregate>> }[] = [];
  if (!metric) return out;
  const groups = new Map<number, typeof metric.points>();
  for (const p of metric.points) {
    if (p.t < start || p.t >= end || (unit !== undefined && (p.u ?? 'None') !== unit)) continue;
    const bucket = start + Math.floor((p.t - start) / periodMs) * periodMs;
    const arr = groups.get(bucket);
    if (arr) arr.push(p);
    else groups.set(bucket, [p]);
  }
  for (const [bucketStart, points] of [...groups].sort((a, b) => a[0] - b[0])) {
    const agg = aggregate(points);
    if (agg) out.push({ start: bucketStart, agg });
  }
  return out;
}

export const getMetricStatistics: OperationHandler = (input, ctx) => {
  const namespace = String(need(input.Namespace, 'Namespace'));
  const metricName = String(need(input.MetricName, 'MetricName'));
  const start = toMs(need(input.StartTime, 'StartTime'), 'StartTime');
  const end = toMs(need(input.EndTime, 'EndTime'), 'EndTime');
  const period = readPeriod(input.Period);
  if (start >= end) throw new AwsError('InvalidParameterValue', 'The parameter StartTime must be less than the parameter EndTime.');
  const { statistics, extended } = readStatistics(input);
  const requested = Math.ceil((end - start) / (period * 1000));
  if (requested > 1440) {
    throw new AwsError(
      'InvalidParameterCombination',
      `You have requested up to ${requested} datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`,
    );
  }
  const unit = readUnit(input.Unit);
  const metric = findMetric(ctx.state, namespace, metricName, readDimensions(input.Dimensions));
  const datapoints = buckets(metric, start, end, period * 1000, unit).map(({ start: t, agg }) => {
    const dp: Record<string, unknown> = { Timestamp: new Date(t) };
    for (const s of statistics) dp[s] = statisticValue(agg, s);
    if (extended.length > 0) dp.ExtendedStatistics = Object.fromEntries(extended.map((s) => [s, statisticValue(agg, s)]));
    dp.Unit = unit ?? agg.unit ?? 'None';
    return dp;
  });
  return { Label: metricName, Datapoints: datapoints };
};

export const getMetricData: OperationHandler = (input, ctx) => {
  const queries = list<any>(need(input.MetricDataQueries, 'MetricDataQueries'));
  if (queries.length > 500) throw new AwsError('InvalidParameterValue', `The collection MetricDataQueries must not have more than 500 members, got ${queries.length}.`);
  const start = toMs(need(input.StartTime, 'StartTime'), 'StartTime');
  const end = toMs(need(input.EndTime, 'EndTime'), 'EndTime');
  if (start >= end) throw new AwsError('ValidationError', 'The parameter StartTime must be less than the parameter EndTime.');
  const ids = new Set<string>();
  for (const q of queries) {
    const id = String(need(q.Id, 'MetricDataQueries.member.Id'));
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(id)) throw new AwsError('ValidationError', `The value ${id} for parameter MetricDataQueries.member.Id must start with a lowercase letter and contain only letters, digits and underscores.`);
    if (ids.has(id)) throw new AwsError('ValidationError', `The value ${id} for parameter MetricDataQueries.member.Id is used more than once.`);
    ids.add(id);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      throw new AwsError('ValidationError', `The query ${id} must have exactly one of MetricStat or Expression.`);
    }
  }
  const series = new Map<string, Series>();
  const labels = new Map<string, string>();
  for (const q of queries.filter((q) => q.MetricStat !== undefined)) {
    const stat = q.MetricStat;
    const metric = need(stat.Metric, `MetricDataQueries ${q.Id} MetricStat.Metric`);
    const period = readPeriod(stat.Period, `MetricDataQueries ${q.Id} MetricStat.Period`);
    const statName = String(need(stat.Stat, `MetricDataQueries ${q.Id} MetricStat.Stat`));
    if (!(STATISTICS as readonly string[]).includes(statName) && !isPercentile(statName)) {
      throw new AwsError('ValidationError', `The statistic ${statName} of query ${q.Id} is not supported; use ${STATISTICS.join(', ')} or a percentile such as p90.`);
    }
    const record = findMetric(ctx.state, String(metric.Namespace ?? ''), String(metric.MetricName ?? ''), readDimensions(metric.Dimensions));
    const s: Series = new Map();
    for (const { start: t, agg } of buckets(record, start, end, period * 1000, readUnit(stat.Unit))) {
      const v = statisticValue(agg, statName);
      if (v !== undefined) s.set(t, v);
    }
    series.set(q.Id, s);
    labels.set(q.Id, q.Label ?? String(metric.MetricName ?? q.Id));
  }
  const metricSeries = new Map(series);
  for (const q of queries.filter((q) => q.Expression !== undefined)) {
    const result = evaluateExpression(String(q.Expression), series, metricSeries);
    const s: Series = typeof result === 'number' ? new Map([[start, result]]) : result;
    series.set(q.Id, s);
    labels.set(q.Id, q.Label ?? q.Id);
  }
  const ascending = input.ScanBy === 'TimestampAscending';
  const results = queries
    .filter((q) => q.ReturnData === undefined || q.ReturnData === true || q.ReturnData === 'true')
    .map((q) => {
      const entries = [...(series.get(q.Id) ?? new Map<number, number>())].sort((a, b) => (ascending ? a[0] - b[0] : b[0] - a[0]));
      return {
        Id: q.Id,
        Label: labels.get(q.Id) ?? q.Id,
        Timestamps: entries.map(([t]) => new Date(t)),
        Values: entries.map(([, v]) => v),
        StatusCode: 'Complete',
        Messages: [],
      };
    });
  return { MetricDataResults: results, Messages: [] };
};

function dimensionsMatch(actual: readonly Dimension[], filters: readonly { Name: string; Value?: string }[]): boolean {
  return filters.every((f) => actual.some((d) => d.Name === f.Name && (f.Value === undefined || d.Value === f.Value)));
}

export const listMetrics: OperationHandler = (input, ctx) => {
  const filters = readDimensions(input.Dimensions, 'Dimensions', true);
  if (filters.length > 10) throw new AwsError('InvalidParameterValue', `The collection Dimensions must not have more than 10 members, got ${filters.length}.`);
  if (input.RecentlyActive !== undefined && input.RecentlyActive !== 'PT3H') throw new AwsError('InvalidParameterValue', `The value ${String(input.RecentlyActive)} for parameter RecentlyActive is invalid; use PT3H.`);
  const now = ctx.now().getTime();
  const items = Object.values(cloudWatchState(ctx.state).metrics)
    .filter((m) => input.Namespace === undefined || m.namespace === input.Namespace)
    .filter((m) => input.MetricName === undefined || m.metricName === input.MetricName)
    .filter((m) => dimensionsMatch(m.dimensions, filters))
    .filter((m) => input.RecentlyActive === undefined || m.lastPut >= now - 3 * 3_600_000)
    .sort((a, b) => (a.namespace + a.metricName < b.namespace + b.metricName ? -1 : 1));
  const { page, nextToken } = paginate(items, input.NextToken, 500, {
    pageSize: 500,
    invalidToken: () => new AwsError('InvalidNextToken', 'The service returned an invalid next token.'),
  });
  return {
    Metrics: page.map((m) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions.map((d) => ({ ...d })) })),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
};
