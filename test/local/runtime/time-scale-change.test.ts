/**
 * A local cloud's time scale changed while it runs (`state.setTimeScale`):
 * hostile factors refused with the value named and nothing changed; the
 * change announced on the event bus, seen by the next request and by the
 * health answer; and the runtime's recurring work following the new pace —
 * an alarm's 60 s period sums the same datapoints over 6 s instead of 1.2 s
 * once the factor goes from 0.02 to 0.1, and a container health check's
 * interval is read at each round.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand, PutMetricAlarmCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudState } from '../../../src/local/cloud-state.js';
import { ContainerHealthMonitor } from '../../../src/local/runtime/container-health.js';
import { startTestCloud } from '../helpers.js';
import { startMonitoring, waitFor } from './monitoring/harness.js';

test('setTimeScale refuses a factor that is not a positive finite number, naming it, and keeps the old one', () => {
  const state = new CloudState({ timeScale: 0.02 });
  const seen: unknown[] = [];
  state.events.on('time-scale:changed', (e) => seen.push(e));
  for (const bad of [0, -0.5, Number.NaN, Number.POSITIVE_INFINITY, '0.1', null, undefined, {}, [0.1], 1n]) {
    assert.throws(
      () => state.setTimeScale(bad as never),
      (error: Error) => error instanceof RangeError && error.message.startsWith('timeScale must be a positive number, got: ') && /pass 1 for AWS's pace/.test(error.message),
      `accepted ${String(bad)}`,
    );
    assert.equal(state.timeScale, 0.02);
  }
  assert.deepEqual(seen, []);
  state.setTimeScale(0.1);
  state.setTimeScale(0.1); // the same factor again: no change, no event
  assert.equal(state.timeScale, 0.1);
  assert.equal(state.time.ms(60), 6000);
  assert.equal(state.context('ecs', 'ListClusters', 'us-east-1').timeScale, 0.1);
  assert.equal(state.context('ecs', 'ListClusters', 'us-east-1').time.factor, 0.1);
  assert.deepEqual(seen, [{ from: 0.02, to: 0.1 }]);
});

test('the health answer reports the time scale in force, after a change too', async () => {
  const t = await startTestCloud({ timeScale: 0.02 });
  try {
    const health = async () => (await (await fetch(`${t.cloud.endpoint}/_ecskit/health`)).json()) as { timeScale: number };
    assert.equal((await health()).timeScale, 0.02);
    t.cloud.state.setTimeScale(0.25);
    assert.equal((await health()).timeScale, 0.25);
  } finally {
    await t.stop();
  }
});

test('an alarm period follows a changed time scale: the same datapoints sum over 6 s, not 1.2 s, and the alarm goes to ALARM', { timeout: 60_000 }, async () => {
  const m = await startMonitoring({ timeScale: 0.02 });
  try {
    const cw = m.clients.cloudWatch;
    // A steady metric: 1 every 100 ms of real time, 20 s either side of now (timestamps, not a timer: the sums
    // do not depend on how busy the machine is). A 60 s period sums ~12 of them at 0.02 and ~60 at 0.1.
    const now = Date.now();
    for (let batch = 0; batch < 4; batch++) {
      const MetricData = Array.from({ length: 100 }, (_, i) => ({ MetricName: 'Hits', Value: 1, Unit: 'Count' as const, Timestamp: new Date(now - 20_000 + (batch * 100 + i) * 100) }));
      await cw.send(new PutMetricDataCommand({ Namespace: 'Test/TimeScale', MetricData }));
    }
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'hits-high',
        Namespace: 'Test/TimeScale',
        MetricName: 'Hits',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 30,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    const alarm = async () => (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['hits-high'] }))).MetricAlarms![0]!;
    const newest = (a: { StateReasonData?: string }) => {
      const data = JSON.parse(a.StateReasonData ?? '{}') as { recentDatapoints?: number[] };
      return data.recentDatapoints?.at(-1);
    };
    const ok = await waitFor('the alarm OK on ~12 per 1.2 s period', async () => {
      const a = await alarm();
      return a.StateValue === 'OK' && newest(a) !== undefined ? a : undefined;
    });
    assert.ok(newest(ok)! >= 10 && newest(ok)! <= 14, `a 1.2 s period summed ${newest(ok)}`);

    m.cloud.state.setTimeScale(0.1);
    const high = await waitFor('the alarm in ALARM on ~60 per 6 s period', async () => {
      const a = await alarm();
      return a.StateValue === 'ALARM' ? a : undefined;
    });
    assert.ok(newest(high)! >= 55 && newest(high)! <= 65, `a 6 s period summed ${newest(high)}`);
    assert.equal(high.Period, 60, 'the API still says 60 s');
    const history = await cw.send(new DescribeAlarmHistoryCommand({ AlarmName: 'hits-high', HistoryItemType: 'StateUpdate' }));
    assert.ok(history.AlarmHistoryItems!.some((h) => h.HistorySummary === 'Alarm updated from OK to ALARM'), JSON.stringify(history.AlarmHistoryItems));
  } finally {
    await m.stop();
  }
});

test('a container health check reads its interval at each round: a clock function changed mid-run changes the pace', async () => {
  let factor = 1000; // 5 s interval → 5000 s: after the first check (at most 1 s in), no second one would come
  let checks = 0;
  const monitor = new ContainerHealthMonitor(
    { command: ['CMD-SHELL', 'true'], interval: 5, timeout: 2, retries: 3, startPeriod: 0 },
    '127.10.0.1',
    () => factor,
    () => {},
    async () => {
      checks++;
      if (checks === 1) factor = 0.002; // the next rounds every 10 ms
      return true;
    },
  );
  monitor.start();
  try {
    await waitFor('three checks', () => checks >= 3, 10_000, 5);
  } finally {
    monitor.stop();
  }
});
