#!/usr/bin/env -S npx tsx
/**
 * Lab "Lab Environment Setup" + Task 1 (Understanding ECS Core Concepts).
 *
 * Checks the prerequisites the lab checks with the AWS CLI — who we are
 * (account, region), the cluster (created when missing, tagged with the
 * stack), the previous guide's two image repositories, three IAM roles and
 * the container instances' instance profile (created when missing, as a new
 * account has none), the EC2 container instances — and prints the concept overview of
 * Task 1 with live data: the cluster, its capacity, and the network mode of
 * each service the lab deploys.
 *
 * What it fixes from ERRATA: Task 1.3 says the lab uses `bridge` *and*
 * `awsvpc`; in fact both services must be `awsvpc` (ERRATA 2.1 + 3.4), and
 * the overview says so.
 *
 * This file also exports the shared lab harness every other script uses:
 * {@link Lab}, {@link NAMES}, {@link runScript} and {@link isMain}.
 *
 * Run: `npx tsx examples/01-core-concepts.ts [--target aws|local] [--json]`
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  confirmTarget,
  createReporter,
  describeTarget,
  ignoredEnvNote,
  jsonRenderer,
  openTarget,
  operations,
  parseScriptFlags,
  StepError,
  tableRenderer,
  TargetError,
  UsageError,
  waitUntilDeploymentCompleted,
  type Clients,
  type DeploymentOutcome,
  type OperationEvent,
  type Operations,
  type Reporter,
  type ScriptFlags,
  type ScriptUsage,
  type Target,
  targetLine,
  TargetNotConfirmedError,
  TimeScale,
} from 'ecskit';
import { ListContainerInstancesCommand, DescribeContainerInstancesCommand } from '@aws-sdk/client-ecs';
import { capacityStep } from './lab-capacity.ts';
import { pushLabImage } from './lab-images.ts';
import { ensurePrerequisites } from './lab-prerequisites.ts';

// ---------------------------------------------------------------------------
// The shared lab harness

/** The lab's names, as the guide spells them. */
export const NAMES = {
  /** Every resource the scripts create is tagged `ecskit:stack=flask-inventory-lab`. */
  stack: 'flask-inventory-lab',
  cluster: 'flask-inventory-cluster',
  invsysService: 'invsys-service',
  gatewayService: 'gateway-service',
  invsysFamily: 'flask-inventory-invsys',
  gatewayFamily: 'flask-inventory-gateway',
  /** Task definition families share this prefix (ERRATA 2.5: list families by prefix). */
  familyPrefix: 'flask-inventory',
  invsysRepository: 'flask-inventory/invsys',
  gatewayRepository: 'flask-inventory/gateway',
  invsysLogGroup: '/ecs/flask-inventory-invsys',
  gatewayLogGroup: '/ecs/flask-inventory-gateway',
  namespace: 'local',
  invsysDiscovery: 'invsys',
  invsysTargetGroup: 'invsys-tg',
  gatewayTargetGroup: 'gateway-tg',
  loadBalancer: 'flask-inventory-alb',
  securityGroup: 'flask-inventory-ecs-sg',
  dashboard: 'FlaskInventoryMonitoring',
  highCpuAlarm: 'ecs-gateway-high-cpu',
  taskFailuresAlarm: 'ecs-gateway-task-failures',
  cpuPolicy: 'gateway-cpu-scaling',
  requestPolicy: 'gateway-request-scaling',
  invsysPort: 5000,
  gatewayPort: 5001,
} as const;

/** The lab's names (see {@link NAMES}). */
export type LabNames = typeof NAMES;

/**
 * Everything a lab script shares: the target, the bound operations, the
 * reporter, the flags, the names, and the resources found or created so far
 * (each task fills the fields it owns, so later tasks can use them).
 */
