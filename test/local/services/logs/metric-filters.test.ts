/**
 * Metric filters produce CloudWatch datapoints from log events (issue #13.4):
 * through PutLogEvents and through a task's awslogs output, so an alarm on
 * the gateway's ERROR lines works.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import { evaluateStoredAlarm } from '../../../../src/local/services/cloudwatch/evaluate.js';
import { appendLogEvents } from '../../../../src/local/services/logs/state.js';
import { rejects } from '../rejects.js';

const T0 = Date.parse('2024-05-01T10:00:00Z');
const GROUP = '/ecs/flask-inventory-gateway';
const STREAM = 'ecs/gateway/task-1';

async function setup() {
  let now = T0;
  const cloud = new CloudState({ now: () => new Date(now) });
  const call = (service: string, op: string, input: unknown = {}) => cloud.invoke(service, op, input, { region: 'us-east-1' }) as Promise<any>;
  await call('logs', 'CreateLogGroup', { logGroupName: GROUP });
  await call('logs', 'CreateLogStream', { logGroupName: GROUP, logStreamName: STREAM });
  const errorFilter = { logGroupName: GROUP, filterName: 'gateway-errors', filterPattern: 'ERROR', metricTransformations: [{ metricName: 'GatewayErrors', metricNamespace: 'FlaskInventory', metricValue: '1', defaultValue: 0, unit: 'Count' }] };
  const sum = async (start = T0 - 60_000, end = T0 + 600_000) =>
    (await call('monitoring', 'GetMetricStatistics', { Namespace: 'FlaskInventory', MetricName: 'GatewayErrors', StartTime: new Date(start), EndTime: new Date(end), Period: 60, Statistics: ['Sum', 'SampleCount'] })).Datapoints.reduce(
      (acc: { sum: number; n: number }, d: { Sum: number; SampleCount: number }) => ({ sum: acc.sum + d.Sum, n: acc.n + d.SampleCount }),
      { sum: 0, n: 0 },
    );
  return { cloud, call, errorFilter, sum, advance: (ms: number) => (now += ms), now: () => now };
}


describe('CloudWatch Logs metric filters', () => {
  it('publish metricValue for each matching event from PutLogEvents, and defaultValue for a batch with no match', async () => {
    const t = await setup();
    await t.call('logs', 'PutMetricFilter', t.errorFilter);
    await t.call('logs', 'PutLogEvents', {
      logGroupName: GROUP,
      logStreamName: STREAM,
      logEvents: [
        { timestamp: T0, message: 'INFO GET /items 200' },
        { timestamp: T0 + 1, message: 'ERROR upstream timed out' },
        { timestamp: T0 + 2, message: 'ERROR upstream refused' },
        { timestamp: T0 + 3, message: 'error in lower case does not match (patterns are case-sensitive)' },
      ],
    });
    assert.deepEqual(await t.sum(), { sum: 2, n: 2 });
    await t.call('logs', 'PutLogEvents', { logGroupName: GROUP, logStreamName: STREAM, logEvents: [{ timestamp: T0 + 10, message: 'INFO all good' }] });
    assert.deepEqual(await t.sum(), { sum: 2, n: 3 }, 'the default value 0 is published once for the batch that had no match');
    const { logGroups } = await t.call('logs', 'DescribeLogGroups', { logGroupNamePrefix: GROUP });
    assert.equal(logGroups[0].metricFilterCount, 1);
  });

  it("publish from a task's awslogs output too, and a CloudWatch alarm on the metric goes to ALARM", async () => {
    const t = await setup();
    await t.call('logs', 'PutMetricFilter', { ...t.errorFilter, metricTransformations: [{ ...t.errorFilter.metricTransformations[0], defaultValue: undefined }] });
    await t.call('monitoring', 'PutMetricAlarm', {
      AlarmName: 'gateway-errors',
      Namespace: 'FlaskInventory',
      MetricName: 'GatewayErrors',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    const region = t.cloud.region('us-east-1');
    // What the runtime does with each line a container writes.
    appendLogEvents(region, GROUP, STREAM, [{ timestamp: T0 + 5_000, message: '{"level":"ERROR","msg":"upstream unavailable"}' }], T0 + 5_000);
    appendLogEvents(region, GROUP, STREAM, [{ timestamp: T0 + 6_000, message: '{"level":"INFO","msg":"ok"}' }], T0 + 6_000);
    assert.deepEqual(await t.sum(), { sum: 1, n: 1 });
    t.advance(60_000);
    // What the runtime's alarm monitor does each tick.
    assert.equal(evaluateStoredAlarm(region, 'gateway-errors', t.now(), 1)?.changed, true);
    assert.equal((await t.call('monitoring', 'DescribeAlarms', { AlarmNames: ['gateway-errors'] })).MetricAlarms[0].StateValue, 'ALARM');
  });

  it('are described (by group, prefix, metric), replaced by name, deleted, and tested against sample messages', async () => {
    const t = await setup();
    await t.call('logs', 'PutMetricFilter', t.errorFilter);
    await t.call('logs', 'PutMetricFilter', { ...t.errorFilter, filterName: 'gateway-5xx', filterPattern: '"status\\":5"' });
    await t.call('logs', 'PutMetricFilter', { ...t.errorFilter, filterPattern: '?ERROR ?FATAL' });
    const all = (await t.call('logs', 'DescribeMetricFilters', { logGroupName: GROUP })).metricFilters;
    assert.deepEqual(all.map((f: { filterName: string; filterPattern: string }) => [f.filterName, f.filterPattern]), [['gateway-5xx', '"status\\":5"'], ['gateway-errors', '?ERROR ?FATAL']]);
    assert.equal(all[0].logGroupName, GROUP);
    assert.equal((await t.call('logs', 'DescribeMetricFilters', { logGroupName: GROUP, filterNamePrefix: 'gateway-e' })).metricFilters.length, 1);
    assert.equal((await t.call('logs', 'DescribeMetricFilters', { metricName: 'GatewayErrors', metricNamespace: 'FlaskInventory' })).metricFilters.length, 2);
    assert.equal((await t.call('logs', 'DescribeMetricFilters', { metricName: 'Other', metricNamespace: 'FlaskInventory' })).metricFilters.length, 0);
    await t.call('logs', 'DeleteMetricFilter', { logGroupName: GROUP, filterName: 'gateway-5xx' });
    await rejects(t.call('logs', 'DeleteMetricFilter', { logGroupName: GROUP, filterName: 'gateway-5xx' }), 'ResourceNotFoundException');
    const tested = await t.call('logs', 'TestMetricFilter', { filterPattern: '?ERROR ?FATAL', logEventMessages: ['INFO ok', 'FATAL down', 'ERROR x'] });
    assert.deepEqual(tested.matches.map((m: { eventNumber: number; eventMessage: string }) => [m.eventNumber, m.eventMessage]), [[2, 'FATAL down'], [3, 'ERROR x']]);
  });

  it('refuse hostile or unsupported input with the field and the fix, storing nothing', async () => {
    const t = await setup();
    const tr = t.errorFilter.metricTransformations[0]!;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ...t.errorFilter, logGroupName: '/nope' }, 'ResourceNotFoundException', /./],
      [{ ...t.errorFilter, filterPattern: '{ $.level = "ERROR" }' }, 'InvalidParameterException', /JSON or space-delimited/],
      [{ ...t.errorFilter, filterPattern: '"unterminated' }, 'InvalidParameterException', /unterminated quote/],
      [{ ...t.errorFilter, metricTransformations: [{ ...tr, metricValue: '$.latency' }] }, 'InvalidParameterException', /metricValue \$\.latency names a field/],
      [{ ...t.errorFilter, metricTransformations: [{ ...tr, metricValue: 'lots' }] }, 'InvalidParameterException', /metricValue must be a number/],
      [{ ...t.errorFilter, metricTransformations: [{ ...tr, dimensions: { Level: '$.level' } }] }, 'InvalidParameterException', /dimensions/],
      [{ ...t.errorFilter, metricTransformations: [tr, tr] }, 'InvalidParameterException', /exactly one|metricTransformations/],
      [{ ...t.errorFilter, metricTransformations: [] }, 'InvalidParameterException', /metricTransformations/],
      [{ ...t.errorFilter, filterName: 'a:b' }, 'InvalidParameterException', /filterName/],
    ];
    for (const [input, code, message] of cases) await rejects(t.call('logs', 'PutMetricFilter', input), code, message);
    assert.equal((await t.call('logs', 'DescribeMetricFilters', {})).metricFilters.length, 0);
    await rejects(t.call('logs', 'TestMetricFilter', { filterPattern: 'x', logEventMessages: Array.from({ length: 51 }, () => 'x') }), 'InvalidParameterException');
    await rejects(t.call('logs', 'DescribeMetricFilters', { metricName: 'GatewayErrors' }), 'InvalidParameterException', /together/);
  });
});
