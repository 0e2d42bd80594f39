import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { evaluateAlarm, evaluateStoredAlarm } from '../../../../src/local/services/cloudwatch/evaluate.js';
import { cloudWatchState, putMetricDatum, setAlarmState } from '../../../../src/local/services/cloudwatch/state.js';
import { rejects } from '../rejects.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const sec = (ms: number) => ms / 1000;

function setup(timeScale = 1) {
  let now = T0;
  const cloud = new CloudState({ now: () => new Date(now), timeScale });
  const call = (op: string, input: unknown = {}) => cloud.invoke('monitoring', op, input, { region: 'us-east-1' }) as Promise<any>;
  return { cloud, call, advance: (ms: number) => (now += ms), now: () => now, region: () => cloud.region('us-east-1') };
}


const cpuAlarm = {
  AlarmName: 'invsys-cpu-high',
  MetricName: 'CPUUtilization',
  Namespace: 'AWS/ECS',
  Statistic: 'Average',
  Dimensions: [
    { Name: 'ClusterName', Value: 'flask-inventory-cluster' },
    { Name: 'ServiceName', Value: 'invsys-service' },
  ],
  Period: 60,
  EvaluationPeriods: 2,
  Threshold: 70,
  ComparisonOperator: 'GreaterThanThreshold',
};