export interface Lab {
  /** Where the calls go (AWS or the in-process local cloud). */
  readonly target: Target;
  /** The SDK clients (`target.clients`). */
  readonly clients: Clients;
  /** Every operation bound to the stack `flask-inventory-lab`; each action is reported as a note. */
  readonly ops: Operations;
  /** Step-by-step output (text, or JSON lines with `--json`). */
  readonly report: Reporter;
  /** The parsed flags. */
  readonly flags: ScriptFlags;
  /** The lab's names. */
  readonly names: LabNames;
  /** The region. */
  readonly region: string;
  /** Aborted on Ctrl-C: waiters stop, the script exits and says how to clean up. */
  readonly signal: AbortSignal;
  /** Waiter settings for this target: generous timeouts in AWS seconds, scaled polling on the local cloud. */
  readonly wait: { readonly timeoutSeconds: number; readonly intervalSeconds: number; readonly stalledAfterSeconds: number };
  /** What this run created (`{ action: 'created', kind: 'cluster', name: 'flask-inventory-cluster' }`, …), the operations' events. */
  readonly created: OperationEvent[];
  /** What this run put (created or overwrote: scaling policies, alarms), the operations' events. */
  readonly put: OperationEvent[];
  /** What this run removed (`{ action: 'removed', kind: 'service', name: 'invsys-service' }`, …), the cleanup's events. */
  readonly removed: OperationEvent[];
  /** Account id (from the cluster ARN). Set by Task 1. */
  accountId?: string;
  /**
   * Build the lab's images and push them to ECR (setup: `:latest`, Task 5.2: `:v2.0.0`):
   * on AWS (whenever a container engine answers, examples/lab-images.ts) and on a local
   * cloud whose driver runs containers (`--driver container`). Unset on a local cloud
   * with the process driver, whose built-in images serve the lab.
   */
  buildImages?: boolean;
  /** Image repositories without tag (ECR URIs on AWS; local image names on the local cloud). Set by Task 1. */
  images?: { invsys: string; gateway: string };
  /** Cluster ARN. Set by Task 1. */
  clusterArn?: string;
  /** Default VPC, its CIDR and subnets. Set by runScript on AWS, else by Task 3. */
  network?: { vpcId: string; cidrBlock: string; subnetIds: readonly string[] };
  /** `flask-inventory-ecs-sg`. Set by Task 3. */
  securityGroupId?: string;
  /** Task definition ARNs. Set by Task 2 (and Task 5 for `invsysV2`). */
  taskDefinitions: { invsys?: string; gateway?: string; invsysV2?: string; [name: string]: string | undefined };
  /** Cloud Map namespace `local`. Set by Task 3. */
  namespaceId?: string;
  /** Cloud Map service `invsys`. Set by Task 3. */
  invsysDiscoveryArn?: string;
  /** `invsys-tg`. Set by Task 3. */
  invsysTargetGroupArn?: string;
  /** `gateway-tg`. Set by Task 4. */
  gatewayTargetGroupArn?: string;
  /** `flask-inventory-alb`. Set by Task 4. */
  loadBalancerArn?: string;
  /** The ALB's DNS name. Set by Task 4. */
  albDnsName?: string;
  /** `http://<albDnsName>`. Set by Task 4. */
  albUrl?: string;
  /** The HTTP :80 listener. Set by Task 4. */
  listenerArn?: string;
  /** The gateway listener rule. Set by Task 4. */
  listenerRuleArn?: string;
  /** The last deployment id followed per service name. */
  deployments: Record<string, string>;
  /** Anything else a task wants to hand to a later one. */
  extra: Record<string, unknown>;
  /**
   * Follows one deployment to its outcome with the live table (TTY), plain
   * lines (CI) or JSON lines (`--json`); throws a `DeploymentError` unless
   * it completes.
   */
  followDeployment(service: string, deploymentId: string): Promise<DeploymentOutcome & { readonly outcome: 'completed' }>;
}

/**
 * Runs `import.meta.url`'s file only when it is the script being executed
 * (not when imported by `full-lab.ts`).
 */
export function isMain(url: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  // The scripts run as TypeScript sources (tsx). The installed package's
  // bundle (dist/lab.js, run by `ecskit lab`) holds every script in one file,
  // so there none of them is the main module: the CLI calls their functions.
  if (!/\.[cm]?tsx?$/.test(url)) return false;
  try {
    return realpathSync(fileURLToPath(url)) === realpathSync(entry);
  } catch {
    return false;
  }
}

/** What {@link runScript} returns to a caller (tests): the exit code it set. */
export type ScriptExit = 0 | 1 | 2 | 130;

