/**
 * ECS container instances: virtual EC2 instances with finite CPU/memory.
 * {@link registerVirtualInstances} is what the runtime and CLI use; the API
 * side is RegisterContainerInstance, DeregisterContainerInstance,
 * ListContainerInstances, DescribeContainerInstances and
 * UpdateContainerInstancesState. Remaining resources are computed from the
 * tasks placed on each instance.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RegionState, type RequestContext } from '../../core/types.js';
import { hexId, paginate } from '../../core/util.js';
import {
  clean,
  date,
  ecsState,
  findContainerInstance,
  requireCluster,
  shortName,
  siblingArn,
  stateOf,
  taskId,
  taskResources,
  type ContainerInstanceRecord,
  type EcsState,
  type Json,
} from './state.js';
import { putTags, tagsOf, validateTags } from './tags.js';

/** Host ports the ECS agent reserves on every EC2 container instance. */
export const RESERVED_PORTS = ['22', '2375', '2376', '51678', '51679'];

/** Size of a virtual container instance. */
export interface VirtualInstanceSpec {
  /** How many instances to register. */
  count: number;
  /** CPU units per instance (1024 = 1 vCPU). */
  cpu: number;
  /** Memory per instance, MiB. */
  memory: number;
  /** Availability zone attribute (default `<region>a`). */
  availabilityZone?: string;
  /** Instance type attribute (default `t3.medium`). */
  instanceType?: string;
  /** Clock in epoch ms. */
  now?: number;
}

/**
 * Registers `count` virtual EC2 container instances in a cluster, as the ECS
 * agent of an Auto Scaling group would. Returns the new records.
 */
export function registerVirtualInstances(regionState: RegionState, clusterArn: string, spec: VirtualInstanceSpec): ContainerInstanceRecord[] {
  const s = ecsState(regionState);
  const cluster = s.clusters[clusterArn];
  if (!cluster || cluster.status !== 'ACTIVE') throw new Error(`ecs: no ACTIVE cluster ${clusterArn}`);
  const region = clusterArn.split(':')[3] ?? 'us-east-1';
  const out: ContainerInstanceRecord[] = [];
  for (let i = 0; i < spec.count; i++) {
    out.push(
      addInstance(s, clusterArn, {
        cpu: spec.cpu,
        memory: spec.memory,
        ec2InstanceId: `i-${hexId(17)}`,
        attributes: defaultAttributes(spec.instanceType ?? 't3.medium', spec.availabilityZone ?? `${region}a`),
        now: spec.now ?? Date.now(),
      }),
    );
  }
  return out;
}

function defaultAttributes(instanceType: string, az: string): { name: string; value?: string }[] {
  return [
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'ecs.cpu-architecture', value: 'x86_64' },
    { name: 'ecs.instance-type', value: instanceType },
    { name: 'ecs.availability-zone', value: az },
    { name: 'ecs.capability.task-eni' },
    { name: 'ecs.capability.container-health-check' },
    { name: 'ecs.capability.execution-role-awslogs' },
    { name: 'ecs.capability.execution-role-ecr-pull' },
    { name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' },
    { name: 'com.amazonaws.ecs.capability.ecr-auth' },
    { name: 'com.amazonaws.ecs.capability.task-iam-role' },
    ...['1.17', '1.18', '1.19', '1.21', '1.24'].map((v) => ({ name: `com.amazonaws.ecs.capability.docker-remote-api.${v}` })),
  ];
}

function addInstance(
  s: EcsState,
  clusterArn: string,
  o: { cpu: number; memory: number; ec2InstanceId: string; attributes: { name: string; value?: string }[]; now: number; versionInfo?: Json },
): ContainerInstanceRecord {
  const clusterName = shortName(clusterArn);
  const containerInstanceArn = siblingArn(clusterArn, `container-instance/${clusterName}/${taskId()}`);
  const record: ContainerInstanceRecord = {
    containerInstanceArn,
    clusterArn,
    ec2InstanceId: o.ec2InstanceId,
    status: 'ACTIVE',
    agentConnected: true,
    cpu: o.cpu,
    memory: o.memory,
    ports: [...RESERVED_PORTS],
    portsUdp: [],
    attributes: o.attributes,
    versionInfo: o.versionInfo ?? { agentVersion: '1.89.0', agentHash: 'ecskit', dockerVersion: 'DockerVersion: 25.0.0' },
    registeredAt: o.now,
    version: 1,
  };
  s.containerInstances[containerInstanceArn] = record;
  return record;
}

