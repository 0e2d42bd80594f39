/**
 * `waitForDeployment`: follows one ECS deployment (not "the service") to a
 * typed outcome — completed (rollout COMPLETED, running = desired, the new
 * tasks healthy in their target groups and registered in Cloud Map), rolled
 * back, failed, superseded, stalled, timed out or aborted — reporting
 * progress as events along the way.
 *
 * @module
 */
import {
  DescribeContainerInstancesCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  type Service,
  type Task,
} from '@aws-sdk/client-ecs';
import { DescribeTargetHealthCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListInstancesCommand } from '@aws-sdk/client-servicediscovery';
import type { Clients } from '../clients.js';
import { systemClock } from './clock.js';
import { ApiCalls, WaiterError, lastSegment, pollTiming, round, type WaiterOptions } from './common.js';
import { isRetryableError, poll, type Verdict } from './poller.js';

/** The SDK clients the deployment and service waiters use (a {@link Clients} bundle fits). */
export type WaiterClients = Pick<Clients, 'ecs' | 'elbv2' | 'serviceDiscovery'>;

/** Which deployment to follow. */
export interface DeploymentRef {
  /** Cluster name or ARN. */
  readonly cluster: string;
  /** Service name or ARN. */
  readonly service: string;
  /** The `ecs-svc/…` id of the deployment (`service.deployments[0].id` from CreateService/UpdateService). */
  readonly deploymentId: string;
}

/** One entry of `service.deployments`, reduced to what progress needs. */
export interface DeploymentCounts {
  /** `ecs-svc/…` id. */
  readonly id: string;
  /** `PRIMARY`, `ACTIVE` or `INACTIVE`. */
  readonly status: string;
  /** Task definition ARN. */
  readonly taskDefinition: string;
  /** The task definition's revision number, when the ARN carries one. */
  readonly revision: number | undefined;
  /** Desired tasks of this deployment. */
  readonly desired: number;
  /** RUNNING tasks. */
  readonly running: number;
  /** PENDING tasks. */
  readonly pending: number;
  /** Tasks that failed to start or stopped (the circuit breaker's count). */
  readonly failed: number;
  /** `IN_PROGRESS`, `COMPLETED` or `FAILED`. */
  readonly rolloutState: string | undefined;
  /** Why the rollout is in that state. */
  readonly rolloutStateReason: string | undefined;
  /** Epoch milliseconds. */
  readonly createdAt: number | undefined;
}

/** A task of the followed deployment. */
export interface ObservedTask {
  /** Task ARN. */
  readonly taskArn: string;
  /** Last segment of the ARN (also the Cloud Map instance id ECS registers). */
  readonly taskId: string;
  /** `PROVISIONING` … `RUNNING` … `STOPPED`. */
  readonly lastStatus: string;
  /** `RUNNING` or `STOPPED`. */
  readonly desiredStatus: string;
  /** Container health as ECS aggregates it. */
  readonly healthStatus: string | undefined;
  /** The task's private IPv4 address (awsvpc). */
  readonly address: string | undefined;
  /** Why it stopped. */
  readonly stoppedReason: string | undefined;
  /** `TaskFailedToStart`, `EssentialContainerExited`, … */
  readonly stopCode: string | undefined;
  /** Container instance ARN (EC2 launch type). */
  readonly containerInstanceArn: string | undefined;
  /** Containers with their exit codes and port bindings. */
  readonly containers: readonly ObservedContainer[];
}

/** A container of an {@link ObservedTask}. */
export interface ObservedContainer extends StoppedContainer {
  /** Port bindings (bridge/host networking). */
  readonly bindings: readonly PortBinding[];
}

/** A container port bound to a host port. */
export interface PortBinding {
  /** Port inside the container. */
  readonly containerPort: number | undefined;
  /** Port on the host (`hostPort: 0` becomes a dynamic one). */
  readonly hostPort: number | undefined;
}

/** The load-balancer target of one new task in one target group. */
export interface ObservedTarget {
  /** Target group ARN. */
  readonly targetGroupArn: string;
  /** The task the target belongs to. */
  readonly taskArn: string;
  /** IP address (awsvpc) or EC2 instance id. */
  readonly id: string;
  /** Port. */
  readonly port: number | undefined;
  /** ELB target state (`initial`, `healthy`, `unhealthy`, `draining`, …), or `notRegistered`. */
  readonly state: string;
  /** ELB reason code, e.g. `Target.FailedHealthChecks`. */
  readonly reason: string | undefined;
  /** ELB description. */
  readonly description: string | undefined;
}

/** Whether one new task is registered in one Cloud Map service. */
export interface ObservedRegistration {
  /** The service registry's ARN from the ECS service. */
  readonly registryArn: string;
  /** The task. */
  readonly taskArn: string;
  /** True once an instance for the task exists. */
  readonly registered: boolean;
}

/** The newer ServiceDeployment record of the followed deployment, when it was needed. */
export interface ObservedServiceDeployment {
  /** Its ARN. */
  readonly arn: string;
  /** `IN_PROGRESS`, `SUCCESSFUL`, `STOPPED`, `ROLLBACK_IN_PROGRESS`, `ROLLBACK_SUCCESSFUL`, … */
  readonly status: string | undefined;
  /** Why. */
  readonly statusReason: string | undefined;
  /** The circuit breaker's reason for rolling back. */
  readonly rollbackReason: string | undefined;
  /** The service revision it rolled back to. */
  readonly rollbackRevisionArn: string | undefined;
}

/** A service event. */
export interface ObservedServiceEvent {
  /** Event id (events are de-duplicated by it). */
  readonly id: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  /** AWS's message. */
  readonly message: string;
}

