/**
 * ECS tasks: RunTask, StartTask, StopTask, DescribeTasks, ListTasks. The
 * control plane records tasks (PROVISIONING, desired RUNNING) and places EC2
 * tasks on container instances (`placement.ts`); running them is the
 * runtime's job (it listens for `ecs:task-run-requested`).
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { paginate } from '../../core/util.js';
import {
  constraintFailure,
  definitionNeeds,
  MEMBER_OF_UNSATISFIED,
  missingResource,
  NO_CONTAINER_INSTANCES,
  placeBatch,
  resourceFailureReason,
  validatePlacement,
  type PlacementFailure,
} from './placement.js';
import { remainingResources } from './container-instances.js';
import { checkRunTaskCount } from './quotas.js';
import { activeTaskDefinition, resolveLaunch, validateNetworkConfiguration } from './services.js';
import {
  clean,
  date,
  emit,
  EcsEvents,
  findContainerInstance,
  findService,
  findTask,
  foundOrMissing,
  newTaskRecords,
  refList,
  requestTaskStop,
  requireCluster,
  shortName,
  stateOf,
  updateTask,
  type ContainerInstanceRecord,
  type EcsState,
  type Json,
  type TaskDefinitionRecord,
  type TaskRecord,
} from './state.js';
import { putTags, tagsOf, validateTags } from './tags.js';
import { runtimeAttached } from './runtime-attachment.js';
import { freeTaskSlots, localTaskLimit, taskLimitFailure } from './task-limit.js';

function invalid(message: string): never {
  throw new AwsError('InvalidParameterException', message);
}

/** The SDK `Task` shape. */
export function taskOut(ctx: RequestContext, t: TaskRecord, withTags = false): Json {
  return clean({
    attachments: t.attachments,
    availabilityZone: t.availabilityZone,
    clusterArn: t.clusterArn,
    connectivity: t.connectivity,
    connectivityAt: date(t.connectivityAt),
    containerInstanceArn: t.containerInstanceArn,
    containers: t.containers.map((c) =>
      clean({
        containerArn: c.containerArn,
        taskArn: t.taskArn,
        name: c.name,
        image: c.image,
        lastStatus: c.lastStatus,
        exitCode: c.exitCode,
        reason: c.reason,
        networkBindings: c.networkBindings,
        networkInterfaces: c.networkInterfaces,
        // "If health checks aren't configured for this container in its task definition, then it reports the health status as UNKNOWN."
        healthStatus: c.healthStatus ?? 'UNKNOWN',
        cpu: c.cpu,
        memory: c.memory,
        memoryReservation: c.memoryReservation,
      }),
    ),
    cpu: t.cpu,
    createdAt: date(t.createdAt),
    desiredStatus: t.desiredStatus,
    enableExecuteCommand: t.enableExecuteCommand,
    executionStoppedAt: date(t.executionStoppedAt),
    group: t.group,
    healthStatus: t.healthStatus,
    lastStatus: t.lastStatus,
    launchType: t.launchType,
    capacityProviderName: t.capacityProviderName,
    memory: t.memory,
    overrides: t.overrides,
    platformVersion: t.platformVersion,
    platformFamily: t.platformVersion ? 'Linux' : undefined,
    pullStartedAt: date(t.pullStartedAt),
    pullStoppedAt: date(t.pullStoppedAt),
    startedAt: date(t.startedAt),
    startedBy: t.startedBy,
    stopCode: t.stopCode,
    stoppedAt: date(t.stoppedAt),
    stoppedReason: t.stoppedReason,
    stoppingAt: date(t.stoppingAt),
    tags: withTags ? tagsOf(stateOf(ctx), t.taskArn) : [],
    taskArn: t.taskArn,
    taskDefinitionArn: t.taskDefinitionArn,
    version: t.version,
  });
}

/**
 * How many of `count` RunTask tasks start, on which container instances (EC2),
 * and the failures of the rest: the local task cap (`LOCAL_TASK_LIMIT`), then
 * placement (`RESOURCE:MEMORY` / `RESOURCE:CPU` / `RESOURCE:PORTS` per
 * container instance, or no container instances at all).
 */
