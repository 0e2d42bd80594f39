import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  albMetric,
  dashboard,
  ecsServiceMetric,
  metricAlarm,
  metricWidget,
} from '../../../src/builders/monitoring/index.js';
import {
  albResourceLabel,
  scalableTarget,
  targetTrackingPolicy,
} from '../../../src/builders/scaling/index.js';

function fixture(name: string): Record<string, unknown> {
  const url = new URL(`../../fixtures/lab/monitoring/${name}`, import.meta.url);
  const json = JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(json).filter(([key]) => !key.startsWith('_')));
}

const lab = fixture('params.json') as {
  accountId: string;
  region: string;
  cluster: string;
  service: string;
  albArn: string;
  gatewayTargetGroupArn: string;
};

const gatewayTarget = scalableTarget()
  .service(lab.cluster, lab.service)
  .minCapacity(2)
  .maxCapacity(4)
  .roleArn(`arn:aws:iam::${lab.accountId}:role/ecsAutoscaleRole`);

test('the scalable target of lab 8.1 registers the gateway service with 2-4 tasks', () => {
  assert.deepEqual(gatewayTarget.build(), fixture('scalable-target-8.1.json'));
});

test('the CPU target-tracking policy of lab 8.2 holds gateway CPU at 70%', () => {
  const policy = targetTrackingPolicy('gateway-cpu-scaling')
    .target(gatewayTarget)
    .predefinedMetric('ECSServiceAverageCPUUtilization')
    .targetValue(70)
    .scaleInCooldownSeconds(300)
    .scaleOutCooldownSeconds(60);
  assert.deepEqual(policy.build(), fixture('policy-cpu-8.2.json'));
});

test('the request-count policy of lab 8.3 uses a resource label AWS accepts (errata 8.3)', () => {
  const policy = targetTrackingPolicy('gateway-request-scaling')
    .target(gatewayTarget)
    .predefinedMetric('ALBRequestCountPerTarget', albResourceLabel(lab.albArn, lab.gatewayTargetGroupArn))
    .targetValue(1000)
    .scaleInCooldownSeconds(300)
    .scaleOutCooldownSeconds(60);
  assert.deepEqual(policy.build(), fixture('policy-requests-8.3.json'));
});

test('the high-CPU alarm of lab 9.3 watches the gateway service in its cluster', () => {
  const alarm = metricAlarm('ecs-gateway-high-cpu')
    .description('Alert when gateway CPU > 80%')
    .metric(ecsServiceMetric(lab.cluster, lab.service, 'CPUUtilization'))
    .statistic('Average')
    .periodSeconds(300)
    .threshold(80)
    .comparisonOperator('GreaterThanThreshold')
    .evaluationPeriods(2);
  assert.deepEqual(alarm.build(), fixture('alarm-high-cpu-9.3.json'));
});

test('the task-failure alarm of lab 9.3 fires when fewer than one task runs', () => {
  const alarm = metricAlarm('ecs-gateway-task-failures')
    .description('Alert when tasks are failing')
    .metric(ecsServiceMetric(lab.cluster, lab.service, 'RunningTaskCount'))
    .statistic('Average')
    .periodSeconds(60)
    .threshold(1)
    .comparisonOperator('LessThanThreshold')
    .evaluationPeriods(2);
  assert.deepEqual(alarm.build(), fixture('alarm-task-failures-9.3.json'));
});

test('the dashboard of lab 9.2 names the service and load balancer dimensions (errata 9.2)', () => {
  const board = dashboard('FlaskInventoryMonitoring')
    .widget(
      metricWidget('ECS Service Metrics')
        .metric(ecsServiceMetric(lab.cluster, lab.service, 'CPUUtilization'), { stat: 'Average' })
        .metric(ecsServiceMetric(lab.cluster, lab.service, 'MemoryUtilization'), { stat: 'Average' })
        .view('timeSeries')
        .region(lab.region)
        .periodSeconds(300),
    )
    .widget(
      metricWidget('ALB Metrics')
        .metric(albMetric(lab.albArn, 'RequestCount'), { stat: 'Sum' })
        .metric(albMetric(lab.albArn, 'TargetResponseTime'), { stat: 'Average' })
        .view('timeSeries')
        .region(lab.region)
        .periodSeconds(60),
    );
  const expected = fixture('dashboard-9.2.json') as { DashboardName: string; DashboardBody: unknown };
  assert.deepEqual(board.body(), expected.DashboardBody);
  const input = board.build();
  assert.equal(input.DashboardName, expected.DashboardName);
  assert.equal(input.DashboardBody, JSON.stringify(expected.DashboardBody));
});
