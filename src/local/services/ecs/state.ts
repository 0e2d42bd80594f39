/**
 * ECS control-plane state: the plain-data records the ECS handlers keep in
 * their slice of a region's state, the lookups they share, and the typed
 * accessors and mutators the local runtime (scheduler, task processes,
 * health checks) calls directly, in-process, to make tasks real.
 *
 * Everything here is JSON-serialisable: times are epoch milliseconds, no
 * Maps, Dates or classes. See `README.md` beside this file for the runtime
 * contract.
 *
 * @internal
 */
import type { CapacityProviderRecord } from './capacity-providers.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError, type RegionState, type RequestContext } from '../../core/types.js';
import { partitionOf } from '../../core/util.js';

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

// ---------------------------------------------------------------------------
// ids and ARNs

/** 32-character lower-case hex id (task and container-instance ids). */
export function taskId(): string {
  return randomBytes(16).toString('hex');
}

/** 19-digit numeric id, as in `ecs-svc/1234567890123456789`. */
export function digits19(): string {
  let s = String(1 + (randomBytes(1)[0]! % 9));
  const bytes = randomBytes(18);
  for (const b of bytes) s += String(b % 10);
  return s;
}

/** 21-character alphanumeric id (service deployment ids). */
export function alnumId(length = 21): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

/** Parses `arn:aws:ecs:<region>:<account>:<resource>`. */
export function parseEcsArn(value: string): { region: string; accountId: string; resource: string } | undefined {
  const m = /^arn:aws[\w-]*:ecs:([^:]*):(\d{12}):(.+)$/.exec(value);
  if (!m) return undefined;
  return { region: m[1]!, accountId: m[2]!, resource: m[3]! };
}

/** `arn:<partition>:ecs:<region>:<account>:<resource>` built from another ECS ARN of the same account and region. */
export function siblingArn(anyEcsArn: string, resource: string): string {
  const parsed = parseEcsArn(anyEcsArn);
  if (!parsed) throw new Error(`not an ECS ARN: ${anyEcsArn}`);
  return `arn:${partitionOf(parsed.region)}:ecs:${parsed.region}:${parsed.accountId}:${resource}`;
}

/** Last path element of an ARN or a plain name. */
export function shortName(nameOrArn: string): string {
  const i = nameOrArn.lastIndexOf('/');
  return i >= 0 ? nameOrArn.slice(i + 1) : nameOrArn;
}

// ---------------------------------------------------------------------------
// lookups (pure: return undefined when absent)

/** Finds a cluster by name or ARN (any status). */
export function findCluster(regionState: RegionState, nameOrArn = 'default'): ClusterRecord | undefined {
  const s = ecsState(regionState);
  if (nameOrArn.startsWith('arn:')) return s.clusters[nameOrArn];
  const name = nameOrArn;
  return Object.values(s.clusters).find((c) => c.clusterName === name);
}

/**
 * Finds a service by name or ARN within a cluster. Among several services
 * with one name (an INACTIVE one and a newer ACTIVE one) the live one wins.
 */
export function findService(regionState: RegionState, clusterArn: string, nameOrArn: string): ServiceRecord | undefined {
  const s = ecsState(regionState);
  const name = shortName(nameOrArn);
  const matches = Object.values(s.services).filter((svc) => svc.clusterArn === clusterArn && svc.serviceName === name);
  return matches.find((m) => m.status !== 'INACTIVE') ?? matches.at(-1);
}

/** Finds a service by ARN in any cluster. */
export function findServiceByArn(regionState: RegionState, serviceArn: string): ServiceRecord | undefined {
  const s = ecsState(regionState);
  return s.services[serviceArn] ?? Object.values(s.services).find((svc) => svc.serviceArn === serviceArn && svc.status !== 'INACTIVE');
}

/** Finds a task by id or ARN (optionally within one cluster). */
export function findTask(regionState: RegionState, idOrArn: string, clusterArn?: string): TaskRecord | undefined {
  const s = ecsState(regionState);
  const task = idOrArn.startsWith('arn:') ? s.tasks[idOrArn] : Object.values(s.tasks).find((t) => shortName(t.taskArn) === idOrArn);
  if (!task) return undefined;
  return clusterArn === undefined || task.clusterArn === clusterArn ? task : undefined;
}

