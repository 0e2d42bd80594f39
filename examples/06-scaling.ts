#!/usr/bin/env -S npx tsx
/**
 * Lab Task 6 (Scaling Your Services): manual horizontal scaling of
 * `gateway-service` 2 → 4 (6.1) with desired/running/pending shown as they
 * change, the load distribution over the four tasks (6.2), and the scale
 * back down to 2 with the ALB draining the removed targets (6.3).
 *
 * What it fixes from ERRATA:
 * - 6.2: the guide builds the ALB metric dimension with `cut -d: -f6`, which
 *   yields `loadbalancer/app/NAME/ID` and returns no datapoints. The
 *   dimension here comes from `albMetric()` (`app/NAME/ID`).
 * - 6.2: `curl` in a loop does not show *which* task answered. Each request
 *   carries its own `x-request-id`; the gateway logs one JSON line per
 *   request into its task's own log stream, so counting the ids per stream
 *   shows how the ALB spread the requests over the tasks.
 *
 * Run: `npx tsx examples/06-scaling.ts [--requests 40] [--target aws|local] [--json]`
 */
import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { albMetric, poll, waitUntilTargetsHealthy } from 'ecskit';
import { isMain, runScript, type Lab } from './01-core-concepts.ts';
import { runTasks1to4 } from './04-gateway-service.ts';

/** desired/running/pending of a service at one moment (the lab's 6.1 table row). */
export interface ServiceCounts {
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
}

/** What Task 6 reports. */
export interface ScalingResult {
  readonly task: 6;
  /** Every distinct desired/running/pending seen while scaling out, in order (lab 6.1). */
  readonly scaleOut: readonly ServiceCounts[];
  /** Requests sent through the ALB (lab 6.2). */
  readonly requests: number;
  /** Requests answered 200. */
  readonly ok: number;
  /** Requests per gateway task (task id → count), from each task's log stream. */
  readonly distribution: Readonly<Record<string, number>>;
  /** How many of the running tasks served at least one request. */
  readonly tasksServing: number;
  /** `AWS/ApplicationELB` `RequestCount` (Sum, last 5 minutes) with the correct `LoadBalancer` dimension; `null` when no datapoint was published yet. */
  readonly albRequestCount: number | null;
  /** The `LoadBalancer` dimension used (ERRATA 6.2). */
  readonly loadBalancerDimension: string;
  /** Every distinct desired/running/pending seen while scaling in (lab 6.3). */
  readonly scaleIn: readonly ServiceCounts[];
  /** Targets seen `draining` while scaling in (`ip:port`). */
  readonly drained: readonly string[];
  /** The final counts. */
  readonly final: ServiceCounts;
}

/** Reads desired/running/pending of one service. */
export async function serviceCounts(lab: Lab, service: string): Promise<ServiceCounts> {
  const out = await lab.clients.ecs.send(new DescribeServicesCommand({ cluster: lab.names.cluster, services: [service] }));
  const s = out.services?.[0];
  if (!s || s.status !== 'ACTIVE') throw new Error(`service ${service} is not ACTIVE in ${lab.names.cluster} (run Task 4 first)`);
  return { desired: s.desiredCount ?? 0, running: s.runningCount ?? 0, pending: s.pendingCount ?? 0 };
}

/** `| gateway-service | 4 | 2 | 2 |`: one row of the lab's DescribeServices table. */
export function countsRow(service: string, c: ServiceCounts): string {
  return `| ${service.padEnd(16)} | desired ${String(c.desired).padStart(2)} | running ${String(c.running).padStart(2)} | pending ${String(c.pending).padStart(2)} |`;
}

/**
 * Polls a service until `done(counts)` holds, noting each distinct
 * desired/running/pending as it changes (`alsoObserve` runs at every poll,
 * e.g. to note target health). Returns the rows seen.
 */
