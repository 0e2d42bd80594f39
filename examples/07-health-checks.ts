#!/usr/bin/env -S npx tsx
/**
 * Lab Task 7 (Implementing Health Checks): a new invsys revision with the
 * container health check on `/health/live` rolled out (7.3), the gateway
 * target group's health check moved to `/health/ready` with 15/5/2/3 and the
 * target health shown (7.4), and the failure scenario of 7.5: one invsys
 * task stopped, ECS replacing it, the service back at its steady state.
 *
 * What it fixes from ERRATA:
 * - 7.2: the guide appends the `/health` routes after `app.run(...)`, so they
 *   never exist; the apps ship them (`/health`, `/health/ready`, `/health/live`).
 * - 2.1 + 3.4: the revision stays `awsvpc` (the guide's 7.3 JSON is right here).
 * - 7.5: the guide watches `runningCount` with `watch`; this shows the
 *   stopped task's reason and exit code, the replacement task, its container
 *   health and its Cloud Map registration.
 *
 * Run: `npx tsx examples/07-health-checks.ts [--target aws|local] [--json]`
 */
import { DescribeTasksCommand, ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand, ModifyTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListInstancesCommand } from '@aws-sdk/client-servicediscovery';
import { awsLogs, poll, targetGroupHealthCheckUpdate, waitForTasksStopped, waitUntilTargetsHealthy, type TaskDefinitionBuilder } from 'ecskit';
import { isMain, runScript, type Lab } from './01-core-concepts.ts';
import { labContainer, labTask, registerOnce } from './02-task-definitions.ts';
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
  /** 7.5: the task stopped, its reason and exit code, and the task ECS started instead. */
  readonly failure: {
    readonly stoppedTask: string;
    readonly stoppedReason: string;
    readonly exitCode: number | null;
    readonly replacementTask: string;
    readonly runningAfter: number;
    readonly desired: number;
    readonly discoveryInstances: number;
    readonly itemsStatus: number;
  };
}

/**
 * The lab's 7.3 task definition: Task 2's invsys shape (`awsvpc`, EC2,
 * 256 CPU / 512 MiB, same image and log group) with the container health
 * check `curl -f http://localhost:5000/health/live` (30 s interval, 5 s
 * timeout, 3 retries, 60 s start period). Task 10's template uses it too.
 */
export function invsysWithHealthCheck(lab: Lab): TaskDefinitionBuilder<true> {
  const image = `${lab.images?.invsys ?? lab.names.invsysRepository}:latest`;
  return labTask(lab, lab.names.invsysFamily).container(
    labContainer('invsys', image, lab.names.invsysPort, '/health/live')
      .environment({ FLASK_ENV: 'production' })
      .logConfiguration(awsLogs({ group: lab.names.invsysLogGroup, region: lab.region, streamPrefix: 'ecs', createGroup: true })),
  );
}

/** The lab's 7.4 target-group health check. */
export const GATEWAY_HEALTH_CHECK = { path: '/health/ready', intervalSeconds: 15, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 3 } as const;

/** Task ARNs of a service's tasks with the given desired status. */
async function serviceTasks(lab: Lab, service: string) {
  const list = await lab.clients.ecs.send(new ListTasksCommand({ cluster: lab.names.cluster, serviceName: service, desiredStatus: 'RUNNING' }));
  const arns = list.taskArns ?? [];
  if (arns.length === 0) return [];
  return (await lab.clients.ecs.send(new DescribeTasksCommand({ cluster: lab.names.cluster, tasks: arns }))).tasks ?? [];
}

const shortId = (arn: string | undefined) => (arn ?? '').split('/').at(-1) ?? '';