/**
 * One poll of a deployment: plain data, so {@link acceptDeployment} and
 * {@link deploymentEvents} are pure functions of it.
 */
export interface DeploymentObservation {
  /** Epoch milliseconds of the poll. */
  readonly at: number;
  /** Cluster as given. */
  readonly cluster: string;
  /** Service name. */
  readonly service: string;
  /** The followed deployment. */
  readonly deploymentId: string;
  /** The service's status, `MISSING` once it is gone. */
  readonly serviceStatus: string;
  /** Service-level desired count. */
  readonly desiredCount: number;
  /** Service-level running count. */
  readonly runningCount: number;
  /** Service-level pending count. */
  readonly pendingCount: number;
  /** Every deployment of the service, PRIMARY first. */
  readonly deployments: readonly DeploymentCounts[];
  /** The followed deployment's tasks, stopped ones included. */
  readonly tasks: readonly ObservedTask[];
  /** Target health of the followed deployment's running tasks. */
  readonly targets: readonly ObservedTarget[];
  /** Cloud Map registration of the followed deployment's running tasks. */
  readonly registrations: readonly ObservedRegistration[];
  /** The matching ServiceDeployment, fetched once the deployment failed, lost PRIMARY or vanished. */
  readonly serviceDeployment: ObservedServiceDeployment | undefined;
  /** Service events since the deployment started, newest first. */
  readonly events: readonly ObservedServiceEvent[];
  /** Seconds since counts, task states, target health, registrations or event messages last changed. */
  readonly secondsWithoutProgress: number;
}

/** A stopped task with its reasons and exit codes. */
export interface StoppedTask {
  /** Task ARN. */
  readonly taskArn: string;
  /** `stoppedReason`, e.g. `Essential container in task exited`. */
  readonly stoppedReason: string | undefined;
  /** `stopCode`, e.g. `EssentialContainerExited`. */
  readonly stopCode: string | undefined;
  /** Every container with its exit code and reason. */
  readonly containers: readonly StoppedContainer[];
}

/** A container's exit. */
export interface StoppedContainer {
  /** Container name. */
  readonly name: string;
  /** Exit code, once it exited. */
  readonly exitCode: number | undefined;
  /** Why it stopped (e.g. `CannotPullContainerError: …`). */
  readonly reason: string | undefined;
}

/** Fields of every {@link DeploymentOutcome}. */
export interface DeploymentOutcomeBase {
  /** The followed deployment. */
  readonly deploymentId: string;
  /** One sentence saying why the wait ended. */
  readonly reason: string;
  /** Seconds from the first poll to the outcome. */
  readonly elapsedSeconds: number;
  /** API calls made. */
  readonly apiCalls: number;
  /** The last observation (`undefined` only when no poll ever succeeded). */
  readonly last: DeploymentObservation | undefined;
}

/** Where a rollback went. */
export interface RollbackTarget {
  /** The rollback deployment's id, when it is visible. */
  readonly deploymentId: string | undefined;
  /** Its task definition. */
  readonly taskDefinition: string | undefined;
  /** The service revision rolled back to (ServiceDeployment `rollback.serviceRevisionArn`). */
  readonly serviceRevisionArn: string | undefined;
}

/**
 * How a followed deployment ended: a discriminated union on `outcome`.
 *
 * @example
 * ```ts
 * const result = await waitForDeployment(aws, { cluster: 'lab', service: 'invsys-service', deploymentId });
 * switch (result.outcome) {
 *   case 'completed': console.log(`done in ${result.elapsedSeconds}s`); break;
 *   case 'rolledBack': console.error(result.reason, '→', result.rolledBackTo.taskDefinition); break;
 *   case 'failed': console.error(result.stoppedTasks.map((t) => t.stoppedReason)); break;
 *   default: console.error(result.outcome, result.reason);
 * }
 * ```
 */
export type DeploymentOutcome = DeploymentCompleted | DeploymentRolledBack | DeploymentFailed | DeploymentSuperseded | DeploymentStalled | DeploymentUnfinished;

/** Rollout COMPLETED, running = desired, new tasks healthy and registered. */
export interface DeploymentCompleted extends DeploymentOutcomeBase {
  /** Discriminant. */
  readonly outcome: 'completed';
  /** The task definition now running. */
  readonly taskDefinition: string;
  /** Tasks running. */
  readonly runningCount: number;
}

/** The deployment circuit breaker rolled the deployment back. */
export interface DeploymentRolledBack extends DeploymentOutcomeBase {
  /** Discriminant. */
  readonly outcome: 'rolledBack';
  /** Where it went back to. */
  readonly rolledBackTo: RollbackTarget;
  /** The deployment's stopped tasks, with reasons and exit codes. */
  readonly stoppedTasks: readonly StoppedTask[];
}

/** Rollout FAILED without a rollback (or the service was deleted). */
export interface DeploymentFailed extends DeploymentOutcomeBase {
  /** Discriminant. */
  readonly outcome: 'failed';
  /** The deployment's stopped tasks, with reasons and exit codes. */
  readonly stoppedTasks: readonly StoppedTask[];
}

/** Another deployment became PRIMARY. */
export interface DeploymentSuperseded extends DeploymentOutcomeBase {
  /** Discriminant. */
  readonly outcome: 'superseded';
  /** The deployment that took over. */
  readonly by: SupersedingDeployment;
}

/** The deployment that superseded the followed one. */
export interface SupersedingDeployment {
  /** Its id, when visible. */
  readonly deploymentId: string | undefined;
  /** Its task definition, when visible. */
  readonly taskDefinition: string | undefined;
}

