/**
 * Where the service scheduler's tasks go. Placement itself (which container
 * instance has room and meets the constraints, by which strategy; ECS's
 * `RESOURCE:*`, constraint and "closest matching" reasons) is the control
 * plane's (`services/ecs/placement.ts`, shared with RunTask and StartTask);
 * this module plans a service's launch: how many of the tasks it lacks fit
 * under the local task cap and on the cluster's instances, on which
 * instance each goes, and the service event for the rest. Tasks that cannot
 * be placed are never created (as on ECS), so none waits in PROVISIONING
 * forever.
 *
 * @internal
 */
import type { EventEmitter } from 'node:events';
import type { RegionState } from '../../core/types.js';
import type { ContainerInstanceRecord, DeploymentRecord, EcsPort, PlacementRules, ServiceRecord, TaskRecord } from '../control-plane.js';

/** The placement rules of a service's tasks: its constraints and strategy, spread and `distinctInstance` over its own tasks. */
export function serviceRules(svc: ServiceRecord): PlacementRules {
  return { constraints: svc.placementConstraints, strategy: svc.placementStrategy, serviceArn: svc.serviceArn, group: `service:${svc.serviceName}` };
}

/** What the scheduler may launch for a deployment now. */
export interface LaunchPlan {
  /** Tasks to create. */
  readonly count: number;
  /** Container instance ARN per task (EC2), in order; absent for Fargate. */
  readonly instances?: readonly string[];
  /** The service event for the tasks left out, when some were. */
  readonly event?: string;
}

/** The service event when the local task cap leaves a service's tasks out. */
export function taskLimitEvent(ecs: EcsPort, serviceName: string, maxTasks: number): string {
  return `(service ${serviceName}) was unable to place a task because the local cloud's task limit was reached. ${ecs.taskLimitDetail(maxTasks)}`;
}

/**
 * Plans the launch of `wanted` tasks of a deployment: first the local task
 * cap (registered on `events` by the runtime), then, for EC2, placement on
 * the cluster's container instances by the service's placement strategy.
 */
export function planServiceLaunch(ecs: EcsPort, rs: RegionState, svc: ServiceRecord, deployment: DeploymentRecord, wanted: number, events: EventEmitter): LaunchPlan {
  const free = ecs.freeTaskSlots(events);
  const count = Math.min(wanted, free);
  const limitEvent = count < wanted ? taskLimitEvent(ecs, svc.serviceName, ecs.localTaskLimit(events)?.maxTasks ?? 0) : undefined;
  // Launch type as the runner reads it from the task records the scheduler creates.
  if ((deployment.launchType ?? 'EC2') !== 'EC2' || count === 0) return { count, ...(limitEvent ? { event: limitEvent } : {}) };
  const td = ecs.findTaskDefinition(rs, deployment.taskDefinition);
  if (!td) return { count: 0 };
  const batch = ecs.placeBatch(rs, svc.clusterArn, ecs.definitionNeeds(rs, td), count, serviceRules(svc), td);
  const event = batch.reason ? ecs.serviceEventMessage.unableToPlace(svc.serviceName, batch.reason) : limitEvent;
  return { count: batch.instances.length, instances: batch.instances.map((i) => i.containerInstanceArn), ...(event ? { event } : {}) };
}

/** Creates the planned tasks (PROVISIONING; EC2 ones already on their container instance). */
export function launchPlanned(ecs: EcsPort, rs: RegionState, serviceArn: string, deploymentId: string, plan: LaunchPlan): TaskRecord[] {
  if (plan.count === 0) return [];
  if (!plan.instances) return ecs.createTasksForDeployment(rs, serviceArn, deploymentId, plan.count);
  const perInstance = new Map<string, number>();
  for (const arn of plan.instances) perInstance.set(arn, (perInstance.get(arn) ?? 0) + 1);
  return [...perInstance].flatMap(([containerInstanceArn, n]) => ecs.createTasksForDeployment(rs, serviceArn, deploymentId, n, { containerInstanceArn }));
}

/** The availability zone of a container instance (its `ecs.availability-zone` attribute). */
export function instanceZone(rs: RegionState, containerInstanceArn: string | undefined): string | undefined {
  if (!containerInstanceArn) return undefined;
  const instance = (rs.ecs as { containerInstances?: Record<string, ContainerInstanceRecord> } | undefined)?.containerInstances?.[containerInstanceArn];
  return instance?.attributes.find((a) => a.name === 'ecs.availability-zone')?.value;
}
