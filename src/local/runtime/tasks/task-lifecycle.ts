/**
 * Starting placed tasks and reacting to stopped ones: placement on a
 * container instance (or the "unable to place" service event), the
 * {@link TaskRun}, and — when a service task fails — the deployment's
 * failed-task count and circuit breaker.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { EcsState, Json, ServiceRecord, TaskRecord } from '../control-plane.js';
import { instanceZone, serviceRules } from './placement.js';
import { deregisterTask } from './service-registration.js';
import type { TasksShared } from './shared.js';
import { TaskRun, type StopCause, type TaskRunHooks } from './task-run.js';

/** The hooks each run of region `rs` gets. */
function hooks(shared: TasksShared, rs: RegionState): TaskRunHooks {
  return {
    changed: () => shared.changed(),
    onStopped: (run, cause) => taskStopped(shared, rs, run, cause),
    beforeStop: (run) => deregisterTask(shared, rs, run),
  };
}

/** A run ended: forget it; a failed service task counts for its deployment's circuit breaker. */
export function taskStopped(shared: TasksShared, rs: RegionState, run: TaskRun, cause: StopCause): void {
  shared.runs.delete(run.taskArn);
  if (!run.serviceArn || !run.deploymentId) return;
  const ecs = rs.ecs as EcsState;
  const svc = ecs.services[run.serviceArn];
  if (!svc) return;
  shared.memoryOf(svc.serviceArn).steady = false;
  if (!cause.failed) return;
  const deployment = svc.deployments.find((d) => d.id === run.deploymentId);
  if (!deployment || deployment.status !== 'PRIMARY' || deployment.rolloutState !== 'IN_PROGRESS') return;
  const port = shared.context.controlPlane.ecs;
  port.recordFailedTasks(rs, svc.serviceArn, deployment.id, 1);
  const breaker = (svc.deploymentConfiguration.deploymentCircuitBreaker ?? {}) as Json;
  const sd = ecs.serviceDeployments[deployment.serviceDeploymentArn];
  if (breaker.enable && sd && sd.deploymentCircuitBreaker.failureCount >= sd.deploymentCircuitBreaker.threshold) {
    const { rollback } = port.failDeployment(rs, svc.serviceArn, deployment.id, 'ECS deployment circuit breaker: tasks failed to start.', {
      rollback: Boolean(breaker.rollback),
    });
    if (rollback) {
      port.addServiceEvent(rs, svc.serviceArn, `(service ${svc.serviceName}) rolling back to deployment ${rollback.id}.`);
    }
  }
  shared.changed();
}

/** Places a PROVISIONING task (EC2: on an instance with room) and starts its run; `placed` collects service task ids for the "started" event. */
export function startTask(
  shared: TasksShared,
  where: { accountId: string; region: string; rs: RegionState },
  task: TaskRecord,
  svc: ServiceRecord | undefined,
  placed: string[],
): void {
  const { context } = shared;
  const { ecs, ec2 } = context.controlPlane;
  const { accountId, region, rs } = where;
  const launchType = task.launchType ?? (task.capacityProviderName?.startsWith('FARGATE') ? 'FARGATE' : 'EC2');
  let instanceArn = task.containerInstanceArn;
  let az = instanceZone(rs, instanceArn) ?? `${region}a`;
  if (launchType === 'EC2' && !instanceArn) {
    const placement = ecs.placeTask(rs, task, svc?.placementStrategy ?? [], svc ? serviceRules(svc) : {});
    if (!placement.placed) {
      if (svc) {
        const memory = shared.memoryOf(svc.serviceArn);
        if (!memory.placementReported) {
          memory.placementReported = true;
          ecs.addServiceEvent(rs, svc.serviceArn, ecs.serviceEventMessage.unableToPlace(svc.serviceName, placement.reason));
          shared.changed();
        }
      }
      return;
    }
    instanceArn = placement.instance.containerInstanceArn;
    az = placement.instance.attributes.find((a) => a.name === 'ecs.availability-zone')?.value ?? az;
  }
  if (svc) shared.memoryOf(svc.serviceArn).placementReported = false;
  let run: TaskRun;
  try {
    run = new TaskRun(context, accountId, region, rs, task, hooks(shared, rs));
  } catch (error) {
    context.log(`tasks: cannot start ${task.taskArn}: ${(error as Error).message}`);
    ecs.updateTask(rs, task.taskArn, { lastStatus: 'STOPPED', stoppedReason: (error as Error).message, stopCode: 'TaskFailedToStart' });
    shared.changed();
    return;
  }
  shared.runs.set(task.taskArn, run);
  // The ENI's subnet decides the zone: on an instance, the allowed subnet in the instance's zone;
  // on Fargate, the zone of the subnet chosen when the task was created (spread over the subnets).
  const zoneOf = (subnetId: string) => ec2.findSubnet({ state: rs, region, accountId }, subnetId)?.availabilityZone;
  let subnet = ecs.taskSubnet(task);
  if (instanceArn) subnet = task.awsvpcSubnets?.find((id) => zoneOf(id) === az) ?? subnet;
  else if (subnet) az = zoneOf(subnet) ?? az;
  ecs.updateTask(rs, task.taskArn, {
    lastStatus: 'PENDING',
    availabilityZone: az,
    ...(instanceArn ? { containerInstanceArn: instanceArn } : {}),
    ...(subnet ? { eni: { subnetId: subnet } } : {}),
  });
  shared.changed();
  if (svc) placed.push(ecs.shortName(task.taskArn));
  run.start().catch((error: Error) => {
    context.log(`tasks: starting ${task.taskArn} failed: ${error.stack ?? error.message}`);
    void run.stop({ reason: `CannotStartContainerError: ${error.message}`, stopCode: 'TaskFailedToStart', failed: true });
  });
}
