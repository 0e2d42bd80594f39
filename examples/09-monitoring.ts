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
import { spawn } from 'node:child_process';
import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand, GetMetricDataCommand, GetMetricStatisticsCommand, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { DescribeClustersCommand, ListTasksCommand, UpdateClusterSettingsCommand } from '@aws-sdk/client-ecs';
import { containerInsightsMetric, dashboard, ecsServiceMetric, loadBalancerDimension, metricAlarm, metricWidget, poll, TimeScale, type CfnValue, type MetricSpec } from 'ecskit';
import { isMain, runScript, type Lab } from './01-core-concepts.ts';
import { runningTaskAddresses } from './03-invsys-service.ts';
import { runTasks1to4 } from './04-gateway-service.ts';

/** What Task 9 reports. */
export interface MonitoringResult {
  readonly task: 9;
  /** `AWS/ECS` metric names listed for the gateway (9.1). */
  readonly metrics: readonly string[];
  /** CPU and memory statistics over the last hour (Average, Maximum); `null` without datapoints. */
  readonly cpu: { readonly average: number; readonly maximum: number; readonly datapoints: number } | null;
  readonly memory: { readonly average: number; readonly maximum: number; readonly datapoints: number } | null;
  /** The dashboard's name, widget count, whether it carries the stack tag, and how many metric sparklines 9.2 printed. */
  readonly dashboard: { readonly name: string; readonly widgets: number; readonly owned: boolean; readonly sparklines: number };
  /** Alarm name → state (at the end of 9.3) and metric (9.3). */
  readonly alarms: Readonly<Record<string, { readonly state: string; readonly namespace: string; readonly metric: string }>>;
  /**
   * 9.3's state changes, from DescribeAlarmHistory (oldest first, starting
   * with the state before the first change): the task-failure alarm leaves
   * INSUFFICIENT_DATA for OK once RunningTaskCount flows; the CPU alarm goes
   * to ALARM under load and back to OK.
   */
  readonly transitions: {
    readonly taskFailures: AlarmTransitions;
    readonly highCpu: AlarmTransitions & {
      /** The CPU load driven for it (none on AWS unless asked: see {@link MonitoringOptions.cpuLoadSeconds}). */
      readonly load: { readonly seconds: number; readonly requests: number; readonly errors: number; readonly peakPercent: number | null } | null;
    };
  };
  /** Errata this task flagged in its output (`9.3`, `9.4`). */
  readonly errata: readonly string[];
  /** 9.4: log lines read from the gateway's log group, and lines matching `ERROR`. */
  readonly logs: {
    readonly lines: number;
    readonly errors: number;
    readonly sample: readonly string[];
    /** "Logs from a specific task": the task, its stream prefix, lines found by the prefix, and by the guide's `--filter-pattern "$TASK_ID"`. */
    readonly task: { readonly id: string; readonly streamPrefix: string; readonly lines: number; readonly guideFilterLines: number } | null;
  };
  /** 9.5: whether Container Insights is enabled on the cluster. */
  readonly containerInsights: boolean;
}

/** An alarm's state changes from DescribeAlarmHistory. */
export interface AlarmTransitions {
  /** States in order, starting with the state before the first change (`['INSUFFICIENT_DATA', 'OK']`). */
  readonly states: readonly string[];
  /** The history items (`hh:mm:ss Alarm updated from … to …`). */
  readonly history: readonly string[];
}

/** Options of {@link run}. */
export interface MonitoringOptions {
  /**
   * Longest CPU load (seconds) to drive the gateway over the CPU alarm's
   * threshold; it stops as soon as the alarm is in ALARM. Default on a local
   * cloud: five alarm periods at the time scale (5 × 300 s × scale, at least
   * 30 s); on AWS 0 (no load: 10 minutes of load are needed there).
   */
  readonly cpuLoadSeconds?: number;
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

const SPARK = '▁▂▃▄▅▆▇█';

/**
 * `values` as a one-line chart of block characters, lowest to highest
 * (a flat series is drawn at the bottom); empty for no values.
 *
 * @example
 * ```ts
 * sparkline([0, 5, 10]); // '▁▅█'
 * ```
 */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return '';
  const low = Math.min(...values);
  const span = Math.max(...values) - low;
  return values.map((v) => SPARK[span === 0 ? 0 : Math.round(((v - low) / span) * (SPARK.length - 1))]).join('');
}

interface WidgetMetrics {
  readonly type?: string;
  readonly properties?: { readonly title?: string; readonly period?: number; readonly stat?: string; readonly metrics?: readonly (readonly unknown[])[] };
}