/** CPU/memory/ports still free on an instance, given the tasks placed on it that are not STOPPED. */
export function remainingResources(regionState: RegionState, ci: ContainerInstanceRecord) {
  const s = ecsState(regionState);
  let cpu = ci.cpu;
  let memory = ci.memory;
  const ports = [...ci.ports];
  const portsUdp = [...ci.portsUdp];
  let running = 0;
  let pending = 0;
  for (const t of Object.values(s.tasks)) {
    if (t.containerInstanceArn !== ci.containerInstanceArn || t.lastStatus === 'STOPPED') continue;
    if (t.lastStatus === 'RUNNING') running++;
    else pending++;
    const r = taskResources(regionState, t);
    cpu -= r.cpu;
    memory -= r.memory;
    ports.push(...r.ports.map(String));
    portsUdp.push(...r.portsUdp.map(String));
  }
  return { cpu, memory, ports, portsUdp, runningTasksCount: running, pendingTasksCount: pending };
}

function resources(cpu: number, memory: number, ports: string[], portsUdp: string[]): Json[] {
  return [
    { name: 'CPU', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: cpu },
    { name: 'MEMORY', type: 'INTEGER', doubleValue: 0, longValue: 0, integerValue: memory },
    { name: 'PORTS', type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: ports },
    { name: 'PORTS_UDP', type: 'STRINGSET', doubleValue: 0, longValue: 0, integerValue: 0, stringSetValue: portsUdp },
  ];
}

/** The SDK `ContainerInstance` shape. */
export function containerInstanceOut(ctx: RequestContext, ci: ContainerInstanceRecord, withTags = false): Json {
  const rem = remainingResources(ctx.state, ci);
  return clean({
    containerInstanceArn: ci.containerInstanceArn,
    ec2InstanceId: ci.ec2InstanceId,
    version: ci.version,
    versionInfo: ci.versionInfo,
    remainingResources: resources(rem.cpu, rem.memory, rem.ports, rem.portsUdp),
    registeredResources: resources(ci.cpu, ci.memory, ci.ports, ci.portsUdp),
    status: ci.status,
    agentConnected: ci.agentConnected,
    runningTasksCount: rem.runningTasksCount,
    pendingTasksCount: rem.pendingTasksCount,
    attributes: ci.attributes,
    registeredAt: date(ci.registeredAt),
    attachments: [],
    tags: withTags ? tagsOf(stateOf(ctx), ci.containerInstanceArn) : [],
  });
}

/** ECS RegisterContainerInstance (what an ECS agent calls; `totalResources` sets CPU/MEMORY). */
export const RegisterContainerInstance: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const total = (input.totalResources ?? []) as Json[];
  const get = (name: string) => total.find((r) => r.name === name);
  const cpu = Number(get('CPU')?.integerValue ?? 2048);
  const memory = Number(get('MEMORY')?.integerValue ?? 3904);
  let ec2InstanceId = `i-${hexId(17)}`;
  if (input.instanceIdentityDocument) {
    try {
      const doc = JSON.parse(String(input.instanceIdentityDocument)) as Json;
      if (typeof doc.instanceId === 'string') ec2InstanceId = doc.instanceId;
    } catch {
      throw new AwsError('InvalidParameterException', 'instanceIdentityDocument is not valid JSON.');
    }
  }
  const tags = validateTags(input.tags);
  const s = stateOf(ctx);
  const ci = addInstance(s, cluster.clusterArn, {
    cpu,
    memory,
    ec2InstanceId,
    attributes: [...defaultAttributes('t3.medium', `${ctx.region}a`), ...((input.attributes ?? []) as { name: string; value?: string }[])],
    now: ctx.now().getTime(),
    versionInfo: input.versionInfo,
  });
  const ports = get('PORTS')?.stringSetValue as string[] | undefined;
  if (ports) ci.ports = ports;
  putTags(s, ci.containerInstanceArn, tags);
  return { containerInstance: containerInstanceOut(ctx, ci, true) };
};

