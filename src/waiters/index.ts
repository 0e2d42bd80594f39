/**
 * Deployment-aware waiters: one generic poller, a pure acceptor per
 * resource, `waitFor…` returning a typed outcome and `waitUntil…` throwing a
 * named error carrying it, progress as events with three renderers.
 *
 * @module
 */
export { systemClock, type Clock } from './clock.js';
export { poll, isRetryableError, type PollOptions, type PollResult, type Verdict } from './poller.js';
export { WaiterError, type Acceptance, type WaiterOptions, type WaiterOutcome } from './common.js';
export {
  acceptDeployment,
  deploymentEvents,
  DEFAULT_DEPLOYMENT_RULES,
  DeploymentError,
  followDeployment,
  waitForDeployment,
  waitUntilDeploymentCompleted,
  type DeploymentAcceptorOptions,
  type DeploymentCounts,
  type DeploymentEvent,
  type DeploymentObservation,
  type DeploymentOutcome,
  type DeploymentOutcomeBase,
  type DeploymentRef,
  type DeploymentVerdict,
  type DeploymentWaiterOptions,
  type ObservedRegistration,
  type ObservedServiceDeployment,
  type ObservedServiceEvent,
  type ObservedTarget,
  type ObservedTask,
  type RollbackTarget,
  type StoppedTask,
  type WaiterClients,
} from './deployment.js';
export {
  acceptAlarmState,
  acceptCloudMapOperation,
  acceptServicesStable,
  acceptTargetsHealthy,
  acceptTasksRunning,
  acceptTasksStopped,
  waitForAlarmState,
  waitForCloudMapOperation,
  waitForServicesStable,
  waitForTargetsHealthy,
  waitForTasksRunning,
  waitForTasksStopped,
  waitUntilAlarmState,
  waitUntilCloudMapOperationSucceeded,
  waitUntilServicesStable,
  waitUntilTargetsHealthy,
  waitUntilTasksRunning,
  waitUntilTasksStopped,
  type AlarmsObservation,
  type AlarmStateRef,
  type CloudMapOperationObservation,
  type ServicesRef,
  type ServicesStableObservation,
  type ServiceStability,
  type TargetsObservation,
  type TargetsRef,
  type TasksObservation,
  type TasksRef,
} from './resources.js';
export { deploymentTable, jsonRenderer, logRenderer, tableRenderer, type RenderOptions, type RenderStream, type Renderer } from './render.js';