function placeRunTasks(
  ctx: RequestContext,
  clusterArn: string,
  td: TaskDefinitionRecord,
  ec2: boolean,
  count: number,
  input: Json,
  placement: { constraints: Json[]; strategy: Json[]; group: string },
): { count: number; instances?: readonly ContainerInstanceRecord[]; failures: PlacementFailure[] } {
  const failures: PlacementFailure[] = [];
  let n = count;
  const free = freeTaskSlots(ctx.events);
  if (free < n) {
    n = free;
    failures.push(taskLimitFailure(clusterArn, localTaskLimit(ctx.events)!.maxTasks));
  }
  if (!ec2) return { count: n, failures };
  const batch = placeBatch(ctx.state, clusterArn, definitionNeeds(ctx.state, td, input.overrides), n, placement, td);
  // An EC2 cluster without container instances is an error, not a failure list.
  if (batch.reason === NO_CONTAINER_INSTANCES) invalid(NO_CONTAINER_INSTANCES);
  return { count: batch.instances.length, instances: batch.instances, failures: [...batch.failures, ...failures] };
}

/**
 * ECS RunTask: records 1-10 PROVISIONING tasks. EC2 tasks are placed at once
 * on container instances with room that meet the placement constraints, by
 * the placement strategy (what does not fit is a `RESOURCE:*`,
 * `MemberOf placement constraint unsatisfied.`, … failure per instance, as
 * on ECS; a cluster without container instances is `InvalidParameterException`);
 * no task starts past the local task cap.
 */
export const RunTask: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const cluster = requireCluster(ctx, input.cluster);
  const td = activeTaskDefinition(ctx, input.taskDefinition);
  const count = checkRunTaskCount(input.count);
  if (input.startedBy !== undefined && String(input.startedBy).length > 128) invalid('startedBy can be at most 128 characters.');
  if (input.group !== undefined && String(input.group).length > 255) invalid('group can be at most 255 characters.');
  const launch = resolveLaunch(cluster, td, input);
  const effectiveLaunchType = launch.launchType ?? (launch.platformVersion ? 'FARGATE' : 'EC2');
  const networkConfiguration = validateNetworkConfiguration(ctx, input.networkConfiguration, td, effectiveLaunchType);
  const tags = validateTags(input.tags);
  const rules = validatePlacement(input, effectiveLaunchType, td);
  const group: string = input.group ?? `family:${td.family}`;
  const placement = placeRunTasks(ctx, cluster.clusterArn, td, effectiveLaunchType === 'EC2', count, input, { ...rules, group });
  if (placement.count === 0) return { tasks: [], failures: placement.failures };
  const tasks = newTaskRecords(ctx.state, td, cluster.clusterArn, placement.count, {
    now: ctx.now().getTime(),
    launchType: launch.launchType,
    capacityProviderName: launch.capacityProviderStrategy?.[0]?.capacityProvider,
    platformVersion: input.platformVersion ?? launch.platformVersion,
    group,
    startedBy: input.startedBy,
    networkConfiguration,
    overrides: input.overrides,
    enableExecuteCommand: Boolean(input.enableExecuteCommand),
  });
  return launched(ctx, s, cluster.clusterArn, td, tasks, placement.instances?.map((i) => i?.containerInstanceArn) ?? [], tags, networkConfiguration, placement.failures);
};

/**
 * The shared end of RunTask and StartTask: each new task on its instance (when
 * placed on one), tagged; the runtime asked to start them; the response.
 */
function launched(
  ctx: RequestContext,
  s: EcsState,
  clusterArn: string,
  td: TaskDefinitionRecord,
  tasks: TaskRecord[],
  instanceArns: readonly (string | undefined)[],
  tags: Parameters<typeof putTags>[2],
  networkConfiguration: Json | undefined,
  failures: unknown[],
) {
  tasks.forEach((t, i) => {
    const instanceArn = instanceArns[i];
    if (instanceArn) t.containerInstanceArn = instanceArn;
    putTags(s, t.taskArn, tags);
  });
  emit(ctx, EcsEvents.taskRunRequested, { clusterArn, taskArns: tasks.map((t) => t.taskArn), taskDefinitionArn: td.taskDefinitionArn, networkConfiguration });
  return { tasks: tasks.map((t) => taskOut(ctx, t, true)), failures };
}

