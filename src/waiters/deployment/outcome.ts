/**
 * How a followed deployment ends, and the pure acceptor that decides it from
 * one observation (completed, rolled back, failed, superseded, stalled).
 *
 * @module
 */
import { lastSegment, round } from '../common.js';
import type { UnfinishedState, Verdict } from '../poller.js';
import { toStoppedTask, type DeploymentCounts, type DeploymentObservation, type StoppedTask } from './observation.js';

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
  readonly outcome: UnfinishedState;
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

/** Default acceptor rules: stalled after 10 minutes, target health and Cloud Map required. @internal */
export const DEFAULT_DEPLOYMENT_RULES: DeploymentAcceptorOptions = { stalledAfterSeconds: 600, requireTargetHealth: true, requireServiceDiscovery: true };

/** The stopped tasks of an observation. */
function stoppedTasks(o: DeploymentObservation): StoppedTask[] {
  return o.tasks.filter((t) => t.lastStatus === 'STOPPED').map(toStoppedTask);
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
