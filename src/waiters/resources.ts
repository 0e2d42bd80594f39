/**
 * Resource waiters over the generic poller, each with a pure acceptor
 * exported for testing: services stable (with rollbacks and target health),
 * Cloud Map operation, targets healthy, tasks running, tasks stopped and
 * alarm state. `waitFor…` returns a {@link WaiterOutcome}; `waitUntil…`
 * throws a {@link WaiterError} carrying it unless it is `success`.
 *
 * @module
 */
import { DescribeAlarmsCommand, type StateValue } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, DescribeTasksCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetOperationCommand } from '@aws-sdk/client-servicediscovery';
import type { Clients } from '../clients.js';
import { lastSegment, runWaiter, successOrThrow, type Acceptance, type ServiceCounts, type WaiterOptions, type WaiterOutcome } from './common.js';

// ---------------------------------------------------------------------------
// services stable

/** One service as the services-stable waiter sees it. */
export interface ServiceStability extends ServiceCounts {
  /** Service name as asked. */
  readonly service: string;
  /** `ACTIVE`, `DRAINING`, `INACTIVE` or `MISSING`. */
  readonly status: string;
  /** Deployments with their rollout state. */
  readonly deployments: readonly StabilityDeployment[];
  /** Per target group of the service: targets by state (draining ones left out). */
  readonly targetGroups: readonly StabilityTargetGroup[];
  /**
   * Deployments seen FAILED at any poll of this wait, or named by a new
   * `deployment failed` service event (a completed circuit-breaker rollback
   * leaves no other trace in DescribeServices).
   */
  readonly failedDeployments: readonly FailedDeployment[];
}

/** A deployment as {@link ServiceStability} records it. */
export interface StabilityDeployment {
  /** `ecs-svc/…` id. */
  readonly id: string;
  /** `PRIMARY`, `ACTIVE`, `INACTIVE`. */
  readonly status: string;
  /** `IN_PROGRESS`, `COMPLETED`, `FAILED`. */
  readonly rolloutState: string | undefined;
  /** Why. */
  readonly rolloutStateReason: string | undefined;
}

/** Target health of one of a service's target groups. */
export interface StabilityTargetGroup {
  /** Target group ARN. */
  readonly targetGroupArn: string;
  /** Healthy targets. */
  readonly healthy: number;
  /** The others, as `id:port state` (draining ones left out). */
  readonly notHealthy: readonly string[];
}

/** A deployment that failed during the wait. */
export interface FailedDeployment {
  /** `ecs-svc/…` id. */
  readonly id: string;
  /** The circuit breaker's reason. */
  readonly reason: string;
}

/** What {@link waitForServicesStable} decides on. */
export interface ServicesStableObservation {
  /** Every service asked for. */
  readonly services: readonly ServiceStability[];
}

/**
 * Pure acceptor: every service ACTIVE with one deployment, rollout COMPLETED,
 * running = desired, nothing pending and at least `desiredCount` healthy
 * targets (none unhealthy) in each of its target groups. A deployment seen
 * FAILED during the wait (circuit breaker) or a deleted service is a failure —
 * the SDK's `waitUntilServicesStable` reports those as stable.
 *
 * @example
 * ```ts
 * acceptServicesStable({ services: [{ service: 'invsys-service', status: 'ACTIVE', desiredCount: 2, runningCount: 2, pendingCount: 0,
 *   deployments: [{ id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', rolloutStateReason: undefined }],
 *   targetGroups: [{ targetGroupArn, healthy: 1, notHealthy: ['10.0.1.7:5000 initial'] }], failedDeployments: [] }] });
 * // → { state: 'retry', reason: 'invsys-service: 1/2 healthy targets in invsys-tg (10.0.1.7:5000 initial)' }
 * ```
 *
 * @internal
 */
