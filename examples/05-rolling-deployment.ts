#!/usr/bin/env -S npx tsx
/**
 * Lab Task 5 (Updating Application - Rolling Deployments): registers invsys
 * v2.0.0 (5.3: image tag `v2.0.0`, `APP_VERSION=2.0.0`), rolls
 * `invsys-service` out to it (5.4) while the live Deployments table of the
 * lab is drawn, verifies the new version (5.5), then rolls back (5.6) and
 * verifies the previous version answers again. Requests keep flowing
 * through the ALB during both rollouts, and the failures (if any) are
 * counted: "zero downtime" is measured, not assumed.
 *
 * What it fixes from ERRATA / the guide:
 * - 5.4: `watch … describe-services` becomes `waitForDeployment` following
 *   the one deployment UpdateService created, with the same table.
 * - 5.5: "test through the gateway if exposed" — the gateway does not expose
 *   invsys's `/version`. On the local cloud each new task is asked directly
 *   at its ENI address from DescribeTasks; on AWS (private addresses) the
 *   running tasks' task definition (image tag, APP_VERSION) and the log
 *   group are checked instead.
 * - 5.6: `rollback()` goes back to the task definition of the last
 *   *completed* deployment rather than a hard-coded `:1`.
 * - 5.3 drops `awslogs-create-group` and `PYTHONUNBUFFERED`: reproduced as
 *   written (harmless, the group exists since revision 1).
 *
 * After the rollback the service stays on the previous version, as the lab
 * leaves it; Task 7 registers its own invsys revision and does not need v2.
 *
 * Run: `npx tsx examples/05-rolling-deployment.ts [--target aws|local] [--json]`
 */
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { awsLogs, type DeploymentOutcome } from 'ecskit';
import { isMain, runScript, type Lab } from './01-core-concepts.ts';
import { invsysTask, labContainer, registerOnce } from './02-task-definitions.ts';
import { runningTaskAddresses } from './03-invsys-service.ts';
import { albRequest, runTasks1to4 } from './04-gateway-service.ts';
import { pushLabImage } from './lab-images.ts';

/** The version the lab rolls out. */
export const V2 = '2.0.0';

/** Lab 5.3: invsys v2.0.0 (image tag `v2.0.0`, `APP_VERSION`, container health check on `/version`). */
export function invsysV2TaskDefinition(lab: Lab) {
  if (!lab.images) throw new Error('Task 1 (examples/01-core-concepts.ts) must run first: it finds the images');
  return invsysTask(
    lab,
    labContainer('invsys', `${lab.images.invsys}:v${V2}`, lab.names.invsysPort, '/version')
      .environment({ FLASK_ENV: 'production', APP_VERSION: V2 })
      .logConfiguration(awsLogs({ group: lab.names.invsysLogGroup, region: lab.region, streamPrefix: 'ecs' })),
  );
}

/** The version each RUNNING invsys task reports (local: `GET /version` at its ENI address; AWS: its task definition's APP_VERSION). */
export async function invsysVersions(lab: Lab): Promise<{ task: string; taskDefinition: string; version: string; source: string }[]> {
  const tasks = await runningTaskAddresses(lab, lab.names.invsysService);
  const out: { task: string; taskDefinition: string; version: string; source: string }[] = [];
  for (const t of tasks) {
    const taskDefinition = t.taskDefinitionArn.split('/').pop() ?? t.taskDefinitionArn;
    const task = t.taskArn.split('/').pop() ?? t.taskArn;
    if (lab.target.kind === 'local') {
      const res = await fetch(`http://${t.address}:${lab.names.invsysPort}/version`, { signal: AbortSignal.timeout(5000) });
      const body = (await res.json()) as { version?: string };
      out.push({ task, taskDefinition, version: body.version ?? '', source: `GET http://${t.address}:${lab.names.invsysPort}/version → ${res.status}` });
    } else {
      const { taskDefinition: td } = await lab.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: t.taskDefinitionArn }));
      const c = td?.containerDefinitions?.[0];
      const version = c?.environment?.find((e) => e.name === 'APP_VERSION')?.value ?? `(image ${c?.image?.split(':').pop() ?? '?'})`;
      out.push({ task, taskDefinition, version, source: `task definition ${taskDefinition} (${c?.image})` });
    }
  }
  return out;
}