describe('CloudWatch metrics', () => {
  it('aggregates datapoints into period buckets with statistics and percentiles', async () => {
    const t = setup();
    const dims = [{ Name: 'Service', Value: 'api' }];
    await t.call('PutMetricData', {
      Namespace: 'Lab',
      MetricData: [
        { MetricName: 'Latency', Dimensions: dims, Timestamp: sec(T0 - 110_000), Value: 10, Unit: 'Milliseconds' },
        { MetricName: 'Latency', Dimensions: dims, Timestamp: sec(T0 - 100_000), Values: [20, 30], Counts: [1, 2], Unit: 'Milliseconds' },
        { MetricName: 'Latency', Dimensions: dims, Timestamp: sec(T0 - 30_000), StatisticValues: { SampleCount: 2, Sum: 100, Minimum: 40, Maximum: 60 }, Unit: 'Milliseconds' },
      ],
    });
    const stats = await t.call('GetMetricStatistics', {
      Namespace: 'Lab',
      MetricName: 'Latency',
      Dimensions: dims,
      StartTime: sec(T0 - 120_000),
      EndTime: sec(T0),
      Period: 60,
      Statistics: ['Average', 'Sum', 'SampleCount', 'Minimum', 'Maximum'],
    });
    assert.equal(stats.Label, 'Latency');
    assert.equal(stats.Datapoints.length, 2);
    const [first, second] = stats.Datapoints;
    assert.deepEqual(first.Timestamp, new Date(T0 - 120_000));
    assert.equal(first.SampleCount, 4);
    assert.equal(first.Sum, 90);
    assert.equal(first.Average, 22.5);
    assert.equal(first.Minimum, 10);
    assert.equal(first.Maximum, 30);
    assert.equal(first.Unit, 'Milliseconds');
    assert.equal(second.Average, 50);
    const p = await t.call('GetMetricStatistics', {
      Namespace: 'Lab', MetricName: 'Latency', Dimensions: dims, StartTime: sec(T0 - 120_000), EndTime: sec(T0 - 60_000), Period: 60, ExtendedStatistics: ['p50', 'p99'],
    });
    assert.deepEqual(p.Datapoints[0].ExtendedStatistics, { p50: 20, p99: 30 });
  });

  it('treats dimension sets as exact (no data for a subset) and accepts ISO timestamps from the Query protocol', async () => {
    const t = setup();
    await t.call('PutMetricData', { Namespace: 'Lab', MetricData: [{ MetricName: 'Hits', Dimensions: [{ Name: 'A', Value: '1' }, { Name: 'B', Value: '2' }], Value: '5', Timestamp: new Date(T0 - 1000).toISOString() }] });
    const subset = await t.call('GetMetricStatistics', { Namespace: 'Lab', MetricName: 'Hits', Dimensions: [{ Name: 'A', Value: '1' }], StartTime: new Date(T0 - 60_000).toISOString(), EndTime: new Date(T0).toISOString(), Period: '60', Statistics: ['Sum'] });
    assert.equal(subset.Datapoints.length, 0);
    const exact = await t.call('GetMetricStatistics', { Namespace: 'Lab', MetricName: 'Hits', Dimensions: [{ Name: 'B', Value: '2' }, { Name: 'A', Value: '1' }], StartTime: new Date(T0 - 60_000).toISOString(), EndTime: new Date(T0).toISOString(), Period: '60', Statistics: ['Sum'] });
    assert.equal(exact.Datapoints[0].Sum, 5);
  });

  it('rejects AWS/ namespaces, mixed value kinds and too many datapoints as AWS does', async () => {
    const t = setup();
    await rejects(t.call('PutMetricData', { Namespace: 'AWS/ECS', MetricData: [{ MetricName: 'x', Value: 1 }] }), 'InvalidParameterValue', /Namespace/);
    await rejects(t.call('PutMetricData', { Namespace: 'Lab', MetricData: [{ MetricName: 'x', Value: 1, Values: [1] }] }), 'InvalidParameterCombination');
    await rejects(
      t.call('GetMetricStatistics', { Namespace: 'Lab', MetricName: 'x', StartTime: sec(T0 - 2 * 86_400_000), EndTime: sec(T0), Period: 60, Statistics: ['Sum'] }),
      'InvalidParameterCombination',
      /exceeds the limit of 1440/,
    );
    await rejects(t.call('GetMetricStatistics', { Namespace: 'Lab', MetricName: 'x', StartTime: sec(T0 - 60_000), EndTime: sec(T0), Period: 45, Statistics: ['Sum'] }), 'InvalidParameterValue', /Period/);
    await rejects(t.call('GetMetricStatistics', { Namespace: 'Lab', MetricName: 'x', StartTime: sec(T0 - 60_000), EndTime: sec(T0), Period: 60 }), 'InvalidParameterCombination');
  });

  it('answers GetMetricData with metric stats and math expressions', async () => {
    const t = setup();
    for (const [name, v] of [['A', 3], ['B', 4]] as const) {
      await t.call('PutMetricData', { Namespace: 'Lab', MetricData: [{ MetricName: name, Value: v, Timestamp: sec(T0 - 90_000) }, { MetricName: name, Value: v * 2, Timestamp: sec(T0 - 30_000) }] });
    }
    const stat = (id: string, name: string) => ({ Id: id, MetricStat: { Metric: { Namespace: 'Lab', MetricName: name }, Period: 60, Stat: 'Sum' }, ReturnData: false });
    const out = await t.call('GetMetricData', {
      StartTime: sec(T0 - 120_000),
      EndTime: sec(T0),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [stat('a', 'A'), stat('b', 'B'), { Id: 'total', Expression: 'a+b', Label: 'Total' }, { Id: 'avg', Expression: 'AVG(METRICS())' }, { Id: 'pct', Expression: '(a/b)*100' }],
    });
    const byId = Object.fromEntries(out.MetricDataResults.map((r: any) => [r.Id, r]));
    assert.deepEqual(Object.keys(byId), ['total', 'avg', 'pct']);
    assert.deepEqual(byId.total.Values, [7, 14]);
    assert.equal(byId.total.Label, 'Total');
    assert.deepEqual(byId.avg.Values, [3.5, 7]);
    assert.deepEqual(byId.pct.Values, [75, 75]);
    assert.equal(byId.total.StatusCode, 'Complete');
  });

  it('lists metrics filtered by namespace, name and dimension', async () => {
    const t = setup();
    const region = t.region();
    putMetricDatum(region, { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: [{ Name: 'ClusterName', Value: 'c' }, { Name: 'ServiceName', Value: 's' }], value: 5 }, T0);
    putMetricDatum(region, { namespace: 'AWS/ECS', metricName: 'MemoryUtilization', dimensions: [{ Name: 'ClusterName', Value: 'c' }], value: 5 }, T0);
    putMetricDatum(region, { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: [{ Name: 'LoadBalancer', Value: 'app/lab/1' }], value: 5 }, T0);
    assert.equal((await t.call('ListMetrics', { Namespace: 'AWS/ECS' })).Metrics.length, 2);
    const withService = await t.call('ListMetrics', { Dimensions: [{ Name: 'ServiceName' }] });
    assert.deepEqual(withService.Metrics.map((m: any) => m.MetricName), ['CPUUtilization']);
    assert.equal((await t.call('ListMetrics', { MetricName: 'RequestCount', RecentlyActive: 'PT3H' })).Metrics.length, 1);
  });

  it('keeps only a rolling window of datapoints per metric', () => {
    const t = setup();
    const region = t.region();
    for (let i = 0; i < 6000; i++) putMetricDatum(region, { namespace: 'Lab', metricName: 'x', value: i, timestamp: T0 - 6000 + i }, T0);
    putMetricDatum(region, { namespace: 'Lab', metricName: 'x', value: 1, timestamp: T0 + 4 * 3_600_000 }, T0 + 4 * 3_600_000);
    const points = Object.values((region.monitoring as any).metrics)[0] as { points: unknown[] };
    assert.equal(points.points.length, 1);
    for (let i = 0; i < 6000; i++) putMetricDatum(region, { namespace: 'Lab', metricName: 'x', value: i }, T0 + 4 * 3_600_000 + i);
    assert.equal(points.points.length, 5000, 'at most 5000 datapoints per metric');
  });
});