/** Finds a container instance by id or ARN (optionally within one cluster). */
export function findContainerInstance(regionState: RegionState, idOrArn: string, clusterArn?: string): ContainerInstanceRecord | undefined {
  const s = ecsState(regionState);
  const ci = idOrArn.startsWith('arn:')
    ? s.containerInstances[idOrArn]
    : Object.values(s.containerInstances).find((c) => shortName(c.containerInstanceArn) === idOrArn);
  if (!ci) return undefined;
  return clusterArn === undefined || ci.clusterArn === clusterArn ? ci : undefined;
}

/**
 * Finds a task definition by `family` (latest ACTIVE revision),
 * `family:revision` or full ARN (any status).
 */
export function findTaskDefinition(regionState: RegionState, ref: string): TaskDefinitionRecord | undefined {
  const s = ecsState(regionState);
  let familyRev = ref;
  if (ref.startsWith('arn:')) {
    const parsed = parseEcsArn(ref);
    if (!parsed || !parsed.resource.startsWith('task-definition/')) return undefined;
    familyRev = parsed.resource.slice('task-definition/'.length);
  }
  const colon = familyRev.lastIndexOf(':');
  if (colon < 0) {
    const revisions = s.taskDefinitions[familyRev] ?? [];
    return revisions.filter((r) => r.status === 'ACTIVE').at(-1);
  }
  const family = familyRev.slice(0, colon);
  const revision = Number(familyRev.slice(colon + 1));
  if (!Number.isInteger(revision)) return undefined;
  return s.taskDefinitions[family]?.[revision - 1];
}

/**
 * How long a STOPPED task stays in the state: AWS shows stopped tasks for
 * "at least 1 hour". Real time, not scaled by the time scale (keeping them
 * longer than a scaled hour is still "at least"); what it bounds is the
 * growth of a long-running local cloud, whose every task scan walks them.
 */
export const STOPPED_TASK_RETENTION_MS = 60 * 60 * 1000;

/**
 * Removes the tasks that have been STOPPED for longer than `retentionMs`
 * (and their tags), as ECS forgets stopped tasks; returns their ARNs. A
 * later DescribeTasks names them as `MISSING` failures, as on AWS.
 */
export function pruneStoppedTasks(regionState: RegionState, now: number, retentionMs = STOPPED_TASK_RETENTION_MS): string[] {
  const s = ecsState(regionState);
  const removed: string[] = [];
  for (const task of Object.values(s.tasks)) {
    if (task.lastStatus !== 'STOPPED' || task.stoppedAt === undefined || now - task.stoppedAt <= retentionMs) continue;
    delete s.tasks[task.taskArn];
    delete s.tags[task.taskArn];
    removed.push(task.taskArn);
  }
  return removed;
}

/** Tasks of a service (optionally of one deployment, optionally only those not yet STOPPED). */
export function serviceTasks(
  regionState: RegionState,
  serviceArn: string,
  filter: { deploymentId?: string; activeOnly?: boolean } = {},
): TaskRecord[] {
  return Object.values(ecsState(regionState).tasks).filter(
    (t) =>
      t.serviceArn === serviceArn &&
      (filter.deploymentId === undefined || t.deploymentId === filter.deploymentId) &&
      (!filter.activeOnly || t.lastStatus !== 'STOPPED'),
  );
}

// ---------------------------------------------------------------------------
// handler helpers (throw AWS errors)

/** The cluster a request names (default `default`), or AWS's `ClusterNotFoundException`. */
export function requireCluster(ctx: RequestContext, ref: string | undefined): ClusterRecord {
  const cluster = findCluster(ctx.state, ref || 'default');
  if (!cluster || cluster.status === 'INACTIVE') throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
  return cluster;
}

/** An ACTIVE/DRAINING service of a cluster, or `ServiceNotFoundException`. */
export function requireService(ctx: RequestContext, cluster: ClusterRecord, ref: string | undefined): ServiceRecord {
  if (!ref) throw new AwsError('InvalidParameterException', 'service must not be null or empty.');
  if (ref.startsWith('arn:')) {
    const svc = findServiceByArn(ctx.state, ref);
    if (svc && svc.clusterArn !== cluster.clusterArn) {
      throw new AwsError('InvalidParameterException', 'Service ARN does not belong to the given cluster.');
    }
  }
  const svc = findService(ctx.state, cluster.clusterArn, ref);
  if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
  return svc;
}