/**
 * One line per metric of the dashboard's metric widgets: its name, a
 * sparkline of the last hour's datapoints (the widget's period and stat, from
 * GetMetricData, as the console draws them) and the latest value.
 */
export async function dashboardSparklines(lab: Lab, body: string): Promise<{ readonly label: string; readonly points: number; readonly text: string }[]> {
  const widgets = ((JSON.parse(body) as { widgets?: WidgetMetrics[] }).widgets ?? []).filter((w) => w.type === 'metric');
  const queries = widgets.flatMap((w) =>
    (w.properties?.metrics ?? []).map((row) => {
      const options = (typeof row.at(-1) === 'object' ? row.at(-1) : {}) as { stat?: string };
      const [namespace, metricName, ...pairs] = row.filter((x): x is string => typeof x === 'string');
      const dimensions = [];
      for (let i = 0; i + 1 < pairs.length; i += 2) dimensions.push({ Name: pairs[i]!, Value: pairs[i + 1]! });
      const stat = options.stat ?? w.properties?.stat ?? 'Average';
      return { namespace: namespace!, metricName: metricName!, dimensions, stat, period: w.properties?.period ?? 300 };
    }),
  );
  if (queries.length === 0) return [];
  const end = new Date();
  const out = await lab.clients.cloudWatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - 3_600_000),
      EndTime: new Date(end.getTime() + 60_000),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: queries.map((q, i) => ({
        Id: `m${i}`,
        MetricStat: { Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: q.dimensions }, Period: q.period, Stat: q.stat },
      })),
    }),
  );
  const width = Math.max(...queries.map((q) => `${q.metricName} ${q.dimensions.map((d) => d.Value.split('/').slice(0, 2).join('/')).join(' ')} (${q.stat})`.length));
  return queries.map((q, i) => {
    const values = out.MetricDataResults?.find((r) => r.Id === `m${i}`)?.Values ?? [];
    const label = `${q.metricName} ${q.dimensions.map((d) => d.Value.split('/').slice(0, 2).join('/')).join(' ')} (${q.stat})`;
    const latest = values.at(-1);
    const text = `${label.padEnd(width)}  ${values.length ? sparkline(values.slice(-40)) : '(no datapoints yet)'}${latest !== undefined ? `  latest ${Math.round(latest * 100) / 100}` : ''}`;
    return { label, points: values.length, text };
  });
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
export async function run(lab: Lab, options: MonitoringOptions = {}): Promise<MonitoringResult> {
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
      // The dashboard in the terminal: a sparkline per metric of its metric widgets, from GetMetricData.
      const lines = await dashboardSparklines(lab, definition.build().DashboardBody ?? '{}');
      for (const line of lines) report.note(line.text);
      return { name: dashboardName, widgets, owned, sparklines: lines.length };
    },
    (r) => ({ task: 9, step: '9.2', dashboard: r }),
  );

  const alarms = await report.step(
    'Task 9.3: alarms ecs-gateway-high-cpu and ecs-gateway-task-failures, and their state changes',
    async () => {
      const since = Date.now();
      const errata: string[] = [];
      // 9.5's setting first: without Container Insights RunningTaskCount never flows.
      await ensureContainerInsights(lab);
      await ops.putAlarm(highCpuAlarm(lab));
      await ops.putAlarm(taskFailuresAlarm(lab));
      report.note(
        'ERRATA 9.3: the guide creates ecs-gateway-task-failures on AWS/ECS RunningTaskCount, which does not exist (no datapoints, INSUFFICIENT_DATA forever); ' +
          'RunningTaskCount is a Container Insights metric: the alarm here is on ECS/ContainerInsights',
      );
      errata.push('9.3');
      // The task-failure alarm: INSUFFICIENT_DATA until two 1-minute periods of RunningTaskCount exist, then OK (2 tasks ≥ 1).
      const insightsOk = await waitForAlarm(lab, names.taskFailuresAlarm, (s) => s === 'OK', 4 * 60);
      const taskFailures = await alarmTransitions(lab, names.taskFailuresAlarm, since);
      for (const h of taskFailures.history) report.note(`${names.taskFailuresAlarm}: ${h}`);
      if (!insightsOk) report.note(`${names.taskFailuresAlarm} is still ${await alarmStateOf(lab, names.taskFailuresAlarm)}: RunningTaskCount has not flowed for two periods yet`);
      // The CPU alarm: ALARM under load, OK after it.
      const highCpu = await cpuAlarmUnderLoad(lab, since, options.cpuLoadSeconds);
      const out = await clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [names.highCpuAlarm, names.taskFailuresAlarm] }));
      const byName: Record<string, { state: string; namespace: string; metric: string }> = {};
      for (const a of out.MetricAlarms ?? []) {
        byName[a.AlarmName ?? ''] = { state: a.StateValue ?? '', namespace: a.Namespace ?? '', metric: a.MetricName ?? '' };
        report.note(`| ${(a.AlarmName ?? '').padEnd(26)} | ${(a.StateValue ?? '').padEnd(17)} | ${a.Namespace}/${a.MetricName}`);
      }
      return { byName, transitions: { taskFailures, highCpu }, errata };
    },
    (r) => ({ task: 9, step: '9.3', alarms: r.byName, transitions: r.transitions }),
  );

  const logs = await report.step(
    'Task 9.4: gateway logs (tail --since 10m, filter ERROR, one task\'s stream)',
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
      const task = await taskLogs(lab);
      return { lines, errors, sample, task };
    },
    (r) => ({ task: 9, step: '9.4', lines: r.lines, errors: r.errors, taskLogs: r.task }),
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

  const errata = [...alarms.errata, ...(logs.task ? ['9.4'] : [])];
  return {
    task: 9,
    metrics: metrics.metricNames,
    cpu: metrics.cpu,
    memory: metrics.memory,
    dashboard: board,
    alarms: alarms.byName,
    transitions: alarms.transitions,
    errata,
    logs,
    containerInsights: insights,
  };
}