export function acceptServicesStable(o: ServicesStableObservation): Acceptance {
  const waiting: string[] = [];
  for (const s of o.services) {
    const failed = s.failedDeployments[0];
    if (failed) return { state: 'failure', reason: `${s.service}: deployment ${failed.id} failed: ${failed.reason}` };
    if (s.status !== 'ACTIVE') return { state: 'failure', reason: `${s.service}: service is ${s.status}` };
    if (s.deployments.length !== 1) waiting.push(`${s.service}: ${s.deployments.length} deployments`);
    const rollout = s.deployments[0]?.rolloutState;
    if (s.deployments.length === 1 && rollout !== undefined && rollout !== 'COMPLETED') waiting.push(`${s.service}: rollout ${rollout}`);
    if (s.runningCount !== s.desiredCount || s.pendingCount > 0) waiting.push(`${s.service}: ${s.runningCount}/${s.desiredCount} running, ${s.pendingCount} pending`);
    for (const tg of s.targetGroups) {
      if (tg.healthy < s.desiredCount || tg.notHealthy.length) {
        const name = /:targetgroup\/([^/]+)\//.exec(tg.targetGroupArn)?.[1] ?? tg.targetGroupArn;
        waiting.push(`${s.service}: ${tg.healthy}/${s.desiredCount} healthy targets in ${name}${tg.notHealthy.length ? ` (${tg.notHealthy.slice(0, 3).join(', ')})` : ''}`);
      }
    }
  }
  return waiting.length ? { state: 'retry', reason: waiting.join('; ') } : { state: 'success', reason: `${o.services.map((s) => s.service).join(', ')} stable` };
}

/** Which services {@link waitForServicesStable} waits for. */
export interface ServicesRef {
  /** Cluster name or ARN. */
  readonly cluster: string;
  /** Up to 10 service names or ARNs. */
  readonly services: readonly string[];
}

/**
 * Waits until services are stable — including target health, and failing on
 * circuit-breaker rollbacks, unlike the SDK's `waitUntilServicesStable`.
 * Prefer {@link waitForDeployment} after a deploy: it follows that one
 * deployment.
 *
 * @example
 * ```ts
 * const result = await waitForServicesStable(aws, { cluster: 'lab', services: ['invsys-service', 'gateway-service'] }, { timeoutSeconds: 600 });
 * // → { outcome: 'success', reason: 'invsys-service, gateway-service stable', elapsedSeconds: 42.1, apiCalls: 63, last: {...} }
 * ```
 */
export function waitForServicesStable(
  clients: Pick<Clients, 'ecs' | 'elbv2'>,
  ref: ServicesRef,
  options: WaiterOptions = {},
): Promise<WaiterOutcome<ServicesStableObservation>> {
  if (ref.services.length === 0 || ref.services.length > 10) {
    throw new RangeError(`services: DescribeServices takes 1 to 10 services, got: ${ref.services.length}; split the list`);
  }
  const failures = new Map<string, Map<string, string>>();
  const seenEvents = new Map<string, Set<string>>();
  return runWaiter(
    options,
    async (api, signal) => {
      const out = await api.call(() => clients.ecs.send(new DescribeServicesCommand({ cluster: ref.cluster, services: [...ref.services] }), { abortSignal: signal }));
      const services: ServiceStability[] = [];
      for (const name of ref.services) {
        const svc = out.services?.find((s) => s.serviceName === lastSegment(name) || s.serviceArn === name);
        const failed = failures.get(name) ?? new Map<string, string>();
        failures.set(name, failed);
        for (const d of svc?.deployments ?? []) if (d.rolloutState === 'FAILED' && d.id) failed.set(d.id, d.rolloutStateReason ?? 'rollout FAILED');
        // A rollback that starts and completes between two polls leaves only its service event behind.
        const known = seenEvents.get(name);
        for (const e of svc?.events ?? []) {
          if (!known || !e.id || known.has(e.id)) continue;
          const m = /\(deployment (\S+)\) deployment failed: (.*)$/.exec(e.message ?? '');
          if (m && !failed.has(m[1]!)) failed.set(m[1]!, m[2]!);
        }
        seenEvents.set(name, new Set([...(known ?? []), ...(svc?.events ?? []).map((e) => e.id ?? '')]));
        const targetGroups = [];
        for (const targetGroupArn of new Set((svc?.loadBalancers ?? []).map((lb) => lb.targetGroupArn).filter((a): a is string => !!a))) {
          const health = await api.call(() => clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), { abortSignal: signal }));
          const rows = (health.TargetHealthDescriptions ?? []).filter((r) => r.TargetHealth?.State !== 'draining');
          targetGroups.push({
            targetGroupArn,
            healthy: rows.filter((r) => r.TargetHealth?.State === 'healthy').length,
            notHealthy: rows.filter((r) => r.TargetHealth?.State !== 'healthy').map((r) => `${r.Target?.Id}:${r.Target?.Port} ${r.TargetHealth?.State}`),
          });
        }
        services.push({
          service: lastSegment(name),
          status: svc?.status ?? 'MISSING',
          desiredCount: svc?.desiredCount ?? 0,
          runningCount: svc?.runningCount ?? 0,
          pendingCount: svc?.pendingCount ?? 0,
          deployments: (svc?.deployments ?? []).map((d) => ({ id: d.id ?? '', status: d.status ?? '', rolloutState: d.rolloutState, rolloutStateReason: d.rolloutStateReason })),
          targetGroups,
          failedDeployments: [...failed].map(([id, reason]) => ({ id, reason })),
        });
      }
      return { services };
    },
    acceptServicesStable,
  );
}

