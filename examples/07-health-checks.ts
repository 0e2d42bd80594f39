#!/usr/bin/env -S npx tsx
/**
 * Lab Task 7 (Implementing Health Checks): a new invsys revision with the
 * container health check on `/health/live` rolled out (7.3), the gateway
 * target group's health check moved to `/health/ready` with 15/5/2/3 and the
 * target health shown (7.4), and the failure scenario of 7.5 made real: a
 * gateway revision whose container health check fails, ECS marking the task
 * UNHEALTHY, stopping it and starting another, and the service back on a
 * healthy revision, with the service events of that sequence.
 *
 * What it fixes from ERRATA:
 * - 7.2: the guide appends the `/health` routes after `app.run(...)`, so they
 *   never exist; the apps ship them (`/health`, `/health/ready`, `/health/live`).
 * - 2.1 + 3.4: the revision stays `awsvpc` (the guide's 7.3 JSON is right here).
 * - 7.5: the guide "simulates" a failed health check with `stop-task`, so no
 *   health check ever fails. Here one really does: a revision whose check
 *   probes `/healthz`, a path the gateway does not serve. It shows each step
 *   the guide's "expected behavior" lists — the container UNHEALTHY, the task
 *   stopped ("Task failed container health checks") and out of the ALB, ECS
 *   starting a replacement, and, once the healthy revision is deployed back,
 *   a replacement that passes its checks — from DescribeTasks,
 *   DescribeTargetHealth and the service's events.
 *
 * Run: `npx tsx examples/07-health-checks.ts [--target aws|local] [--json]`
 */
import { DescribeServicesCommand, DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand, ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsLogs, poll, targetGroupHealthCheckUpdate, waitUntilTargetsHealthy, type TaskDefinitionBuilder } from 'ecskit';
import { isMain, runScript, type Lab } from './01-core-concepts.ts';
import { gatewayTaskDefinition, invsysTask, labContainer, registerOnce } from './02-task-definitions.ts';
import { runTasks1to4 } from './04-gateway-service.ts';
import { watchCounts } from './06-scaling.ts';

/** What Task 7 reports. */
export interface HealthChecksResult {
  readonly task: 7;
  /** The invsys revision with the `/health/live` container health check (`family:revision`). */
  readonly invsysRevision: string;
  /** Whether 7.3 rolled out a new deployment (false when the service already ran that revision). */
  readonly deployed: boolean;
  /** Container health of the invsys tasks after the rollout (task id → HEALTHY/UNHEALTHY/UNKNOWN). */
  readonly containerHealth: Readonly<Record<string, string>>;
  /** gateway-tg's health check after 7.4. */
  readonly gatewayHealthCheck: { readonly path: string; readonly intervalSeconds: number; readonly timeoutSeconds: number; readonly healthyThreshold: number; readonly unhealthyThreshold: number };
  /** gateway-tg's targets after 7.4 (the lab's DescribeTargetHealth table). */
  readonly targets: readonly { readonly id: string; readonly state: string; readonly reason: string | null }[];
  /** 7.5: a container health check that really fails, the task ECS stopped for it, and the recovery. */
  readonly failure: HealthCheckFailure;
}

/** Task 7.5's sequence, as DescribeTasks, DescribeTargetHealth and the service events showed it. */
export interface HealthCheckFailure {
  /** The gateway revision whose container health check fails (`family:revision`). */
  readonly faultyRevision: string;
  /** Its container health-check command. */
  readonly healthCheck: string;
  /** The task of that revision ECS stopped (task id). */
  readonly stoppedTask: string;
  /** Its container's health when it was stopped (`UNHEALTHY`). */
  readonly healthStatus: string;
  /** Its stopped reason, AWS's `Task failed container health checks`. */
  readonly stoppedReason: string;
  /** Whether its target had left gateway-tg (deregistered or draining) once it was stopped. */
  readonly leftTargetGroup: boolean;
  /** The task ECS started in its place, of the same faulty revision (task id). */
  readonly retriedTask: string;
  /** The healthy revision deployed back (`family:revision`). */
  readonly restoredRevision: string;
  /** A task started after the failure that passed its container health check (task id). */
  readonly replacementTask: string;
  /** That task's container health (`HEALTHY`). */
  readonly replacementHealth: string;
  readonly runningAfter: number;
  readonly desired: number;
  /** `GET /items` through the ALB at the end. */
  readonly itemsStatus: number;
  /** The service events of the sequence, oldest first. */
  readonly events: readonly string[];
}