/** Most container instances one StartTask names. */
export const MAX_START_TASK_INSTANCES = 10;

/**
 * ECS StartTask: one task per named container instance (ARN or ID, up to
 * 10), EC2 only, no placement strategy. An instance that does not exist in
 * the cluster is a `MISSING` failure, a deregistered one `INACTIVE`, one
 * whose agent is disconnected `AGENT`; one without room `RESOURCE:*`; the
 * task definition's `memberOf` constraints apply. Each started task
 * reserves its share, so naming an instance twice starts two tasks on it
 * when both fit.
 */
export const StartTask: OperationHandler = (input, ctx) => {
  const s = stateOf(ctx);
  const cluster = requireCluster(ctx, input.cluster);
  const td = activeTaskDefinition(ctx, input.taskDefinition);
  const refs = refList(input.containerInstances, 'containerInstances', MAX_START_TASK_INSTANCES, 'Container Instances cannot be empty.', 'ClientException');
  if (input.startedBy !== undefined && String(input.startedBy).length > 128) invalid('startedBy can be at most 128 characters.');
  if (input.group !== undefined && String(input.group).length > 255) invalid('group can be at most 255 characters.');
  resolveLaunch(cluster, td, { launchType: 'EC2' });
  const networkConfiguration = validateNetworkConfiguration(ctx, input.networkConfiguration, td, 'EC2');
  const tags = validateTags(input.tags);
  const group: string = input.group ?? `family:${td.family}`;
  const needs = definitionNeeds(ctx.state, td, input.overrides);
  const failures: PlacementFailure[] = [];
  const chosen: ContainerInstanceRecord[] = [];
  let free = freeTaskSlots(ctx.events);
  for (const ref of refs as unknown[]) {
    const id = String(ref);
    const ci = findContainerInstance(ctx.state, id, cluster.clusterArn);
    const arnOf = () => (id.startsWith('arn:') ? id : `${cluster.clusterArn.replace(':cluster/', ':container-instance/')}/${id}`);
    if (!ci) {
      failures.push({ arn: arnOf(), reason: 'MISSING' });
      continue;
    }
    if (ci.status === 'INACTIVE') {
      failures.push({ arn: ci.containerInstanceArn, reason: 'INACTIVE' });
      continue;
    }
    if (!ci.agentConnected) {
      failures.push({ arn: ci.containerInstanceArn, reason: 'AGENT' });
      continue;
    }
    if (free < 1) {
      failures.push(taskLimitFailure(cluster.clusterArn, localTaskLimit(ctx.events)!.maxTasks));
      continue;
    }
    // The instance's room, less what this call already placed on it; then the task definition's constraints.
    const placedHere = chosen.filter((c) => c.containerInstanceArn === ci.containerInstanceArn).length;
    const rem = remainingResources(ctx.state, ci);
    const left = {
      ...rem,
      cpu: rem.cpu - placedHere * needs.cpu,
      memory: rem.memory - placedHere * needs.memory,
      ports: [...rem.ports, ...Array.from({ length: placedHere }, () => needs.ports.map(String)).flat()],
      ...(rem.enis !== undefined ? { enis: rem.enis - (needs.awsvpc ? placedHere : 0) } : {}),
    };
    const missing = missingResource(left, needs);
    if (missing) {
      failures.push({ arn: ci.containerInstanceArn, reason: resourceFailureReason(missing) });
      continue;
    }
    if (constraintFailure(ctx.state, ci, td, { group })) {
      failures.push({ arn: ci.containerInstanceArn, reason: MEMBER_OF_UNSATISFIED });
      continue;
    }
    chosen.push(ci);
    free--;
  }
  if (chosen.length === 0) return { tasks: [], failures };
  const tasks = newTaskRecords(ctx.state, td, cluster.clusterArn, chosen.length, {
    now: ctx.now().getTime(),
    launchType: 'EC2',
    group,
    startedBy: input.startedBy,
    networkConfiguration,
    overrides: input.overrides,
    enableExecuteCommand: Boolean(input.enableExecuteCommand),
  });
  return launched(ctx, s, cluster.clusterArn, td, tasks, chosen.map((ci) => ci.containerInstanceArn), tags, networkConfiguration, failures);
};

