import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DeleteAlarmsCommand,
  DeleteDashboardsCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListDashboardsCommand,
  ListMetricsCommand,
  PutDashboardCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase } from './harness.js';

const NS = 'Fidelity/ECS';
const dimensions = [
  { Name: 'ServiceName', Value: 'gateway-service' },
  { Name: 'ClusterName', Value: 'fidelity-cw' },
];
/** Two whole minutes in the past, so both emulators bucket the datapoints the same way. */
const T0 = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
const window = { StartTime: new Date(T0.getTime() - 60 * 60_000), EndTime: new Date(T0.getTime() + 60 * 60_000) };
const dashboardBody = JSON.stringify({
  widgets: [
    {
      type: 'metric',
      properties: { metrics: [['AWS/ECS', 'CPUUtilization', 'ServiceName', 'gateway-service', 'ClusterName', 'fidelity-cw']], view: 'timeSeries', region: 'us-east-1', title: 'ECS Service Metrics', period: 300 },
    },
  ],
});
const alarm = {
  AlarmName: 'ecs-gateway-high-cpu',
  AlarmDescription: 'Alert when gateway CPU > 80%',
  MetricName: 'CPUUtilization',
  Namespace: NS,
  Statistic: 'Average',
  Period: 300,
  Threshold: 80,
  ComparisonOperator: 'GreaterThanThreshold',
  EvaluationPeriods: 2,
  Dimensions: dimensions,
} as const;

const cases: FidelityCase[] = [
  {
    name: 'cloudwatch PutMetricData',
    call: (s) =>
      s.clients.cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: NS,
          MetricData: [
            { MetricName: 'CPUUtilization', Dimensions: dimensions, Timestamp: T0, Value: 40, Unit: 'Percent' },
            { MetricName: 'CPUUtilization', Dimensions: dimensions, Timestamp: T0, Value: 60, Unit: 'Percent' },
          ],
        }),
      ),
  },
  { name: 'cloudwatch PutMetricData into an AWS/ namespace', call: (s) => s.clients.cloudWatch.send(new PutMetricDataCommand({ Namespace: 'AWS/ECS', MetricData: [{ MetricName: 'CPUUtilization', Value: 1 }] })) },
  { name: 'cloudwatch ListMetrics', call: (s) => s.clients.cloudWatch.send(new ListMetricsCommand({ Namespace: NS, Dimensions: dimensions })) },
  {
    name: 'cloudwatch GetMetricStatistics Average,Maximum',
    call: (s) => s.clients.cloudWatch.send(new GetMetricStatisticsCommand({ Namespace: NS, MetricName: 'CPUUtilization', Dimensions: dimensions, ...window, Period: 300, Statistics: ['Average', 'Maximum'] })),
  },
  {
    name: 'cloudwatch GetMetricStatistics without statistics',
    call: (s) => s.clients.cloudWatch.send(new GetMetricStatisticsCommand({ Namespace: NS, MetricName: 'CPUUtilization', Dimensions: dimensions, ...window, Period: 300 })),
  },
  {
    name: 'cloudwatch GetMetricData',
    call: (s) =>
      s.clients.cloudWatch.send(
        new GetMetricDataCommand({
          ...window,
          MetricDataQueries: [{ Id: 'cpu', MetricStat: { Metric: { Namespace: NS, MetricName: 'CPUUtilization', Dimensions: dimensions }, Period: 60, Stat: 'Average' } }],
        }),
      ),
  },
  { name: 'cloudwatch PutMetricAlarm', call: (s) => s.clients.cloudWatch.send(new PutMetricAlarmCommand(alarm)) },
  { name: 'cloudwatch PutMetricAlarm without EvaluationPeriods', call: (s) => s.clients.cloudWatch.send(new PutMetricAlarmCommand({ ...alarm, AlarmName: 'broken', EvaluationPeriods: undefined })) },
  { name: 'cloudwatch DescribeAlarms by name', call: (s) => s.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['ecs-gateway-high-cpu', 'ghost'] })) },
  { name: 'cloudwatch SetAlarmState ALARM', call: (s) => s.clients.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: 'ecs-gateway-high-cpu', StateValue: 'ALARM', StateReason: 'fidelity test' })) },
  { name: 'cloudwatch SetAlarmState unknown alarm', call: (s) => s.clients.cloudWatch.send(new SetAlarmStateCommand({ AlarmName: 'ghost', StateValue: 'ALARM', StateReason: 'fidelity test' })) },
  { name: 'cloudwatch DescribeAlarms in ALARM', call: (s) => s.clients.cloudWatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' })) },
  { name: 'cloudwatch DeleteAlarms', call: (s) => s.clients.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: ['ecs-gateway-high-cpu'] })) },
  { name: 'cloudwatch DeleteAlarms unknown', call: (s) => s.clients.cloudWatch.send(new DeleteAlarmsCommand({ AlarmNames: ['ghost'] })) },
  { name: 'cloudwatch PutDashboard', call: (s) => s.clients.cloudWatch.send(new PutDashboardCommand({ DashboardName: 'FlaskInventoryMonitoring', DashboardBody: dashboardBody })) },
  { name: 'cloudwatch PutDashboard invalid body', call: (s) => s.clients.cloudWatch.send(new PutDashboardCommand({ DashboardName: 'Broken', DashboardBody: '{"widgets": ' })) },
  { name: 'cloudwatch GetDashboard', call: (s) => s.clients.cloudWatch.send(new GetDashboardCommand({ DashboardName: 'FlaskInventoryMonitoring' })) },
  { name: 'cloudwatch GetDashboard unknown', call: (s) => s.clients.cloudWatch.send(new GetDashboardCommand({ DashboardName: 'Ghost' })) },
  { name: 'cloudwatch ListDashboards', call: (s) => s.clients.cloudWatch.send(new ListDashboardsCommand({ DashboardNamePrefix: 'Flask' })) },
  { name: 'cloudwatch DeleteDashboards', call: (s) => s.clients.cloudWatch.send(new DeleteDashboardsCommand({ DashboardNames: ['FlaskInventoryMonitoring'] })) },
  { name: 'cloudwatch DeleteDashboards unknown', call: (s) => s.clients.cloudWatch.send(new DeleteDashboardsCommand({ DashboardNames: ['FlaskInventoryMonitoring'] })) },
];

