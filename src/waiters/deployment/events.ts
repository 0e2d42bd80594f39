/**
 * Progress of a followed deployment as events, and the pure function that
 * derives them from two successive observations.
 *
 * @module
 */
import { toStoppedTask, type DeploymentCounts, type DeploymentObservation, type ObservedServiceEvent, type ObservedTarget, type StoppedTask } from './observation.js';
import type { DeploymentOutcome } from './outcome.js';

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
 *
 * @internal
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
