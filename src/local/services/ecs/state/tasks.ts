/**
 * The ECS mutators of tasks and service events, which the handlers and the
 * local runtime call: creating task records (RunTask, StartTask, a
 * service's launch), updating a task's status (timestamps, ENI, counts),
 * requesting its stop, and the service counts derived from tasks.
 *
 * @internal
 */
import { randomUUID } from 'node:crypto';
import type { RegionState } from '../../../core/types.js';
import { mustDeployment, mustService, type MutationOptions, nowOf } from './access.js';
import { shortName, siblingArn, taskId } from './ids.js';
import { clean, findTaskDefinition, serviceTasks } from './lookups.js';
import { type EcsState, ecsState, type Json, type ServiceEventRecord, type ServiceRecord, type TaskContainerRecord, type TaskDefinitionRecord, type TaskRecord } from './records.js';
import { own } from '../../../core/util.js';

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
  const task = own(ecsState(regionState).tasks, taskArn);
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
  const task = own(ecsState(regionState).tasks, taskArn);
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
    const sd = own(s.serviceDeployments, d.serviceDeploymentArn);
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