/** Options of {@link createLab}. */
export interface CreateLabOptions {
  /** The open target (from `openTarget`). */
  readonly target: Target;
  /** The parsed flags (`parseScriptFlags`). */
  readonly flags: ScriptFlags;
  /** Where steps and notes go. */
  readonly report: Reporter;
  /** Aborts waits (Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Where the deployment progress (table, lines or JSON) goes. Default `process.stdout`. */
  readonly out?: { write(text: string): unknown; readonly isTTY?: boolean };
}

/**
 * Builds the {@link Lab} over an open target: operations bound to the stack
 * (each action reported as a note and remembered in `created`), waiter
 * settings for the target. `runScript` uses it; tests use it to run tasks
 * in-process.
 */
export function createLab(options: CreateLabOptions): Lab {
  const { target, flags, report } = options;
  const signal = options.signal ?? new AbortController().signal;
  const out = options.out ?? process.stdout;
  const created: OperationEvent[] = [];
  const put: OperationEvent[] = [];
  const removed: OperationEvent[] = [];
  const remembered: Partial<Record<OperationEvent['action'], OperationEvent[]>> = { created, put, removed };
  // 1 on AWS (and on an `ecskit local` at time scale 1); below 1 everything
  // runs 1/timeScale faster, on the in-process local cloud or a remote one.
  const time = new TimeScale(target.timeScale);
  const awsPace = time.isRealTime;
  // AWS's waiter timing (900 s, polls every 5 s, stalled after 600 s); on a
  // faster local cloud, scaled with headroom and real-time floors.
  const wait = time.waiterTiming({ timeoutSeconds: 900, intervalSeconds: 5, stalledAfterSeconds: 600 });
  const ops = operations(target.clients, {
    stack: NAMES.stack,
    ...(!awsPace && { pollIntervalSeconds: wait.intervalSeconds }),
    onEvent: (event) => remembered[event.action]?.push(event),
    log: (line) => report.note(line),
  });
  const lab: Lab = {
    target,
    clients: target.clients,
    ops,
    report,
    flags,
    names: NAMES,
    region: target.region,
    signal,
    wait,
    created,
    put,
    removed,
    ...((!target.emulated || target.driver === 'container') && { buildImages: true }),
    taskDefinitions: {},
    deployments: {},
    extra: {},
    followDeployment: async (service, deploymentId) => {
      lab.deployments[service] = deploymentId;
      const onEvent = flags.json ? jsonRenderer(out) : tableRenderer(out, { color: flags.color });
      return waitUntilDeploymentCompleted(target.clients, { cluster: NAMES.cluster, service, deploymentId }, { ...wait, signal, onEvent });
    },
  };
  return lab;
}

/**
 * How the commands the lab prints start its scripts: from a clone,
 * `npx tsx examples/cleanup.ts`; the installed package's `ecskit lab` sets
 * `npx ecskit lab cleanup` (src/cli/lab.ts), since it ships no `examples/`.
 */
export const LAB_COMMANDS: { cleanup: string } = { cleanup: 'npx tsx examples/cleanup.ts' };

/**
 * The exact command that removes the stack from `target`: the endpoint of a
 * local cloud (in this process or another) travels in `AWS_ENDPOINT_URL`;
 * AWS needs `--target aws`, with the region and profile this run used.
 */
export function cleanupCommand(target: Pick<Target, 'kind' | 'endpoint' | 'region' | 'emulated'>, env: NodeJS.ProcessEnv = process.env): string {
  const command = LAB_COMMANDS.cleanup;
  // An ecskit local cloud is found through AWS_ENDPOINT_URL alone (no --target aws).
  if (target.emulated && target.endpoint) return `AWS_ENDPOINT_URL=${target.endpoint} ${command}`;
  const profile = env.AWS_PROFILE ? `AWS_PROFILE=${env.AWS_PROFILE} ` : '';
  const endpoint = target.endpoint ? `AWS_ENDPOINT_URL=${target.endpoint} ` : '';
  return `${profile}${endpoint}AWS_REGION=${target.region} ${command} --target aws`;
}

/**
 * `{ count, byKind }` of the operations' events (or anything with a `kind`):
 * `task-definition` counts as `task definition`.
 */