/**
 * Task 7: container health check (7.3), target-group health check (7.4),
 * a stopped task replaced by ECS (7.5). Idempotent: the revision is
 * registered only when it differs from the latest, the deployment only when
 * the service runs something else.
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
    'Task 7.5: stop one invsys task and watch ECS replace it',
    async () => {
      const before = await serviceTasks(lab, names.invsysService);
      const victim = before.find((t) => t.lastStatus === 'RUNNING') ?? before[0];
      if (!victim?.taskArn) throw new Error(`${names.invsysService} has no running task to stop`);
      const beforeArns = new Set(before.map((t) => t.taskArn));
      await clients.ecs.send(new StopTaskCommand({ cluster: names.cluster, task: victim.taskArn, reason: 'Testing health check recovery' }));
      report.note(`stopped task ${shortId(victim.taskArn).slice(0, 12)} (reason: Testing health check recovery)`);
      // ECS notices the missing task and starts a replacement; wait for a new RUNNING task, then steady state.
      const replaced = await poll({
        observe: () => serviceTasks(lab, names.invsysService),
        accept: (tasks) => {
          const fresh = tasks.find((t) => !beforeArns.has(t.taskArn) && t.lastStatus === 'RUNNING');
          return fresh ? { state: 'done', value: fresh } : { state: 'pending', reason: 'no replacement task RUNNING yet' };
        },
        intervalSeconds: lab.wait.intervalSeconds,
        timeoutSeconds: lab.wait.timeoutSeconds,
        signal: lab.signal,
      });
      if (replaced.state !== 'done') throw new Error(`ECS did not start a replacement task: ${replaced.state} (${replaced.reason ?? ''})`);
      const rows = await watchCounts(lab, names.invsysService, (c) => c.running === c.desired && c.pending === 0, 'back to the desired count');
      // The stopped task drains (SIGTERM, in-flight requests finish) before it reaches STOPPED with an exit code.
      await waitForTasksStopped(clients, { cluster: names.cluster, tasks: [victim.taskArn] }, { ...lab.wait, signal: lab.signal });
      const stopped = (await clients.ecs.send(new DescribeTasksCommand({ cluster: names.cluster, tasks: [victim.taskArn] }))).tasks?.[0];
      const exitCode = stopped?.containers?.[0]?.exitCode ?? null;
      report.note(`stopped task: ${stopped?.lastStatus}, reason "${stopped?.stoppedReason ?? ''}", stop code ${stopped?.stopCode ?? '-'}, exit code ${exitCode ?? '-'}`);
      report.note(`replacement task ${shortId(replaced.value.taskArn).slice(0, 12)} RUNNING (container health ${replaced.value.containers?.[0]?.healthStatus ?? 'UNKNOWN'})`);
      // Cloud Map follows the task lifecycle: the stopped task's A record goes, the new one's comes.
      let discoveryInstances = -1;
      const discoveryId = lab.invsysDiscoveryArn?.split('/').at(-1);
      if (discoveryId) {
        const registered = await poll({
          observe: () => clients.serviceDiscovery.send(new ListInstancesCommand({ ServiceId: discoveryId })),
          accept: (out) => {
            const ids = (out.Instances ?? []).map((i) => i.Id ?? '');
            return ids.length === rows.at(-1)?.desired && !ids.includes(shortId(victim.taskArn)) ? { state: 'done', value: ids.length } : { state: 'pending' };
          },
          intervalSeconds: lab.wait.intervalSeconds,
          timeoutSeconds: lab.wait.timeoutSeconds,
          signal: lab.signal,
        });
        discoveryInstances = registered.state === 'done' ? (registered.value ?? -1) : -1;
        report.note(registered.state === 'done' ? `Cloud Map invsys.${names.namespace}: ${registered.value} instances, the stopped task deregistered` : 'Cloud Map did not settle in time');
      }
      // Clients may still hold the stopped task's address for the record's TTL: retry briefly, and say so.
      const statuses: number[] = [];
      await poll({
        observe: async () => {
          const response = await fetch(`${lab.albUrl}/items`, { signal: lab.signal });
          await response.arrayBuffer();
          statuses.push(response.status);
          return response.status;
        },
        accept: (status) => (status === 200 ? { state: 'done', value: status } : { state: 'pending', reason: `GET /items → ${status}` }),
        intervalSeconds: lab.wait.intervalSeconds,
        timeoutSeconds: lab.target.timeScale >= 1 ? 120 : 10,
        signal: lab.signal,
      });
      const items = { status: statuses.at(-1) ?? 0 };
      report.note(
        items.status === 200
          ? `GET ${lab.albUrl}/items through the ALB → 200 (gateway → invsys.${names.namespace}:5000 answers${statuses.length > 1 ? `; first ${statuses.slice(0, -1).join(', ')} while the stopped task's DNS record expired` : ''})`
          : `GET ${lab.albUrl}/items through the ALB → ${statuses.join(', ')}: invsys did not answer 200 in time`,
      );
      const last = rows.at(-1);
      return {
        stoppedTask: shortId(victim.taskArn),
        stoppedReason: stopped?.stoppedReason ?? '',
        exitCode,
        replacementTask: shortId(replaced.value.taskArn),
        runningAfter: last?.running ?? 0,
        desired: last?.desired ?? 0,
        discoveryInstances,
        itemsStatus: items.status,
      };
    },
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

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/07-health-checks.ts — lab Task 7: container and target-group health checks, a stopped task replaced',
      description: 'Runs Tasks 1–4 first when their resources are missing (idempotent).',
    },
    async (lab) => {
      await runTasks1to4(lab);
      await run(lab);
    },
  );
}