/** Sends GET /items through the ALB until stopped; counts answers and failures (the "zero downtime" claim, measured). */
function trafficDuring(lab: Lab): { stop(): Promise<{ requests: number; failures: number; statuses: Record<string, number> }> } {
  let running = true;
  const statuses: Record<string, number> = {};
  let requests = 0;
  let failures = 0;
  const loop = (async () => {
    while (running && !lab.signal.aborted) {
      requests += 1;
      try {
        const r = await albRequest(lab, '/items');
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status !== 200) failures += 1;
      } catch (error) {
        failures += 1;
        const key = (error as Error).name;
        statuses[key] = (statuses[key] ?? 0) + 1;
      }
      await new Promise((resolve) => setTimeout(resolve, lab.target.timeScale < 1 ? 20 : 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { requests, failures, statuses };
    },
  };
}

/** What Task 5 reports. */
export interface RollingDeploymentResult {
  readonly task: 5;
  /** The version before the update (what the rollback must bring back). */
  readonly previousVersion: string;
  readonly previousTaskDefinition: string;
  readonly v2TaskDefinition: string;
  readonly v2Created: boolean;
  readonly rollout: { readonly deploymentId: string; readonly outcome: string; readonly seconds: number; readonly versions: readonly string[] };
  /** Most tasks seen at once during the rollout (the 200 % maximum lets new tasks start before old ones stop). */
  readonly peakRunning: number;
  readonly rollback: { readonly deploymentId: string; readonly outcome: string; readonly taskDefinition: string; readonly versions: readonly string[] };
  /** Requests through the ALB during both rollouts, and how many did not answer 200. */
  readonly traffic: { readonly requests: number; readonly failures: number; readonly statuses: Readonly<Record<string, number>> };
  /** Where the versions were read (ENI addresses on the local cloud, task definitions on AWS). */
  readonly versionSource: 'task ENI /version' | 'task definition';
}

/** Task 5: v2.0.0 rolled out, verified, rolled back, verified. */
export async function run(lab: Lab): Promise<RollingDeploymentResult> {
  const { report, ops, names } = lab;
  if (!lab.albUrl) throw new Error('Task 4 (examples/04-gateway-service.ts) must run first');

  const before = await report.step('Task 5.1: version running now', () => invsysVersions(lab), (r) => r);
  const previousVersion = before[0]?.version ?? '';
  const previousTaskDefinition = before[0]?.taskDefinition ?? '';
  for (const v of before) report.note(`${v.task} ${v.taskDefinition} → version ${v.version}`);

  if (lab.buildImages) {
    await report.step(`Task 5.2: build and push invsys v${V2} (APP_VERSION baked in at build time)`, () => pushLabImage(lab, 'invsys', `v${V2}`, V2), (r) =>
      r ? { imageUri: r.imageUri, digest: r.digest, pushed: r.pushed, built: r.built.changed } : { skipped: true },
    );
  }
  const v2 = await report.step('Task 5.3: register invsys v2.0.0 (image tag v2.0.0, APP_VERSION=2.0.0)', () => registerOnce(lab, invsysV2TaskDefinition(lab)), (r) => r);
  lab.taskDefinitions.invsysV2 = v2.arn;

  const traffic = trafficDuring(lab);
  let peakRunning = 0;
  let rolloutOutcome: DeploymentOutcome & { outcome: 'completed' };
  let rollout: { deploymentId: string };
  try {
    rollout = await report.step(
      'Task 5.4: update invsys-service to v2.0.0 (rolling, force new deployment)',
      () => ops.deploy({ cluster: names.cluster, service: names.invsysService, taskDefinition: v2.familyRevision, forceNewDeployment: true }),
      (r) => ({ deploymentId: r.deploymentId, taskDefinition: r.taskDefinition }),
    );
    rolloutOutcome = await report.step(
      'Task 5.4: follow the rolling deployment',
      async () => {
        const sampler = setInterval(() => {
          runningTaskAddresses(lab, names.invsysService).then((t) => (peakRunning = Math.max(peakRunning, t.length)), () => {});
        }, lab.wait.intervalSeconds * 1000);
        try {
          return await lab.followDeployment(names.invsysService, rollout.deploymentId);
        } finally {
          clearInterval(sampler);
        }
      },
      (o) => ({ outcome: o.outcome, taskDefinition: o.taskDefinition, runningCount: o.runningCount, seconds: o.elapsedSeconds }),
    );
  } catch (error) {
    await traffic.stop();
    throw error;
  }

  const after = await report.step(
    'Task 5.5: verify every invsys task answers version 2.0.0',
    async () => {
      const versions = await invsysVersions(lab);
      for (const v of versions) report.note(`${v.task} ${v.taskDefinition} → version ${v.version} (${v.source})`);
      if (versions.length === 0 || versions.some((v) => v.version !== V2)) {
        throw new Error(`expected every running invsys task at ${V2}, got: ${versions.map((v) => v.version).join(', ') || 'no tasks'}`);
      }
      return versions;
    },
    (r) => r.map((v) => v.version),
  );

  let back: { deploymentId: string; taskDefinition: string };
  let backOutcome: DeploymentOutcome & { outcome: 'completed' };
  let trafficResult: Awaited<ReturnType<ReturnType<typeof trafficDuring>['stop']>>;
  try {
    back = await report.step(
      'Task 5.6: roll back to the previous completed deployment',
      () => ops.rollback({ cluster: names.cluster, service: names.invsysService }),
      (r) => ({ deploymentId: r.deploymentId, taskDefinition: r.taskDefinition }),
    );
    backOutcome = await report.step(
      'Task 5.6: follow the rollback',
      () => lab.followDeployment(names.invsysService, back.deploymentId),
      (o) => ({ outcome: o.outcome, taskDefinition: o.taskDefinition, runningCount: o.runningCount, seconds: o.elapsedSeconds }),
    );
  } finally {
    trafficResult = await traffic.stop();
  }
  report.note(`requests through the ALB during both rollouts: ${trafficResult.requests}, not 200: ${trafficResult.failures} ${JSON.stringify(trafficResult.statuses)}`);

  const restored = await report.step(
    'Task 5.6: verify the previous version answers again',
    async () => {
      const versions = await invsysVersions(lab);
      for (const v of versions) report.note(`${v.task} ${v.taskDefinition} → version ${v.version}`);
      if (versions.length === 0 || versions.some((v) => v.version !== previousVersion)) {
        throw new Error(`expected every running invsys task back at ${previousVersion}, got: ${versions.map((v) => v.version).join(', ') || 'no tasks'}`);
      }
      return versions;
    },
    (r) => r.map((v) => v.version),
  );

  return report.step(
    'Task 5: summary',
    async () => {
      const result: RollingDeploymentResult = {
        task: 5,
        previousVersion,
        previousTaskDefinition,
        v2TaskDefinition: v2.familyRevision,
        v2Created: v2.created,
        rollout: { deploymentId: rollout.deploymentId, outcome: rolloutOutcome.outcome, seconds: rolloutOutcome.elapsedSeconds, versions: after.map((v) => v.version) },
        peakRunning,
        rollback: { deploymentId: back.deploymentId, outcome: backOutcome.outcome, taskDefinition: back.taskDefinition.split('/').pop() ?? back.taskDefinition, versions: restored.map((v) => v.version) },
        traffic: trafficResult,
        versionSource: lab.target.kind === 'local' ? 'task ENI /version' : 'task definition',
      };
      return result;
    },
    (r) => r,
  );
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/05-rolling-deployment.ts — lab Task 5: rolling update to v2.0.0, verify, roll back',
      description: 'Runs Tasks 1–4 first (idempotent), then registers invsys v2.0.0, rolls it out, verifies /version, rolls back and verifies again.',
    },
    async (lab) => {
      await runTasks1to4(lab);
      await run(lab);
    },
  );
}
