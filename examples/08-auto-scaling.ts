#!/usr/bin/env -S npx tsx
/**
 * Lab Task 8 (Working with Service Auto Scaling): the gateway registered as
 * a scalable target 2–4 with `ecsAutoscaleRole` (8.1), target tracking on
 * 70 % CPU (8.2) and on 1000 ALB requests per target (8.3), load through the
 * ALB showing the scale-out activities (8.4), then the load stopped and the
 * scale-in shown (8.5, DescribeScalingActivities with their causes).
 *
 * What it fixes from ERRATA:
 * - 8.3: the guide builds `ResourceLabel` with `cut -d: -f6`, which AWS
 *   rejects (`ValidationException`); `albResourceLabel(albArn, tgArn)` builds
 *   `app/NAME/ID/targetgroup/NAME/ID` and validates it.
 * - 8.4: the guide's 5-minute `curl` loop is replaced by autocannon with a
 *   bound on time and requests (`--load-seconds`, default 20 on the local
 *   cloud, 300 on AWS). On the local cloud every cooldown and alarm period
 *   runs at the time scale; scale-in is watched for a bounded time and
 *   reported honestly when it has not happened yet.
 *
 * Run: `npx tsx examples/08-auto-scaling.ts [--load-seconds 20] [--target aws|local] [--json]`
 */
import {
  DescribeScalableTargetsCommand,
  DescribeScalingActivitiesCommand,
  DescribeScalingPoliciesCommand,
  type ScalingActivity,
} from '@aws-sdk/client-application-auto-scaling';
import autocannon from 'autocannon';
import { albResourceLabel, poll, scalableTarget, targetTrackingPolicy } from 'ecskit';
import { isMain, runScript, type Lab } from './01-core-concepts.ts';
import { runTasks1to4 } from './04-gateway-service.ts';
import { countsRow, serviceCounts, type ServiceCounts } from './06-scaling.ts';

/** One scaling activity as the lab's 8.4 expected output shows it. */
export interface ActivitySummary {
  readonly startTime: string;
  readonly cause: string;
  readonly status: string;
  readonly description: string;
}

/** What Task 8 reports. */
export interface AutoScalingResult {
  readonly task: 8;
  /** The scalable target as described after 8.1. */
  readonly scalableTarget: { readonly resourceId: string; readonly min: number; readonly max: number; readonly roleArn: string };
  /** The policies after 8.2/8.3 (name → metric type). */
  readonly policies: Readonly<Record<string, string>>;
  /** The ALB resource label of 8.3 (ERRATA 8.3). */
  readonly resourceLabel: string;
  /** The load of 8.4. */
  readonly load: { readonly seconds: number; readonly requests: number; readonly non2xx: number; readonly requestsPerSecond: number };
  /** Highest desired count seen under load. */
  readonly peakDesired: number;
  /** Whether the desired count went above 2 under load. */
  readonly scaledOut: boolean;
  /** Whether it came back to 2 after the load, within the bound. */
  readonly scaledIn: boolean;
  /** Desired count at the end. */
  readonly finalDesired: number;
  /** Scaling activities of this run, oldest first (8.5). */
  readonly activities: readonly ActivitySummary[];
}

const resourceIdOf = (lab: Lab) => `service/${lab.names.cluster}/${lab.names.gatewayService}`;

/** The scalable target of 8.1: gateway-service, 2–4 tasks, `ecsAutoscaleRole`. */
export function gatewayScalableTarget(lab: Lab) {
  return scalableTarget()
    .service(lab.names.cluster, lab.names.gatewayService)
    .minCapacity(2)
    .maxCapacity(4)
    .roleArn(`arn:aws:iam::${lab.accountId ?? '123456789012'}:role/ecsAutoscaleRole`);
}

/** The CPU policy of 8.2: 70 %, scale-in cooldown 300 s, scale-out cooldown 60 s. */
export function cpuPolicy(lab: Lab) {
  return targetTrackingPolicy(lab.names.cpuPolicy)
    .service(lab.names.cluster, lab.names.gatewayService)
    .predefinedMetric('ECSServiceAverageCPUUtilization')
    .targetValue(70)
    .scaleInCooldownSeconds(300)
    .scaleOutCooldownSeconds(60);
}

/** The request-count policy of 8.3: 1000 requests per target, with the label from the two ARNs (ERRATA 8.3). */
export function requestPolicy(lab: Lab, loadBalancerArn: string, targetGroupArn: string) {
  return targetTrackingPolicy(lab.names.requestPolicy)
    .service(lab.names.cluster, lab.names.gatewayService)
    .predefinedMetric('ALBRequestCountPerTarget', albResourceLabel(loadBalancerArn, targetGroupArn))
    .targetValue(1000)
    .scaleInCooldownSeconds(300)
    .scaleOutCooldownSeconds(60);
}

