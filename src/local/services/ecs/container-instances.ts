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
import { cloudEndpoint } from '../../core/endpoint.js';
import { AwsError, type OperationHandler, type RegionState, type RequestContext } from '../../core/types.js';
import { hexId, own, paginate } from '../../core/util.js';
import {
  clean,
  date,
  ecsState,
  findContainerInstance,
  findTaskDefinition,
  foundOrMissing,
  refList,
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
import { instancesOf } from '../ec2/instance-lifecycle.js';
import { ecsRegisteredResources, findInstanceType } from '../ec2/instance-types.js';
import type { Ec2State } from '../ec2/state.js';
import { evaluateQuery, parseQuery, QueryLanguageError, type QueryNode } from './query-language.js';
import { putTags, tagsOf, validateTags } from './tags.js';

/** The ECS agent version the local cloud's container instances report. */
export const AGENT_VERSION = '1.89.0';

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
  const cluster = own(s.clusters, clusterArn);
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

/** The attributes an ECS agent on Linux registers (the EC2 ones when the instance is known). */
export function defaultAttributes(
  instanceType: string,
  az: string,
  ec2?: { amiId: string; vpcId: string; subnetId: string; architecture: string },
): { name: string; value?: string }[] {
  return [
    { name: 'ecs.os-type', value: 'linux' },
    { name: 'ecs.os-family', value: 'LINUX' },
    { name: 'ecs.cpu-architecture', value: ec2?.architecture ?? 'x86_64' },
    { name: 'ecs.instance-type', value: instanceType },
    { name: 'ecs.availability-zone', value: az },
    ...(ec2
      ? [
          { name: 'ecs.ami-id', value: ec2.amiId },
          { name: 'ecs.vpc-id', value: ec2.vpcId },
          { name: 'ecs.subnet-id', value: ec2.subnetId },
        ]
      : []),
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

/** Adds an ACTIVE container instance record to a cluster (what RegisterContainerInstance records). */
export function addInstance(
  s: EcsState,
  clusterArn: string,
  o: {
    cpu: number;
    memory: number;
    ec2InstanceId: string;
    attributes: { name: string; value?: string }[];
    now: number;
    versionInfo?: Json;
    ports?: string[];
    maxTaskEnis?: number;
  },
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
    ports: [...(o.ports ?? RESERVED_PORTS)],
    portsUdp: [],
    attributes: o.attributes,
    versionInfo: o.versionInfo ?? { agentVersion: AGENT_VERSION, agentHash: 'ecskit', dockerVersion: 'DockerVersion: 25.0.0' },
    registeredAt: o.now,
    version: 1,
    ...(o.maxTaskEnis !== undefined ? { maxTaskEnis: o.maxTaskEnis } : {}),
  };
  s.containerInstances[containerInstanceArn] = record;
  return record;
}

/** CPU/memory/ports (and, with an ENI limit, network interfaces for awsvpc tasks) still free on an instance, given the tasks placed on it that are not STOPPED. */
export function remainingResources(regionState: RegionState, ci: ContainerInstanceRecord) {
  const s = ecsState(regionState);
  let cpu = ci.cpu;
  let memory = ci.memory;
  const ports = [...ci.ports];
  const portsUdp = [...ci.portsUdp];
  let running = 0;
  let pending = 0;
  let enis = ci.maxTaskEnis;
  for (const t of Object.values(s.tasks)) {
    if (t.containerInstanceArn !== ci.containerInstanceArn || t.lastStatus === 'STOPPED') continue;
    if (t.lastStatus === 'RUNNING') running++;
    else pending++;
    const r = taskResources(regionState, t);
    cpu -= r.cpu;
    memory -= r.memory;
    ports.push(...r.ports.map(String));
    portsUdp.push(...r.portsUdp.map(String));
    if (enis !== undefined && findTaskDefinition(regionState, t.taskDefinitionArn)?.networkMode === 'awsvpc') enis--;
  }
  return { cpu, memory, ports, portsUdp, runningTasksCount: running, pendingTasksCount: pending, ...(enis !== undefined ? { enis } : {}) };
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

/**
 * ECS RegisterContainerInstance (what an ECS agent calls; `totalResources`
 * sets CPU/MEMORY/PORTS). When `instanceIdentityDocument` names an EC2
 * instance of this region, the registration takes its instance type (CPU,
 * memory and ENI limit when `totalResources` leaves them out), zone, AMI,
 * VPC and subnet attributes.
 */
export const RegisterContainerInstance: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const total = (input.totalResources ?? []) as Json[];
  const get = (name: string) => total.find((r) => r.name === name);
  let ec2InstanceId = `i-${hexId(17)}`;
  if (input.instanceIdentityDocument) {
    try {
      const doc = JSON.parse(String(input.instanceIdentityDocument)) as Json;
      if (typeof doc.instanceId === 'string') ec2InstanceId = doc.instanceId;
    } catch {
      throw new AwsError('InvalidParameterException', 'instanceIdentityDocument is not valid JSON.');
    }
  }
  const ec2 = ctx.state['ec2'] as Ec2State | undefined;
  const instance = ec2 ? instancesOf(ec2, ctx.now().getTime()).find((i) => i.instanceId === ec2InstanceId) : undefined;
  const type = instance ? findInstanceType(instance.instanceType) : undefined;
  const registered = type ? ecsRegisteredResources(type) : { cpu: 2048, memory: 3904 };
  const cpu = Number(get('CPU')?.integerValue ?? registered.cpu);
  const memory = Number(get('MEMORY')?.integerValue ?? registered.memory);
  const tags = validateTags(input.tags);
  const s = stateOf(ctx);
  const builtIn = instance
    ? defaultAttributes(instance.instanceType, instance.availabilityZone, { amiId: instance.imageId, vpcId: instance.vpcId, subnetId: instance.subnetId, architecture: instance.architecture })
    : defaultAttributes('t3.medium', `${ctx.region}a`);
  const ci = addInstance(s, cluster.clusterArn, {
    cpu,
    memory,
    ec2InstanceId,
    attributes: [...builtIn, ...((input.attributes ?? []) as { name: string; value?: string }[])],
    now: ctx.now().getTime(),
    versionInfo: input.versionInfo,
    ...(type ? { maxTaskEnis: Math.max(0, type.maxEnis - 1) } : {}),
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

/**
 * ECS ListContainerInstances: by `status` (every status but INACTIVE when
 * absent) and a cluster query language `filter` (`attribute:ecs.instance-type
 * =~ t3.*`, `ec2InstanceId in […]`, … see `query-language.ts`); 1-100 per page.
 */
export const ListContainerInstances: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const status: string | undefined = input.status;
  if (status !== undefined && !['ACTIVE', 'DRAINING', 'REGISTERING', 'DEREGISTERING', 'REGISTRATION_FAILED'].includes(status)) {
    throw new AwsError('InvalidParameterException', `status must be ACTIVE, DRAINING, REGISTERING, DEREGISTERING or REGISTRATION_FAILED, got: ${status}`);
  }
  let query: QueryNode | undefined;
  if (input.filter !== undefined && input.filter !== '') {
    try {
      query = parseQuery(String(input.filter));
    } catch (error) {
      if (error instanceof QueryLanguageError) throw new AwsError('InvalidParameterException', `Invalid filter expression '${String(input.filter).slice(0, 200)}': ${error.message}.`);
      throw error;
    }
  }
  const s = stateOf(ctx);
  const matches = (ci: ContainerInstanceRecord) => {
    if (!query) return true;
    const rem = remainingResources(ctx.state, ci);
    const groups = Object.values(s.tasks)
      .filter((t) => t.containerInstanceArn === ci.containerInstanceArn && t.lastStatus !== 'STOPPED')
      .map((t) => t.group);
    return evaluateQuery(query, {
      attributes: new Map(ci.attributes.map((a) => [a.name, a.value])),
      ec2InstanceId: ci.ec2InstanceId,
      agentConnected: ci.agentConnected,
      agentVersion: String(ci.versionInfo?.agentVersion ?? ''),
      registeredAt: ci.registeredAt,
      runningTasksCount: rem.runningTasksCount,
      taskGroups: groups,
    });
  };
  const arns = Object.values(s.containerInstances)
    .filter((ci) => ci.clusterArn === cluster.clusterArn && (status ? ci.status === status : ci.status !== 'INACTIVE') && matches(ci))
    .map((ci) => ci.containerInstanceArn);
  const { page, nextToken } = paginate(arns, input.nextToken, input.maxResults, { pageSize: 100, maxPageSize: 100 });
  return clean({ containerInstanceArns: page, nextToken });
};

/** ECS DescribeContainerInstances (up to 100; `failures` MISSING; include TAGS). */
export const DescribeContainerInstances: OperationHandler = (input, ctx) => {
  const cluster = requireCluster(ctx, input.cluster);
  const refs = refList(input.containerInstances, 'containerInstances', 100, 'Container Instances cannot be empty.', 'ClientException');
  const withTags = ((input.include ?? []) as string[]).includes('TAGS');
  const { found: containerInstances, failures } = foundOrMissing(
    refs as string[],
    (ref) => findContainerInstance(ctx.state, ref, cluster.clusterArn),
    (ci) => containerInstanceOut(ctx, ci, withTags),
    (ref) => (ref.startsWith('arn:') ? ref : siblingArn(cluster.clusterArn, `container-instance/${cluster.clusterName}/${ref}`)),
  );
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

/**
 * ECS DiscoverPollEndpoint (what an ECS agent calls before it connects): the
 * endpoints the agent polls for work, sends telemetry to and Service
 * Connect uses. On a local cloud serving HTTP all three are its own
 * endpoint; used in process only, AWS's names for the region.
 */
export const DiscoverPollEndpoint: OperationHandler = (input, ctx) => {
  if (input.containerInstance !== undefined && input.cluster !== undefined) {
    const cluster = requireCluster(ctx, input.cluster);
    const ci = findContainerInstance(ctx.state, String(input.containerInstance), cluster.clusterArn);
    if (!ci) throw new AwsError('InvalidParameterException', 'The referenced container instance was not found.');
  }
  const local = cloudEndpoint(ctx.events);
  if (local) return { endpoint: `${local}/`, telemetryEndpoint: `${local}/`, serviceConnectEndpoint: `${local}/` };
  return {
    endpoint: `https://ecs-a-1.${ctx.region}.amazonaws.com/`,
    telemetryEndpoint: `https://ecs-t-1.${ctx.region}.amazonaws.com/`,
    serviceConnectEndpoint: `https://ecs-sc.${ctx.region}.api.aws`,
  };
};