/** The alarm's state now (`missing` when it does not exist). */
async function alarmStateOf(lab: Lab, name: string): Promise<string> {
  return (await lab.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0]?.StateValue ?? 'missing';
}

/** Polls an alarm until `accept(state)`, for at most `awsSeconds` (scaled on a local cloud, at least 20 s). Returns whether it got there. */
async function waitForAlarm(lab: Lab, name: string, accept: (state: string) => boolean, awsSeconds: number): Promise<boolean> {
  const outcome = await poll({
    observe: () => alarmStateOf(lab, name),
    accept: (s) => (accept(s) ? { state: 'done', value: s } : { state: 'pending', reason: s }),
    intervalSeconds: lab.wait.intervalSeconds,
    timeoutSeconds: lab.target.timeScale >= 1 ? awsSeconds : Math.max(20, new TimeScale(lab.target.timeScale).seconds(awsSeconds)),
    signal: lab.signal,
  });
  return outcome.state === 'done';
}

/**
 * An alarm's state changes since `sinceMs`, oldest first, from
 * DescribeAlarmHistory (`StateUpdate` items): the states, starting with the
 * one before the first change, and the history lines.
 */
export async function alarmTransitions(lab: Lab, name: string, sinceMs: number): Promise<AlarmTransitions> {
  const out = await lab.clients.cloudWatch.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: 'StateUpdate', StartDate: new Date(sinceMs), ScanBy: 'TimestampAscending' }));
  const items = [...(out.AlarmHistoryItems ?? [])].sort((a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0));
  const states: string[] = [];
  for (const item of items) {
    try {
      const data = JSON.parse(item.HistoryData ?? '{}') as { oldState?: { stateValue?: string }; newState?: { stateValue?: string } };
      if (states.length === 0 && data.oldState?.stateValue) states.push(data.oldState.stateValue);
      if (data.newState?.stateValue) states.push(data.newState.stateValue);
    } catch {
      // HistoryData is JSON on AWS; the summary line still says what happened.
    }
  }
  return { states, history: items.map((i) => `${i.Timestamp?.toISOString().slice(11, 19) ?? ''} ${i.HistorySummary ?? ''}`) };
}

/** 9.5's command when the cluster does not have it yet: Container Insights on, so ECS/ContainerInsights RunningTaskCount flows. */
async function ensureContainerInsights(lab: Lab): Promise<void> {
  const { names, clients, report } = lab;
  const out = await clients.ecs.send(new DescribeClustersCommand({ clusters: [names.cluster], include: ['SETTINGS'] }));
  const enabled = (out.clusters?.[0]?.settings ?? []).some((s) => s.name === 'containerInsights' && (s.value === 'enabled' || s.value === 'enhanced'));
  if (enabled) return;
  await clients.ecs.send(new UpdateClusterSettingsCommand({ cluster: names.cluster, settings: [{ name: 'containerInsights', value: 'enabled' }] }));
  report.note(`containerInsights enabled on ${names.cluster} (9.5's update-cluster-settings): the task-failure alarm needs its RunningTaskCount`);
}