/** Emits a control-plane event for the runtime (`ctx.events`, event name = type). */
export function emit(ctx: RequestContext, type: string, ids: Record<string, unknown>): void {
  ctx.events.emit(type, { accountId: ctx.accountId, region: ctx.region, type, ...ids });
}

/** Event types the ECS handlers emit on `ctx.events`. */
export const EcsEvents = {
  serviceCreated: 'ecs:service-created',
  serviceUpdated: 'ecs:service-updated',
  serviceDeleted: 'ecs:service-deleted',
  deploymentCreated: 'ecs:deployment-created',
  taskRunRequested: 'ecs:task-run-requested',
  taskStopRequested: 'ecs:task-stop-requested',
  taskDefinitionRegistered: 'ecs:task-definition-registered',
} as const;

/** Converts epoch milliseconds to the `Date` the protocol layer serialises (undefined stays undefined). */
export function date(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}

/** Drops `undefined` values so outputs only carry keys AWS would send. */
export function clean<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

// ---------------------------------------------------------------------------
// resources (CPU/MEMORY) a task needs

/** CPU units and memory MiB a task reserves on a container instance. */
export function taskResources(regionState: RegionState, task: Pick<TaskRecord, 'taskDefinitionArn' | 'cpu' | 'memory' | 'containers'>): { cpu: number; memory: number; ports: number[]; portsUdp: number[] } {
  const td = findTaskDefinition(regionState, task.taskDefinitionArn);
  let cpu = Number(task.cpu ?? td?.cpu ?? 0) || 0;
  let memory = Number(task.memory ?? td?.memory ?? 0) || 0;
  const ports: number[] = [];
  const portsUdp: number[] = [];
  const defs = td?.containerDefinitions ?? [];
  if (!cpu) cpu = defs.reduce((sum, c) => sum + (Number(c.cpu) || 0), 0);
  if (!memory) memory = defs.reduce((sum, c) => sum + (Number(c.memory ?? c.memoryReservation) || 0), 0);
  if (td && td.networkMode !== 'awsvpc') {
    for (const c of task.containers) {
      for (const b of c.networkBindings) {
        if (b.hostPort) (b.protocol === 'udp' ? portsUdp : ports).push(b.hostPort);
      }
    }
    if (task.containers.every((c) => c.networkBindings.length === 0)) {
      for (const c of defs) {
        for (const pm of (c.portMappings ?? []) as Json[]) {
          if (pm.hostPort) (pm.protocol === 'udp' ? portsUdp : ports).push(Number(pm.hostPort));
        }
      }
    }
  }
  return { cpu, memory, ports, portsUdp };
}

// ---------------------------------------------------------------------------
// runtime mutators

/** Options every runtime mutator accepts. */
export interface MutationOptions {
  /** Clock in epoch ms (default `Date.now()`). */
  now?: number;
}

const nowOf = (o?: MutationOptions) => o?.now ?? Date.now();

/** Maximum service events kept (AWS keeps the latest 100). */
export const MAX_SERVICE_EVENTS = 100;

/**
 * Adds a service event, newest first, keeping at most 100. Use AWS's
 * wording, e.g. `(service invsys-service) has reached a steady state.`
 * (see {@link serviceEventMessage}).
 */
export function addServiceEvent(regionState: RegionState, serviceArn: string, message: string, options?: MutationOptions): ServiceEventRecord {
  const svc = mustService(regionState, serviceArn);
  const event: ServiceEventRecord = { id: randomUUID(), createdAt: nowOf(options), message };
  svc.events.unshift(event);
  if (svc.events.length > MAX_SERVICE_EVENTS) svc.events.length = MAX_SERVICE_EVENTS;
  return event;
}

/** AWS's service event wordings. */
export const serviceEventMessage = {
  steadyState: (serviceName: string) => `(service ${serviceName}) has reached a steady state.`,
  startedTasks: (serviceName: string, taskIds: string[]) =>
    `(service ${serviceName}) has started ${taskIds.length} tasks: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`,
  stoppedTasks: (serviceName: string, taskIds: string[]) =>
    `(service ${serviceName}) has stopped ${taskIds.length} running tasks: ${taskIds.map((id) => `(task ${id})`).join(' ')}.`,
  deploymentCompleted: (serviceName: string, deploymentId: string) => `(service ${serviceName}) (deployment ${deploymentId}) deployment completed.`,
  unableToPlace: (serviceName: string, reason: string) =>
    `(service ${serviceName}) was unable to place a task because no container instance met all of its requirements. ${reason}`,
  rollingBack: (serviceName: string, deploymentId: string, reason: string) =>
    `(service ${serviceName}) (deployment ${deploymentId}) deployment failed: ${reason}`,
};