/**
 * {@link waitForServicesStable}, throwing a {@link WaiterError} unless stable.
 *
 * @example
 * ```ts
 * await waitUntilServicesStable(aws, { cluster: 'lab', services: ['invsys-service'] }, { timeoutSeconds: 600 });
 * ```
 */
export async function waitUntilServicesStable(clients: Pick<Clients, 'ecs' | 'elbv2'>, ref: ServicesRef, options: WaiterOptions = {}) {
  return successOrThrow('waitUntilServicesStable', await waitForServicesStable(clients, ref, options));
}

// ---------------------------------------------------------------------------
// Cloud Map operation

/** A Cloud Map operation as GetOperation reports it. */
export interface CloudMapOperationObservation {
  /** Operation id. */
  readonly operationId: string;
  /** `SUBMITTED`, `PENDING`, `SUCCESS` or `FAIL`. */
  readonly status: string | undefined;
  /** Error code when FAIL. */
  readonly errorCode: string | undefined;
  /** Error message when FAIL. */
  readonly errorMessage: string | undefined;
  /** Target ids (`NAMESPACE`, `SERVICE`, `INSTANCE`). */
  readonly targets: Readonly<Record<string, string>>;
}

/**
 * Pure acceptor: SUCCESS succeeds, FAIL fails with AWS's error, anything else waits.
 *
 * @example
 * ```ts
 * acceptCloudMapOperation({ operationId: 'abc', status: 'FAIL', errorCode: 'CANNOT_CREATE_HOSTED_ZONE', errorMessage: 'conflict', targets: {} });
 * // → { state: 'failure', reason: 'operation abc FAIL: CANNOT_CREATE_HOSTED_ZONE: conflict' }
 * ```
 *
 * @internal
 */
export function acceptCloudMapOperation(o: CloudMapOperationObservation): Acceptance {
  if (o.status === 'SUCCESS') return { state: 'success', reason: `operation ${o.operationId} SUCCESS` };
  if (o.status === 'FAIL') return { state: 'failure', reason: `operation ${o.operationId} FAIL: ${o.errorCode ?? 'unknown error'}: ${o.errorMessage ?? ''}`.trimEnd() };
  return { state: 'retry', reason: `operation ${o.operationId} ${o.status ?? 'unknown'}` };
}

/**
 * Waits for a Cloud Map operation (CreatePrivateDnsNamespace, RegisterInstance…) to finish.
 *
 * @example
 * ```ts
 * const { OperationId } = await aws.serviceDiscovery.send(new CreatePrivateDnsNamespaceCommand({ Name: 'local', Vpc: vpcId }));
 * const done = await waitUntilCloudMapOperationSucceeded(aws, { operationId: OperationId! });
 * done.last.targets.NAMESPACE; // 'ns-abc…'
 * ```
 */
export function waitForCloudMapOperation(
  clients: Pick<Clients, 'serviceDiscovery'>,
  ref: { readonly operationId: string },
  options: WaiterOptions = {},
): Promise<WaiterOutcome<CloudMapOperationObservation>> {
  return runWaiter(
    options,
    async (api, signal) => {
      const { Operation: op } = await api.call(() => clients.serviceDiscovery.send(new GetOperationCommand({ OperationId: ref.operationId }), { abortSignal: signal }));
      return { operationId: ref.operationId, status: op?.Status, errorCode: op?.ErrorCode, errorMessage: op?.ErrorMessage, targets: { ...(op?.Targets ?? {}) } };
    },
    acceptCloudMapOperation,
  );
}

