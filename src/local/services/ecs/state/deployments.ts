/**
 * The ECS mutators of service deployments: failed tasks and the circuit
 * breaker, rollout state, completion, failure (with rollback), new
 * deployments and the desired count.
 *
 * @internal
 */
import type { RegionState } from '../../../core/types.js';
import { mustDeployment, mustService, type MutationOptions, nowOf } from './access.js';
import { alnumId, digits19, shortName, siblingArn } from './ids.js';
import { clean, findTaskDefinition } from './lookups.js';
import { type DeploymentRecord, type EcsState, ecsState, type Json, type RolloutState, type ServiceDeploymentRecord, type ServiceDeploymentStatus, type ServiceRecord } from './records.js';
import { addServiceEvent, serviceEventMessage } from './tasks.js';
import { own } from '../../../core/util.js';

/** Adds `n` failed tasks to a deployment (and its circuit breaker's failure count). */
export function recordFailedTasks(regionState: RegionState, serviceArn: string, deploymentId: string, n = 1, options?: MutationOptions): DeploymentRecord {
  const svc = mustService(regionState, serviceArn);
  const d = mustDeployment(svc, deploymentId);
  d.failedTasks += n;
  d.updatedAt = nowOf(options);
  const sd = own(ecsState(regionState).serviceDeployments, d.serviceDeploymentArn);
  if (sd) sd.deploymentCircuitBreaker.failureCount += n;
  return d;
}

/** Sets a deployment's `rolloutState` and `rolloutStateReason`. */
export function setRolloutState(
  regionState: RegionState,
  serviceArn: string,
  deploymentId: string,
  rolloutState: RolloutState,
  reason: string,
  options?: MutationOptions,
): DeploymentRecord {
  const svc = mustService(regionState, serviceArn);
  const d = mustDeployment(svc, deploymentId);
  d.rolloutState = rolloutState;
  d.rolloutStateReason = reason;
  d.updatedAt = nowOf(options);
  return d;
}

/**
 * Completes a deployment: rollout COMPLETED (`ECS deployment <id> completed.`),
 * older deployments removed from `service.deployments` (their tasks should
 * already be stopped), the service deployment SUCCESSFUL (or
 * ROLLBACK_SUCCESSFUL for the deployment a rollback was rolling back), and
 * the deployment-completed event added. Add the steady-state event yourself
 * with {@link addServiceEvent} when running = desired.
 */
export function completeDeployment(regionState: RegionState, serviceArn: string, deploymentId: string, options?: MutationOptions): DeploymentRecord {
  const s = ecsState(regionState);
  const svc = mustService(regionState, serviceArn);
  const d = mustDeployment(svc, deploymentId);
  const now = nowOf(options);
  d.rolloutState = 'COMPLETED';
  d.rolloutStateReason = `ECS deployment ${d.id} completed.`;
  d.updatedAt = now;
  for (const other of svc.deployments) {
    if (other.id === deploymentId) continue;
    const sd = own(s.serviceDeployments, other.serviceDeploymentArn);
    if (sd && !isFinal(sd.status)) finishServiceDeployment(sd, 'STOPPED', now, 'Superseded by a newer deployment.');
    if (sd?.status === 'ROLLBACK_IN_PROGRESS') finishServiceDeployment(sd, 'ROLLBACK_SUCCESSFUL', now);
  }
  svc.deployments = svc.deployments.filter((x) => x.id === deploymentId);
  const sd = own(s.serviceDeployments, d.serviceDeploymentArn);
  if (sd && !isFinal(sd.status)) finishServiceDeployment(sd, 'SUCCESSFUL', now);
  // A rollback deployment completing makes the failed one ROLLBACK_SUCCESSFUL.
  for (const other of Object.values(s.serviceDeployments)) {
    if (other.serviceArn === serviceArn && other.status === 'ROLLBACK_IN_PROGRESS' && other.rollback?.serviceRevisionArn === d.serviceRevisionArn) {
      finishServiceDeployment(other, 'ROLLBACK_SUCCESSFUL', now);
    }
  }
  addServiceEvent(regionState, serviceArn, serviceEventMessage.deploymentCompleted(svc.serviceName, d.id), options);
  return d;
}

function isFinal(status: ServiceDeploymentStatus): boolean {
  return ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'ROLLBACK_IN_PROGRESS'].includes(status);
}