/** Known divergences, each justified against AWS's documentation (moto is not the reference; AWS is). */
const API = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference';
const describeCases = ['cloudwatch DescribeAlarms by name', 'cloudwatch DescribeAlarms in ALARM'];
const allow: AllowedDivergence[] = [
  {
    case: 'cloudwatch PutMetricData into an AWS/ namespace',
    path: 'error',
    reason: 'moto accepts custom data in AWS/ECS; AWS reserves the AWS/ prefix for its own services and answers InvalidParameterValue',
    reference: `${API}/API_PutMetricData.html`,
  },
  ...['MetricDataResults[].Messages', 'Messages'].map((path) => ({
    case: 'cloudwatch GetMetricData',
    path,
    reason: 'moto omits Messages; AWS returns the (possibly empty) list of messages for the call and for each result',
    reference: `${API}/API_GetMetricData.html`,
  })),
  {
    case: 'cloudwatch PutMetricAlarm without EvaluationPeriods',
    path: 'error',
    reason: 'moto stores an alarm without EvaluationPeriods; the parameter is required and AWS answers MissingParameter',
    reference: `${API}/API_PutMetricAlarm.html`,
  },
  {
    case: 'cloudwatch DescribeAlarms by name',
    path: 'MetricAlarms[].StateReasonData',
    reason: 'moto fills StateReasonData for a new alarm; AWS returns it only once an evaluation (or SetAlarmState with data) supplied it',
    reference: `${API}/API_MetricAlarm.html`,
  },
  ...describeCases.flatMap((name) => [
    {
      case: name,
      path: 'MetricAlarms[].Metrics',
      reason: 'Metrics holds the queries of a metric-math alarm; this alarm watches a single metric (MetricName/Namespace), so AWS leaves it out',
      reference: `${API}/API_MetricAlarm.html`,
    },
    {
      case: name,
      path: 'MetricAlarms[].StateTransitionedTimestamp',
      reason: 'moto omits StateTransitionedTimestamp; AWS returns when the alarm last changed state',
      reference: `${API}/API_MetricAlarm.html`,
    },
  ]),
];

describe('fidelity: CloudWatch against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('metric, alarm and dashboard calls return the same keys, value types and error codes as moto, or a documented AWS difference', async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