/**
 * {@link waitForCloudMapOperation}, throwing a {@link WaiterError} unless SUCCESS.
 *
 * @example
 * ```ts
 * await waitUntilCloudMapOperationSucceeded(aws, { operationId }, { timeoutSeconds: 120 });
 * ```
 */
export async function waitUntilCloudMapOperationSucceeded(clients: Pick<Clients, 'serviceDiscovery'>, ref: { readonly operationId: string }, options: WaiterOptions = {}) {
  return successOrThrow('waitUntilCloudMapOperationSucceeded', await waitForCloudMapOperation(clients, ref, options));
}

// ---------------------------------------------------------------------------
// targets healthy

/** Target health of one target group. */
export interface TargetsObservation {
  /** Target group ARN. */
  readonly targetGroupArn: string;
  /** Every target asked for (or every registered one). */
  readonly targets: readonly TargetHealthState[];
  /** How many healthy targets are wanted when no targets were named. */
  readonly minHealthy: number;
  /** Whether targets were named. */
  readonly named: boolean;
}

/** One target's health. */
export interface TargetHealthState {
  /** IP address or instance id. */
  readonly id: string;
  /** Port. */
  readonly port: number | undefined;
  /** `initial`, `healthy`, `unhealthy`, `draining`, `unused`, `unavailable`. */
  readonly state: string;
  /** ELB reason code. */
  readonly reason: string | undefined;
}

/**
 * Pure acceptor: every named target healthy, or — when none were named — at
 * least `minHealthy` healthy and none initial/unhealthy (draining ones ignored).
 *
 * @example
 * ```ts
 * acceptTargetsHealthy({ targetGroupArn, named: true, minHealthy: 1, targets: [{ id: '10.0.1.7', port: 5000, state: 'unhealthy', reason: 'Target.Timeout' }] });
 * // → { state: 'retry', reason: '0/1 healthy: 10.0.1.7:5000 unhealthy (Target.Timeout)' }
 * ```
 *
 * @internal
 */
