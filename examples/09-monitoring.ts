#!/usr/bin/env -S npx tsx
/**
 * Lab Task 9 (Monitoring with CloudWatch): the gateway's `AWS/ECS` metrics
 * listed and its CPU/memory statistics read with the ClusterName +
 * ServiceName dimensions (9.1), the dashboard (9.2), the two alarms (9.3),
 * the gateway's logs tailed and filtered (9.4), and Container Insights
 * (9.5, optional: enabled on the cluster by Task 1).
 *
 * What it fixes from ERRATA:
 * - 9.2: the guide's widgets name `["AWS/ECS","CPUUtilization"]` with no
 *   dimensions, which graphs nothing; the widgets here name the cluster and
 *   service (and the ALB as `app/NAME/ID`).
 * - 9.3: `RunningTaskCount` is a Container Insights metric
 *   (`ECS/ContainerInsights`), not an `AWS/ECS` one: the guide's alarm in
 *   `AWS/ECS` never gets data. It is created as the guide writes it (and the
 *   output says so), next to the Container Insights form that works.
 * - The dashboard keeps the lab's name `FlaskInventoryMonitoring`: when
 *   `putDashboard` creates it, it tags it `ecskit:stack=flask-inventory-lab`,
 *   and the cleanup finds it by that tag (a dashboard of that name made by
 *   hand beforehand is updated but left untagged, and the output says so).
 *
 * Run: `npx tsx examples/09-monitoring.ts [--target aws|local] [--json]`
 */
import { DescribeAlarmsCommand, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { containerInsightsMetric, dashboard, ecsServiceMetric, loadBalancerDimension, metricAlarm, metricWidget, type CfnValue, type MetricSpec } from 'ecskit';
import { isMain, runScript, type Lab } from './01-core-concepts.ts';
import { runTasks1to4 } from './04-gateway-service.ts';

/** What Task 9 reports. */
export interface MonitoringResult {
  readonly task: 9;
  /** `AWS/ECS` metric names listed for the gateway (9.1). */
  readonly metrics: readonly string[];
  /** CPU and memory statistics over the last hour (Average, Maximum); `null` without datapoints. */
  readonly cpu: { readonly average: number; readonly maximum: number; readonly datapoints: number } | null;
  readonly memory: { readonly average: number; readonly maximum: number; readonly datapoints: number } | null;
  /** The dashboard's name, widget count, and whether it carries the stack tag (9.2). */
  readonly dashboard: { readonly name: string; readonly widgets: number; readonly owned: boolean };
  /** Alarm name → state and metric (9.3). */
  readonly alarms: Readonly<Record<string, { readonly state: string; readonly namespace: string; readonly metric: string }>>;
  /** 9.4: log lines read from the gateway's log group, and lines matching `ERROR`. */
  readonly logs: { readonly lines: number; readonly errors: number; readonly sample: readonly string[] };
  /** 9.5: whether Container Insights is enabled on the cluster. */
  readonly containerInsights: boolean;
}

/**
 * Where the dashboard's ALB metrics and widgets point: the SDK form (the ALB's
 * ARN, the lab's region) or a template's (intrinsics such as
 * `cfnGetAtt('ALB', 'LoadBalancerFullName')` and `cfnRef('AWS::Region')`).
 */
export interface DashboardPlacement {
  /** The `LoadBalancer` dimension: `app/NAME/ID` (see `loadBalancerDimension(arn)`), or an intrinsic. */
  readonly loadBalancer: CfnValue;
  /** The widgets' region (default: the lab's region). */
  readonly region?: CfnValue;
}

/**
 * The lab's dashboard `FlaskInventoryMonitoring` (9.2) with the ERRATA 9.2
 * dimensions. Give an ALB ARN for the SDK, or a {@link DashboardPlacement}
 * for a CloudFormation template (Task 10).
 */
export function labDashboard(lab: Lab, alb: string | DashboardPlacement) {
  const { cluster, gatewayService: gateway, invsysService: invsys } = lab.names;
  const placement: DashboardPlacement = typeof alb === 'string' ? { loadBalancer: loadBalancerDimension(alb) } : alb;
  const region = placement.region ?? lab.region;
  const albMetricOf = (metricName: string): MetricSpec => ({ namespace: 'AWS/ApplicationELB', metricName, dimensions: { LoadBalancer: placement.loadBalancer } });
  return dashboard(lab.names.dashboard)
    .widget(
      metricWidget('ECS Service Metrics')
        .view('timeSeries')
        .region(region)
        .periodSeconds(300)
        .metric(ecsServiceMetric(cluster, gateway, 'CPUUtilization'), { stat: 'Average' })
        .metric(ecsServiceMetric(cluster, gateway, 'MemoryUtilization'), { stat: 'Average' })
        .metric(ecsServiceMetric(cluster, invsys, 'CPUUtilization'), { stat: 'Average' })
        .metric(ecsServiceMetric(cluster, invsys, 'MemoryUtilization'), { stat: 'Average' }),
    )
    .widget(
      metricWidget('ALB Metrics')
        .view('timeSeries')
        .region(region)
        .periodSeconds(60)
        .metric(albMetricOf('RequestCount'), { stat: 'Sum' })
        .metric(albMetricOf('TargetResponseTime'), { stat: 'Average' }),
    );
}

/**
 * The local cloud console's page of a dashboard: with the login token when
 * the cloud runs in this process (`cloud.consoleUrl`), else the page
 * (`npx ecskit console` prints a URL that logs in).
 */
function localDashboardUrl(lab: Lab, name: string): string {
  const base = lab.target.local?.consoleUrl ?? `${lab.target.endpoint ?? 'http://127.0.0.1:4566'}/_ecskit/console`;
  const url = new URL(base);
  url.pathname = '/_ecskit/console/dashboard';
  url.searchParams.set('name', name);
  return url.toString();
}

/** The alarm of 9.3: gateway CPU above 80 % for two 5-minute periods. */
export function highCpuAlarm(lab: Lab) {
  return metricAlarm(lab.names.highCpuAlarm)
    .description('Alert when gateway CPU > 80%')
    .metric(ecsServiceMetric(lab.names.cluster, lab.names.gatewayService, 'CPUUtilization'))
    .statistic('Average')
    .periodSeconds(300)
    .threshold(80)
    .comparisonOperator('GreaterThanThreshold')
    .evaluationPeriods(2);
}

/**
 * The alarm of 9.3 on running tasks below 1. `RunningTaskCount` exists only
 * in Container Insights (`ECS/ContainerInsights`), so it is built there.
 */
export function taskFailuresAlarm(lab: Lab) {
  return metricAlarm(lab.names.taskFailuresAlarm)
    .description('Alert when tasks are failing')
    .metric(containerInsightsMetric(lab.names.cluster, lab.names.gatewayService, 'RunningTaskCount'))
    .statistic('Average')
    .periodSeconds(60)
    .threshold(1)
    .comparisonOperator('LessThanThreshold')
    .evaluationPeriods(2);
}

async function statistics(lab: Lab, metric: MetricSpec) {
  const end = new Date();
  const out = await lab.clients.cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: metric.namespace,
      MetricName: metric.metricName,
      Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value: String(Value) })),
      StartTime: new Date(end.getTime() - 3_600_000),
      EndTime: new Date(end.getTime() + 60_000),
      Period: 300,
      Statistics: ['Average', 'Maximum'],
    }),
  );
  const points = out.Datapoints ?? [];
  if (points.length === 0) return null;
  const average = points.reduce((s, p) => s + (p.Average ?? 0), 0) / points.length;
  const maximum = Math.max(...points.map((p) => p.Maximum ?? 0));
  return { average: Math.round(average * 100) / 100, maximum: Math.round(maximum * 100) / 100, datapoints: points.length };
}