function mustService(regionState: RegionState, serviceArn: string): ServiceRecord {
  const svc = ecsState(regionState).services[serviceArn];
  if (!svc) throw new Error(`ecs: no service ${serviceArn}`);
  return svc;
}

function mustDeployment(svc: ServiceRecord, deploymentId: string): DeploymentRecord {
  const d = svc.deployments.find((x) => x.id === deploymentId);
  if (!d) throw new Error(`ecs: service ${svc.serviceName} has no deployment ${deploymentId}`);
  return d;
}

/** Creates the task records for a new launch (RunTask, StartTask, or a service's scheduler). */
export function newTaskRecords(
  regionState: RegionState,
  td: TaskDefinitionRecord,
  clusterArn: string,
  count: number,
  options: {
    now: number;
    launchType?: string;
    capacityProviderName?: string;
    platformVersion?: string;
    group: string;
    startedBy?: string;
    serviceArn?: string;
    deploymentId?: string;
    networkConfiguration?: Json;
    overrides?: Json;
    containerInstanceArn?: string;
    enableExecuteCommand?: boolean;
  },
): TaskRecord[] {
  const s = ecsState(regionState);
  const clusterName = shortName(clusterArn);
  const created: TaskRecord[] = [];
  for (let i = 0; i < count; i++) {
    const id = taskId();
    const taskArn = siblingArn(clusterArn, `task/${clusterName}/${id}`);
    const overrides = (options.overrides ?? {}) as Json;
    const containerOverrides = (overrides.containerOverrides ?? []) as Json[];
    const attachments: TaskRecord['attachments'] = [];
    let attachmentId: string | undefined;
    let securityGroups: string[] | undefined;
    let awsvpcSubnets: string[] | undefined;
    if (td.networkMode === 'awsvpc') {
      attachmentId = randomUUID();
      const vpc = (options.networkConfiguration?.awsvpcConfiguration ?? {}) as Json;
      const allowed = ((vpc.subnets ?? []) as unknown[]).map(String);
      const subnet = leastUsedSubnet(s, allowed, options.group);
      if (allowed.length > 1) awsvpcSubnets = allowed;
      const groups = ((vpc.securityGroups ?? []) as unknown[]).map(String);
      if (groups.length > 0) securityGroups = groups;
      attachments.push({
        id: attachmentId,
        type: 'ElasticNetworkInterface',
        status: 'PRECREATED',
        details: subnet ? [{ name: 'subnetId', value: subnet }] : [],
      });
    }
    const task: TaskRecord = {
      taskArn,
      clusterArn,
      taskDefinitionArn: td.taskDefinitionArn,
      containerInstanceArn: options.containerInstanceArn,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      healthStatus: 'UNKNOWN',
      launchType: options.launchType,
      capacityProviderName: options.capacityProviderName,
      platformVersion: options.platformVersion,
      cpu: (overrides.cpu as string | undefined) ?? td.cpu,
      memory: (overrides.memory as string | undefined) ?? td.memory,
      group: options.group,
      startedBy: options.startedBy,
      serviceArn: options.serviceArn,
      deploymentId: options.deploymentId,
      ...(securityGroups ? { securityGroups } : {}),
      ...(awsvpcSubnets ? { awsvpcSubnets } : {}),
      containers: td.containerDefinitions.map((c) => {
        const override = containerOverrides.find((o) => o.name === c.name);
        return clean({
          containerArn: siblingArn(clusterArn, `container/${clusterName}/${id}/${randomUUID()}`),
          name: String(c.name),
          image: String(c.image),
          lastStatus: 'PENDING',
          healthStatus: c.healthCheck ? ('UNKNOWN' as const) : undefined,
          networkBindings: [],
          networkInterfaces: attachmentId ? [{ attachmentId }] : [],
          cpu: String(override?.cpu ?? c.cpu ?? 0),
          memory: (override?.memory ?? c.memory) !== undefined ? String(override?.memory ?? c.memory) : undefined,
          memoryReservation:
            (override?.memoryReservation ?? c.memoryReservation) !== undefined ? String(override?.memoryReservation ?? c.memoryReservation) : undefined,
          essential: c.essential !== false,
        });
      }),
      attachments,
      overrides: { containerOverrides: containerOverrides.length ? containerOverrides : td.containerDefinitions.map((c) => ({ name: c.name })), inferenceAcceleratorOverrides: [], ...omit(overrides, ['containerOverrides']) },
      connectivity: undefined,
      createdAt: options.now,
      version: 1,
      enableExecuteCommand: options.enableExecuteCommand ?? false,
    };
    s.tasks[taskArn] = clean(task);
    created.push(task);
  }
  return created;
}