/**
 * The lab's 7.3 task definition: Task 2's invsys shape (`awsvpc`, EC2,
 * 256 CPU / 512 MiB, same image and log group) with the container health
 * check `curl -f http://localhost:5000/health/live` (30 s interval, 5 s
 * timeout, 3 retries, 60 s start period). Task 10's template uses it too.
 */
export function invsysWithHealthCheck(lab: Lab): TaskDefinitionBuilder<true> {
  const image = `${lab.images?.invsys ?? lab.names.invsysRepository}:latest`;
  return invsysTask(
    lab,
    labContainer('invsys', image, lab.names.invsysPort, '/health/live')
      .environment({ FLASK_ENV: 'production' })
      .logConfiguration(awsLogs({ group: lab.names.invsysLogGroup, region: lab.region, streamPrefix: 'ecs', createGroup: true })),
  );
}

/** Task 7.5's fault: the gateway's container health check on a path the app does not serve (404, so `curl -f` fails). */
export const BROKEN_HEALTH_PATH = '/healthz';

/** The stopped reason ECS gives a task whose essential container failed its health checks. */
export const HEALTH_CHECK_STOP_REASON = 'Task failed container health checks';

/** The lab's 7.4 target-group health check. */
export const GATEWAY_HEALTH_CHECK = { path: '/health/ready', intervalSeconds: 15, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 3 } as const;

/** A service's tasks with the given desired status (described). */
async function serviceTasks(lab: Lab, service: string, desiredStatus: 'RUNNING' | 'STOPPED' = 'RUNNING'): Promise<Task[]> {
  const list = await lab.clients.ecs.send(new ListTasksCommand({ cluster: lab.names.cluster, serviceName: service, desiredStatus }));
  const arns = list.taskArns ?? [];
  if (arns.length === 0) return [];
  return (await lab.clients.ecs.send(new DescribeTasksCommand({ cluster: lab.names.cluster, tasks: arns }))).tasks ?? [];
}

const shortId = (arn: string | undefined) => (arn ?? '').split('/').at(-1) ?? '';
const containerHealth = (t: Task) => t.containers?.[0]?.healthStatus ?? 'UNKNOWN';
const taskIp = (t: Task) => t.containers?.[0]?.networkInterfaces?.[0]?.privateIpv4Address;

/**
 * Task 7: container health check (7.3), target-group health check (7.4),
 * a failing container health check and the recovery (7.5). Idempotent: a
 * revision is registered only when no equal one exists, the 7.3 deployment
 * only when the service runs something else.
 */