export async function watchCounts(
  lab: Lab,
  service: string,
  done: (c: ServiceCounts) => boolean,
  what: string,
  alsoObserve?: () => Promise<void>,
): Promise<ServiceCounts[]> {
  const seen: ServiceCounts[] = [];
  const result = await poll({
    observe: async () => {
      await alsoObserve?.();
      return serviceCounts(lab, service);
    },
    accept: (c) => {
      const last = seen.at(-1);
      if (!last || last.desired !== c.desired || last.running !== c.running || last.pending !== c.pending) {
        seen.push(c);
        lab.report.note(countsRow(service, c));
      }
      return done(c) ? { state: 'done', value: c } : { state: 'pending', reason: `running ${c.running}/${c.desired}, pending ${c.pending}` };
    },
    intervalSeconds: lab.wait.intervalSeconds,
    timeoutSeconds: lab.wait.timeoutSeconds,
    signal: lab.signal,
  });
  if (result.state !== 'done') throw new Error(`${what}: ${result.state} after ${result.elapsedSeconds.toFixed(0)} s (${result.reason ?? 'no observation'})`);
  return seen;
}

/** The task ids (last ARN segment) of a service's RUNNING tasks. */
export async function runningTaskIds(lab: Lab, service: string): Promise<string[]> {
  const out = await lab.clients.ecs.send(new ListTasksCommand({ cluster: lab.names.cluster, serviceName: service, desiredStatus: 'RUNNING' }));
  const arns = out.taskArns ?? [];
  if (arns.length === 0) return [];
  const described = await lab.clients.ecs.send(new DescribeTasksCommand({ cluster: lab.names.cluster, tasks: arns }));
  return (described.tasks ?? []).filter((t) => t.lastStatus === 'RUNNING').map((t) => (t.taskArn ?? '').split('/').at(-1) ?? '');
}

/**
 * Sends `count` GET requests to `url`, each with its own `x-request-id`
 * (`<prefix>-<n>`), `concurrency` at a time. Returns how many answered 200.
 */
export async function sendTaggedRequests(url: string, prefix: string, count: number, concurrency = 4, signal?: AbortSignal): Promise<number> {
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < count) {
      const n = next++;
      const response = await fetch(url, { headers: { 'x-request-id': `${prefix}-${n}` }, ...(signal && { signal }) });
      await response.arrayBuffer();
      if (response.status === 200) ok++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return ok;
}

/**
 * Counts, per log stream of the gateway's log group, the request log lines
 * whose `requestId` starts with `prefix`; polls until `expected` were found
 * (CloudWatch Logs delivery takes a few seconds on AWS) or the timeout.
 */
export async function requestsPerTask(lab: Lab, prefix: string, expected: number, sinceMs: number, timeoutSeconds: number): Promise<Record<string, number>> {
  let counts: Record<string, number> = {};
  await poll({
    observe: async () => {
      const found: Record<string, number> = {};
      for await (const e of lab.ops.tailLogs({ logGroupName: lab.names.gatewayLogGroup, since: sinceMs - 1000, filterPattern: `"${prefix}"`, signal: lab.signal })) {
        let requestId: unknown;
        try {
          requestId = (JSON.parse(e.message) as { requestId?: unknown }).requestId;
        } catch {
          continue;
        }
        if (typeof requestId !== 'string' || !requestId.startsWith(`${prefix}-`)) continue;
        const taskId = e.logStreamName.split('/').at(-1) ?? e.logStreamName;
        found[taskId] = (found[taskId] ?? 0) + 1;
      }
      return found;
    },
    accept: (found) => {
      counts = found;
      const total = Object.values(found).reduce((a, b) => a + b, 0);
      return total >= expected ? { state: 'done', value: found } : { state: 'pending', reason: `${total}/${expected} request lines delivered` };
    },
    intervalSeconds: lab.target.timeScale >= 1 ? 5 : 0.25,
    timeoutSeconds,
    signal: lab.signal,
  });
  return counts;
}

