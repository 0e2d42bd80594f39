/**
 * The ECS agent of EC2 instances: what makes an instance launched with
 * RunInstances ECS capacity, as the agent of the ECS-optimized AMI does.
 *
 * An instance runs the agent when it was launched from one of the
 * ECS-optimized images DescribeImages lists, or when its user data
 * configures the agent (writes `/etc/ecs/ecs.config`, e.g. `echo
 * ECS_CLUSTER=lab >> /etc/ecs/ecs.config`). {@link AGENT_REGISTER_SECONDS}
 * after the instance is `running`, the agent registers it as a container
 * instance of `ECS_CLUSTER` — the `default` cluster when the user data names
 * none, which the agent creates when it does not exist, as the real agent
 * does; a named cluster that does not exist is retried until it does. The
 * registration carries the instance type's CPU (1024 units per vCPU) and
 * the memory the OS reports less `ECS_RESERVED_MEMORY`, the attributes
 * `ecs.instance-type`, `ecs.availability-zone`, `ecs.ami-id`,
 * `ecs.vpc-id`, `ecs.subnet-id`, … plus `ECS_INSTANCE_ATTRIBUTES`, and the
 * ENI limit of the type for awsvpc tasks. An instance registers once: after
 * DeregisterContainerInstance it stays out.
 *
 * When the instance shuts down its agent disconnects; once it is
 * `terminated`, its tasks stop ("Host EC2 (instance i-…) terminated.") and
 * the container instance is deregistered (INACTIVE), as ECS does for a
 * terminated instance.
 *
 * {@link syncContainerAgents} applies all that at a moment in time; ECS
 * calls it before each operation and the runtime on every tick.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { arn, own } from '../../core/util.js';
import { TimeScale } from '../../../time-scale.js';
import { findCatalogueImage } from '../ec2/images.js';
import { instancesOf, instanceState } from '../ec2/instance-lifecycle.js';
import { ecsRegisteredResources, findInstanceType } from '../ec2/instance-types.js';
import type { Ec2State, StoredInstance } from '../ec2/state.js';
import { decodeUserData, ecsAgentConfig, userDataText, type EcsAgentConfig } from '../ec2/user-data.js';
import { addInstance, defaultAttributes } from './container-instances.js';
import { ecsState, requestTaskStop, updateTask, type ClusterRecord } from './state.js';

/** AWS seconds from an instance being `running` to its agent registering it. */
export const AGENT_REGISTER_SECONDS = 10;

/** Where and when {@link syncContainerAgents} acts. */
export interface AgentSyncScope {
  readonly accountId: string;
  readonly region: string;
  /** Epoch ms. */
  readonly now: number;
  readonly timeScale: number;
  /** No runtime stops tasks: a task on a terminated instance is STOPPED at once. */
  readonly stopTasksAtOnce: boolean;
}

/** The ECS agent configuration of an instance, or undefined when it runs no agent. */
export function agentConfigOf(instance: StoredInstance, region: string): EcsAgentConfig | undefined {
  let config: EcsAgentConfig = { reservedMemory: 0, attributes: {}, configuresAgent: false };
  if (instance.userData !== undefined) {
    try {
      config = ecsAgentConfig(userDataText(decodeUserData(instance.userData)));
    } catch {
      // Stored user data was validated at launch; treat anything else as none.
    }
  }
  const ecsImage = findCatalogueImage(region, instance.imageId)?.ecsOptimized === true;
  return ecsImage || config.configuresAgent ? config : undefined;
}

/** The message a task on a terminated instance stops with. */
export const hostTerminatedReason = (instanceId: string): string => `Host EC2 (instance ${instanceId}) terminated.`;

/** A new `default` cluster as the agent's CreateCluster makes it. */
function createDefaultCluster(rs: RegionState, scope: AgentSyncScope): ClusterRecord {
  const s = ecsState(rs);
  const clusterArn = arn({ region: scope.region, accountId: scope.accountId }, 'ecs', 'cluster/default');
  const record: ClusterRecord = {
    clusterArn,
    clusterName: 'default',
    status: 'ACTIVE',
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
    createdAt: scope.now,
  };
  s.clusters[clusterArn] = record;
  delete s.tags[clusterArn];
  return record;
}

