/**
 * The plain-data records of the ECS slice of a region state (clusters, task
 * definitions, services and their deployments, tasks, container instances)
 * and the slice itself. Everything is JSON-serialisable: times are epoch
 * milliseconds, no Maps, Dates or classes.
 *
 * @internal
 */
import type { RegionState, RequestContext } from '../../../core/types.js';

/** A JSON object echoed back as the caller sent it (container definitions, network configuration…). */
export type Json = Record<string, any>;

/** `{ key, value }` tag as ECS spells it. */
export interface EcsTag {
  key: string;
  value?: string;
}

/** A cluster (`Cluster` in the SDK, minus the computed counts). */
export interface ClusterRecord {
  clusterArn: string;
  clusterName: string;
  status: 'ACTIVE' | 'INACTIVE' | 'PROVISIONING' | 'DEPROVISIONING' | 'FAILED';
  settings: { name: string; value: string }[];
  configuration?: Json;
  capacityProviders: string[];
  defaultCapacityProviderStrategy: Json[];
  serviceConnectDefaults?: Json;
  createdAt: number;
}

/** One revision of a task definition: the caller's input echoed with AWS's computed fields. */
export interface TaskDefinitionRecord {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE' | 'DELETE_IN_PROGRESS';
  networkMode: string;
  containerDefinitions: Json[];
  cpu?: string;
  memory?: string;
  requiresCompatibilities?: string[];
  compatibilities: string[];
  requiresAttributes: { name: string; targetType?: string; value?: string }[];
  registeredAt: number;
  registeredBy: string;
  deregisteredAt?: number;
  /** The remaining echoed fields (taskRoleArn, executionRoleArn, volumes, placementConstraints, …). */
  extra: Json;
}

/** Deployment rollout state as ECS reports it. */
export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

/** One entry of `service.deployments`. */
export interface DeploymentRecord {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  pendingCount: number;
  runningCount: number;
  failedTasks: number;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  capacityProviderStrategy?: Json[];
  platformVersion?: string;
  networkConfiguration?: Json;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  /** ARN of the matching `ServiceDeployment` (the newer API). */
  serviceDeploymentArn: string;
  /** ARN of the service revision this deployment rolls out. */
  serviceRevisionArn: string;
}

/** A service event (`service.events`), newest first. */
export interface ServiceEventRecord {
  id: string;
  createdAt: number;
  message: string;
}

/** A service. */
export interface ServiceRecord {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: string;
  launchType?: string;
  capacityProviderStrategy?: Json[];
  platformVersion?: string;
  platformFamily?: string;
  loadBalancers: Json[];
  serviceRegistries: Json[];
  networkConfiguration?: Json;
  healthCheckGracePeriodSeconds?: number;
  schedulingStrategy: 'REPLICA' | 'DAEMON';
  deploymentController: { type: string };
  deploymentConfiguration: Json;
  placementConstraints: Json[];
  placementStrategy: Json[];
  deployments: DeploymentRecord[];
  events: ServiceEventRecord[];
  roleArn?: string;
  createdAt: number;
  createdBy: string;
  enableECSManagedTags: boolean;
  propagateTags: string;
  enableExecuteCommand: boolean;
  availabilityZoneRebalancing?: string;
  /** Token the service was created with (idempotency). */
  clientToken?: string;
}

/** Status of a `ServiceDeployment` (newer API). */
export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';

/** A `ServiceDeployment` (ListServiceDeployments / DescribeServiceDeployments). */
export interface ServiceDeploymentRecord {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  /** `ecs-svc/…` id of the matching entry in `service.deployments`. */
  deploymentId: string;
  createdAt: number;
  startedAt: number;
  updatedAt: number;
  finishedAt?: number;
  stoppedAt?: number;
  sourceServiceRevisions: { arn: string; requestedTaskCount: number; runningTaskCount: number; pendingTaskCount: number }[];
  targetServiceRevision: { arn: string; requestedTaskCount: number; runningTaskCount: number; pendingTaskCount: number };
  status: ServiceDeploymentStatus;
  statusReason?: string;
  deploymentConfiguration: Json;
  deploymentCircuitBreaker: { status: string; failureCount: number; threshold: number };
  alarms: { status: string; alarmNames?: string[]; triggeredAlarmNames?: string[] };
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
}

/** A service revision (DescribeServiceRevisions). */
export interface ServiceRevisionRecord {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  launchType?: string;
  capacityProviderStrategy?: Json[];
  platformVersion?: string;
  loadBalancers: Json[];
  serviceRegistries: Json[];
  networkConfiguration?: Json;
  containerImages: { containerName: string; image: string }[];
  createdAt: number;
}

