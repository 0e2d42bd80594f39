import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  albMetric,
  dashboard,
  ecsServiceMetric,
  metricAlarm,
  metricWidget,
  targetGroupMetric,
} from '../../../src/builders/monitoring/index.js';
import {
  loadBalancerDimension,
  targetGroupDimension,
} from '../../../src/builders/scaling/index.js';

const ALB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/flask-inventory-alb/50dc6c495c0c9188';
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/73e2d6bc24d8a067';

function throwsExactly(fn: () => unknown, message: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ValidationError');
    assert.equal(error.message, message);
    return true;
  });
}

const cpu = () =>
  metricAlarm('a')
    .metric(ecsServiceMetric('c', 's', 'CPUUtilization'))
    .statistic('Average')
    .periodSeconds(60)
    .threshold(80)
    .comparisonOperator('GreaterThanThreshold')
    .evaluationPeriods(3);

test('an alarm period other than 10, 30 or a multiple of 60 is refused at once', () => {
  throwsExactly(
    () => metricAlarm('a').periodSeconds(45),
    'metricAlarm "a": 1 problem\n  - Period: Period must be 10, 30 or a multiple of 60 seconds (60, 300, ...), got: 45',
  );
  assert.doesNotThrow(() => metricAlarm('a').periodSeconds(10).periodSeconds(30).periodSeconds(120));
});

test('more datapoints to alarm than evaluation periods is reported by build()', () => {
  throwsExactly(
    () => cpu().datapointsToAlarm(4).build(),
    'metricAlarm "a": 1 problem\n  - DatapointsToAlarm: DatapointsToAlarm must not exceed EvaluationPeriods (3); lower it or raise evaluationPeriods, got: 4',
  );
});

test('zero evaluation periods are refused at once', () => {
  throwsExactly(
    () => metricAlarm('a').evaluationPeriods(0),
    'metricAlarm "a": 1 problem\n  - EvaluationPeriods: EvaluationPeriods must be a whole number, 1 or more, got: 0',
  );
});

test('an alarm with both a statistic and an extended statistic is reported by build()', () => {
  throwsExactly(
    () => cpu().extendedStatistic('p99').build(),
    'metricAlarm "a": 1 problem\n  - Statistic: set either statistic or extendedStatistic, not both, got: {"Statistic":"Average","ExtendedStatistic":"p99"}',
  );
});

test('an alarm with neither statistic is reported by build()', () => {
  const alarm = metricAlarm('a')
    .metric('AWS/ECS', 'CPUUtilization')
    .periodSeconds(60)
    .threshold(1)
    .comparisonOperator('LessThanThreshold')
    .evaluationPeriods(1);
  throwsExactly(
    () => alarm.build(),
    `metricAlarm "a": 1 problem\n  - Statistic: set .statistic('Average') or .extendedStatistic('p99'), got: undefined`,
  );
});

test('an alarm name must be 1-255 characters', () => {
  throwsExactly(() => metricAlarm(''), 'metricAlarm: 1 problem\n  - AlarmName: AlarmName must be 1-255 characters, got: ""');
  assert.throws(() => metricAlarm('x'.repeat(256)), /AlarmName must be 1-255 characters/);
  assert.doesNotThrow(() => metricAlarm('x'.repeat(255)));
});

test('more than 30 dimensions are refused at once', () => {
  const dims = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`D${i}`, 'v']));
  assert.throws(
    () => metricAlarm('a').dimensions(dims),
    (error: unknown) => {
      assert.match((error as Error).message, /^metricAlarm "a": 1 problem\n {2}- Dimensions: a metric has at most 30 dimensions, got 31; remove some, got: /);
      return true;
    },
  );
});

test('build() reports every missing alarm field at once', () => {
  assert.throws(
    // @ts-expect-error nothing required is set
    () => metricAlarm('a').build(),
    (error: unknown) => {
      const paths = (error as { problems: { path: string }[] }).problems.map((p) => p.path);
      assert.deepEqual(paths, ['MetricName', 'Statistic', 'Period', 'Threshold', 'ComparisonOperator', 'EvaluationPeriods']);
      return true;
    },
  );
});