/**
 * A load generator run with `node --input-type=module -e` in its own
 * process (so the script's own event loop, which also serves an in-process
 * cloud and its ALB, is not the bottleneck): `GET` the URLs round-robin with
 * keep-alive for `seconds`, `concurrency` requests at a time; prints
 * `{"requests":N,"errors":N}`.
 */
const LOADER = `
import http from 'node:http';
const [seconds, concurrency, ...urls] = process.argv.slice(1);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const end = Date.now() + Number(seconds) * 1000;
let requests = 0, errors = 0, next = 0;
const one = (url) => new Promise((done) => {
  const req = http.get(url, { agent }, (res) => { res.resume(); res.on('end', () => { requests++; done(); }); res.on('error', () => { errors++; done(); }); });
  req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  req.on('error', () => { errors++; done(); });
});
const report = () => process.stdout.write(JSON.stringify({ requests, errors }) + '\\n');
process.on('SIGTERM', () => { report(); process.exit(0); });
const worker = async () => { while (Date.now() < end) await one(urls[next++ % urls.length]); };
await Promise.all(Array.from({ length: Number(concurrency) }, worker));
agent.destroy();
report();
`;

/** Runs {@link LOADER} for `seconds` against `urls` (aborting `signal` ends it early, with SIGTERM); resolves with its counts. */
function runLoader(urls: readonly string[], seconds: number, concurrency: number, signal: AbortSignal): Promise<{ requests: number; errors: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', LOADER, String(seconds), String(concurrency), ...urls], { stdio: ['ignore', 'pipe', 'inherit'], signal });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // An abort kills it with SIGTERM: it prints its counts and exits; 'close' resolves.
    child.on('error', (error) => {
      if (!signal.aborted) reject(error);
    });
    child.on('close', () => {
      try {
        resolve(JSON.parse(out) as { requests: number; errors: number });
      } catch {
        resolve({ requests: 0, errors: 0 });
      }
    });
  });
}

/** Whether the gateway is an Application Auto Scaling target, and its suspended state. */
async function gatewayScalableTarget(lab: Lab) {
  const resourceId = `service/${lab.names.cluster}/${lab.names.gatewayService}`;
  const out = await lab.clients.autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId], ScalableDimension: 'ecs:service:DesiredCount' }));
  const target = out.ScalableTargets?.[0];
  return target ? { resourceId, suspended: target.SuspendedState } : undefined;
}

/**
 * The CPU alarm under load: drives the gateway's CPU over 80 % until the
 * alarm is in ALARM (at most `maxSeconds`), stops, and waits for OK; the
 * transitions come from DescribeAlarmHistory.
 *
 * Where the load goes: on a local cloud straight to the gateway tasks'
 * addresses from a separate process (through the in-process ALB one process
 * serves both the proxy and the client, which caps the load below what
 * takes two 256-unit tasks over 80 %); on AWS through the ALB. Task 8's
 * CPU target tracking (70 %) would add tasks long before two 5-minute
 * periods average over 80 %, so dynamic scale-out is suspended for the
 * load and restored after.
 */