/** Sum of `AWS/ApplicationELB` RequestCount over the last 5 minutes, or `null` with no datapoints. */
export async function albRequestCount(lab: Lab, loadBalancerArn: string): Promise<number | null> {
  const metric = albMetric(loadBalancerArn, 'RequestCount');
  const end = new Date();
  const out = await lab.clients.cloudWatch.send(
    new GetMetricStatisticsCommand({
      Namespace: metric.namespace,
      MetricName: metric.metricName,
      Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value: String(Value) })),
      StartTime: new Date(end.getTime() - 5 * 60_000),
      EndTime: new Date(end.getTime() + 60_000),
      Period: 60,
      Statistics: ['Sum'],
    }),
  );
  const points = out.Datapoints ?? [];
  return points.length === 0 ? null : points.reduce((sum, p) => sum + (p.Sum ?? 0), 0);
}

/**
 * Task 6: scale the gateway 2 → 4, show the load spread over the 4 tasks,
 * scale back to 2 and show the draining. Idempotent: it starts by setting
 * the desired count, whatever it was.
 */
export async function run(lab: Lab, options: { readonly requests?: number } = {}): Promise<ScalingResult> {
  const { report, ops, names } = lab;
  const service = names.gatewayService;
  const requests = options.requests ?? 40;
  const albUrl = lab.albUrl;
  const loadBalancerArn = lab.loadBalancerArn;
  const targetGroupArn = lab.gatewayTargetGroupArn;
  if (!albUrl || !loadBalancerArn || !targetGroupArn) throw new Error('Task 6 needs the ALB and gateway-tg from Task 4 (lab.albUrl, lab.loadBalancerArn, lab.gatewayTargetGroupArn)');

  const scaleOut = await report.step(
    'Task 6.1: scale gateway-service 2 → 4',
    async () => {
      await ops.scale({ cluster: names.cluster, service, desiredCount: 4 });
      const rows = await watchCounts(lab, service, (c) => c.desired === 4 && c.running === 4 && c.pending === 0, 'scale out to 4');
      // The ALB only spreads over healthy targets: wait for all four.
      const health = await waitUntilTargetsHealthy(lab.clients, { targetGroupArn, minHealthy: 4 }, { ...lab.wait, signal: lab.signal });
      report.note(`gateway-tg: ${health.reason}`);
      return rows;
    },
    (rows) => ({ task: 6, step: '6.1', counts: rows }),
  );

  const distribution = await report.step(
    `Task 6.2: ${requests} requests through the ALB, spread over the tasks`,
    async () => {
      const prefix = `lab6-${Date.now().toString(36)}`;
      const started = Date.now();
      const tasks = await runningTaskIds(lab, service);
      const ok = await sendTaggedRequests(`${albUrl}/`, prefix, requests, 4, lab.signal);
      report.note(`GET ${albUrl}/ × ${requests} → ${ok} × 200 "Hello from Gateway!"`);
      const perTask = await requestsPerTask(lab, prefix, requests, started, lab.target.timeScale >= 1 ? 120 : 15);
      const byTask: Record<string, number> = Object.fromEntries(tasks.map((id) => [id, perTask[id] ?? 0]));
      for (const [id, n] of Object.entries(perTask)) byTask[id] ??= n;
      for (const [id, n] of Object.entries(byTask)) report.note(`task ${id.slice(0, 12)}  ${String(n).padStart(3)} requests  ${'#'.repeat(n)}`);
      const logged = Object.values(byTask).reduce((a, b) => a + b, 0);
      if (logged < requests) report.note(`only ${logged}/${requests} request log lines arrived in ${names.gatewayLogGroup} in time`);
      const dimension = albMetric(loadBalancerArn, 'RequestCount').dimensions.LoadBalancer as string;
      // Metrics are flushed a few times per (scaled) minute: give them a moment.
      let count: number | null = null;
      await poll({
        observe: () => albRequestCount(lab, loadBalancerArn),
        accept: (n) => {
          count = n;
          return n !== null && n >= requests ? { state: 'done', value: n } : { state: 'pending' };
        },
        intervalSeconds: lab.target.timeScale >= 1 ? 15 : 0.5,
        timeoutSeconds: lab.target.timeScale >= 1 ? 90 : 10,
        signal: lab.signal,
      });
      report.note(
        count === null
          ? `AWS/ApplicationELB RequestCount (LoadBalancer=${dimension}): no datapoint yet (ALB metrics arrive within a minute or two on AWS)`
          : `AWS/ApplicationELB RequestCount (LoadBalancer=${dimension}), Sum over 5 min: ${count} (includes earlier tasks' requests)`,
      );
      return { ok, byTask, count: count as number | null, dimension, tasksServing: Object.values(byTask).filter((n) => n > 0).length };
    },
    (r) => ({ task: 6, step: '6.2', requests, ok: r.ok, distribution: r.byTask, tasksServing: r.tasksServing, albRequestCount: r.count, loadBalancerDimension: r.dimension }),
  );

  const scaleIn = await report.step(
    'Task 6.3: scale back down to 2 (draining)',
    async () => {
      await ops.scale({ cluster: names.cluster, service, desiredCount: 2 });
      const drained = new Set<string>();
      const watchDraining = async () => {
        const out = await lab.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
        for (const d of out.TargetHealthDescriptions ?? []) {
          const id = `${d.Target?.Id}:${d.Target?.Port}`;
          if (d.TargetHealth?.State === 'draining' && !drained.has(id)) {
            drained.add(id);
            report.note(`target ${id} draining (${d.TargetHealth.Reason ?? 'Target.DeregistrationInProgress'}): the ALB sends it no new requests`);
          }
        }
      };
      const rows = await watchCounts(lab, service, (c) => c.desired === 2 && c.running === 2 && c.pending === 0, 'scale in to 2', watchDraining);
      // The ALB finishes in-flight requests, then (after the deregistration delay) forgets the target.
      const settled = await poll({
        observe: async () => {
          await watchDraining();
          const out = await lab.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
          return (out.TargetHealthDescriptions ?? []).filter((d) => d.TargetHealth?.State === 'draining').length;
        },
        accept: (n) => (n === 0 ? { state: 'done', value: n } : { state: 'pending', reason: `${n} targets still draining` }),
        intervalSeconds: lab.wait.intervalSeconds,
        timeoutSeconds: lab.wait.timeoutSeconds,
        signal: lab.signal,
      });
      report.note(
        settled.state === 'done'
          ? `draining complete: ${drained.size} target(s) deregistered, ${rows.at(-1)?.running ?? 2} tasks serving`
          : `targets still draining after ${settled.elapsedSeconds.toFixed(0)} s (${settled.reason ?? ''}); the deregistration delay is 300 s by default`,
      );
      return { rows, drained: [...drained] };
    },
    (r) => ({ task: 6, step: '6.3', counts: r.rows, drained: r.drained }),
  );

  const final = await serviceCounts(lab, service);
  return {
    task: 6,
    scaleOut,
    requests,
    ok: distribution.ok,
    distribution: distribution.byTask,
    tasksServing: distribution.tasksServing,
    albRequestCount: distribution.count,
    loadBalancerDimension: distribution.dimension,
    scaleIn: scaleIn.rows,
    drained: scaleIn.drained,
    final,
  };
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/06-scaling.ts — lab Task 6: scale gateway-service 2 → 4, show the load distribution, scale back to 2',
      description: 'Runs Tasks 1–4 first when their resources are missing (idempotent).',
      options: { requests: { type: 'string', help: 'requests to send through the ALB in 6.2 (default 40)' } },
    },
    async (lab) => {
      const requests = lab.flags.extra.requests === undefined ? undefined : Number(lab.flags.extra.requests);
      if (requests !== undefined && !(Number.isInteger(requests) && requests > 0 && requests <= 10_000)) {
        throw new Error(`--requests must be a whole number 1-10000, got: ${JSON.stringify(lab.flags.extra.requests)}`);
      }
      await runTasks1to4(lab);
      await run(lab, requests === undefined ? {} : { requests });
    },
  );
}