export function acceptTargetsHealthy(o: TargetsObservation): Acceptance {
  const live = o.named ? o.targets : o.targets.filter((t) => t.state !== 'draining');
  const healthy = live.filter((t) => t.state === 'healthy').length;
  const bad = live.filter((t) => t.state !== 'healthy');
  const wanted = o.named ? live.length : Math.max(o.minHealthy, 1);
  if (healthy >= wanted && bad.length === 0) return { state: 'success', reason: `${healthy} healthy targets` };
  const detail = bad.slice(0, 3).map((t) => `${t.id}${t.port ? `:${t.port}` : ''} ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
  return { state: 'retry', reason: `${healthy}/${wanted} healthy${detail.length ? `: ${detail.join(', ')}` : ''}` };
}

/** Which targets {@link waitForTargetsHealthy} waits for. */
export interface TargetsRef {
  /** Target group ARN. */
  readonly targetGroupArn: string;
  /** Specific targets; default: every registered target. */
  readonly targets?: readonly TargetId[];
  /** With no targets named: how many must be healthy. Default 1. */
  readonly minHealthy?: number;
}

/** A target as DescribeTargetHealth names it. */
export interface TargetId {
  /** IP address or instance id. */
  readonly id: string;
  /** Port; default the group's. */
  readonly port?: number;
}

/**
 * Waits until targets are healthy in a target group.
 *
 * @example
 * ```ts
 * await waitUntilTargetsHealthy(aws, { targetGroupArn, minHealthy: 2 }, { timeoutSeconds: 300 });
 * ```
 */
export function waitForTargetsHealthy(clients: Pick<Clients, 'elbv2'>, ref: TargetsRef, options: WaiterOptions = {}): Promise<WaiterOutcome<TargetsObservation>> {
  return runWaiter(
    options,
    async (api, signal) => {
      const out = await api.call(() =>
        clients.elbv2.send(
          new DescribeTargetHealthCommand({
            TargetGroupArn: ref.targetGroupArn,
            ...(ref.targets?.length && { Targets: ref.targets.map((t) => ({ Id: t.id, ...(t.port !== undefined && { Port: t.port }) })) }),
          }),
          { abortSignal: signal },
        ),
      );
      return {
        targetGroupArn: ref.targetGroupArn,
        named: !!ref.targets?.length,
        minHealthy: ref.minHealthy ?? 1,
        targets: (out.TargetHealthDescriptions ?? []).map((r) => ({ id: r.Target?.Id ?? '', port: r.Target?.Port, state: r.TargetHealth?.State ?? 'unknown', reason: r.TargetHealth?.Reason })),
      };
    },
    acceptTargetsHealthy,
  );
}

/**
 * {@link waitForTargetsHealthy}, throwing a {@link WaiterError} unless healthy.
 *
 * @example
 * ```ts
 * await waitUntilTargetsHealthy(aws, { targetGroupArn, targets: [{ id: '10.0.1.7', port: 5000 }] });
 * ```
 */
export async function waitUntilTargetsHealthy(clients: Pick<Clients, 'elbv2'>, ref: TargetsRef, options: WaiterOptions = {}) {
  return successOrThrow('waitUntilTargetsHealthy', await waitForTargetsHealthy(clients, ref, options));
}

// ---------------------------------------------------------------------------
// tasks running / stopped

/** Tasks as DescribeTasks reports them. */
export interface TasksObservation {
  /** One entry per task asked for; `MISSING` when ECS does not know it. */
  readonly tasks: readonly TaskState[];
}

/** One task's state. */
export interface TaskState {
  /** Task ARN (as asked when MISSING). */
  readonly taskArn: string;
  /** `PROVISIONING` … `RUNNING` … `STOPPED`, or `MISSING`. */
  readonly lastStatus: string;
  /** Why it stopped. */
  readonly stoppedReason: string | undefined;
  /** `EssentialContainerExited`, `TaskFailedToStart`, `UserInitiated`, … */
  readonly stopCode: string | undefined;
  /** Each container's exit code. */
  readonly exitCodes: readonly ContainerExitCode[];
}

/** A container's exit code. */
export interface ContainerExitCode {
  /** Container name. */
  readonly name: string;
  /** Exit code, once it exited. */
  readonly exitCode: number | undefined;
}

const describeStopped = (t: TasksObservation['tasks'][number]) =>
  `task ${lastSegment(t.taskArn)} STOPPED: ${t.stoppedReason ?? 'no reason given'}${t.stopCode ? ` [${t.stopCode}]` : ''}${
    t.exitCodes.some((c) => c.exitCode !== undefined) ? ` (exit code ${t.exitCodes.filter((c) => c.exitCode !== undefined).map((c) => `${c.name}=${c.exitCode}`).join(', ')})` : ''
  }`;

/**
 * Pure acceptor: all RUNNING succeeds; a STOPPED or MISSING task fails (with its reason and exit codes).
 *
 * @example
 * ```ts
 * acceptTasksRunning({ tasks: [{ taskArn: 'arn:…/0f3a', lastStatus: 'STOPPED', stoppedReason: 'Essential container in task exited', stopCode: 'EssentialContainerExited', exitCodes: [{ name: 'app', exitCode: 1 }] }] });
 * // → { state: 'failure', reason: 'task 0f3a STOPPED: Essential container in task exited [EssentialContainerExited] (exit code app=1)' }
 * ```
 *
 * @internal
 */
export function acceptTasksRunning(o: TasksObservation): Acceptance {
  const missing = o.tasks.find((t) => t.lastStatus === 'MISSING');
  if (missing) return { state: 'failure', reason: `task ${lastSegment(missing.taskArn)} not found` };
  const stopped = o.tasks.find((t) => t.lastStatus === 'STOPPED');
  if (stopped) return { state: 'failure', reason: describeStopped(stopped) };
  const waiting = o.tasks.filter((t) => t.lastStatus !== 'RUNNING');
  if (waiting.length === 0) return { state: 'success', reason: `${o.tasks.length} tasks RUNNING` };
  return { state: 'retry', reason: `${o.tasks.length - waiting.length}/${o.tasks.length} RUNNING; ${waiting.slice(0, 3).map((t) => `${lastSegment(t.taskArn)} ${t.lastStatus}`).join(', ')}` };
}

/**
 * Pure acceptor: all STOPPED (or MISSING, i.e. long gone) succeeds.
 *
 * @example
 * ```ts
 * acceptTasksStopped({ tasks: [{ taskArn: 'arn:…/0f3a', lastStatus: 'DEPROVISIONING', stoppedReason: undefined, stopCode: undefined, exitCodes: [] }] });
 * // → { state: 'retry', reason: '0/1 STOPPED; 0f3a DEPROVISIONING' }
 * ```
 *
 * @internal
 */
export function acceptTasksStopped(o: TasksObservation): Acceptance {
  const waiting = o.tasks.filter((t) => t.lastStatus !== 'STOPPED' && t.lastStatus !== 'MISSING');
  if (waiting.length === 0) return { state: 'success', reason: o.tasks.filter((t) => t.lastStatus === 'STOPPED').map(describeStopped).join('; ') || 'no tasks' };
  return { state: 'retry', reason: `${o.tasks.length - waiting.length}/${o.tasks.length} STOPPED; ${waiting.slice(0, 3).map((t) => `${lastSegment(t.taskArn)} ${t.lastStatus}`).join(', ')}` };
}

/** Which tasks to wait for. */
export interface TasksRef {
  /** Cluster name or ARN. */
  readonly cluster: string;
  /** Task ARNs or ids (up to 100). */
  readonly tasks: readonly string[];
}

function observeTasks(clients: Pick<Clients, 'ecs'>, ref: TasksRef) {
  if (ref.tasks.length === 0 || ref.tasks.length > 100) throw new RangeError(`tasks: DescribeTasks takes 1 to 100 tasks, got: ${ref.tasks.length}`);
  return async (api: { call<T>(send: () => Promise<T>): Promise<T> }, signal: AbortSignal): Promise<TasksObservation> => {
    const out = await api.call(() => clients.ecs.send(new DescribeTasksCommand({ cluster: ref.cluster, tasks: [...ref.tasks] }), { abortSignal: signal }));
    return {
      tasks: ref.tasks.map((ask) => {
        const t = out.tasks?.find((x) => x.taskArn === ask || lastSegment(x.taskArn ?? '') === lastSegment(ask));
        return {
          taskArn: t?.taskArn ?? ask,
          lastStatus: t?.lastStatus ?? 'MISSING',
          stoppedReason: t?.stoppedReason,
          stopCode: t?.stopCode,
          exitCodes: (t?.containers ?? []).map((c) => ({ name: c.name ?? '', exitCode: c.exitCode })),
        };
      }),
    };
  };
}

/**
 * Waits until tasks are RUNNING; a task that stops first is a failure with its reason.
 *
 * @example
 * ```ts
 * const { tasks } = await aws.ecs.send(new RunTaskCommand({ cluster: 'lab', taskDefinition: 'invsys:1' }));
 * const result = await waitForTasksRunning(aws, { cluster: 'lab', tasks: tasks!.map((t) => t.taskArn!) }, { timeoutSeconds: 300 });
 * // → { outcome: 'success', reason: '1 tasks RUNNING', … }
 * ```
 */
export function waitForTasksRunning(clients: Pick<Clients, 'ecs'>, ref: TasksRef, options: WaiterOptions = {}): Promise<WaiterOutcome<TasksObservation>> {
  return runWaiter(options, observeTasks(clients, ref), acceptTasksRunning);
}

/**
 * {@link waitForTasksRunning}, throwing a {@link WaiterError} unless all RUNNING.
 *
 * @example
 * ```ts
 * await waitUntilTasksRunning(aws, { cluster: 'lab', tasks: [taskArn] });
 * ```
 */
export async function waitUntilTasksRunning(clients: Pick<Clients, 'ecs'>, ref: TasksRef, options: WaiterOptions = {}) {
  return successOrThrow('waitUntilTasksRunning', await waitForTasksRunning(clients, ref, options));
}

/**
 * Waits until tasks are STOPPED; the outcome's reason lists their stop reasons and exit codes.
 *
 * @example
 * ```ts
 * await aws.ecs.send(new StopTaskCommand({ cluster: 'lab', task: taskArn }));
 * const result = await waitForTasksStopped(aws, { cluster: 'lab', tasks: [taskArn] });
 * // → { outcome: 'success', reason: 'task 0f3a STOPPED: Task stopped by user [UserInitiated]', … }
 * ```
 */
export function waitForTasksStopped(clients: Pick<Clients, 'ecs'>, ref: TasksRef, options: WaiterOptions = {}): Promise<WaiterOutcome<TasksObservation>> {
  return runWaiter(options, observeTasks(clients, ref), acceptTasksStopped);
}

/**
 * {@link waitForTasksStopped}, throwing a {@link WaiterError} unless all STOPPED.
 *
 * @example
 * ```ts
 * await waitUntilTasksStopped(aws, { cluster: 'lab', tasks: [taskArn] }, { timeoutSeconds: 120 });
 * ```
 */
export async function waitUntilTasksStopped(clients: Pick<Clients, 'ecs'>, ref: TasksRef, options: WaiterOptions = {}) {
  return successOrThrow('waitUntilTasksStopped', await waitForTasksStopped(clients, ref, options));
}

// ---------------------------------------------------------------------------
// alarm state

/** Alarms as DescribeAlarms reports them. */
export interface AlarmsObservation {
  /** The state waited for. */
  readonly wanted: StateValue;
  /** One entry per alarm asked for; state `MISSING` when it does not exist (yet). */
  readonly alarms: readonly AlarmStateObservation[];
}

/** One alarm's state. */
export interface AlarmStateObservation {
  /** Alarm name. */
  readonly alarmName: string;
  /** `OK`, `ALARM`, `INSUFFICIENT_DATA` or `MISSING`. */
  readonly state: string;
  /** CloudWatch's state reason. */
  readonly reason: string | undefined;
}

/**
 * Pure acceptor: every alarm in the wanted state.
 *
 * @example
 * ```ts
 * acceptAlarmState({ wanted: 'ALARM', alarms: [{ alarmName: 'high-cpu', state: 'OK', reason: 'Threshold Crossed: 1 datapoint [12.0] was not greater than 70.0' }] });
 * // → { state: 'retry', reason: 'high-cpu is OK, waiting for ALARM (Threshold Crossed: …)' }
 * ```
 *
 * @internal
 */
export function acceptAlarmState(o: AlarmsObservation): Acceptance {
  const other = o.alarms.filter((a) => a.state !== o.wanted);
  if (other.length === 0) return { state: 'success', reason: `${o.alarms.map((a) => a.alarmName).join(', ')} in ${o.wanted}` };
  return { state: 'retry', reason: other.map((a) => `${a.alarmName} is ${a.state}, waiting for ${o.wanted}${a.reason ? ` (${a.reason})` : ''}`).join('; ') };
}

/** Which alarms and which state. */
export interface AlarmStateRef {
  /** Metric or composite alarm names (up to 100). */
  readonly alarmNames: readonly string[];
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`. */
  readonly state: StateValue;
}

/**
 * Waits until CloudWatch alarms reach a state (e.g. the lab's high-CPU alarm going to ALARM under load).
 *
 * @example
 * ```ts
 * const result = await waitForAlarmState(aws, { alarmNames: ['invsys-high-cpu'], state: 'ALARM' }, { timeoutSeconds: 600 });
 * // → { outcome: 'success', reason: 'invsys-high-cpu in ALARM', … }
 * ```
 */
export function waitForAlarmState(clients: Pick<Clients, 'cloudWatch'>, ref: AlarmStateRef, options: WaiterOptions = {}): Promise<WaiterOutcome<AlarmsObservation>> {
  if (ref.alarmNames.length === 0 || ref.alarmNames.length > 100) throw new RangeError(`alarmNames: DescribeAlarms takes 1 to 100 names, got: ${ref.alarmNames.length}`);
  return runWaiter(
    options,
    async (api, signal) => {
      const out = await api.call(() =>
        clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [...ref.alarmNames], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }), { abortSignal: signal }),
      );
      const all = [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])];
      return {
        wanted: ref.state,
        alarms: ref.alarmNames.map((name) => {
          const a = all.find((x) => x.AlarmName === name);
          return { alarmName: name, state: a?.StateValue ?? 'MISSING', reason: a?.StateReason };
        }),
      };
    },
    acceptAlarmState,
  );
}

/**
 * {@link waitForAlarmState}, throwing a {@link WaiterError} unless every alarm reached the state.
 *
 * @example
 * ```ts
 * await waitUntilAlarmState(aws, { alarmNames: ['invsys-low-cpu'], state: 'OK' }, { timeoutSeconds: 600 });
 * ```
 */
export async function waitUntilAlarmState(clients: Pick<Clients, 'cloudWatch'>, ref: AlarmStateRef, options: WaiterOptions = {}) {
  return successOrThrow('waitUntilAlarmState', await waitForAlarmState(clients, ref, options));
}