export function countByKind(events: readonly { readonly kind: string }[]): { count: number; byKind: Record<string, number> } {
  const byKind: Record<string, number> = {};
  for (const { kind } of events) {
    const words = kind.replaceAll('-', ' ');
    byKind[words] = (byKind[words] ?? 0) + 1;
  }
  return { count: events.length, byKind };
}

/**
 * The standard `main` of a lab script: parses the shared flags (`--help`,
 * bad flags → exit 2), opens the target (the local cloud in-process unless
 * AWS is configured; on AWS refuses without credentials or a default VPC),
 * runs `body` with the {@link Lab}, prints the final summary (ALB URL, what
 * was created, total time), honours `--keep`, closes the target and sets the
 * exit code: 0, 1 naming the failed step and AWS's reason, 2 for bad flags,
 * 130 on Ctrl-C.
 */
export async function runScript(usage: ScriptUsage, body: (lab: Lab) => Promise<void>, argv: readonly string[] = process.argv.slice(2)): Promise<ScriptExit> {
  const exit = (code: ScriptExit) => {
    process.exitCode = code;
    return code;
  };
  let flags: ScriptFlags | undefined;
  try {
    flags = parseScriptFlags(usage, argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return exit(2);
    }
    throw error;
  }
  if (!flags) return exit(0);

  const report = createReporter({ json: flags.json, color: flags.color });
  const controller = new AbortController();
  const state = { interrupted: false };
  const onSignal = () => {
    if (state.interrupted) process.exit(130);
    state.interrupted = true;
    process.stderr.write(`\nInterrupted: stopping.${interruptedCleanup ? ` Remove what was created with: ${interruptedCleanup}` : ''}\n`);
    controller.abort(new Error('interrupted (Ctrl-C)'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // Set once the target is open: how to clean up after Ctrl-C (nothing to do for an in-process cloud, which stops with the script).
  let interruptedCleanup: string | undefined;
  let target: Target;
  try {
    target = await openTarget({
      target: flags.target,
      ...(flags.timeScale !== undefined && { timeScale: flags.timeScale }),
      ...(flags.driver !== undefined && { driver: flags.driver }),
    });
  } catch (error) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const message = error instanceof TargetError ? error.message : `could not open the target: ${(error as Error).message}`;
    report.summary(false, { failedStep: 'open target', error: message });
    if (!flags.json) process.stderr.write(`${message}\n`);
    return exit(1);
  }
  // Before the first call: where it goes, and for a real AWS account, a yes.
  const described = describeTarget(target);
  report.note(targetLine(described), described);
  const ignored = ignoredEnvNote(described);
  if (ignored) report.note(ignored);
  try {
    await confirmTarget(target, { yes: flags.yes === true });
  } catch (error) {
    await target.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!(error instanceof TargetNotConfirmedError)) throw error;
    report.summary(false, { failedStep: 'confirm target', error: error.message });
    if (!flags.json) process.stderr.write(`${error.message}\n`);
    return exit(1);
  }
  // A local cloud's load balancers are `*.elb.localhost` — in this process, or an
  // `ecskit local` reached through AWS_ENDPOINT_URL. Node asks the system
  // resolver, which (unlike curl and browsers) does not map `*.localhost` to
  // loopback as RFC 6761 says; this does, and touches no other name.
  const { installLocalhostResolution } = await import('ecskit/local');
  installLocalhostResolution();

  if (target.kind === 'aws') interruptedCleanup = cleanupCommand(target);
  const lab = createLab({ target, flags, report, signal: controller.signal });
  const { ops, created, put, removed } = lab;
  const { timeScale } = target;

  let ok = true;
  let failure: Record<string, unknown> = {};
  try {
    if (target.kind === 'aws') {
      // Refuse early and clearly: everything in the lab needs the default VPC (ERRATA 4.1).
      await report.step('Check the AWS account has a default VPC', async () => {
        const net = await ops.lookupDefaultNetwork();
        lab.network = { vpcId: net.vpcId, cidrBlock: net.cidrBlock, subnetIds: net.subnetIds };
        return net;
      }, (net) => ({ vpcId: net.vpcId, subnets: net.subnetIds.length }));
    }
    await body(lab);
  } catch (error) {
    ok = false;
    const step = error instanceof StepError ? error.step : 'script';
    const cause = error instanceof StepError ? error.cause : error;
    failure = { failedStep: step, error: (cause as Error)?.message ?? String(cause) };
    if (!(error instanceof StepError)) report.note(`✖ ${step}: ${failure.error}`);
  }

  const summary: Record<string, unknown> = {
    target:
      target.kind === 'local'
        ? `local cloud (${target.endpoint}, time scale ${timeScale})`
        : target.emulated
          ? `ecskit local at ${target.endpoint} (time scale ${timeScale}, through the AWS clients)`
          : `AWS ${target.region}`,
    // Counts, not lists: what this run created and removed, by kind (a pure cleanup shows only what it removed).
    ...((created.length > 0 || removed.length === 0) && { created: countByKind(created) }),
    // "Everything already existed" only when every step ran and changed nothing: a failed run may simply not have got there.
    ...(ok && created.length === 0 && put.length === 0 && removed.length === 0 && { unchanged: 'everything already existed' }),
    // Put = created or overwritten in place (scaling policies, alarms): AWS does not say which.
    ...(put.length > 0 && { put: countByKind(put) }),
    ...(removed.length > 0 && { removed: countByKind(removed) }),
    // The cleanup clears albUrl: a URL is shown only while it exists.
    ...(lab.albUrl && { albUrl: lab.albUrl }),
    ...failure,
    ...(state.interrupted && { interrupted: true, ...(interruptedCleanup && { cleanup: interruptedCleanup }) }),
  };
  if (ok && flags.keep) {
    summary.kept = true;
    summary.reach = lab.albUrl ? `curl ${lab.albUrl}/items` : `cluster ${NAMES.cluster}`;
    summary.cleanup = cleanupCommand(target);
    if (target.kind === 'local') summary.note = 'the local cloud lives in this process: run the cleanup from another shell before you press Ctrl-C (Ctrl-C stops the cloud and everything in it)';
  }
  report.summary(ok, summary);
  if (!ok && !flags.json) process.stderr.write(`Failed at step "${String(failure.failedStep)}": ${String(failure.error)}\n`);

  if (ok && flags.keep && target.kind === 'local' && !state.interrupted) {
    if (!flags.json) process.stdout.write(`Local cloud endpoint: ${target.endpoint} (AWS_ENDPOINT_URL=${target.endpoint} aws ecs list-services --cluster ${NAMES.cluster})\n`);
    await new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  await target.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (state.interrupted) return exit(130);
  return exit(ok ? 0 : 1);
}

// ---------------------------------------------------------------------------
// Task 1

/** What Task 1 reports. */
export interface CoreConceptsResult {
  readonly task: 1;
  readonly target: 'aws' | 'local';
  readonly accountId: string;
  readonly region: string;
  readonly cluster: string;
  readonly clusterStatus: string;
  readonly clusterCreated: boolean;
  readonly containerInstances: number;
  readonly registeredCpu: number;
  readonly registeredMemoryMiB: number;
  readonly images: { invsys: string; gateway: string };
  readonly networkModes: Record<string, 'awsvpc'>;
}

/**
 * Lab setup + Task 1: prerequisites (identity, region, cluster, images) and
 * the concept overview with live data. Idempotent: the cluster is created
 * only when missing.
 */
export async function run(lab: Lab): Promise<CoreConceptsResult> {
  const { report, ops, names } = lab;
  const cluster = await report.step(
    'Setup: ensure cluster flask-inventory-cluster',
    () => ops.ensureCluster(names.cluster, { settings: [{ name: 'containerInsights', value: 'enabled' }] }),
    (r) => ({ cluster: r.resource.clusterName, status: r.resource.status, action: r.action }),
  );
  lab.clusterArn = cluster.resource.clusterArn;
  // The account id is the 5th field of any ARN we own (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME).
  lab.accountId = lab.clusterArn?.split(':')[4] ?? '';
  // "The previous guide": ECR repositories, IAM roles and the instance profile a new account lacks, created when missing —
  // before the capacity step, whose instances launch with that profile.
  lab.extra.prerequisites = await report.step(
    'Setup: prerequisites (ECR repositories, IAM roles, instance profile)',
    () => ensurePrerequisites(lab),
    (r) => ({ created: r.created.length, existing: r.existing.length, ...(r.attached.length > 0 && { attached: r.attached }) }),
  );
  await capacityStep(lab); // EC2 instances whose ECS agents join the cluster, as the previous guide launched them (examples/lab-capacity.ts)

  const images = await report.step('Setup: image repositories', async () => {
    if (lab.target.kind === 'local' && !lab.buildImages) {
      const registry = lab.target.local!.images;
      for (const repo of [names.invsysRepository, names.gatewayRepository]) {
        if (!registry.resolve(`${repo}:latest`)) throw new Error(`the local cloud has no image ${repo}; known: ${registry.names().join(', ')}`);
      }
      return { invsys: names.invsysRepository, gateway: names.gatewayRepository };
    }
    const registry = `${lab.accountId}.dkr.ecr.${lab.region}.amazonaws.com`;
    return { invsys: `${registry}/${names.invsysRepository}`, gateway: `${registry}/${names.gatewayRepository}` };
  }, (r) => r);
  lab.images = images;
  if (lab.buildImages) {
    await report.step(
      'Setup: build and push the lab images (:latest)',
      async () => ({ invsys: (await pushLabImage(lab, 'invsys', 'latest'))?.imageUri, gateway: (await pushLabImage(lab, 'gateway', 'latest'))?.imageUri }),
      (r) => r,
    );
  }

  const capacity = await report.step('Task 1: cluster capacity', async () => {
    const list = await lab.clients.ecs.send(new ListContainerInstancesCommand({ cluster: names.cluster }));
    const arns = list.containerInstanceArns ?? [];
    let cpu = 0;
    let memory = 0;
    if (arns.length > 0) {
      const described = await lab.clients.ecs.send(new DescribeContainerInstancesCommand({ cluster: names.cluster, containerInstances: arns }));
      for (const ci of described.containerInstances ?? []) {
        cpu += ci.registeredResources?.find((r) => r.name === 'CPU')?.integerValue ?? 0;
        memory += ci.registeredResources?.find((r) => r.name === 'MEMORY')?.integerValue ?? 0;
      }
    }
    return { containerInstances: arns.length, registeredCpu: cpu, registeredMemoryMiB: memory };
  }, (r) => r);
  if (capacity.containerInstances === 0) {
    report.note(
      lab.target.kind === 'aws'
        ? 'the cluster has no container instances yet: launch ECS-optimized EC2 instances into it (EC2 launch type), or tasks will stay PENDING'
        : 'no container instances registered: tasks will not be placed',
    );
  }

  const result: CoreConceptsResult = {
    task: 1,
    target: lab.target.kind,
    accountId: lab.accountId,
    region: lab.region,
    cluster: names.cluster,
    clusterStatus: cluster.resource.status ?? 'UNKNOWN',
    clusterCreated: cluster.action === 'created',
    ...capacity,
    images,
    // ERRATA 2.1 + 3.4: both services are awsvpc (Cloud Map A records and `ip` target groups need it).
    networkModes: { [names.invsysService]: 'awsvpc', [names.gatewayService]: 'awsvpc' },
  };
  await report.step('Task 1: ECS core concepts', async () => {
    report.note(`Cluster      ${names.cluster} (${result.clusterStatus}) in ${lab.region}, account ${lab.accountId}`);
    report.note(`Capacity     ${capacity.containerInstances} container instance(s), ${capacity.registeredCpu} CPU units, ${capacity.registeredMemoryMiB} MiB`);
    report.note(`Task defs    ${names.invsysFamily} (${images.invsys}), ${names.gatewayFamily} (${images.gateway})`);
    report.note(`Services     ${names.invsysService}: awsvpc, Cloud Map invsys.${names.namespace} (A records); ${names.gatewayService}: awsvpc, behind ${names.loadBalancer}`);
    report.note('Networking   awsvpc gives each task its own ENI and IP: required for A records and ip target groups (the lab\'s bridge mode is ERRATA 2.1)');
    return result;
  }, (r) => r);
  return result;
}

if (isMain(import.meta.url)) {
  await runScript(
    {
      title: 'examples/01-core-concepts.ts — lab setup and Task 1: prerequisites, cluster, ECS concepts with live data',
      description: 'Ensures the cluster flask-inventory-cluster (tagged ecskit:stack=flask-inventory-lab) and prints the overview.',
    },
    async (lab) => {
      await run(lab);
    },
  );
}
