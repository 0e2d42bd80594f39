/**
 * Lookups of ECS records (pure: undefined when absent), the handlers'
 * helpers that throw AWS's errors instead, control-plane events, and the
 * resources (CPU, memory, ports) a task needs.
 *
 * @internal
 */
import { AwsError, type RegionState, type RequestContext } from '../../../core/types.js';
import { parseEcsArn, shortName } from './ids.js';
import { type ClusterRecord, type ContainerInstanceRecord, ecsState, type Json, type ServiceRecord, type TaskDefinitionRecord, type TaskRecord } from './records.js';
import { own } from '../../../core/util.js';

/** Finds a cluster by name or ARN (any status). */
export function findCluster(regionState: RegionState, nameOrArn = 'default'): ClusterRecord | undefined {
  const s = ecsState(regionState);
  if (nameOrArn.startsWith('arn:')) return own(s.clusters, nameOrArn);
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
  return own(s.services, serviceArn) ?? Object.values(s.services).find((svc) => svc.serviceArn === serviceArn && svc.status !== 'INACTIVE');
}

/** Finds a task by id or ARN (optionally within one cluster). */
export function findTask(regionState: RegionState, idOrArn: string, clusterArn?: string): TaskRecord | undefined {
  const s = ecsState(regionState);
  const task = idOrArn.startsWith('arn:') ? own(s.tasks, idOrArn) : Object.values(s.tasks).find((t) => shortName(t.taskArn) === idOrArn);
  if (!task) return undefined;
  return clusterArn === undefined || task.clusterArn === clusterArn ? task : undefined;
}

/** Finds a container instance by id or ARN (optionally within one cluster). */
export function findContainerInstance(regionState: RegionState, idOrArn: string, clusterArn?: string): ContainerInstanceRecord | undefined {
  const s = ecsState(regionState);
  const ci = idOrArn.startsWith('arn:')
    ? own(s.containerInstances, idOrArn)
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
    const revisions = own(s.taskDefinitions, familyRev) ?? [];
    return revisions.filter((r) => r.status === 'ACTIVE').at(-1);
  }
  const family = familyRev.slice(0, colon);
  const revision = Number(familyRev.slice(colon + 1));
  if (!Number.isInteger(revision)) return undefined;
  return own(s.taskDefinitions, family)?.[revision - 1];
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

/**
 * The references a call names in `field`: a list of 1 to `max` of them. None
 * is `emptyCode` (InvalidParameterException unless given) with
 * `emptyMessage`; more than `max` is InvalidParameterException.
 */
export function refList(value: unknown, field: string, max: number, emptyMessage: string, emptyCode = 'InvalidParameterException'): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new AwsError(emptyCode, emptyMessage);
  if (value.length > max) throw new AwsError('InvalidParameterException', `${field} can have at most ${max} items, got: ${value.length}`);
  return value as string[];
}

/**
 * The answer of a Describe* by references: each `ref` that `find` finds,
 * shaped, and a `MISSING` failure (named by `missingArn`, the ref itself
 * unless given) for each other one, in the order of `refs`.
 */
export function foundOrMissing<T>(refs: readonly string[], find: (ref: string) => T | undefined, shape: (record: T) => Json, missingArn: (ref: string) => string = (ref) => ref): { found: Json[]; failures: Json[] } {
  const found: Json[] = [];
  const failures: Json[] = [];
  for (const ref of refs) {
    const record = find(ref);
    if (record) found.push(shape(record));
    else failures.push({ arn: missingArn(ref), reason: 'MISSING' });
  }
  return { found, failures };
}

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