export async function run(lab: Lab): Promise<HealthChecksResult> {
  const { report, ops, names, clients } = lab;
  const targetGroupArn = lab.gatewayTargetGroupArn;
  if (!targetGroupArn || !lab.albUrl) throw new Error('Task 7 needs gateway-tg and the ALB from Task 4 (lab.gatewayTargetGroupArn, lab.albUrl)');

  const rollout = await report.step(
    'Task 7.3: invsys revision with the /health/live container health check',
    async () => {
      // registerOnce reuses an equal ACTIVE revision, so a re-run registers nothing new.
      const td = await registerOnce(lab, invsysWithHealthCheck(lab));
      lab.taskDefinitions.invsysHealth = td.arn;
      const running = (await serviceTasks(lab, names.invsysService)).map((t) => t.taskDefinitionArn);
      let deployed = false;
      if (running.length > 0 && running.every((arn) => arn === td.arn)) {
        report.note(`${names.invsysService} already runs ${td.familyRevision}: no new deployment`);
      } else {
        const { deploymentId } = await ops.deploy({ cluster: names.cluster, service: names.invsysService, taskDefinition: td.familyRevision, forceNewDeployment: true });
        await lab.followDeployment(names.invsysService, deploymentId);
        deployed = true;
      }
      // The agent runs the command on its interval; after the start period every container reports HEALTHY.
      const health = await poll({
        observe: () => serviceTasks(lab, names.invsysService),
        accept: (tasks) => {
          const states = Object.fromEntries(tasks.map((t) => [shortId(t.taskArn), t.containers?.[0]?.healthStatus ?? 'UNKNOWN']));
          const all = Object.values(states);
          return all.length > 0 && all.every((s) => s === 'HEALTHY') ? { state: 'done', value: states } : { state: 'pending', reason: JSON.stringify(states) };
        },
        intervalSeconds: lab.wait.intervalSeconds,
        timeoutSeconds: lab.wait.timeoutSeconds,
        signal: lab.signal,
      });
      const containerHealth: Record<string, string> =
        health.state === 'done' ? health.value : Object.fromEntries((await serviceTasks(lab, names.invsysService)).map((t) => [shortId(t.taskArn), t.containers?.[0]?.healthStatus ?? 'UNKNOWN']));
      for (const [id, s] of Object.entries(containerHealth)) report.note(`task ${id.slice(0, 12)} container invsys: ${s} (curl -f http://localhost:5000/health/live)`);
      return { invsysRevision: td.familyRevision, deployed, containerHealth };
    },
    (r) => ({ task: 7, step: '7.3', ...r }),
  );

  const targets = await report.step(
    'Task 7.4: gateway-tg health check → /health/ready (15 s / 5 s / 2 / 3)',
    async () => {
      const out = await clients.elbv2.send(new ModifyTargetGroupCommand(targetGroupHealthCheckUpdate(targetGroupArn, GATEWAY_HEALTH_CHECK)));
      const tg = out.TargetGroups?.[0];
      report.note(
        `gateway-tg: ${tg?.HealthCheckPath} every ${tg?.HealthCheckIntervalSeconds} s, timeout ${tg?.HealthCheckTimeoutSeconds} s, healthy after ${tg?.HealthyThresholdCount}, unhealthy after ${tg?.UnhealthyThresholdCount}`,
      );
      await waitUntilTargetsHealthy(clients, { targetGroupArn, minHealthy: 1 }, { ...lab.wait, signal: lab.signal });
      const health = await clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      const rows = (health.TargetHealthDescriptions ?? []).map((d) => ({ id: `${d.Target?.Id}:${d.Target?.Port}`, state: d.TargetHealth?.State ?? 'unknown', reason: d.TargetHealth?.Reason ?? null }));
      report.note('| target               | state     | reason');
      for (const r of rows) report.note(`| ${r.id.padEnd(20)} | ${r.state.padEnd(9)} | ${r.reason ?? '-'}`);
      return {
        healthCheck: {
          path: tg?.HealthCheckPath ?? '',
          intervalSeconds: tg?.HealthCheckIntervalSeconds ?? 0,
          timeoutSeconds: tg?.HealthCheckTimeoutSeconds ?? 0,
          healthyThreshold: tg?.HealthyThresholdCount ?? 0,
          unhealthyThreshold: tg?.UnhealthyThresholdCount ?? 0,
        },
        rows,
      };
    },
    (r) => ({ task: 7, step: '7.4', healthCheck: r.healthCheck, targets: r.rows }),
  );

  const failure = await report.step(
    'Task 7.5: a container health check fails for real: ECS marks the task UNHEALTHY, stops it and replaces it',
    () => failingHealthCheck(lab, targetGroupArn),
    (r) => ({ task: 7, step: '7.5', ...r }),
  );

  return {
    task: 7,
    invsysRevision: rollout.invsysRevision,
    deployed: rollout.deployed,
    containerHealth: rollout.containerHealth,
    gatewayHealthCheck: targets.healthCheck,
    targets: targets.rows,
    failure,
  };
}

