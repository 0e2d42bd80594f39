import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeScalingActivitiesCommand, PutScalingPolicyCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { createService, desiredCount, feedMetric, startMonitoring, waitFor, type MonitoringHarness } from './harness.js';

// 1 AWS minute = 0.6 s of real time. The tests publish their own metric (AWS/ namespaces
// are reserved for AWS, as in the real PutMetricData), shaped like the ECS one.
let h: MonitoringHarness;
before(async () => {
  h = await startMonitoring({ timeScale: 0.01 });
});
after(async () => {
  await h?.stop();
});

async function alarm(name: string) {
  const out = await h.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  return out.MetricAlarms?.[0];
}

async function inState(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA') {
  return waitFor(`${name} in ${state}`, async () => {
    const a = await alarm(name);
    return a?.StateValue === state ? a : undefined;
  });
}

const STAMP = String.raw`\d\d/\d\d/\d\d \d\d:\d\d:\d\d`;
const VALUE = String.raw`\d+\.\d+`;

test('a CPU alarm goes OK → ALARM → OK with AWS-style reasons and history', async () => {
  const dims = { ClusterName: 'alarm-cluster', ServiceName: 'alarm-service' };
  const feeder = feedMetric(h, { namespace: 'Lab/ECS', metricName: 'CPUUtilization', dimensions: dims, unit: 'Percent' }, 20);
  try {
    await h.clients.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'cpu-high',
        Namespace: 'Lab/ECS',
        MetricName: 'CPUUtilization',
        Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 80,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    const ok = await inState('cpu-high', 'OK');
    // The first evaluation may see one period or two.
    assert.match(ok.StateReason!, new RegExp(String.raw`^Threshold Crossed: (1 datapoint \[20\.0 \(${STAMP}\)\] was|2 datapoints \[20\.0 \(${STAMP}\), 20\.0 \(${STAMP}\)\] were) not greater than the threshold \(80\.0\)`));

    feeder.set(90);
    const firing = await inState('cpu-high', 'ALARM');
    assert.match(
      firing.StateReason!,
      new RegExp(String.raw`^Threshold Crossed: 2 out of the last 2 datapoints \[${VALUE} \(${STAMP}\), ${VALUE} \(${STAMP}\)\] were greater than the threshold \(80\.0\) \(minimum 2 datapoints for OK -> ALARM transition\)\.$`),
    );
    const data = JSON.parse(firing.StateReasonData!);
    assert.equal(data.threshold, 80);
    assert.equal(data.period, 60);
    // The period in which the load changed may average somewhere between 20 and 90.
    assert.equal(data.recentDatapoints.length, 2);
    for (const value of data.recentDatapoints) assert.ok(value > 80 && value <= 90, `datapoint ${value}`);

    feeder.set(30);
    const calm = await inState('cpu-high', 'OK');
    assert.match(calm.StateReason!, /^Threshold Crossed: [12] datapoints? \[.+\] (was|were) not greater than the threshold \(80\.0\) \(minimum 2 datapoints for ALARM -> OK transition\)\.$/);

    const history = await h.clients.cloudWatch.send(new DescribeAlarmHistoryCommand({ AlarmName: 'cpu-high', HistoryItemType: 'StateUpdate' }));
    const summaries = (history.AlarmHistoryItems ?? []).map((i) => i.HistorySummary).reverse();
    // On a heavily loaded machine a stalled publisher can leave periods empty and add a
    // transition or two; the story is still: OK, then ALARM, then OK at the end.
    let at = -1;
    for (const step of ['Alarm updated from INSUFFICIENT_DATA to OK', 'Alarm updated from OK to ALARM', 'Alarm updated from ALARM to OK']) {
      at = summaries.indexOf(step, at + 1);
      assert.ok(at >= 0, `"${step}" in order in:\n${summaries.join('\n')}`);
    }
    assert.match(summaries.at(-1) ?? '', / to OK$/, summaries.join('\n'));
    const toAlarm = (history.AlarmHistoryItems ?? []).find((i) => i.HistorySummary === 'Alarm updated from OK to ALARM');
    const item = JSON.parse(toAlarm!.HistoryData!);
    assert.equal(item.oldState.stateValue, 'OK');
    assert.equal(item.newState.stateValue, 'ALARM');
    assert.match(item.newState.stateReason, /^Threshold Crossed: 2 out of the last 2 datapoints/);
  } finally {
    await feeder.stop();
  }
});