test('alarm actions, missing-data treatment, unit and tags reach the SDK input', () => {
  const topic = 'arn:aws:sns:us-east-1:123456789012:ops';
  const input = cpu()
    .datapointsToAlarm(2)
    .treatMissingData('notBreaching')
    .alarmActions(topic)
    .okActions(topic)
    .insufficientDataActions(topic)
    .unit('Percent')
    .tags({ stack: 'lab' })
    .build();
  assert.equal(input.DatapointsToAlarm, 2);
  assert.equal(input.TreatMissingData, 'notBreaching');
  assert.deepEqual(input.AlarmActions, [topic]);
  assert.deepEqual(input.OKActions, [topic]);
  assert.deepEqual(input.InsufficientDataActions, [topic]);
  assert.equal(input.Unit, 'Percent');
  assert.deepEqual(input.Tags, [{ Key: 'stack', Value: 'lab' }]);
});

test('an alarm action that is not an ARN is refused', () => {
  throwsExactly(
    () => metricAlarm('a').alarmActions('ops-topic'),
    'metricAlarm "a": 1 problem\n  - AlarmActions[0]: an action must be an ARN (SNS topic, scaling policy, EC2 or SSM action), got: "ops-topic"',
  );
});

test('ALB metrics carry the LoadBalancer and TargetGroup dimensions CloudWatch expects (errata 6.2)', () => {
  assert.equal(loadBalancerDimension(ALB), 'app/flask-inventory-alb/50dc6c495c0c9188');
  assert.equal(targetGroupDimension(TG), 'targetgroup/gateway-tg/73e2d6bc24d8a067');
  assert.deepEqual(albMetric(ALB, 'RequestCount'), {
    namespace: 'AWS/ApplicationELB',
    metricName: 'RequestCount',
    dimensions: { LoadBalancer: 'app/flask-inventory-alb/50dc6c495c0c9188' },
  });
  assert.deepEqual(targetGroupMetric(ALB, TG, 'HealthyHostCount').dimensions, {
    TargetGroup: 'targetgroup/gateway-tg/73e2d6bc24d8a067',
    LoadBalancer: 'app/flask-inventory-alb/50dc6c495c0c9188',
  });
});

test('a dashboard widget without a region or metrics is reported by build()', () => {
  assert.throws(
    () => dashboard('D').widget(metricWidget('empty')).build(),
    (error: unknown) => {
      assert.equal(
        (error as Error).message,
        'dashboard "D": 2 problems\n' +
          '  - DashboardBody.widgets[0].properties.metrics: add at least one .metric(...) to the widget, got: []\n' +
          "  - DashboardBody.widgets[0].properties.region: CloudWatch needs the widget's region: .region('us-east-1'), got: undefined",
      );
      return true;
    },
  );
});

test('a widget wider than the 24-column grid is reported by build()', () => {
  const widget = metricWidget('w').region('us-east-1').metric(albMetric(ALB, 'RequestCount')).position(20, 0).size(6, 6);
  throwsExactly(
    () => dashboard('D').widget(widget).build(),
    'dashboard "D": 1 problem\n  - DashboardBody.widgets[0].width: x (20) + width must be at most 24; narrow the widget or move it left, got: 6',
  );
});

test('a dashboard name with spaces is refused at once', () => {
  throwsExactly(
    () => dashboard('Flask Inventory'),
    'dashboard: 1 problem\n  - DashboardName: DashboardName must be 1-255 letters, digits, "-" or "_", got: "Flask Inventory"',
  );
});

test('the dashboard body is exposed as an object and serialised with JSON.stringify', () => {
  const board = dashboard('D')
    .widget(metricWidget('CPU').region('us-east-1').metric(ecsServiceMetric('c', 's', 'CPUUtilization')).position(0, 0).size(12, 6).stat('Maximum'))
    .start('-PT3H');
  const body = board.body();
  assert.deepEqual(body, {
    widgets: [
      {
        type: 'metric',
        x: 0,
        y: 0,
        width: 12,
        height: 6,
        properties: {
          metrics: [['AWS/ECS', 'CPUUtilization', 'ServiceName', 's', 'ClusterName', 'c']],
          region: 'us-east-1',
          title: 'CPU',
          stat: 'Maximum',
        },
      },
    ],
    start: '-PT3H',
  });
  assert.deepEqual(board.build(), { DashboardName: 'D', DashboardBody: JSON.stringify(body) });
});