/** The ENI subnet of an awsvpc task (its attachment's `subnetId`), if any. */
export function taskSubnet(task: Pick<TaskRecord, 'attachments'>): string | undefined {
  return task.attachments.find((a) => a.type === 'ElasticNetworkInterface')?.details.find((d) => d.name === 'subnetId')?.value;
}

/**
 * Of the subnets an awsvpc task may use, the one holding the fewest live tasks
 * of its group (first on a tie): a service's tasks spread over the subnets,
 * and so over their Availability Zones, as ECS spreads them.
 */
function leastUsedSubnet(s: EcsState, subnets: readonly string[], group: string): string | undefined {
  if (subnets.length <= 1) return subnets[0];
  const used = new Map(subnets.map((id) => [id, 0]));
  for (const task of Object.values(s.tasks)) {
    if (task.group !== group || task.lastStatus === 'STOPPED' || task.desiredStatus === 'STOPPED') continue;
    const subnet = taskSubnet(task);
    if (subnet !== undefined && used.has(subnet)) used.set(subnet, used.get(subnet)! + 1);
  }
  return subnets.reduce((best, id) => (used.get(id)! < used.get(best)! ? id : best));
}

function omit(obj: Json, keys: string[]): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) if (!keys.includes(k)) out[k] = v;
  return out;
}

/**
 * Creates `count` PROVISIONING tasks for a service deployment (the
 * scheduler's launch). `startedBy` is the deployment id and `group` is
 * `service:<name>`, as on AWS. Counts are recomputed.
 */
export function createTasksForDeployment(
  regionState: RegionState,
  serviceArn: string,
  deploymentId: string,
  count: number,
  options: MutationOptions & { containerInstanceArn?: string; capacityProviderName?: string } = {},
): TaskRecord[] {
  const svc = mustService(regionState, serviceArn);
  const deployment = mustDeployment(svc, deploymentId);
  const td = findTaskDefinition(regionState, deployment.taskDefinition);
  if (!td) throw new Error(`ecs: task definition ${deployment.taskDefinition} not found`);
  const tasks = newTaskRecords(regionState, td, svc.clusterArn, count, {
    now: nowOf(options),
    launchType: deployment.launchType,
    capacityProviderName: options.capacityProviderName,
    platformVersion: deployment.platformVersion,
    group: `service:${svc.serviceName}`,
    startedBy: deploymentId,
    serviceArn,
    deploymentId,
    networkConfiguration: deployment.networkConfiguration,
    containerInstanceArn: options.containerInstanceArn,
    enableExecuteCommand: svc.enableExecuteCommand,
  });
  recountService(regionState, serviceArn, options);
  return tasks;
}

/** What the runtime may change on a task. */
export interface TaskUpdate {
  lastStatus?: 'PROVISIONING' | 'PENDING' | 'ACTIVATING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'DEPROVISIONING' | 'STOPPED';
  desiredStatus?: 'RUNNING' | 'STOPPED';
  healthStatus?: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  stoppedReason?: string;
  stopCode?: 'TaskFailedToStart' | 'EssentialContainerExited' | 'UserInitiated' | 'ServiceSchedulerInitiated' | 'SpotInterruption' | 'TerminationNotice';
  containerInstanceArn?: string;
  availabilityZone?: string;
  /** Per-container changes, matched by container name. */
  containers?: {
    name: string;
    lastStatus?: string;
    exitCode?: number;
    reason?: string;
    healthStatus?: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
    networkBindings?: TaskContainerRecord['networkBindings'];
    privateIpv4Address?: string;
  }[];
  /** ENI details for awsvpc tasks (`networkInterfaceId`, `privateIPv4Address`, `macAddress`, `privateDnsName`, `subnetId`). */
  eni?: Record<string, string>;
}