test('missing data is treated as the alarm says: breaching, not breaching, or missing', async () => {
  const base = {
    Namespace: 'Lab/Silent',
    MetricName: 'Nothing',
    Statistic: 'Average' as const,
    Period: 60,
    EvaluationPeriods: 3,
    Threshold: 1,
    ComparisonOperator: 'GreaterThanThreshold' as const,
  };
  await h.clients.cloudWatch.send(new PutMetricAlarmCommand({ ...base, AlarmName: 'silent-breaching', TreatMissingData: 'breaching' }));
  await h.clients.cloudWatch.send(new PutMetricAlarmCommand({ ...base, AlarmName: 'silent-not-breaching', TreatMissingData: 'notBreaching' }));
  await h.clients.cloudWatch.send(new PutMetricAlarmCommand({ ...base, AlarmName: 'silent-missing', TreatMissingData: 'missing' }));
  const breaching = await inState('silent-breaching', 'ALARM');
  assert.match(breaching.StateReason!, /^Threshold Crossed: 3 out of the last 3 datapoints/);
  const notBreaching = await inState('silent-not-breaching', 'OK');
  assert.equal(notBreaching.StateReason, 'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [NonBreaching].');
  const missing = await waitFor('silent-missing evaluated', async () => {
    const a = await alarm('silent-missing');
    return a?.StateReason?.startsWith('Insufficient Data') ? a : undefined;
  });
  assert.equal(missing.StateValue, 'INSUFFICIENT_DATA');
  assert.equal(missing.StateReason, 'Insufficient Data: 3 datapoints were unknown.');
});

test('an alarm whose action names a step scaling policy scales the service, one step per cooldown', async () => {
  await createService(h, { cluster: 'step-cluster', service: 'step-service', desiredCount: 2 });
  const resourceId = 'service/step-cluster/step-service';
  const target = { ServiceNamespace: 'ecs' as const, ResourceId: resourceId, ScalableDimension: 'ecs:service:DesiredCount' as const };
  await h.clients.autoScaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 1, MaxCapacity: 5 }));
  const policy = await h.clients.autoScaling.send(
    new PutScalingPolicyCommand({
      ...target,
      PolicyName: 'step-out',
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ChangeInCapacity',
        Cooldown: 120,
        StepAdjustments: [
          { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 20, ScalingAdjustment: 1 },
          { MetricIntervalLowerBound: 20, ScalingAdjustment: 3 },
        ],
      },
    }),
  );
  const dims = { ClusterName: 'step-cluster', ServiceName: 'step-service' };
  const feeder = feedMetric(h, { namespace: 'Lab/ECS', metricName: 'CPUUtilization', dimensions: dims, unit: 'Percent' }, 85);
  try {
    await h.clients.cloudWatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'step-cpu-high',
        Namespace: 'Lab/ECS',
        MetricName: 'CPUUtilization',
        Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
        Statistic: 'Average',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 75,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [policy.PolicyARN!],
      }),
    );
    // 85 is 10 above the threshold: the first step, +1. The alarm stays in ALARM, so the
    // policy runs again every minute, and acts again once its 120 s cooldown (1.2 s) is over.
    await waitFor('desired count 4', async () => (await desiredCount(h, 'step-cluster', 'step-service')) >= 4, 15_000, 100);
    const activities = (await h.clients.autoScaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }))).ScalingActivities ?? [];
    const [second, first] = activities;
    assert.equal(first?.Description, 'Setting desired count to 3.');
    assert.equal(second?.Description, 'Setting desired count to 4.');
    assert.equal(first?.Cause, 'monitor alarm step-cpu-high in state ALARM triggered policy step-out');
    assert.equal(first?.StatusCode, 'Successful');
    assert.equal(first?.StatusMessage, 'Successfully set desired count to 3. Change successfully fulfilled by ecs.');
    const gap = second!.StartTime!.getTime() - first!.StartTime!.getTime();
    assert.ok(gap >= 1200, `second step ${gap} ms after the first, inside the 1.2 s cooldown`);

    // A bigger breach takes the bigger step, capped at MaxCapacity 5.
    feeder.set(99);
    await waitFor('desired count 5', async () => (await desiredCount(h, 'step-cluster', 'step-service')) === 5, 15_000, 100);
    const history = await h.clients.cloudWatch.send(new DescribeAlarmHistoryCommand({ AlarmName: 'step-cpu-high', HistoryItemType: 'Action' }));
    assert.equal(history.AlarmHistoryItems?.[0]?.HistorySummary, `Successfully executed action ${policy.PolicyARN}`);
    await waitFor('the policy held at the maximum', () => h.outcomes.filter((o) => o.policyName === 'step-out' && o.result === 'unchanged').length >= 2, 15_000);
    assert.equal(await desiredCount(h, 'step-cluster', 'step-service'), 5);
  } finally {
    await feeder.stop();
  }
});