async function activitiesSince(lab: Lab, since: number): Promise<ActivitySummary[]> {
  const out = await lab.clients.autoScaling.send(new DescribeScalingActivitiesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceIdOf(lab), MaxResults: 50 }));
  return (out.ScalingActivities ?? [])
    .filter((a: ScalingActivity) => (a.StartTime?.getTime() ?? 0) >= since - 1000)
    .sort((a, b) => (a.StartTime?.getTime() ?? 0) - (b.StartTime?.getTime() ?? 0))
    .map((a) => ({ startTime: a.StartTime?.toISOString() ?? '', cause: a.Cause ?? '', status: a.StatusCode ?? '', description: a.Description ?? '' }));
}

/**
 * Task 8: scalable target, both target-tracking policies, load, scale-out,
 * scale-in. Idempotent: registering and putting policies are upserts.
 */
export async function run(lab: Lab, options: { readonly loadSeconds?: number; readonly scaleInSeconds?: number } = {}): Promise<AutoScalingResult> {
  const { report, ops, names, clients } = lab;
  const { albUrl, loadBalancerArn, gatewayTargetGroupArn: targetGroupArn } = lab;
  if (!albUrl || !loadBalancerArn || !targetGroupArn) throw new Error('Task 8 needs the ALB and gateway-tg from Task 4 (lab.albUrl, lab.loadBalancerArn, lab.gatewayTargetGroupArn)');
  // A faster local cloud (in this process or an `ecskit local` behind
  // AWS_ENDPOINT_URL) reaches the same alarms with a shorter load.
  const fast = lab.target.timeScale < 1;
  const loadSeconds = options.loadSeconds ?? (fast ? 20 : 300);
  const scaleInSeconds = options.scaleInSeconds ?? (fast ? 45 : 900);
  const resourceId = resourceIdOf(lab);

  const target = await report.step(
    'Task 8.1: register gateway-service as a scalable target (2–4)',
    async () => {
      await ops.registerScalableTarget(gatewayScalableTarget(lab));
      const out = await clients.autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] }));
      const t = out.ScalableTargets?.[0];
      const r = { resourceId: t?.ResourceId ?? '', min: t?.MinCapacity ?? 0, max: t?.MaxCapacity ?? 0, roleArn: t?.RoleARN ?? '' };
      report.note(`${r.resourceId}: ${r.min}–${r.max} tasks, role ${r.roleArn}`);
      return r;
    },
    (r) => ({ task: 8, step: '8.1', ...r }),
  );

  const resourceLabel = albResourceLabel(loadBalancerArn, targetGroupArn);
  const policies = await report.step(
    'Task 8.2–8.3: target tracking on 70 % CPU and 1000 requests per target',
    async () => {
      await ops.putScalingPolicy(cpuPolicy(lab));
      await ops.putScalingPolicy(requestPolicy(lab, loadBalancerArn, targetGroupArn));
      report.note(`ALBRequestCountPerTarget ResourceLabel: ${resourceLabel} (ERRATA 8.3)`);
      const out = await clients.autoScaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }));
      const byName: Record<string, string> = {};
      for (const p of out.ScalingPolicies ?? []) {
        const c = p.TargetTrackingScalingPolicyConfiguration;
        byName[p.PolicyName ?? ''] = c?.PredefinedMetricSpecification?.PredefinedMetricType ?? p.PolicyType ?? '';
        report.note(`${p.PolicyName}: ${byName[p.PolicyName ?? '']} → ${c?.TargetValue}, alarms ${(p.Alarms ?? []).map((a) => a.AlarmName).join(', ')}`);
      }
      return byName;
    },
    (r) => ({ task: 8, step: '8.2-8.3', policies: r, resourceLabel }),
  );

  const started = Date.now();
  const seen: ServiceCounts[] = [];
  const noteCounts = async () => {
    const c = await serviceCounts(lab, names.gatewayService);
    const last = seen.at(-1);
    if (!last || last.desired !== c.desired || last.running !== c.running) {
      seen.push(c);
      report.note(countsRow(names.gatewayService, c));
    }
    return c;
  };
  const noted = new Set<string>();
  const noteActivities = async () => {
    for (const a of await activitiesSince(lab, started)) {
      const key = `${a.startTime}|${a.description}|${a.status}`;
      if (noted.has(key)) continue;
      noted.add(key);
      report.note(`scaling activity ${a.startTime}: ${a.description} — ${a.status}`);
      report.note(`  cause: ${a.cause}`);
    }
  };

  const load = await report.step(
    `Task 8.4: load through the ALB for ${loadSeconds} s, watch the scale-out`,
    async () => {
      await noteCounts();
      const watcher = setInterval(() => void noteCounts().then(noteActivities).catch(() => {}), fast ? 1000 : 10_000);
      try {
        // Bounded by time (autocannon ignores `duration` when `amount` is set) and stopped on Ctrl-C.
        const result = await new Promise<autocannon.Result>((resolve, reject) => {
          const instance = autocannon({ url: `${albUrl}/items`, connections: fast ? 8 : 10, duration: loadSeconds, timeout: 10 }, (error, r) =>
            error ? reject(error) : resolve(r),
          );
          lab.signal.addEventListener('abort', () => instance.stop(), { once: true });
        });
        return { seconds: loadSeconds, requests: result.requests.total, non2xx: result.non2xx + result.errors, requestsPerSecond: Math.round(result.requests.average) };
      } finally {
        clearInterval(watcher);
        await noteCounts();
        await noteActivities();
      }
    },
    (r) => ({ task: 8, step: '8.4', ...r, peakDesired: Math.max(...seen.map((c) => c.desired)) }),
  );
  report.note(`autocannon: ${load.requests} requests (${load.requestsPerSecond}/s), ${load.non2xx} not 2xx`);
  const peakDesired = Math.max(...seen.map((c) => c.desired));
  const scaledOut = peakDesired > 2;
  if (!scaledOut) report.note('the desired count stayed at 2: the load did not push CPU above 70 % or requests above 1000 per target per minute for long enough');

  const scaleIn = await report.step(
    `Task 8.5: load stopped, watch the scale-in (up to ${scaleInSeconds} s)`,
    async () => {
      // A trickle of traffic, as a real service has: the ALB publishes
      // RequestCountPerTarget only for periods with requests, and with no
      // datapoints the request policy's low alarm has INSUFFICIENT_DATA — with
      // two target-tracking policies AWS scales in only when both agree.
      const trickle = autocannon({ url: `${albUrl}/items`, connections: 1, overallRate: fast ? 20 : 2, duration: scaleInSeconds, timeout: 10 }, () => {});
      report.note(`a trickle of ${fast ? 20 : 2} requests/s keeps both policies' metrics reporting`);
      let scaledIn = false;
      try {
        const result = await poll({
          observe: async () => {
            const c = await noteCounts();
            await noteActivities();
            return c;
          },
          accept: (c) => (c.desired <= 2 && c.running === c.desired ? { state: 'done', value: c } : { state: 'pending', reason: `desired ${c.desired}` }),
          intervalSeconds: fast ? 1 : 15,
          timeoutSeconds: scaleInSeconds,
          signal: lab.signal,
        });
        scaledIn = result.state === 'done' && scaledOut;
        if (result.state !== 'done') {
          report.note(
            `no scale-in within ${scaleInSeconds} s: target tracking scales in only after 15 low datapoints of both policies and the 300 s scale-in cooldown (time-scaled on the local cloud)`,
          );
        }
      } finally {
        trickle.stop();
      }
      const final = await serviceCounts(lab, names.gatewayService);
      const activities = await activitiesSince(lab, started);
      report.note('| StartTime                | Status     | Description');
      for (const a of activities) report.note(`| ${a.startTime.padEnd(24)} | ${a.status.padEnd(10)} | ${a.description}`);
      return { scaledIn, finalDesired: final.desired, activities };
    },
    (r) => ({ task: 8, step: '8.5', scaledOut, ...r }),
  );

  return {
    task: 8,
    scalableTarget: target,
    policies,
    resourceLabel,
    load,
    peakDesired,
    scaledOut,
    scaledIn: scaleIn.scaledIn,
    finalDesired: scaleIn.finalDesired,
    activities: scaleIn.activities,
  };
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/08-auto-scaling.ts — lab Task 8: scalable target, CPU and request-count target tracking, load, scale-out and scale-in',
      description: 'Runs Tasks 1–4 first when their resources are missing (idempotent). The load is bounded by --load-seconds.',
      options: {
        'load-seconds': { type: 'string', help: 'seconds of load through the ALB (default 20 on the local cloud, 300 on AWS)' },
        'scale-in-seconds': { type: 'string', help: 'seconds to watch for the scale-in after the load (default 45 local, 900 AWS)' },
      },
    },
    async (lab) => {
      const seconds = (flag: string) => {
        const raw = lab.flags.extra[flag];
        if (raw === undefined) return undefined;
        const n = Number(raw);
        if (!(Number.isFinite(n) && n > 0 && n <= 3600)) throw new Error(`--${flag} must be a number of seconds between 1 and 3600, got: ${JSON.stringify(raw)}`);
        return n;
      };
      const loadSeconds = seconds('load-seconds');
      const scaleInSeconds = seconds('scale-in-seconds');
      await runTasks1to4(lab);
      await run(lab, { ...(loadSeconds !== undefined && { loadSeconds }), ...(scaleInSeconds !== undefined && { scaleInSeconds }) });
    },
  );
}