/**
 * Applies a runtime change to a task: statuses (with AWS's timestamps:
 * `pullStartedAt`, `connectivityAt`, `startedAt`, `stoppingAt`, `stoppedAt`),
 * health, stop reason/code, container exit codes and network bindings, ENI
 * details. Recomputes the service's counts and finishes a DRAINING service
 * once its last task stopped.
 */
export function updateTask(regionState: RegionState, taskArn: string, update: TaskUpdate, options?: MutationOptions): TaskRecord {
  const task = ecsState(regionState).tasks[taskArn];
  if (!task) throw new Error(`ecs: no task ${taskArn}`);
  const now = nowOf(options);
  if (update.containerInstanceArn !== undefined) task.containerInstanceArn = update.containerInstanceArn;
  if (update.availabilityZone !== undefined) task.availabilityZone = update.availabilityZone;
  if (update.desiredStatus) task.desiredStatus = update.desiredStatus;
  if (update.healthStatus) task.healthStatus = update.healthStatus;
  if (update.stoppedReason !== undefined) task.stoppedReason = update.stoppedReason;
  if (update.stopCode !== undefined) task.stopCode = update.stopCode;
  for (const change of update.containers ?? []) {
    const c = task.containers.find((x) => x.name === change.name);
    if (!c) throw new Error(`ecs: task ${taskArn} has no container ${change.name}`);
    if (change.lastStatus !== undefined) c.lastStatus = change.lastStatus;
    if (change.exitCode !== undefined) c.exitCode = change.exitCode;
    if (change.reason !== undefined) c.reason = change.reason;
    if (change.healthStatus !== undefined) c.healthStatus = change.healthStatus;
    if (change.networkBindings !== undefined) c.networkBindings = change.networkBindings;
    if (change.privateIpv4Address !== undefined) {
      c.networkInterfaces = c.networkInterfaces.length
        ? c.networkInterfaces.map((n) => ({ ...n, privateIpv4Address: change.privateIpv4Address }))
        : [{ privateIpv4Address: change.privateIpv4Address }];
    }
  }
  if (update.eni) {
    const eni = task.attachments.find((a) => a.type === 'ElasticNetworkInterface');
    if (eni) {
      for (const [name, value] of Object.entries(update.eni)) {
        const existing = eni.details.find((d) => d.name === name);
        if (existing) existing.value = value;
        else eni.details.push({ name, value });
      }
      if (eni.status === 'PRECREATED') eni.status = 'ATTACHED';
    }
  }
  if (update.lastStatus && update.lastStatus !== task.lastStatus) {
    const to = update.lastStatus;
    task.lastStatus = to;
    if (to === 'PENDING' && task.pullStartedAt === undefined) task.pullStartedAt = now;
    if ((to === 'PENDING' || to === 'ACTIVATING' || to === 'RUNNING') && task.connectivityAt === undefined) {
      task.connectivity = 'CONNECTED';
      task.connectivityAt = now;
    }
    if (to === 'RUNNING') {
      task.pullStartedAt ??= now;
      task.pullStoppedAt ??= now;
      task.startedAt ??= now;
      for (const c of task.containers) if (c.lastStatus === 'PENDING') c.lastStatus = 'RUNNING';
    }
    if (to === 'DEACTIVATING' || to === 'STOPPING' || to === 'DEPROVISIONING') {
      task.stoppingAt ??= now;
      task.desiredStatus = 'STOPPED';
    }
    if (to === 'STOPPED') {
      task.desiredStatus = 'STOPPED';
      task.stoppingAt ??= now;
      task.executionStoppedAt ??= now;
      task.stoppedAt = now;
      for (const c of task.containers) if (c.lastStatus !== 'STOPPED') c.lastStatus = 'STOPPED';
      const eni = task.attachments.find((a) => a.type === 'ElasticNetworkInterface');
      if (eni) eni.status = 'DELETED';
    }
  }
  task.version++;
  if (task.serviceArn) recountService(regionState, task.serviceArn, options);
  return task;
}