/** Nothing changed for `stalledAfterSeconds`. */
export interface DeploymentStalled extends DeploymentOutcomeBase {
  /** Discriminant. */
  readonly outcome: 'stalled';
  /** Seconds without progress. */
  readonly stalledForSeconds: number;
}

/** The wait ended before the deployment did. */
export interface DeploymentUnfinished extends DeploymentOutcomeBase {
  /** Discriminant: the timeout passed or the signal aborted. */
  readonly outcome: 'timedOut' | 'aborted';
}

/** What {@link acceptDeployment} decides: the outcome without timing and call counts. */
export type DeploymentVerdict =
  | Omit<DeploymentCompleted, OutcomeMeta>
  | Omit<DeploymentRolledBack, OutcomeMeta>
  | Omit<DeploymentFailed, OutcomeMeta>
  | Omit<DeploymentSuperseded, OutcomeMeta>
  | Omit<DeploymentStalled, OutcomeMeta>
  | Omit<DeploymentUnfinished, OutcomeMeta>;

/** The fields the waiter adds to a {@link DeploymentVerdict}. */
export type OutcomeMeta = 'elapsedSeconds' | 'apiCalls' | 'last';

/** Rules of {@link acceptDeployment}. */
export interface DeploymentAcceptorOptions {
  /** Seconds without any progress after which the outcome is `stalled`. */
  readonly stalledAfterSeconds: number;
  /** Require the new tasks to be healthy in every target group of the service. */
  readonly requireTargetHealth: boolean;
  /** Require the new tasks to be registered in every Cloud Map service of the service. */
  readonly requireServiceDiscovery: boolean;
}

/** Default acceptor rules: stalled after 10 minutes, target health and Cloud Map required. */
export const DEFAULT_DEPLOYMENT_RULES: DeploymentAcceptorOptions = { stalledAfterSeconds: 600, requireTargetHealth: true, requireServiceDiscovery: true };

/**
 * A progress event of a followed deployment (a discriminated union on `type`).
 *
 * @example
 * ```ts
 * for await (const event of followDeployment(aws, ref)) {
 *   if (event.type === 'taskStopped') console.log(event.task.stoppedReason);
 * }
 * // { type: 'deploymentCounts', at: 1700000000000, deployments: [{ id: 'ecs-svc/1…', status: 'PRIMARY', running: 1, pending: 1, desired: 2, … }] }
 * ```
 */
export type DeploymentEvent = DeploymentCountsEvent | ServiceEventEvent | TargetHealthEvent | TaskStoppedEvent | OutcomeEvent;

/** Fields of every {@link DeploymentEvent}. */
export interface DeploymentEventBase {
  /** Epoch milliseconds of the poll that saw it. */
  readonly at: number;
  /** The followed deployment. */
  readonly deploymentId: string;
}

/** Deployment counts changed (always the first event). */
export interface DeploymentCountsEvent extends DeploymentEventBase {
  /** Discriminant. */
  readonly type: 'deploymentCounts';
  /** Every deployment of the service, PRIMARY first. */
  readonly deployments: readonly DeploymentCounts[];
}

/** A new service event (each id once). */
export interface ServiceEventEvent extends DeploymentEventBase {
  /** Discriminant. */
  readonly type: 'serviceEvent';
  /** The event. */
  readonly event: ObservedServiceEvent;
}

/** A new task's target changed state. */
export interface TargetHealthEvent extends DeploymentEventBase {
  /** Discriminant. */
  readonly type: 'targetHealth';
  /** The target now. */
  readonly target: ObservedTarget;
  /** The state before, `undefined` when the target is new. */
  readonly previousState: string | undefined;
}

/** A task of the deployment stopped. */
export interface TaskStoppedEvent extends DeploymentEventBase {
  /** Discriminant. */
  readonly type: 'taskStopped';
  /** The task with its reasons and exit codes. */
  readonly task: StoppedTask;
}

/** The wait ended (always the last event). */
export interface OutcomeEvent extends DeploymentEventBase {
  /** Discriminant. */
  readonly type: 'outcome';
  /** The outcome. */
  readonly outcome: DeploymentOutcome;
}

/** Options of {@link waitForDeployment}. */
export interface DeploymentWaiterOptions extends WaiterOptions, Partial<DeploymentAcceptorOptions> {
  /** Called with every progress event, the outcome last. */
  readonly onEvent?: (event: DeploymentEvent) => void;
}

// ---------------------------------------------------------------------------
// pure parts

/** Revision number of a task definition ARN or `family:rev`. */
function revisionOf(taskDefinition: string): number | undefined {
  const m = /:(\d+)$/.exec(taskDefinition);
  return m ? Number(m[1]) : undefined;
}

/** The stopped tasks of an observation. */
function stoppedTasks(o: DeploymentObservation): StoppedTask[] {
  return o.tasks.filter((t) => t.lastStatus === 'STOPPED').map(toStoppedTask);
}

function toStoppedTask(t: ObservedTask): StoppedTask {
  return {
    taskArn: t.taskArn,
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    containers: t.containers.map((c) => ({ name: c.name, exitCode: c.exitCode, reason: c.reason })),
  };
}