/** Task 9: metrics, dashboard, alarms, logs, Container Insights. Idempotent (puts are upserts). */
export async function run(lab: Lab): Promise<MonitoringResult> {
  const { report, ops, names, clients } = lab;
  const loadBalancerArn = lab.loadBalancerArn;
  if (!loadBalancerArn) throw new Error('Task 9 needs the ALB from Task 4 (lab.loadBalancerArn)');

  const metrics = await report.step(
    'Task 9.1: gateway-service metrics (ClusterName + ServiceName)',
    async () => {
      const listed = await clients.cloudWatch.send(
        new ListMetricsCommand({ Namespace: 'AWS/ECS', Dimensions: [{ Name: 'ServiceName', Value: names.gatewayService }, { Name: 'ClusterName', Value: names.cluster }] }),
      );
      const metricNames = [...new Set((listed.Metrics ?? []).map((m) => m.MetricName ?? ''))].sort();
      report.note(`AWS/ECS metrics for ${names.gatewayService}: ${metricNames.join(', ') || 'none yet (ECS publishes every minute)'}`);
      const cpu = await statistics(lab, ecsServiceMetric(names.cluster, names.gatewayService, 'CPUUtilization'));
      const memory = await statistics(lab, ecsServiceMetric(names.cluster, names.gatewayService, 'MemoryUtilization'));
      const show = (s: typeof cpu) => (s ? `average ${s.average} %, maximum ${s.maximum} % (${s.datapoints} × 5 min)` : 'no datapoints yet');
      report.note(`CPUUtilization    ${show(cpu)}`);
      report.note(`MemoryUtilization ${show(memory)}`);
      return { metricNames, cpu, memory };
    },
    (r) => ({ task: 9, step: '9.1', metrics: r.metricNames, cpu: r.cpu, memory: r.memory }),
  );

  const board = await report.step(
    'Task 9.2: dashboard with cluster/service dimensions (ERRATA 9.2)',
    async () => {
      const definition = labDashboard(lab, loadBalancerArn);
      const { dashboardName, owned } = await ops.putDashboard(definition);
      const widgets = (JSON.parse(definition.build().DashboardBody ?? '{}') as { widgets?: unknown[] }).widgets?.length ?? 0;
      report.note(
        !lab.target.emulated
          ? `https://console.aws.amazon.com/cloudwatch/home?region=${lab.region}#dashboards:name=${dashboardName}`
          : `dashboard ${dashboardName} stored in the local cloud (${widgets} widgets); see it at ${localDashboardUrl(lab, dashboardName)}`,
      );
      report.note(owned ? `tagged ecskit:stack=${names.stack}: the cleanup removes it` : `not tagged with the stack (it existed before): the cleanup leaves it`);
      return { name: dashboardName, widgets, owned };
    },
    (r) => ({ task: 9, step: '9.2', dashboard: r }),
  );

  const alarms = await report.step(
    'Task 9.3: alarms ecs-gateway-high-cpu and ecs-gateway-task-failures',
    async () => {
      await ops.putAlarm(highCpuAlarm(lab));
      await ops.putAlarm(taskFailuresAlarm(lab));
      report.note('RunningTaskCount exists only in Container Insights (ECS/ContainerInsights); the guide\'s AWS/ECS form would never get data');
      const out = await clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [names.highCpuAlarm, names.taskFailuresAlarm] }));
      const byName: Record<string, { state: string; namespace: string; metric: string }> = {};
      for (const a of out.MetricAlarms ?? []) {
        byName[a.AlarmName ?? ''] = { state: a.StateValue ?? '', namespace: a.Namespace ?? '', metric: a.MetricName ?? '' };
        report.note(`| ${(a.AlarmName ?? '').padEnd(26)} | ${(a.StateValue ?? '').padEnd(17)} | ${a.Namespace}/${a.MetricName}`);
      }
      return byName;
    },
    (r) => ({ task: 9, step: '9.3', alarms: r }),
  );

  const logs = await report.step(
    'Task 9.4: gateway logs (tail --since 10m, filter ERROR)',
    async () => {
      const sample: string[] = [];
      let lines = 0;
      for await (const e of ops.tailLogs({ logGroupName: names.gatewayLogGroup, since: '10m', signal: lab.signal })) {
        lines++;
        sample.push(`${new Date(e.timestamp).toISOString()} ${e.logStreamName.split('/').at(-1)?.slice(0, 12)} ${e.message}`);
        if (sample.length > 5) sample.shift();
      }
      for (const line of sample) report.note(line);
      let errors = 0;
      for await (const e of ops.tailLogs({ logGroupName: names.gatewayLogGroup, since: '1h', filterPattern: 'ERROR', signal: lab.signal })) {
        errors++;
        if (errors <= 3) report.note(`ERROR: ${e.message}`);
      }
      report.note(`${lines} lines in the last 10 minutes, ${errors} matching ERROR in the last hour`);
      return { lines, errors, sample };
    },
    (r) => ({ task: 9, step: '9.4', lines: r.lines, errors: r.errors }),
  );

  const insights = await report.step(
    'Task 9.5: Container Insights (optional)',
    async () => {
      const out = await clients.ecs.send(new DescribeClustersCommand({ clusters: [names.cluster], include: ['SETTINGS'] }));
      const enabled = (out.clusters?.[0]?.settings ?? []).some((s) => s.name === 'containerInsights' && s.value === 'enabled');
      report.note(enabled ? `containerInsights is enabled on ${names.cluster} (Task 1); ECS/ContainerInsights carries RunningTaskCount` : 'containerInsights is disabled: the task-failures alarm stays INSUFFICIENT_DATA');
      if (enabled && lab.target.kind === 'aws') report.note(`https://console.aws.amazon.com/cloudwatch/home?region=${lab.region}#container-insights:performance/ecs`);
      return enabled;
    },
    (enabled) => ({ task: 9, step: '9.5', containerInsights: enabled }),
  );

  return { task: 9, metrics: metrics.metricNames, cpu: metrics.cpu, memory: metrics.memory, dashboard: board, alarms, logs, containerInsights: insights };
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/09-monitoring.ts — lab Task 9: CloudWatch metrics, dashboard, alarms, logs, Container Insights',
      description: 'Runs Tasks 1–4 first when their resources are missing (idempotent).',
    },
    async (lab) => {
      await runTasks1to4(lab);
      await run(lab);
    },
  );
}