/**
 * Marks a task for stopping (desiredStatus STOPPED, stoppedReason, stopCode,
 * `stoppingAt`). The runtime then stops the process and calls
 * {@link updateTask} with `lastStatus: 'STOPPED'`.
 */
export function requestTaskStop(
  regionState: RegionState,
  taskArn: string,
  reason: string,
  options: MutationOptions & { stopCode?: TaskUpdate['stopCode'] } = {},
): TaskRecord {
  const task = ecsState(regionState).tasks[taskArn];
  if (!task) throw new Error(`ecs: no task ${taskArn}`);
  if (task.lastStatus === 'STOPPED') return task;
  task.desiredStatus = 'STOPPED';
  task.stoppedReason ??= reason;
  task.stopCode ??= options.stopCode ?? 'UserInitiated';
  task.stoppingAt ??= nowOf(options);
  task.version++;
  return task;
}

/**
 * Recomputes a service's and its deployments' running/pending counts from
 * its tasks (pending = not yet RUNNING and desired RUNNING), mirrors them on
 * the matching service deployments, and moves a DRAINING service with no
 * live task left to INACTIVE.
 */
export function recountService(regionState: RegionState, serviceArn: string, options?: MutationOptions): ServiceRecord {
  const s = ecsState(regionState);
  const svc = mustService(regionState, serviceArn);
  const tasks = serviceTasks(regionState, serviceArn);
  for (const d of svc.deployments) {
    const mine = tasks.filter((t) => t.deploymentId === d.id);
    const r = mine.filter((t) => t.lastStatus === 'RUNNING').length;
    const p = mine.filter((t) => t.lastStatus !== 'RUNNING' && t.lastStatus !== 'STOPPED' && t.desiredStatus === 'RUNNING').length;
    if (r !== d.runningCount || p !== d.pendingCount) d.updatedAt = nowOf(options);
    d.runningCount = r;
    d.pendingCount = p;
    const sd = s.serviceDeployments[d.serviceDeploymentArn];
    if (sd) {
      sd.targetServiceRevision.runningTaskCount = r;
      sd.targetServiceRevision.pendingTaskCount = p;
      sd.targetServiceRevision.requestedTaskCount = d.desiredCount;
    }
  }
  if (svc.status === 'DRAINING' && tasks.every((t) => t.lastStatus === 'STOPPED')) {
    svc.status = 'INACTIVE';
    for (const d of svc.deployments) d.status = 'INACTIVE';
  }
  return svc;
}

/** Running and pending task counts of a service (from its tasks). */
export function serviceCounts(svc: ServiceRecord): { runningCount: number; pendingCount: number } {
  let runningCount = 0;
  let pendingCount = 0;
  for (const d of svc.deployments) {
    runningCount += d.runningCount;
    pendingCount += d.pendingCount;
  }
  return { runningCount, pendingCount };
}

/** Adds `n` failed tasks to a deployment (and its circuit breaker's failure count). */
export function recordFailedTasks(regionState: RegionState, serviceArn: string, deploymentId: string, n = 1, options?: MutationOptions): DeploymentRecord {
  const svc = mustService(regionState, serviceArn);
  const d = mustDeployment(svc, deploymentId);
  d.failedTasks += n;
  d.updatedAt = nowOf(options);
  const sd = ecsState(regionState).serviceDeployments[d.serviceDeploymentArn];
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
    const sd = s.serviceDeployments[other.serviceDeploymentArn];
    if (sd && !isFinal(sd.status)) finishServiceDeployment(sd, 'STOPPED', now, 'Superseded by a newer deployment.');
    if (sd?.status === 'ROLLBACK_IN_PROGRESS') finishServiceDeployment(sd, 'ROLLBACK_SUCCESSFUL', now);
  }
  svc.deployments = svc.deployments.filter((x) => x.id === deploymentId);
  const sd = s.serviceDeployments[d.serviceDeploymentArn];
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
  const sd = s.serviceDeployments[failed.serviceDeploymentArn];
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
  const rev = s.serviceRevisions[successful.targetServiceRevision.arn];
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
  const sd = primary ? ecsState(regionState).serviceDeployments[primary.serviceDeploymentArn] : undefined;
  if (sd) sd.targetServiceRevision.requestedTaskCount = desiredCount;
  return svc;
}
