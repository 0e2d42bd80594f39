/**
 * `waitForDeployment`: follows one ECS deployment (not "the service") to a
 * typed outcome — completed (rollout COMPLETED, running = desired, the new
 * tasks healthy in their target groups and registered in Cloud Map), rolled
 * back, failed, superseded, stalled, timed out or aborted — reporting
 * progress as events along the way.
 *
 * - `observation.ts`: what one poll sees (plain data).
 * - `observer.ts`: the API calls of one poll, with their caches.
 * - `outcome.ts`: the outcomes and the pure acceptor that decides them.
 * - `events.ts`: the progress events between two observations.
 * - `waiter.ts`: `waitForDeployment`, `waitUntilDeploymentCompleted`, `followDeployment`.
 *
 * @module
 */
export type {
  DeploymentCounts,
  DeploymentObservation,
  DeploymentRef,
  ObservedContainer,
  ObservedRegistration,
  ObservedServiceDeployment,
  ObservedServiceEvent,
  ObservedTarget,
  ObservedTask,
  PortBinding,
  StoppedContainer,
  StoppedTask,
  WaiterClients,
} from './observation.js';
export {
  acceptDeployment,
  DEFAULT_DEPLOYMENT_RULES,
  type DeploymentAcceptorOptions,
  type DeploymentCompleted,
  type DeploymentFailed,
  type DeploymentOutcome,
  type DeploymentOutcomeBase,
  type DeploymentRolledBack,
  type DeploymentStalled,
  type DeploymentSuperseded,
  type DeploymentUnfinished,
  type DeploymentVerdict,
  type OutcomeMeta,
  type RollbackTarget,
  type SupersedingDeployment,
} from './outcome.js';
export {
  deploymentEvents,
  type DeploymentCountsEvent,
  type DeploymentEvent,
  type DeploymentEventBase,
  type OutcomeEvent,
  type ServiceEventEvent,
  type TargetHealthEvent,
  type TaskStoppedEvent,
} from './events.js';
export { DeploymentNotFoundError, DeploymentObserver, followedEvents, progressFingerprint } from './observer.js';
export { DeploymentError, followDeployment, waitForDeployment, waitUntilDeploymentCompleted, type DeploymentWaiterOptions } from './waiter.js';