async function cpuAlarmUnderLoad(lab: Lab, since: number, maxSecondsOption: number | undefined): Promise<MonitoringResult['transitions']['highCpu']> {
  const { names, report } = lab;
  const time = new TimeScale(lab.target.timeScale);
  const maxSeconds = maxSecondsOption ?? (time.isRealTime ? 0 : Math.max(30, time.seconds(5 * 300)));
  if (!(maxSeconds > 0)) {
    report.note(`${names.highCpuAlarm}: no load driven (two 5-minute periods above 80 % take 10+ minutes on AWS; pass cpuLoadSeconds to drive one)`);
    return { ...(await alarmTransitions(lab, names.highCpuAlarm, since)), load: null };
  }
  const scalable = await gatewayScalableTarget(lab);
  const suspend = scalable && !scalable.suspended?.DynamicScalingOutSuspended;
  const setScaleOutSuspended = async (suspended: boolean) => {
    await lab.clients.autoScaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: scalable!.resourceId,
        ScalableDimension: 'ecs:service:DesiredCount',
        SuspendedState: { ...scalable!.suspended, DynamicScalingOutSuspended: suspended },
      }),
    );
  };
  if (suspend) {
    await setScaleOutSuspended(true);
    report.note(`dynamic scale-out of ${names.gatewayService} suspended during the load (Task 8's 70 % CPU policy would add tasks first)`);
  }
  const started = Date.now();
  let requests = 0;
  let errors = 0;
  let state = await alarmStateOf(lab, names.highCpuAlarm);
  try {
    // One loader for the whole bound, stopped as soon as the alarm is in ALARM.
    const urls = lab.target.emulated
      ? (await runningTaskAddresses(lab, names.gatewayService)).map((t) => `http://${t.address}:${names.gatewayPort}/items`)
      : [`${lab.albUrl}/items`];
    if (urls.length > 0) {
      const stop = new AbortController();
      const onAbort = () => stop.abort();
      lab.signal.addEventListener('abort', onAbort, { once: true });
      const loader = runLoader(urls, maxSeconds, 32, stop.signal);
      const watched = await poll({
        observe: () => alarmStateOf(lab, names.highCpuAlarm),
        accept: (s) => (s === 'ALARM' ? { state: 'done', value: s } : { state: 'pending', reason: s }),
        intervalSeconds: lab.wait.intervalSeconds,
        timeoutSeconds: maxSeconds,
        signal: lab.signal,
      });
      stop.abort();
      lab.signal.removeEventListener('abort', onAbort);
      const counts = await loader;
      requests = counts.requests;
      errors = counts.errors;
      state = watched.state === 'done' ? 'ALARM' : await alarmStateOf(lab, names.highCpuAlarm);
    }
  } finally {
    if (suspend) {
      await setScaleOutSuspended(false);
      report.note(`dynamic scale-out of ${names.gatewayService} resumed`);
    }
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const reason = (await lab.clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [names.highCpuAlarm] }))).MetricAlarms?.[0]?.StateReasonData;
  let peakPercent: number | null = null;
  try {
    const points = (JSON.parse(reason ?? '{}') as { recentDatapoints?: number[] }).recentDatapoints ?? [];
    if (points.length > 0) peakPercent = Math.round(Math.max(...points) * 10) / 10;
  } catch {
    // no reason data
  }
  report.note(`load: ${requests} requests in ${seconds} s (${errors} errors); ${names.highCpuAlarm} ${state}${peakPercent !== null ? ` (recent datapoints up to ${peakPercent} %)` : ''}`);
  if (state === 'ALARM') {
    // After the load: two periods no longer above 80 % bring it back to OK.
    const ok = await waitForAlarm(lab, names.highCpuAlarm, (s) => s === 'OK', 3 * 300);
    if (!ok) report.note(`${names.highCpuAlarm} is still ${await alarmStateOf(lab, names.highCpuAlarm)} after the load`);
  } else {
    report.note(`${names.highCpuAlarm} did not reach ALARM within ${maxSeconds} s of load: the gateway's average CPU stayed at or below 80 % for the alarm's two periods`);
  }
  const transitions = await alarmTransitions(lab, names.highCpuAlarm, since);
  for (const h of transitions.history) report.note(`${names.highCpuAlarm}: ${h}`);
  return { ...transitions, load: { seconds, requests, errors, peakPercent } };
}

/**
 * 9.4's "logs from a specific task". The guide filters with
 * `--filter-pattern "$TASK_ID"`, which matches nothing: the task id is in
 * the log stream's name (`ecs/gateway/<task id>`), not in the messages.
 * The stream prefix finds them (`aws logs tail … --log-stream-name-prefix
 * ecs/gateway/<task id>`).
 */
async function taskLogs(lab: Lab): Promise<MonitoringResult['logs']['task']> {
  const { names, ops, report } = lab;
  const arns = (await lab.clients.ecs.send(new ListTasksCommand({ cluster: names.cluster, serviceName: names.gatewayService }))).taskArns ?? [];
  const id = arns[0]?.split('/').at(-1);
  if (!id) {
    report.note(`no running ${names.gatewayService} task to read the logs of`);
    return null;
  }
  const streamPrefix = `ecs/gateway/${id}`;
  let lines = 0;
  for await (const e of ops.tailLogs({ logGroupName: names.gatewayLogGroup, logStreamNamePrefix: streamPrefix, since: '1h', signal: lab.signal })) {
    lines++;
    if (lines <= 3) report.note(`${id.slice(0, 12)}: ${e.message}`);
  }
  let guideFilterLines = 0;
  for await (const _ of ops.tailLogs({ logGroupName: names.gatewayLogGroup, filterPattern: `"${id}"`, since: '1h', signal: lab.signal })) guideFilterLines++;
  report.note(`task ${id}: ${lines} line(s) in streams ${streamPrefix}*`);
  report.note(
    `ERRATA 9.4: the guide's \`aws logs tail … --filter-pattern "$TASK_ID"\` matches ${guideFilterLines} line(s): the task id is in the log stream name, not in the messages; ` +
      `use \`aws logs tail ${names.gatewayLogGroup} --log-stream-name-prefix ${streamPrefix}\``,
  );
  return { id, streamPrefix, lines, guideFilterLines };
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