function finishServiceDeployment(sd: ServiceDeploymentRecord, status: ServiceDeploymentStatus, now: number, reason?: string): void {
  sd.status = status;
  sd.updatedAt = now;
  if (reason) sd.statusReason = reason;
  if (status === 'STOPPED') sd.stoppedAt = now;
  else sd.finishedAt = now;
  if (sd.deploymentCircuitBreaker.status === 'MONITORING') sd.deploymentCircuitBreaker.status = 'MONITORING_COMPLETE';
}

/**
 * Fails a deployment (rollout FAILED with `reason`). With `rollback: true`
 * (the circuit breaker's rollback), a new PRIMARY deployment of the last
 * COMPLETED deployment's task definition is created and returned, the failed
 * service deployment goes ROLLBACK_IN_PROGRESS with `rollback` info, and an
 * `ecs:deployment-created` event should be emitted by the caller if it needs
 * one (the runtime is the caller, so it just starts the tasks).
 */
export function failDeployment(
  regionState: RegionState,
  serviceArn: string,
  deploymentId: string,
  reason: string,
  options: MutationOptions & { rollback?: boolean } = {},
): { failed: DeploymentRecord; rollback?: DeploymentRecord } {
  const s = ecsState(regionState);
  const svc = mustService(regionState, serviceArn);
  const failed = mustDeployment(svc, deploymentId);
  const now = nowOf(options);
  failed.rolloutState = 'FAILED';
  failed.rolloutStateReason = reason;
  failed.updatedAt = now;
  const sd = own(s.serviceDeployments, failed.serviceDeploymentArn);
  if (sd?.deploymentCircuitBreaker.status === 'MONITORING') sd.deploymentCircuitBreaker.status = 'TRIGGERED';
  addServiceEvent(regionState, serviceArn, serviceEventMessage.rollingBack(svc.serviceName, failed.id, reason), options);
  if (!options.rollback) {
    if (sd) finishServiceDeployment(sd, 'ROLLBACK_FAILED', now, reason);
    if (sd) sd.status = 'STOPPED';
    return { failed };
  }
  const target = previousCompletedRevision(s, svc, failed);
  if (!target) {
    if (sd) finishServiceDeployment(sd, 'STOPPED', now, `${reason} No previous completed deployment to roll back to.`);
    return { failed };
  }
  const rollback = startDeployment(regionState, svc, {
    taskDefinition: target.taskDefinition,
    launchType: target.launchType,
    capacityProviderStrategy: target.capacityProviderStrategy,
    platformVersion: target.platformVersion,
    networkConfiguration: target.networkConfiguration,
    now,
    reuseRevisionArn: target.serviceRevisionArn,
  });
  svc.taskDefinition = target.taskDefinition;
  if (sd) {
    sd.status = 'ROLLBACK_IN_PROGRESS';
    sd.statusReason = reason;
    sd.updatedAt = now;
    sd.rollback = { reason, startedAt: now, serviceRevisionArn: target.serviceRevisionArn };
  }
  return { failed, rollback };
}

function previousCompletedRevision(
  s: EcsState,
  svc: ServiceRecord,
  failed: DeploymentRecord,
): { taskDefinition: string; launchType?: string; capacityProviderStrategy?: Json[]; platformVersion?: string; networkConfiguration?: Json; serviceRevisionArn: string } | undefined {
  const done = Object.values(s.serviceDeployments)
    .filter((x) => x.serviceArn === svc.serviceArn && x.deploymentId !== failed.id && (x.status === 'SUCCESSFUL' || x.status === 'ROLLBACK_SUCCESSFUL' || x.status === 'IN_PROGRESS'))
    .reverse()
    .sort((a, b) => b.createdAt - a.createdAt);
  const successful = done.find((x) => x.status === 'SUCCESSFUL');
  if (!successful) return undefined;
  const rev = own(s.serviceRevisions, successful.targetServiceRevision.arn);
  if (!rev) return undefined;
  return {
    taskDefinition: rev.taskDefinition,
    launchType: rev.launchType,
    capacityProviderStrategy: rev.capacityProviderStrategy,
    platformVersion: rev.platformVersion,
    networkConfiguration: rev.networkConfiguration,
    serviceRevisionArn: rev.serviceRevisionArn,
  };
}

/** Circuit-breaker failure threshold AWS derives from the desired count (50%, at least 3, at most 200). */
export function circuitBreakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(desiredCount * 0.5)));
}

/**
 * Starts a new PRIMARY deployment of a service (CreateService, UpdateService,
 * rollback): the previous PRIMARY becomes ACTIVE, a service revision and a
 * service deployment are recorded.
 */