/** What still keeps a PRIMARY deployment from `completed`, one phrase each. */
function completionGaps(o: DeploymentObservation, mine: DeploymentCounts, rules: DeploymentAcceptorOptions): string[] {
  const gaps: string[] = [];
  if (mine.rolloutState !== undefined && mine.rolloutState !== 'COMPLETED') gaps.push(`rollout ${mine.rolloutState}`);
  if (mine.running < mine.desired || mine.pending > 0) gaps.push(`${mine.running}/${mine.desired} tasks running, ${mine.pending} pending`);
  if (o.runningCount !== o.desiredCount) gaps.push(`service has ${o.runningCount} running tasks, desired ${o.desiredCount}`);
  if (rules.requireTargetHealth) {
    const bad = o.targets.filter((t) => t.state !== 'healthy');
    for (const t of bad.slice(0, 3)) gaps.push(`target ${t.id}${t.port ? `:${t.port}` : ''} in ${targetGroupName(t.targetGroupArn)} is ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
    if (bad.length > 3) gaps.push(`${bad.length - 3} more targets not healthy`);
  }
  if (rules.requireServiceDiscovery) {
    const missing = o.registrations.filter((r) => !r.registered);
    for (const r of missing.slice(0, 3)) gaps.push(`task ${lastSegment(r.taskArn)} not yet registered in Cloud Map service ${lastSegment(r.registryArn)}`);
    if (missing.length > 3) gaps.push(`${missing.length - 3} more Cloud Map registrations missing`);
  }
  return gaps;
}

function targetGroupName(arn: string): string {
  const m = /:targetgroup\/([^/]+)\//.exec(arn);
  return m ? m[1]! : arn;
}

/**
 * Pure acceptor of a deployment: decides from one observation whether the
 * followed deployment reached an outcome (`done`) or is still in progress
 * (`pending`, with what it is waiting for).
 *
 * - FAILED with another PRIMARY deployment → `rolledBack` (circuit breaker);
 *   FAILED while still PRIMARY → `failed`.
 * - another deployment PRIMARY (or this one gone) → `superseded`, unless the
 *   ServiceDeployment says it was rolled back or failed.
 * - COMPLETED with running = desired, every new task `healthy` in every
 *   target group and registered in Cloud Map → `completed`.
 * - otherwise `stalled` once nothing changed for `stalledAfterSeconds`.
 *
 * @example
 * ```ts
 * acceptDeployment(observation, DEFAULT_DEPLOYMENT_RULES);
 * // → { state: 'pending', reason: '1/2 tasks running, 1 pending; target 10.0.1.7:5000 in invsys-tg is initial (Elb.RegistrationInProgress)' }
 * // → { state: 'done', value: { outcome: 'rolledBack', deploymentId: 'ecs-svc/…', reason: 'ECS deployment circuit breaker: tasks failed to start.', … } }
 * ```
 */
export function acceptDeployment(o: DeploymentObservation, rules: DeploymentAcceptorOptions = DEFAULT_DEPLOYMENT_RULES): Verdict<DeploymentVerdict> {
  const deploymentId = o.deploymentId;
  const done = (value: DeploymentVerdict): Verdict<DeploymentVerdict> => ({ state: 'done', value });
  const mine = o.deployments.find((d) => d.id === deploymentId);
  const primary = o.deployments.find((d) => d.status === 'PRIMARY');
  const sd = o.serviceDeployment;
  const to = (): RollbackTarget => ({
    deploymentId: primary && primary.id !== deploymentId ? primary.id : undefined,
    taskDefinition: primary && primary.id !== deploymentId ? primary.taskDefinition : undefined,
    serviceRevisionArn: sd?.rollbackRevisionArn,
  });
  if (o.serviceStatus !== 'ACTIVE') {
    return done({ outcome: 'failed', deploymentId, reason: `service ${o.service} is ${o.serviceStatus} (deleted while deploying)`, stoppedTasks: stoppedTasks(o) });
  }
  if (!mine) {
    if (sd?.status === 'ROLLBACK_SUCCESSFUL' || sd?.status === 'ROLLBACK_IN_PROGRESS') {
      return done({ outcome: 'rolledBack', deploymentId, reason: sd.rollbackReason ?? sd.statusReason ?? 'rolled back', rolledBackTo: to(), stoppedTasks: stoppedTasks(o) });
    }
    if (sd?.status === 'ROLLBACK_FAILED') {
      return done({ outcome: 'failed', deploymentId, reason: sd.statusReason ?? 'rollback failed', stoppedTasks: stoppedTasks(o) });
    }
    return done({
      outcome: 'superseded',
      deploymentId,
      reason: `deployment ${deploymentId} was replaced by ${primary?.id ?? 'a newer deployment'}${sd?.statusReason ? ` (${sd.statusReason})` : ''}`,
      by: { deploymentId: primary?.id, taskDefinition: primary?.taskDefinition },
    });
  }
  if (mine.rolloutState === 'FAILED') {
    const reason = mine.rolloutStateReason ?? sd?.rollbackReason ?? sd?.statusReason ?? 'rollout FAILED';
    if (primary && primary.id !== deploymentId) {
      return done({ outcome: 'rolledBack', deploymentId, reason, rolledBackTo: to(), stoppedTasks: stoppedTasks(o) });
    }
    return done({ outcome: 'failed', deploymentId, reason, stoppedTasks: stoppedTasks(o) });
  }
  if (primary && primary.id !== deploymentId) {
    return done({
      outcome: 'superseded',
      deploymentId,
      reason: `deployment ${deploymentId} was replaced by ${primary.id} (${primary.taskDefinition})`,
      by: { deploymentId: primary.id, taskDefinition: primary.taskDefinition },
    });
  }
  const gaps = completionGaps(o, mine, rules);
  if (gaps.length === 0) {
    return done({
      outcome: 'completed',
      deploymentId,
      reason: `deployment ${deploymentId} completed: ${mine.running}/${mine.desired} tasks running${o.targets.length ? ', healthy in their target groups' : ''}${o.registrations.length ? ', registered in Cloud Map' : ''}`,
      taskDefinition: mine.taskDefinition,
      runningCount: mine.running,
    });
  }
  if (o.secondsWithoutProgress >= rules.stalledAfterSeconds) {
    const lastEvent = o.events[0];
    return done({
      outcome: 'stalled',
      deploymentId,
      reason: `no progress for ${round(o.secondsWithoutProgress)} s: ${gaps.join('; ')}${lastEvent ? `; last event: ${lastEvent.message}` : ''}`,
      stalledForSeconds: o.secondsWithoutProgress,
    });
  }
  return { state: 'pending', reason: gaps.join('; ') };
}

/**
 * Fingerprint of everything that counts as progress.
 *
 * @internal
 */
export function progressFingerprint(o: Omit<DeploymentObservation, 'secondsWithoutProgress'>): string {
  return JSON.stringify([
    o.deployments.map((d) => [d.id, d.status, d.running, d.pending, d.failed, d.desired, d.rolloutState]),
    o.tasks.map((t) => [t.taskArn, t.lastStatus, t.healthStatus]),
    o.targets.map((t) => [t.targetGroupArn, t.id, t.port, t.state]),
    o.registrations.map((r) => [r.registryArn, r.taskArn, r.registered]),
    [...new Set(o.events.map((e) => e.message.replace(/\(task [0-9a-f]+\)/g, '(task)')))].sort(),
  ]);
}

/**
 * Pure: the service events that belong to the followed deployment's story:
 * those that name it, and those without a deployment name from its creation
 * on. An event naming another deployment (the one a rollback returns from,
 * say) or older than the deployment is not its progress.
 *
 * @internal
 */
export function followedEvents(
  events: readonly { readonly id?: string; readonly createdAt?: Date; readonly message?: string }[],
  deploymentId: string,
  createdAt: number | undefined,
): ObservedServiceEvent[] {
  return events
    .map((e) => ({ id: e.id ?? '', createdAt: e.createdAt?.getTime() ?? 0, message: e.message ?? '' }))
    .filter((e) => {
      const named = /\(deployment ([^)\s]+)\)/.exec(e.message)?.[1];
      if (named !== undefined) return named === deploymentId;
      return createdAt === undefined || e.createdAt >= createdAt;
    });
}

/**
 * Pure: the progress events between two observations — deployment counts
 * when they changed, new service events (oldest first, de-duplicated by id),
 * target health changes and newly stopped tasks.
 *
 * @example
 * ```ts
 * deploymentEvents(undefined, first);   // [{ type: 'deploymentCounts', … }, { type: 'serviceEvent', … }]
 * deploymentEvents(first, second);      // [{ type: 'targetHealth', target: { id: '10.0.1.7', state: 'healthy', … }, previousState: 'initial', … }]
 * ```
 */
export function deploymentEvents(previous: DeploymentObservation | undefined, current: DeploymentObservation): DeploymentEvent[] {
  const at = current.at;
  const deploymentId = current.deploymentId;
  const events: DeploymentEvent[] = [];
  const counts = (o: DeploymentObservation) => JSON.stringify(o.deployments.map((d) => [d.id, d.status, d.desired, d.running, d.pending, d.failed, d.rolloutState]));
  if (!previous || counts(previous) !== counts(current)) events.push({ type: 'deploymentCounts', at, deploymentId, deployments: current.deployments });
  const seen = new Set(previous?.events.map((e) => e.id));
  for (const event of [...current.events].reverse()) if (!seen.has(event.id)) events.push({ type: 'serviceEvent', at, deploymentId, event });
  const key = (t: ObservedTarget) => `${t.targetGroupArn} ${t.id} ${t.port}`;
  const before = new Map(previous?.targets.map((t) => [key(t), t.state]));
  for (const target of current.targets) {
    const previousState = before.get(key(target));
    if (previousState !== target.state) events.push({ type: 'targetHealth', at, deploymentId, target, previousState });
  }
  const wasStopped = new Set(previous?.tasks.filter((t) => t.lastStatus === 'STOPPED').map((t) => t.taskArn));
  for (const task of current.tasks) {
    if (task.lastStatus === 'STOPPED' && !wasStopped.has(task.taskArn)) events.push({ type: 'taskStopped', at, deploymentId, task: toStoppedTask(task) });
  }
  return events;
}

// ---------------------------------------------------------------------------
// observing

function toCounts(d: NonNullable<Service['deployments']>[number]): DeploymentCounts {
  const taskDefinition = d.taskDefinition ?? '';
  return {
    id: d.id ?? '',
    status: d.status ?? '',
    taskDefinition,
    revision: revisionOf(taskDefinition),
    desired: d.desiredCount ?? 0,
    running: d.runningCount ?? 0,
    pending: d.pendingCount ?? 0,
    failed: d.failedTasks ?? 0,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
    createdAt: d.createdAt?.getTime(),
  };
}

function toTask(t: Task): ObservedTask {
  const eni = t.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
  const address =
    eni?.details?.find((d) => d.name === 'privateIPv4Address')?.value ??
    t.containers?.flatMap((c) => c.networkInterfaces ?? []).find((n) => n.privateIpv4Address)?.privateIpv4Address;
  return {
    taskArn: t.taskArn ?? '',
    taskId: lastSegment(t.taskArn ?? ''),
    lastStatus: t.lastStatus ?? 'UNKNOWN',
    desiredStatus: t.desiredStatus ?? 'UNKNOWN',
    healthStatus: t.healthStatus,
    address: eni ? address : undefined,
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    containerInstanceArn: t.containerInstanceArn,
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '',
      exitCode: c.exitCode,
      reason: c.reason,
      bindings: (c.networkBindings ?? []).map((b) => ({ containerPort: b.containerPort, hostPort: b.hostPort })),
    })),
  };
}

/**
 * Observes one deployment per call, keeping the caches that spare API calls
 * (stopped tasks, container instances, the ServiceDeployment ARN) and the
 * progress clock.
 *
 * @internal
 */
export class DeploymentObserver {
  readonly api = new ApiCalls();
  private readonly stopped = new Map<string, ObservedTask>();
  private readonly instances = new Map<string, string>();
  private serviceDeploymentArn: string | undefined;
  private createdAt: number | undefined;
  private seenOnce = false;
  private fingerprint: string | undefined;
  private progressAt = 0;

  constructor(
    private readonly clients: WaiterClients,
    private readonly ref: DeploymentRef,
    private readonly now: () => number,
  ) {}

  /** One poll. Throws a clear error when the service or deployment never existed. */
  async observe(signal: AbortSignal): Promise<DeploymentObservation> {
    const { ecs } = this.clients;
    const { cluster, deploymentId } = this.ref;
    const opts = { abortSignal: signal };
    const described = await this.api.call(() => ecs.send(new DescribeServicesCommand({ cluster, services: [this.ref.service] }), opts));
    const svc = described.services?.[0];
    if (!svc && !this.seenOnce) {
      throw new Error(
        `service: ${this.ref.service} was not found in cluster ${cluster} (${described.failures?.[0]?.reason ?? 'MISSING'}); pass the service name or ARN that CreateService returned`,
      );
    }
    const deployments = (svc?.deployments ?? []).map(toCounts);
    const mine = deployments.find((d) => d.id === deploymentId);
    if (mine?.createdAt !== undefined) this.createdAt = mine.createdAt;

    const tasks = await this.tasks(signal);
    const running = tasks.filter((t) => t.lastStatus === 'RUNNING' && t.desiredStatus === 'RUNNING');
    const targets = svc && running.length ? await this.targets(svc, running, signal) : [];
    const registrations = svc && running.length ? await this.registrations(svc, running, signal) : [];
    const primary = deployments.find((d) => d.status === 'PRIMARY');
    const needDeploymentRecord = !mine || mine.rolloutState === 'FAILED' || (primary !== undefined && primary.id !== deploymentId);
    const serviceDeployment = svc && needDeploymentRecord ? await this.serviceDeployment(svc, signal) : undefined;
    if (!mine && !this.seenOnce && !serviceDeployment) {
      throw new Error(
        `deploymentId: ${deploymentId} is not a deployment of service ${this.ref.service} (it has ${deployments.map((d) => d.id).join(', ') || 'none'}); pass the id of service.deployments[0] from CreateService/UpdateService`,
      );
    }
    this.seenOnce = true;
    const events = followedEvents(svc?.events ?? [], deploymentId, this.createdAt);
    const at = this.now();
    const partial = {
      at,
      cluster,
      service: svc?.serviceName ?? lastSegment(this.ref.service),
      deploymentId,
      serviceStatus: svc?.status ?? 'MISSING',
      desiredCount: svc?.desiredCount ?? 0,
      runningCount: svc?.runningCount ?? 0,
      pendingCount: svc?.pendingCount ?? 0,
      deployments,
      tasks,
      targets,
      registrations,
      serviceDeployment,
      events,
    };
    const fingerprint = progressFingerprint(partial);
    if (fingerprint !== this.fingerprint) {
      this.fingerprint = fingerprint;
      this.progressAt = at;
    }
    return { ...partial, secondsWithoutProgress: (at - this.progressAt) / 1000 };
  }

  private async tasks(signal: AbortSignal): Promise<ObservedTask[]> {
    const { ecs } = this.clients;
    const { cluster, deploymentId } = this.ref;
    const arns: string[] = [];
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      let nextToken: string | undefined;
      do {
        const page = await this.api.call(() =>
          ecs.send(new ListTasksCommand({ cluster, startedBy: deploymentId, desiredStatus, ...(nextToken && { nextToken }) }), { abortSignal: signal }),
        );
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
    }
    const unknown = [...new Set(arns)].filter((arn) => !this.stopped.has(arn));
    const fresh: ObservedTask[] = [];
    for (let i = 0; i < unknown.length; i += 100) {
      const out = await this.api.call(() => ecs.send(new DescribeTasksCommand({ cluster, tasks: unknown.slice(i, i + 100) }), { abortSignal: signal }));
      for (const t of out.tasks ?? []) {
        const task = toTask(t);
        if (task.lastStatus === 'STOPPED') this.stopped.set(task.taskArn, task);
        else fresh.push(task);
      }
    }
    return [...fresh, ...this.stopped.values()].sort((a, b) => a.taskArn.localeCompare(b.taskArn));
  }

  private async targets(svc: Service, running: ObservedTask[], signal: AbortSignal): Promise<ObservedTarget[]> {
    const lbs = (svc.loadBalancers ?? []).filter((lb) => lb.targetGroupArn);
    if (lbs.length === 0) return [];
    await this.resolveInstances(running, signal);
    const out: ObservedTarget[] = [];
    for (const targetGroupArn of [...new Set(lbs.map((lb) => lb.targetGroupArn!))]) {
      const health = await this.api.call(() => this.clients.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), { abortSignal: signal }));
      const rows = health.TargetHealthDescriptions ?? [];
      for (const lb of lbs.filter((x) => x.targetGroupArn === targetGroupArn)) {
        for (const task of running) {
          const where = this.targetOf(task, lb.containerName, lb.containerPort);
          if (!where) continue;
          const row = rows.find((r) => r.Target?.Id === where.id && (where.port === undefined || r.Target?.Port === where.port));
          out.push({
            targetGroupArn,
            taskArn: task.taskArn,
            id: where.id,
            port: where.port,
            state: row?.TargetHealth?.State ?? 'notRegistered',
            reason: row?.TargetHealth?.Reason,
            description: row?.TargetHealth?.Description,
          });
        }
      }
    }
    return out;
  }

  /** The target a task becomes: its IP and container port (awsvpc), else its instance and host port. */
  private targetOf(task: ObservedTask, containerName: string | undefined, containerPort: number | undefined): { id: string; port: number | undefined } | undefined {
    if (task.address) return { id: task.address, port: containerPort };
    const instance = task.containerInstanceArn ? this.instances.get(task.containerInstanceArn) : undefined;
    if (!instance) return undefined;
    const container = task.containers.find((c) => c.name === containerName);
    const binding = container?.bindings.find((b) => b.containerPort === containerPort);
    return { id: instance, port: binding?.hostPort };
  }

  private async resolveInstances(running: ObservedTask[], signal: AbortSignal): Promise<void> {
    const missing = [...new Set(running.filter((t) => !t.address && t.containerInstanceArn).map((t) => t.containerInstanceArn!))].filter((arn) => !this.instances.has(arn));
    if (missing.length === 0) return;
    const out = await this.api.call(() =>
      this.clients.ecs.send(new DescribeContainerInstancesCommand({ cluster: this.ref.cluster, containerInstances: missing }), { abortSignal: signal }),
    );
    for (const ci of out.containerInstances ?? []) if (ci.containerInstanceArn && ci.ec2InstanceId) this.instances.set(ci.containerInstanceArn, ci.ec2InstanceId);
  }

  private async registrations(svc: Service, running: ObservedTask[], signal: AbortSignal): Promise<ObservedRegistration[]> {
    const out: ObservedRegistration[] = [];
    for (const registryArn of [...new Set((svc.serviceRegistries ?? []).map((r) => r.registryArn).filter((a): a is string => !!a))]) {
      const ids = new Set<string>();
      const addresses = new Set<string>();
      let NextToken: string | undefined;
      do {
        const page = await this.api.call(() =>
          this.clients.serviceDiscovery.send(new ListInstancesCommand({ ServiceId: lastSegment(registryArn), MaxResults: 100, ...(NextToken && { NextToken }) }), {
            abortSignal: signal,
          }),
        );
        for (const instance of page.Instances ?? []) {
          if (instance.Id) ids.add(instance.Id);
          const ip = instance.Attributes?.AWS_INSTANCE_IPV4;
          if (ip) addresses.add(ip);
        }
        NextToken = page.NextToken;
      } while (NextToken);
      for (const task of running) {
        out.push({ registryArn, taskArn: task.taskArn, registered: ids.has(task.taskId) || (task.address !== undefined && addresses.has(task.address)) });
      }
    }
    return out;
  }

  /** The ServiceDeployment of the followed deployment (matched by revision id, then creation time), or undefined. */
  private async serviceDeployment(svc: Service, signal: AbortSignal): Promise<ObservedServiceDeployment | undefined> {
    const { ecs } = this.clients;
    try {
      if (!this.serviceDeploymentArn) {
        const list = await this.api.call(() =>
          ecs.send(new ListServiceDeploymentsCommand({ cluster: this.ref.cluster, service: svc.serviceArn ?? this.ref.service }), { abortSignal: signal }),
        );
        const numeric = this.ref.deploymentId.replace(/^ecs-svc\//, '');
        const briefs = list.serviceDeployments ?? [];
        const byRevision = briefs.filter((b) => b.targetServiceRevisionArn?.endsWith(`/${numeric}`));
        const distance = (b: (typeof briefs)[number]) => Math.abs((b.createdAt?.getTime() ?? 0) - (this.createdAt ?? 0));
        const candidates = byRevision.length ? byRevision : this.createdAt !== undefined ? briefs.filter((b) => distance(b) <= 2000) : [];
        this.serviceDeploymentArn = candidates.sort((a, b) => distance(a) - distance(b))[0]?.serviceDeploymentArn;
        if (!this.serviceDeploymentArn) return undefined;
      }
      const arn = this.serviceDeploymentArn;
      const out = await this.api.call(() => ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }), { abortSignal: signal }));
      const sd = out.serviceDeployments?.[0];
      if (!sd) return undefined;
      return { arn, status: sd.status, statusReason: sd.statusReason, rollbackReason: sd.rollback?.reason, rollbackRevisionArn: sd.rollback?.serviceRevisionArn };
    } catch (error) {
      // The newer API is optional: accounts or endpoints without it still get an outcome from service.deployments.
      if (signal.aborted || isRetryableError(error)) throw error;
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------
// the waiters

/**
 * Thrown by {@link waitUntilDeploymentCompleted} for any outcome but
 * `completed`; `outcome` is what {@link waitForDeployment} would have returned.
 *
 * @example
 * ```ts
 * try {
 *   await waitUntilDeploymentCompleted(aws, ref);
 * } catch (error) {
 *   if (error instanceof DeploymentError && error.outcome.outcome === 'rolledBack') {
 *     console.error(error.message);
 *     // [waitUntilDeploymentCompleted] lab/invsys-service deployment ecs-svc/123… rolledBack: ECS deployment circuit breaker: tasks failed to start.
 *   }
 * }
 * ```
 */
export class DeploymentError extends WaiterError<DeploymentOutcome> {
  /** Always `DeploymentError`. */
  override readonly name = 'DeploymentError';
  /** Always `'DeploymentError'`. */
  override readonly code = 'DeploymentError';
}

/**
 * Follows one deployment to a typed {@link DeploymentOutcome}. Polls at once,
 * then every `intervalSeconds` (default 2) with jitter; backs off only while
 * throttled; no hidden cap (set `timeoutSeconds`). Each poll costs
 * DescribeServices, two ListTasks (running and stopped, `startedBy` = the
 * deployment), DescribeTasks for tasks not yet known to be stopped, and —
 * once new tasks run — DescribeTargetHealth per target group and
 * ListInstances per Cloud Map service.
 *
 * @throws Error when the service or the deployment does not exist at the first poll.
 * @example
 * ```ts
 * const { service } = await aws.ecs.send(new UpdateServiceCommand({ cluster: 'lab', service: 'invsys-service', taskDefinition: 'invsys:2' }));
 * const result = await waitForDeployment(aws, { cluster: 'lab', service: 'invsys-service', deploymentId: service!.deployments![0]!.id! }, {
 *   timeoutSeconds: 900,
 *   stalledAfterSeconds: 300,
 *   onEvent: tableRenderer(process.stdout),
 * });
 * // → { outcome: 'completed', deploymentId: 'ecs-svc/…', taskDefinition: '…:task-definition/invsys:2', runningCount: 2, elapsedSeconds: 84.2, apiCalls: 212, … }
 * ```
 */
export async function waitForDeployment(clients: WaiterClients, ref: DeploymentRef, options: DeploymentWaiterOptions = {}): Promise<DeploymentOutcome> {
  const clock = options.clock ?? systemClock;
  const rules: DeploymentAcceptorOptions = {
    stalledAfterSeconds: options.stalledAfterSeconds ?? DEFAULT_DEPLOYMENT_RULES.stalledAfterSeconds,
    requireTargetHealth: options.requireTargetHealth ?? DEFAULT_DEPLOYMENT_RULES.requireTargetHealth,
    requireServiceDiscovery: options.requireServiceDiscovery ?? DEFAULT_DEPLOYMENT_RULES.requireServiceDiscovery,
  };
  const observer = new DeploymentObserver(clients, ref, () => clock.now());
  let previous: DeploymentObservation | undefined;
  const result = await poll<DeploymentObservation, DeploymentVerdict>({
    ...pollTiming(options),
    observe: (signal) => observer.observe(signal),
    accept: (o) => acceptDeployment(o, rules),
    onObservation: (o) => {
      const events = deploymentEvents(previous, o);
      previous = o;
      for (const event of events) options.onEvent?.(event);
    },
  });
  const base = { elapsedSeconds: result.elapsedSeconds, apiCalls: observer.api.count };
  const outcome: DeploymentOutcome =
    result.state === 'done'
      ? { ...result.value, ...base, last: previous }
      : {
          outcome: result.state,
          deploymentId: ref.deploymentId,
          reason: `${result.state === 'timedOut' ? 'timed out' : 'aborted'} after ${round(result.elapsedSeconds)} s${result.reason ? `; still waiting: ${result.reason}` : ''}`,
          ...base,
          last: result.last,
        };
  options.onEvent?.({ type: 'outcome', at: clock.now(), deploymentId: ref.deploymentId, outcome });
  return outcome;
}

/**
 * Like {@link waitForDeployment}, but resolves only on `completed` and
 * throws a {@link DeploymentError} carrying the outcome otherwise.
 *
 * @example
 * ```ts
 * const done = await waitUntilDeploymentCompleted(aws, { cluster: 'lab', service: 'invsys-service', deploymentId }, { timeoutSeconds: 900 });
 * done.runningCount; // 2
 * ```
 */
export async function waitUntilDeploymentCompleted(
  clients: WaiterClients,
  ref: DeploymentRef,
  options: DeploymentWaiterOptions = {},
): Promise<DeploymentCompleted> {
  const outcome = await waitForDeployment(clients, ref, options);
  if (outcome.outcome === 'completed') return outcome;
  throw new DeploymentError(
    'waitUntilDeploymentCompleted',
    outcome,
    `${lastSegment(ref.cluster)}/${lastSegment(ref.service)} deployment ${ref.deploymentId} ${outcome.outcome}: ${outcome.reason}`,
  );
}

/**
 * The progress of one deployment as an async iterable of events, ending
 * with the `outcome` event (the generator's return value is the outcome).
 * Breaking out of the loop stops polling.
 *
 * @example
 * ```ts
 * for await (const event of followDeployment(aws, { cluster: 'lab', service: 'invsys-service', deploymentId })) {
 *   if (event.type === 'serviceEvent') console.log(event.event.message);
 *   if (event.type === 'outcome') console.log(event.outcome.outcome); // 'completed'
 * }
 * ```
 */
export async function* followDeployment(
  clients: WaiterClients,
  ref: DeploymentRef,
  options: DeploymentWaiterOptions = {},
): AsyncGenerator<DeploymentEvent, DeploymentOutcome | undefined, undefined> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const queue: DeploymentEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let outcome: DeploymentOutcome | undefined;
  const run = waitForDeployment(clients, ref, {
    ...options,
    signal: controller.signal,
    onEvent: (event) => {
      options.onEvent?.(event);
      queue.push(event);
      wake?.();
    },
  }).then(
    (o) => {
      outcome = o;
      finished = true;
      wake?.();
    },
    (error: unknown) => {
      failure = { error };
      finished = true;
      wake?.();
    },
  );
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (finished) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    if (failure) throw failure.error;
    return outcome;
  } finally {
    controller.abort(new Error('followDeployment: the consumer stopped iterating'));
    await run;
    options.signal?.removeEventListener('abort', onAbort);
  }
}