/** ECS DeregisterContainerInstance (refuses while tasks run on it unless `force`). */
export const DeregisterContainerInstance: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  if (!input.containerInstance) throw new AwsError('InvalidParameterException', 'containerInstance must not be null or empty.');
  const ci = findContainerInstance(ctx.state, String(input.containerInstance), cluster.clusterArn);
  if (!ci || ci.status === 'INACTIVE') throw new AwsError('InvalidParameterException', 'The referenced container instance was not found.');
  const rem = remainingResources(ctx.state, ci);
  if (!input.force && rem.runningTasksCount + rem.pendingTasksCount > 0) {
    throw new AwsError('InvalidParameterException', 'Found running tasks on the instance. Stop them or deregister with force.');
  }
  ci.status = 'INACTIVE';
  ci.agentConnected = false;
  ci.version++;
  return { containerInstance: containerInstanceOut(ctx, ci) };
};

/** ECS ListContainerInstances (status filter; `filter` supports `attribute:<name> == <value>` / `exists`). */
export const ListContainerInstances: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const status: string | undefined = input.status;
  const filter = input.filter ? String(input.filter) : undefined;
  const matchFilter = (ci: ContainerInstanceRecord) => {
    if (!filter) return true;
    const m = /^attribute:([\w.-]+)\s*(==|!=)?\s*(.*?)\s*$/.exec(filter);
    if (!m) throw new AwsError('InvalidParameterException', `Unsupported filter expression: ${filter}. The local cloud supports attribute:<name> [== | != <value>].`);
    const attr = ci.attributes.find((a) => a.name === m[1]);
    if (!m[2]) return attr !== undefined;
    const equal = attr?.value === m[3];
    return m[2] === '==' ? equal : !equal;
  };
  const arns = Object.values(stateOf(ctx).containerInstances)
    .filter((ci) => ci.clusterArn === cluster.clusterArn && (status ? ci.status === status : ci.status !== 'INACTIVE') && matchFilter(ci))
    .map((ci) => ci.containerInstanceArn);
  const { page, nextToken } = paginate(arns, input.nextToken, input.maxResults, { pageSize: 100, maxPageSize: 100 });
  return clean({ containerInstanceArns: page, nextToken });
};

/** ECS DescribeContainerInstances (up to 100; `failures` MISSING; include TAGS). */
export const DescribeContainerInstances: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const refs: unknown = input.containerInstances;
  if (!Array.isArray(refs) || refs.length === 0) throw new AwsError('ClientException', 'Container Instances cannot be empty.');
  if (refs.length > 100) throw new AwsError('InvalidParameterException', `containerInstances can have at most 100 items, got: ${refs.length}`);
  const withTags = ((input.include ?? []) as string[]).includes('TAGS');
  const containerInstances: Json[] = [];
  const failures: Json[] = [];
  for (const ref of refs as string[]) {
    const ci = findContainerInstance(ctx.state, ref, cluster.clusterArn);
    if (ci) containerInstances.push(containerInstanceOut(ctx, ci, withTags));
    else
      failures.push({
        arn: ref.startsWith('arn:') ? ref : siblingArn(cluster.clusterArn, `container-instance/${cluster.clusterName}/${ref}`),
        reason: 'MISSING',
      });
  }
  return { containerInstances, failures };
};

/** ECS UpdateContainerInstancesState (ACTIVE ↔ DRAINING). */
export const UpdateContainerInstancesState: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const status = input.status;
  if (status !== 'ACTIVE' && status !== 'DRAINING') {
    throw new AwsError('InvalidParameterException', `status must be ACTIVE or DRAINING, got: ${String(status)}`);
  }
  const refs = (input.containerInstances ?? []) as string[];
  if (refs.length === 0) throw new AwsError('ClientException', 'Container Instances cannot be empty.');
  const containerInstances: Json[] = [];
  const failures: Json[] = [];
  for (const ref of refs) {
    const ci = findContainerInstance(ctx.state, ref, cluster.clusterArn);
    if (!ci || ci.status === 'INACTIVE') {
      failures.push({ arn: ref, reason: 'MISSING' });
      continue;
    }
    ci.status = status;
    ci.version++;
    containerInstances.push(containerInstanceOut(ctx, ci));
  }
  return { containerInstances, failures };
};