export function startDeployment(
  regionState: RegionState,
  svc: ServiceRecord,
  spec: {
    taskDefinition: string;
    launchType?: string;
    capacityProviderStrategy?: Json[];
    platformVersion?: string;
    networkConfiguration?: Json;
    now: number;
    reuseRevisionArn?: string;
  },
): DeploymentRecord {
  const s = ecsState(regionState);
  const clusterName = shortName(svc.clusterArn);
  const numericId = digits19();
  const id = `ecs-svc/${numericId}`;
  const previous = svc.deployments.filter((d) => d.status !== 'INACTIVE');
  for (const d of previous) d.status = 'ACTIVE';
  let revisionArn = spec.reuseRevisionArn;
  if (!revisionArn) {
    revisionArn = siblingArn(svc.clusterArn, `service-revision/${clusterName}/${svc.serviceName}/${numericId}`);
    const td = findTaskDefinition(regionState, spec.taskDefinition);
    s.serviceRevisions[revisionArn] = clean({
      serviceRevisionArn: revisionArn,
      serviceArn: svc.serviceArn,
      clusterArn: svc.clusterArn,
      taskDefinition: spec.taskDefinition,
      launchType: spec.launchType,
      capacityProviderStrategy: spec.capacityProviderStrategy,
      platformVersion: spec.platformVersion,
      loadBalancers: svc.loadBalancers,
      serviceRegistries: svc.serviceRegistries,
      networkConfiguration: spec.networkConfiguration,
      containerImages: (td?.containerDefinitions ?? []).map((c) => ({ containerName: String(c.name), image: String(c.image) })),
      createdAt: spec.now,
    });
  }
  const serviceDeploymentArn = siblingArn(svc.clusterArn, `service-deployment/${clusterName}/${svc.serviceName}/${alnumId()}`);
  const deployment: DeploymentRecord = clean({
    id,
    status: 'PRIMARY' as const,
    taskDefinition: spec.taskDefinition,
    desiredCount: svc.desiredCount,
    pendingCount: 0,
    runningCount: 0,
    failedTasks: 0,
    createdAt: spec.now,
    updatedAt: spec.now,
    launchType: spec.launchType,
    capacityProviderStrategy: spec.capacityProviderStrategy,
    platformVersion: spec.platformVersion,
    networkConfiguration: spec.networkConfiguration,
    rolloutState: 'IN_PROGRESS' as const,
    rolloutStateReason: `ECS deployment ${id} in progress.`,
    serviceDeploymentArn,
    serviceRevisionArn: revisionArn,
  });
  svc.deployments.unshift(deployment);
  const breaker = (svc.deploymentConfiguration.deploymentCircuitBreaker ?? {}) as Json;
  const alarms = svc.deploymentConfiguration.alarms as Json | undefined;
  s.serviceDeployments[serviceDeploymentArn] = {
    serviceDeploymentArn,
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    deploymentId: id,
    createdAt: spec.now,
    startedAt: spec.now,
    updatedAt: spec.now,
    sourceServiceRevisions: previous.map((d) => ({
      arn: d.serviceRevisionArn,
      requestedTaskCount: d.desiredCount,
      runningTaskCount: d.runningCount,
      pendingTaskCount: d.pendingCount,
    })),
    targetServiceRevision: { arn: revisionArn, requestedTaskCount: svc.desiredCount, runningTaskCount: 0, pendingTaskCount: 0 },
    status: 'IN_PROGRESS',
    deploymentConfiguration: structuredClone(svc.deploymentConfiguration),
    deploymentCircuitBreaker: {
      status: breaker.enable ? 'MONITORING' : 'DISABLED',
      failureCount: 0,
      threshold: circuitBreakerThreshold(svc.desiredCount),
    },
    alarms: alarms?.enable ? { status: 'MONITORING', alarmNames: alarms.alarmNames ?? [], triggeredAlarmNames: [] } : { status: 'DISABLED' },
  };
  return deployment;
}

/** Sets the desired count of a service and its PRIMARY deployment (what UpdateService and Application Auto Scaling do). */
export function setDesiredCount(regionState: RegionState, serviceArn: string, desiredCount: number): ServiceRecord {
  const svc = mustService(regionState, serviceArn);
  svc.desiredCount = desiredCount;
  const primary = svc.deployments.find((d) => d.status === 'PRIMARY');
  if (primary) primary.desiredCount = desiredCount;
  const sd = primary ? own(ecsState(regionState).serviceDeployments, primary.serviceDeploymentArn) : undefined;
  if (sd) sd.targetServiceRevision.requestedTaskCount = desiredCount;
  return svc;
}
