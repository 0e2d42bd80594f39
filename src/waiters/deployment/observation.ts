/**
 * What one poll of a deployment sees, as plain data: the service's
 * deployments and their counts, the deployment's tasks, their targets and
 * Cloud Map registrations, its ServiceDeployment record and service events.
 *
 * @module
 */
import type { Clients } from '../../clients.js';
import type { ServiceCounts } from '../common.js';

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
 * the progress events are pure functions of it.
 */
export interface DeploymentObservation extends ServiceCounts {
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

/**
 * A task as a {@link StoppedTask}: its reasons and exit codes.
 *
 * @internal
 */
export function toStoppedTask(t: ObservedTask): StoppedTask {
  return {
    taskArn: t.taskArn,
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    containers: t.containers.map((c) => ({ name: c.name, exitCode: c.exitCode, reason: c.reason })),
  };
}