describe('CloudWatch alarms', () => {
  it('creates an alarm in INSUFFICIENT_DATA with AWS fields and history', async () => {
    const t = setup();
    await t.call('PutMetricAlarm', { ...cpuAlarm, AlarmActions: ['arn:aws:sns:us-east-1:123456789012:ops'] });
    const { MetricAlarms, CompositeAlarms } = await t.call('DescribeAlarms', { AlarmNames: ['invsys-cpu-high'] });
    assert.deepEqual(CompositeAlarms, []);
    const alarm = MetricAlarms[0];
    assert.equal(alarm.AlarmArn, 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:invsys-cpu-high');
    assert.equal(alarm.StateValue, 'INSUFFICIENT_DATA');
    assert.equal(alarm.StateReason, 'Unchecked: Initial alarm creation');
    assert.deepEqual(alarm.StateUpdatedTimestamp, new Date(T0));
    assert.equal(alarm.ActionsEnabled, true);
    const history = await t.call('DescribeAlarmHistory', { AlarmName: 'invsys-cpu-high' });
    assert.equal(history.AlarmHistoryItems[0].HistorySummary, 'Alarm "invsys-cpu-high" created');
  });

  it('validates period, datapoints to alarm and statistic choice', async () => {
    const t = setup();
    await rejects(t.call('PutMetricAlarm', { ...cpuAlarm, Period: 45 }), 'InvalidParameterValue', /Period/);
    await rejects(t.call('PutMetricAlarm', { ...cpuAlarm, DatapointsToAlarm: 3 }), 'ValidationError', /DatapointsToAlarm/);
    await rejects(t.call('PutMetricAlarm', { ...cpuAlarm, ExtendedStatistic: 'p90' }), 'InvalidParameterCombination');
    const { Statistic: _s, ...noStat } = cpuAlarm;
    await rejects(t.call('PutMetricAlarm', noStat), 'InvalidParameterCombination');
    await t.call('PutMetricAlarm', { ...cpuAlarm, Period: 10 });
  });

  it('filters alarms by prefix and state and pages them', async () => {
    const t = setup();
    for (const name of ['a-1', 'a-2', 'b-1']) await t.call('PutMetricAlarm', { ...cpuAlarm, AlarmName: name });
    await t.call('SetAlarmState', { AlarmName: 'a-2', StateValue: 'ALARM', StateReason: 'testing' });
    assert.deepEqual((await t.call('DescribeAlarms', { AlarmNamePrefix: 'a-' })).MetricAlarms.map((a: any) => a.AlarmName), ['a-1', 'a-2']);
    assert.deepEqual((await t.call('DescribeAlarms', { StateValue: 'ALARM' })).MetricAlarms.map((a: any) => a.AlarmName), ['a-2']);
    const page = await t.call('DescribeAlarms', { MaxRecords: 2 });
    assert.equal(page.MetricAlarms.length, 2);
    assert.equal((await t.call('DescribeAlarms', { MaxRecords: 2, NextToken: page.NextToken })).MetricAlarms.length, 1);
  });

  it('records state changes in history and rejects unknown alarms', async () => {
    const t = setup();
    await t.call('PutMetricAlarm', cpuAlarm);
    const seen: unknown[] = [];
    t.cloud.events.on('cloudwatch:alarm-state-changed', (e) => seen.push(e));
    await t.call('SetAlarmState', { AlarmName: cpuAlarm.AlarmName, StateValue: 'ALARM', StateReason: 'manual test', StateReasonData: '{"a":1}' });
    const updates = await t.call('DescribeAlarmHistory', { AlarmName: cpuAlarm.AlarmName, HistoryItemType: 'StateUpdate' });
    assert.equal(updates.AlarmHistoryItems[0].HistorySummary, 'Alarm updated from INSUFFICIENT_DATA to ALARM');
    assert.equal(seen.length, 1);
    await rejects(t.call('SetAlarmState', { AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' }), 'ResourceNotFound');
    await rejects(t.call('SetAlarmState', { AlarmName: cpuAlarm.AlarmName, StateValue: 'OK', StateReason: 'x', StateReasonData: '{bad' }), 'InvalidFormat');
  });

  it('finds alarms for a metric and disables and deletes them', async () => {
    const t = setup();
    await t.call('PutMetricAlarm', cpuAlarm);
    const found = await t.call('DescribeAlarmsForMetric', { Namespace: 'AWS/ECS', MetricName: 'CPUUtilization', Dimensions: [...cpuAlarm.Dimensions].reverse() });
    assert.equal(found.MetricAlarms.length, 1);
    await t.call('DisableAlarmActions', { AlarmNames: [cpuAlarm.AlarmName] });
    assert.equal((await t.call('DescribeAlarms')).MetricAlarms[0].ActionsEnabled, false);
    // As the API reference documents: the correctly named alarms are deleted, an unknown name is no error.
    await t.call('PutMetricAlarm', { ...cpuAlarm, AlarmName: 'second' });
    assert.deepEqual(await t.call('DeleteAlarms', { AlarmNames: [cpuAlarm.AlarmName, 'missing'] }), {});
    assert.deepEqual((await t.call('DescribeAlarms')).MetricAlarms.map((a: { AlarmName: string }) => a.AlarmName), ['second']);
    await t.call('DeleteAlarms', { AlarmNames: ['second', 'second'] });
    assert.equal((await t.call('DescribeAlarms')).MetricAlarms.length, 0);
    assert.deepEqual(await t.call('DeleteAlarms', { AlarmNames: ['gone'] }), {});
  });
});

describe('CloudWatch alarm evaluation', () => {
  const alarm = { StateValue: 'INSUFFICIENT_DATA' as const, Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 2, Threshold: 70, ComparisonOperator: 'GreaterThanThreshold' as const, Statistic: 'Average' };

  it('goes to ALARM when M of the last N periods breach, and says so', () => {
    const result = evaluateAlarm(alarm, [{ timestamp: T0 - 170_000, value: 80 }, { timestamp: T0 - 110_000, value: 50 }, { timestamp: T0 - 50_000, value: 90 }], T0);
    assert.equal(result.state, 'ALARM');
    assert.match(result.reason, /^Threshold Crossed: 2 out of the last 3 datapoints \[90\.0 \(01\/05\/24 09:59:00\), 80\.0 \(01\/05\/24 09:57:00\)\] were greater than the threshold \(70\.0\)/);
    assert.equal(JSON.parse(result.reasonData).threshold, 70);
  });

  it('stays OK when fewer than M periods breach', () => {
    assert.equal(evaluateAlarm(alarm, [{ timestamp: T0 - 50_000, value: 90 }, { timestamp: T0 - 110_000, value: 10 }], T0).state, 'OK');
  });

  it('applies the missing-data treatment when there is no data', () => {
    assert.equal(evaluateAlarm(alarm, [], T0).state, 'INSUFFICIENT_DATA');
    assert.equal(evaluateAlarm({ ...alarm, TreatMissingData: 'breaching' }, [], T0).state, 'ALARM');
    assert.equal(evaluateAlarm({ ...alarm, TreatMissingData: 'notBreaching' }, [], T0).state, 'OK');
    assert.equal(evaluateAlarm({ ...alarm, StateValue: 'ALARM', TreatMissingData: 'ignore' }, [], T0).state, 'ALARM');
    assert.equal(evaluateAlarm({ ...alarm, TreatMissingData: 'breaching' }, [{ timestamp: T0 - 50_000, value: 10 }], T0).state, 'ALARM', 'two missing periods count as breaching');
  });

  it('shrinks periods by the time scale', () => {
    const scaled = evaluateAlarm({ ...alarm, DatapointsToAlarm: 3 }, [{ timestamp: T0 - 500, value: 90 }, { timestamp: T0 - 1100, value: 90 }, { timestamp: T0 - 1700, value: 90 }], T0, { timeScale: 0.01 });
    assert.equal(scaled.state, 'ALARM');
  });

  it('evaluates a stored alarm against stored metrics and records the transition', async () => {
    const t = setup();
    await t.call('PutMetricAlarm', cpuAlarm);
    const region = t.region();
    for (const offset of [100_000, 40_000]) {
      putMetricDatum(region, { namespace: 'AWS/ECS', metricName: 'CPUUtilization', dimensions: cpuAlarm.Dimensions, value: 95, timestamp: T0 - offset }, T0);
    }
    const result = evaluateStoredAlarm(region, cpuAlarm.AlarmName, T0);
    assert.equal(result?.state, 'ALARM');
    assert.equal(result?.changed, true);
    assert.equal((await t.call('DescribeAlarms')).MetricAlarms[0].StateValue, 'ALARM');
    const again = setAlarmState(region, cpuAlarm.AlarmName, 'ALARM', 'same', T0 + 1);
    assert.equal(again.changed, false);
    assert.deepEqual(JSON.parse(JSON.stringify(region.monitoring)), region.monitoring);
  });
});

describe('CloudWatch dashboards and tags', () => {
  it('stores, lists, reads and deletes a dashboard', async () => {
    const t = setup();
    const body = JSON.stringify({ widgets: [{ type: 'metric', x: 0, y: 0, width: 12, height: 6, properties: { metrics: [['AWS/ECS', 'CPUUtilization']], region: 'us-east-1' } }] });
    const put = await t.call('PutDashboard', { DashboardName: 'flask-inventory', DashboardBody: body });
    assert.deepEqual(put.DashboardValidationMessages, []);
    const got = await t.call('GetDashboard', { DashboardName: 'flask-inventory' });
    assert.equal(got.DashboardBody, body);
    assert.equal(got.DashboardArn, 'arn:aws:cloudwatch::123456789012:dashboard/flask-inventory');
    assert.equal((await t.call('ListDashboards', { DashboardNamePrefix: 'flask' })).DashboardEntries[0].Size, Buffer.byteLength(body));
    await rejects(t.call('DeleteDashboards', { DashboardNames: ['flask-inventory', 'ghost'] }), 'ResourceNotFound');
    await t.call('DeleteDashboards', { DashboardNames: ['flask-inventory'] });
    await rejects(t.call('GetDashboard', { DashboardName: 'flask-inventory' }), 'ResourceNotFound');
  });

  it('rejects a dashboard body that is not JSON or has no widgets', async () => {
    const t = setup();
    await rejects(t.call('PutDashboard', { DashboardName: 'd', DashboardBody: '{not json' }), 'InvalidParameterInput');
    await rejects(t.call('PutDashboard', { DashboardName: 'd', DashboardBody: '{}' }), 'InvalidParameterInput', /widgets/);
    await rejects(t.call('PutDashboard', { DashboardName: 'd', DashboardBody: '{"widgets":[{"type":"pie","properties":{}}]}' }), 'InvalidParameterInput', /allowed values/);
  });

  it('tags a dashboard only when PutDashboard creates it, and forgets the tags when the dashboard is deleted', async () => {
    const t = setup();
    const body = JSON.stringify({ widgets: [{ type: 'text', properties: { markdown: '# lab' } }] });
    const arn = 'arn:aws:cloudwatch::123456789012:dashboard/FlaskInventoryMonitoring';
    await t.call('PutDashboard', { DashboardName: 'FlaskInventoryMonitoring', DashboardBody: body, Tags: [{ Key: 'ecskit:stack', Value: 'lab' }] });
    assert.deepEqual((await t.call('ListTagsForResource', { ResourceARN: arn })).Tags, [{ Key: 'ecskit:stack', Value: 'lab' }]);
    // An update's Tags are ignored, as on AWS: the body changes, the tags do not.
    const updated = JSON.stringify({ widgets: [{ type: 'text', properties: { markdown: '# v2' } }] });
    await t.call('PutDashboard', { DashboardName: 'FlaskInventoryMonitoring', DashboardBody: updated, Tags: [{ Key: 'ecskit:stack', Value: 'thief' }, { Key: 'extra', Value: 'x' }] });
    assert.equal((await t.call('GetDashboard', { DashboardName: 'FlaskInventoryMonitoring' })).DashboardBody, updated);
    assert.deepEqual((await t.call('ListTagsForResource', { ResourceARN: arn })).Tags, [{ Key: 'ecskit:stack', Value: 'lab' }]);
    await t.call('TagResource', { ResourceARN: arn, Tags: [{ Key: 'env', Value: 'dev' }] });
    await t.call('UntagResource', { ResourceARN: arn, TagKeys: ['ecskit:stack'] });
    assert.deepEqual((await t.call('ListTagsForResource', { ResourceARN: arn })).Tags, [{ Key: 'env', Value: 'dev' }]);
    await t.call('DeleteDashboards', { DashboardNames: ['FlaskInventoryMonitoring'] });
    await rejects(t.call('ListTagsForResource', { ResourceARN: arn }), 'ResourceNotFoundException');
    assert.deepEqual(cloudWatchState(t.region()).tags, {});
    // Re-created without tags, it has none: the deleted dashboard's tags are not resurrected.
    await t.call('PutDashboard', { DashboardName: 'FlaskInventoryMonitoring', DashboardBody: body });
    assert.deepEqual((await t.call('ListTagsForResource', { ResourceARN: arn })).Tags, []);
  });

  it('rejects dashboard tags beyond the limits, naming the tag, and creates nothing', async () => {
    const t = setup();
    const body = JSON.stringify({ widgets: [] });
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await rejects(t.call('PutDashboard', { DashboardName: 'd', DashboardBody: body, Tags: tooMany }), 'InvalidParameterValue', /not have more than 50 members, got 51/);
    // Tag key/value lengths are the model's constraints, answered in AWS's validation format.
    await rejects(t.call('PutDashboard', { DashboardName: 'd', DashboardBody: body, Tags: [{ Key: '', Value: 'v' }] }), 'ValidationError', /at 'tags\.1\.member\.key' failed to satisfy constraint: Member must have length greater than or equal to 1/);
    await rejects(t.call('PutDashboard', { DashboardName: 'd', DashboardBody: body, Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }), 'ValidationError', /at 'tags\.1\.member\.key' .*less than or equal to 128/);
    await rejects(t.call('PutDashboard', { DashboardName: 'd', DashboardBody: body, Tags: [{ Key: 'ok', Value: 'v'.repeat(257) }] }), 'ValidationError', /at 'tags\.1\.member\.value' .*less than or equal to 256/);
    await rejects(t.call('GetDashboard', { DashboardName: 'd' }), 'ResourceNotFound');
    const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v'.repeat(256) }));
    await t.call('PutDashboard', { DashboardName: 'd', DashboardBody: body, Tags: [...fifty.slice(0, 49), { Key: 'k'.repeat(128), Value: '' }] });
    assert.equal((await t.call('ListTagsForResource', { ResourceARN: 'arn:aws:cloudwatch::123456789012:dashboard/d' })).Tags.length, 50);
  });

  it('tags alarms', async () => {
    const t = setup();
    await t.call('PutMetricAlarm', { ...cpuAlarm, Tags: [{ Key: 'project', Value: 'lab' }] });
    const arn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:invsys-cpu-high';
    await t.call('TagResource', { ResourceARN: arn, Tags: [{ Key: 'env', Value: 'dev' }] });
    await t.call('UntagResource', { ResourceARN: arn, TagKeys: ['project'] });
    assert.deepEqual((await t.call('ListTagsForResource', { ResourceARN: arn })).Tags, [{ Key: 'env', Value: 'dev' }]);
    await rejects(t.call('ListTagsForResource', { ResourceARN: `${arn}-nope` }), 'ResourceNotFoundException');
  });
});