/** Polls `observe` on the lab's cadence until `pick` returns a value; throws `what` on timeout. */
async function waitFor<T, V>(lab: Lab, what: string, observe: () => Promise<T>, pick: (observed: T) => V | undefined, describe: (observed: T) => string): Promise<V> {
  const result = await poll({
    observe,
    accept: (observed) => {
      const value = pick(observed);
      return value !== undefined ? { state: 'done', value } : { state: 'pending', reason: describe(observed) };
    },
    intervalSeconds: lab.wait.intervalSeconds,
    timeoutSeconds: lab.wait.timeoutSeconds,
    signal: lab.signal,
  });
  if (result.state !== 'done') throw new Error(`${what}: ${result.state} after ${result.elapsedSeconds.toFixed(0)} s (${result.reason ?? 'no observation'})`);
  return result.value as V;
}

/**
 * 7.5: deploys a gateway revision whose container health check probes a path
 * the app does not serve, shows ECS marking its task UNHEALTHY, stopping it
 * (the ALB stops routing to it) and starting another, then deploys the
 * healthy revision back and waits until a replacement passes its checks.
 */
async function failingHealthCheck(lab: Lab, targetGroupArn: string): Promise<HealthCheckFailure> {
  const { report, ops, names, clients } = lab;
  const gateway = names.gatewayService;
  const describeService = async () => (await clients.ecs.send(new DescribeServicesCommand({ cluster: names.cluster, services: [gateway] }))).services?.[0];
  const before = await describeService();
  const healthyRevision = before?.taskDefinition;
  if (!before || !healthyRevision) throw new Error(`${gateway} not found: Task 4 must run first`);
  const earlierEvents = new Set((before.events ?? []).map((e) => e.id));
  const earlierTasks = new Set((await serviceTasks(lab, gateway)).map((t) => t.taskArn));

  const faulty = await registerOnce(lab, gatewayTaskDefinition(lab, BROKEN_HEALTH_PATH));
  const healthCheck = `curl -f http://localhost:${names.gatewayPort}${BROKEN_HEALTH_PATH} || exit 1`;
  report.note(`${faulty.familyRevision}: container health check "${healthCheck}" (the gateway answers 404 there)`);
  await ops.deploy({ cluster: names.cluster, service: gateway, taskDefinition: faulty.familyRevision });

  // 1–2. After the start period the agent counts failed checks; at `retries` the container is UNHEALTHY and ECS stops the task.
  const faultyTasks = async () => [...(await serviceTasks(lab, gateway)), ...(await serviceTasks(lab, gateway, 'STOPPED'))].filter((t) => t.taskDefinitionArn === faulty.arn);
  const describeTasks = (tasks: Task[]) => tasks.map((t) => `${shortId(t.taskArn).slice(0, 12)} ${t.lastStatus} ${containerHealth(t)}`).join(', ') || `no ${faulty.familyRevision} task yet`;
  const stopped = await waitFor(lab, 'a task failing its container health check', faultyTasks, (tasks) => tasks.find((t) => t.stoppedReason === HEALTH_CHECK_STOP_REASON), describeTasks);
  report.note(`task ${shortId(stopped.taskArn).slice(0, 12)}: container gateway ${containerHealth(stopped)} → ${stopped.lastStatus}, reason "${stopped.stoppedReason}"`);

  // 3. Out of the load balancer: its target is draining or gone.
  const ip = taskIp(stopped);
  const targets = (await clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }))).TargetHealthDescriptions ?? [];
  const own = targets.find((d) => d.Target?.Id === ip);
  const leftTargetGroup = !own || own.TargetHealth?.State === 'draining' || own.TargetHealth?.State === 'unused';
  report.note(`gateway-tg: ${ip ?? 'its address'} ${own ? own.TargetHealth?.State : 'deregistered'}; ${targets.filter((d) => d.TargetHealth?.State === 'healthy').length} healthy target(s) still serve`);

  // 4. The scheduler starts another task in its place (same revision, so it will fail the same way).
  const retried = await waitFor(lab, 'ECS starting a task in place of the stopped one', faultyTasks, (tasks) => tasks.find((t) => t.taskArn !== stopped.taskArn), describeTasks);
  report.note(`ECS started task ${shortId(retried.taskArn).slice(0, 12)} in its place (${retried.lastStatus}, same revision)`);

  // 5–7. The fix: the healthy revision again; a new task passes its checks and joins the ALB.
  report.note(`fix: deploy ${healthyRevision.split('/').at(-1)} back`);
  const { deploymentId } = await ops.deploy({ cluster: names.cluster, service: gateway, taskDefinition: healthyRevision });
  await lab.followDeployment(gateway, deploymentId);
  const replacement = await waitFor(
    lab,
    'a replacement task passing its container health check',
    () => serviceTasks(lab, gateway),
    (tasks) => tasks.find((t) => !earlierTasks.has(t.taskArn) && t.taskDefinitionArn === healthyRevision && containerHealth(t) === 'HEALTHY'),
    describeTasks,
  );
  report.note(`replacement task ${shortId(replacement.taskArn).slice(0, 12)}: container gateway HEALTHY`);
  await waitUntilTargetsHealthy(clients, { targetGroupArn, minHealthy: 1 }, { ...lab.wait, signal: lab.signal });
  const rows = await watchCounts(lab, gateway, (c) => c.running === c.desired && c.pending === 0, 'back to the desired count');

  const events = ((await describeService())?.events ?? [])
    .filter((e) => !earlierEvents.has(e.id))
    .sort((x, y) => (x.createdAt?.getTime() ?? 0) - (y.createdAt?.getTime() ?? 0))
    .map((e) => `${e.createdAt?.toISOString().slice(11, 19) ?? ''} ${e.message ?? ''}`);
  report.note(`${gateway} events of the sequence:`);
  for (const e of events) report.note(`  ${e}`);

  const items = await albGet(lab, '/items');
  report.note(`GET ${lab.albUrl}/items through the ALB → ${items}`);
  const last = rows.at(-1);
  return {
    faultyRevision: faulty.familyRevision,
    healthCheck,
    stoppedTask: shortId(stopped.taskArn),
    healthStatus: containerHealth(stopped),
    stoppedReason: stopped.stoppedReason ?? '',
    leftTargetGroup,
    retriedTask: shortId(retried.taskArn),
    restoredRevision: healthyRevision.split('/').at(-1) ?? healthyRevision,
    replacementTask: shortId(replacement.taskArn),
    replacementHealth: containerHealth(replacement),
    runningAfter: last?.running ?? 0,
    desired: last?.desired ?? 0,
    itemsStatus: items,
    events,
  };
}

/** `GET path` through the ALB until it answers 200 (briefly: a stopped task's DNS record or target may linger); the last status. */
async function albGet(lab: Lab, path: string): Promise<number> {
  let status = 0;
  await poll({
    observe: async () => {
      const response = await fetch(`${lab.albUrl}${path}`, { signal: lab.signal });
      await response.arrayBuffer();
      status = response.status;
      return status;
    },
    accept: (s) => (s === 200 ? { state: 'done', value: s } : { state: 'pending', reason: `GET ${path} → ${s}` }),
    intervalSeconds: lab.wait.intervalSeconds,
    timeoutSeconds: lab.target.timeScale >= 1 ? 120 : 10,
    signal: lab.signal,
  });
  return status;
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/07-health-checks.ts — lab Task 7: container and target-group health checks, a failing health check and the recovery',
      description: 'Runs Tasks 1–4 first when their resources are missing (idempotent).',
    },
    async (lab) => {
      await runTasks1to4(lab);
      await run(lab);
    },
  );
}