/** Registers a running instance's agent, when due and its cluster exists (or is `default`). Returns whether it did. */
function register(rs: RegionState, scope: AgentSyncScope, instance: StoredInstance, config: EcsAgentConfig): boolean {
  const name = config.cluster ?? 'default';
  const s = ecsState(rs);
  const clusterArn = arn({ region: scope.region, accountId: scope.accountId }, 'ecs', `cluster/${name}`);
  let cluster = own(s.clusters, clusterArn);
  if (!cluster || cluster.status !== 'ACTIVE') {
    // The agent creates the default cluster only when ECS_CLUSTER is unset; a named cluster must exist.
    if (config.cluster !== undefined) return false;
    cluster = createDefaultCluster(rs, scope);
  }
  const type = findInstanceType(instance.instanceType);
  if (!type) return false;
  const { cpu, memory } = ecsRegisteredResources(type, config.reservedMemory);
  const builtIn = defaultAttributes(instance.instanceType, instance.availabilityZone, {
    amiId: instance.imageId,
    vpcId: instance.vpcId,
    subnetId: instance.subnetId,
    architecture: instance.architecture,
  });
  const custom = Object.entries(config.attributes).map(([n, value]) => ({ name: n, value }));
  addInstance(s, cluster.clusterArn, {
    cpu,
    memory,
    ec2InstanceId: instance.instanceId,
    attributes: [...builtIn, ...custom.filter((c) => !builtIn.some((b) => b.name === c.name))],
    now: instance.runningAt + new TimeScale(scope.timeScale).ms(AGENT_REGISTER_SECONDS),
    ...(config.reservedPorts ? { ports: [...config.reservedPorts] } : {}),
    maxTaskEnis: Math.max(0, type.maxEnis - 1),
  });
  return true;
}

/**
 * Brings the container instances of EC2 instances up to date at
 * `scope.now` (see the module docs). Returns whether anything changed.
 */
export function syncContainerAgents(rs: RegionState, scope: AgentSyncScope): boolean {
  const ec2 = rs['ec2'] as Ec2State | undefined;
  if (!ec2?.instances || Object.keys(ec2.instances).length === 0) return false;
  const instances = instancesOf(ec2, scope.now);
  const ecs = rs['ecs'] ? ecsState(rs) : undefined;
  let changed = false;
  for (const instance of instances) {
    const current = instanceState(instance, scope.now);
    const records = ecs ? Object.values(ecs.containerInstances).filter((ci) => ci.ec2InstanceId === instance.instanceId) : [];
    const live = records.filter((ci) => ci.status !== 'INACTIVE');
    if (current === 'running') {
      if (records.length > 0) continue;
      const due = instance.runningAt + new TimeScale(scope.timeScale).ms(AGENT_REGISTER_SECONDS);
      if (scope.now < due) continue;
      const config = agentConfigOf(instance, scope.region);
      if (config && register(rs, scope, instance, config)) changed = true;
      continue;
    }
    if (current === 'shutting-down') {
      for (const ci of live) {
        if (!ci.agentConnected) continue;
        ci.agentConnected = false;
        ci.version++;
        changed = true;
      }
      continue;
    }
    if (current !== 'terminated' || live.length === 0) continue;
    const tasks = Object.values(ecsState(rs).tasks);
    for (const ci of live) {
      for (const task of tasks) {
        if (task.containerInstanceArn !== ci.containerInstanceArn || task.lastStatus === 'STOPPED') continue;
        requestTaskStop(rs, task.taskArn, hostTerminatedReason(instance.instanceId), { now: scope.now, stopCode: 'TerminationNotice' });
        if (scope.stopTasksAtOnce) updateTask(rs, task.taskArn, { lastStatus: 'STOPPED' }, { now: scope.now });
      }
      ci.status = 'INACTIVE';
      ci.agentConnected = false;
      ci.version++;
      changed = true;
    }
  }
  return changed;
}