/** A container of a task. */
export interface TaskContainerRecord {
  containerArn: string;
  name: string;
  image: string;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  healthStatus?: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  networkBindings: { bindIP?: string; containerPort?: number; hostPort?: number; protocol?: string }[];
  networkInterfaces: { attachmentId?: string; privateIpv4Address?: string }[];
  cpu?: string;
  memory?: string;
  memoryReservation?: string;
  essential: boolean;
}

/** A task. */
export interface TaskRecord {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  containerInstanceArn?: string;
  lastStatus: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  launchType?: string;
  capacityProviderName?: string;
  platformVersion?: string;
  cpu?: string;
  memory?: string;
  group: string;
  startedBy?: string;
  /** Service this task belongs to (internal; `group` is `service:<name>`). */
  serviceArn?: string;
  /** `ecs-svc/…` deployment that started it (internal). */
  deploymentId?: string;
  containers: TaskContainerRecord[];
  attachments: { id: string; type: string; status: string; details: { name: string; value: string }[] }[];
  /** Security groups of an awsvpc task's ENI, from its `awsvpcConfiguration` (internal: EC2's DescribeNetworkInterfaces reads it). */
  securityGroups?: string[];
  /**
   * The subnets its `awsvpcConfiguration` allowed, when more than one (internal): an
   * EC2 task's ENI moves to the one in its container instance's zone once placed.
   */
  awsvpcSubnets?: string[];
  overrides: Json;
  availabilityZone?: string;
  connectivity?: string;
  connectivityAt?: number;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  executionStoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  version: number;
  enableExecuteCommand: boolean;
}

/** A (virtual) EC2 container instance. */
export interface ContainerInstanceRecord {
  containerInstanceArn: string;
  clusterArn: string;
  ec2InstanceId: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE' | 'REGISTERING';
  agentConnected: boolean;
  /** Registered CPU units. */
  cpu: number;
  /** Registered memory, MiB. */
  memory: number;
  /** Host ports reserved at registration (TCP). */
  ports: string[];
  portsUdp: string[];
  attributes: { name: string; value?: string }[];
  versionInfo: Json;
  registeredAt: number;
  version: number;
  /**
   * awsvpc tasks it can take at once: its instance type's network interfaces
   * less the primary one (EC2-backed instances; virtual ones have no limit).
   */
  maxTaskEnis?: number;
}

/** The ECS slice of one account+region. */
export interface EcsState {
  clusters: Record<string, ClusterRecord>;
  /** family → revisions, index = revision - 1. */
  taskDefinitions: Record<string, TaskDefinitionRecord[]>;
  services: Record<string, ServiceRecord>;
  serviceDeployments: Record<string, ServiceDeploymentRecord>;
  serviceRevisions: Record<string, ServiceRevisionRecord>;
  tasks: Record<string, TaskRecord>;
  containerInstances: Record<string, ContainerInstanceRecord>;
  /** resource ARN → tags. */
  tags: Record<string, EcsTag[]>;
  /** account setting name → value. */
  accountSettings: Record<string, string>;
  /** name → capacity provider a user created (absent in state files written before them). */
  capacityProviders?: Record<string, CapacityProviderRecord>;
}

/** Key of the ECS slice in a region's state. */
export const ECS_SLICE = 'ecs';

/** The ECS slice of a region's state, created on first use. */
export function ecsState(regionState: RegionState): EcsState {
  const existing = regionState[ECS_SLICE] as EcsState | undefined;
  if (existing) return existing;
  const created: EcsState = {
    clusters: {},
    taskDefinitions: {},
    services: {},
    serviceDeployments: {},
    serviceRevisions: {},
    tasks: {},
    containerInstances: {},
    tags: {},
    accountSettings: {},
  };
  regionState[ECS_SLICE] = created;
  return created;
}

/** The ECS slice for a handler's context. */
export function stateOf(ctx: RequestContext): EcsState {
  return ecsState(ctx.state);
}

/** One capacity provider a user created, stored with the API's field names. */
export interface CapacityProviderRecord {
  capacityProviderArn: string;
  name: string;
  status: 'ACTIVE' | 'INACTIVE';
  autoScalingGroupProvider: {
    autoScalingGroupArn: string;
    managedScaling: { status: string; targetCapacity: number; minimumScalingStepSize: number; maximumScalingStepSize: number; instanceWarmupPeriod: number };
    managedTerminationProtection: string;
    managedDraining: string;
  };
  updateStatus?: string;
}