/**
 * ECS StopTask: desiredStatus STOPPED with the reason. With no runtime
 * attached ({@link runtimeAttached}), the task stops at once.
 */
export const StopTask: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  if (!input.task) invalid('task must not be null or empty.');
  const task = findTask(ctx.state, String(input.task), cluster.clusterArn);
  if (!task) invalid('The referenced task was not found.');
  const reason = input.reason !== undefined ? String(input.reason).slice(0, 1024) : 'Task stopped by user';
  const now = ctx.now().getTime();
  if (task.lastStatus !== 'STOPPED') {
    requestTaskStop(ctx.state, task.taskArn, reason, { now, stopCode: 'UserInitiated' });
    if (!runtimeAttached(ctx.events)) updateTask(ctx.state, task.taskArn, { lastStatus: 'STOPPED' }, { now });
    emit(ctx, EcsEvents.taskStopRequested, { clusterArn: cluster.clusterArn, taskArn: task.taskArn, serviceArn: task.serviceArn, reason });
  }
  return { task: taskOut(ctx, task) };
};

/** ECS DescribeTasks (up to 100; `failures` MISSING; include TAGS). */
export const DescribeTasks: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const refs = refList(input.tasks, 'tasks', 100, 'Tasks cannot be empty.');
  const withTags = ((input.include ?? []) as string[]).includes('TAGS');
  const { found: tasks, failures } = foundOrMissing(
    refs as string[],
    (ref) => findTask(ctx.state, ref, cluster.clusterArn),
    (t) => taskOut(ctx, t, withTags),
    (ref) => (ref.startsWith('arn:') ? ref : `${cluster.clusterArn.replace(':cluster/', ':task/')}/${ref}`),
  );
  return { tasks, failures };
};

/** ECS ListTasks (filters: family, serviceName, desiredStatus, startedBy, containerInstance, launchType; ≤100 per page). */
export const ListTasks: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const desiredStatus: string = input.desiredStatus ?? 'RUNNING';
  if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desiredStatus)) invalid(`desiredStatus must be RUNNING, PENDING or STOPPED, got: ${desiredStatus}`);
  if (input.serviceName && (input.family || input.startedBy)) {
    invalid('serviceName may not be specified with family or startedBy.');
  }
  let serviceArn: string | undefined;
  if (input.serviceName) {
    const svc = findService(ctx.state, cluster.clusterArn, String(input.serviceName));
    if (!svc) throw new AwsError('ServiceNotFoundException', 'Service not found.');
    serviceArn = svc.serviceArn;
  }
  let instanceArn: string | undefined;
  if (input.containerInstance) {
    const ci = findContainerInstance(ctx.state, String(input.containerInstance), cluster.clusterArn);
    if (!ci) invalid('The referenced container instance was not found.');
    instanceArn = ci.containerInstanceArn;
  }
  const familyOf = (t: TaskRecord) => shortName(t.taskDefinitionArn).split(':')[0];
  const arns = Object.values(stateOf(ctx).tasks)
    .filter(
      (t) =>
        t.clusterArn === cluster.clusterArn &&
        (desiredStatus === 'STOPPED' ? t.desiredStatus === 'STOPPED' : t.desiredStatus === 'RUNNING' && (desiredStatus === 'RUNNING' || t.lastStatus !== 'RUNNING')) &&
        (!serviceArn || t.serviceArn === serviceArn) &&
        (!input.family || familyOf(t) === input.family) &&
        (!input.startedBy || t.startedBy === input.startedBy) &&
        (!instanceArn || t.containerInstanceArn === instanceArn) &&
        (!input.launchType || (t.launchType ?? (t.capacityProviderName?.startsWith('FARGATE') ? 'FARGATE' : 'EC2')) === input.launchType),
    )
    .map((t) => t.taskArn);
  const { page, nextToken } = paginate(arns, input.nextToken, input.maxResults, { pageSize: 100, maxPageSize: 100 });
  return clean({ taskArns: page, nextToken });
};
