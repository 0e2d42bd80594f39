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
 * The agent calls ECS with the instance's role credentials (the "Amazon ECS
 * container instance IAM role"), so, as on AWS, an instance registers only
 * when {@link credentialsProblem} finds none, checked live at each sync:
 * it was launched with an instance profile; that profile still exists (looked
 * up by the ARN RunInstances stored) and holds a role; that role exists; and
 * the role has a permissions policy that may allow
 * `ecs:RegisterContainerInstance` — at least one attached managed policy
 * other than the AWS-managed ones whose documents are known not to
 * (AmazonECSTaskExecutionRolePolicy, AmazonEC2ContainerServiceRole,
 * AmazonEC2ContainerServiceAutoscaleRole; see {@link NOT_AGENT_POLICIES}).
 * A role with no policy at all has no permissions (IAM denies by default and
 * ECS has no resource-based policies). Policy documents are not evaluated: a
 * customer-managed policy, or any other AWS-managed one, is taken to allow
 * it. The local IAM has no inline policies. The trust policy is not checked
 * either. Like the real agent, which keeps retrying, a blocked instance
 * registers on a later sync once its profile or role is fixed. Why it does
 * not register is logged once per instance and reason (an
 * {@link AGENT_LOG_EVENT} event the local cloud writes to its log), as the
 * real agent writes credential errors to its own log.
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
import type { EventEmitter } from 'node:events';
import type { LocalCloudEvent, RegionState } from '../../core/types.js';
import { arn, own } from '../../core/util.js';
import { TimeScale } from '../../../time-scale.js';
import { findCatalogueImage } from '../ec2/images.js';
import { instancesOf, instanceState } from '../ec2/instance-lifecycle.js';
import { ecsRegisteredResources, findInstanceType } from '../ec2/instance-types.js';
import type { Ec2State, StoredInstance } from '../ec2/state.js';
import { IAM_HOME_REGION, type IamState } from '../iam/state.js';
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
  /** The account's state in another region (IAM's lives in {@link IAM_HOME_REGION}); undefined when it has none. */
  readonly stateOf: (region: string) => RegionState | undefined;
  /** Where the agent's log lines go, as {@link AGENT_LOG_EVENT} events. */
  readonly events: EventEmitter;
}

/** The event carrying one line of an ECS agent's log (`{ accountId, region, type, instanceId, line }`); the local cloud writes `line` to its log. */
export const AGENT_LOG_EVENT = 'ecs:agent-log';

/** The payload of an {@link AGENT_LOG_EVENT}. */
export interface AgentLogEvent extends LocalCloudEvent {
  readonly instanceId: string;
  readonly line: string;
}

/** The AWS-managed policy the container instance role needs (AWS's documentation names it). */
export const AGENT_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role';
/** Its name, as the messages say it. */
const AGENT_POLICY_NAME = AGENT_POLICY_ARN.slice(AGENT_POLICY_ARN.lastIndexOf('/') + 1);

/**
 * AWS-managed policies whose published documents do not allow
 * `ecs:RegisterContainerInstance` (AWS Managed Policy Reference), so a role
 * with only these cannot register an instance: the task execution role's
 * (ECR pulls and log writes), the legacy ECS service role's (ELB and EC2
 * describe/ingress) and the legacy ECS autoscale role's (DescribeServices,
 * UpdateService and alarms). Any other policy is taken to allow it.
 */
export const NOT_AGENT_POLICIES: readonly string[] = [
  'AmazonECSTaskExecutionRolePolicy',
  'AmazonEC2ContainerServiceRole',
  'AmazonEC2ContainerServiceAutoscaleRole',
];

const isAwsManaged = (policyArn: string) => /^arn:aws[\w-]*:iam::aws:policy\//.test(policyArn);
/** The name of a managed policy from its ARN (after the last `/`). */
const policyName = (policyArn: string) => policyArn.slice(policyArn.lastIndexOf('/') + 1);

const FIX = `launch it with an instance profile holding a role with ${AGENT_POLICY_NAME} attached (the lab's ecsInstanceRole)`;

/**
 * Why the ECS agent of `instance` gets no credentials allowed to register it
 * (see the module docs), or undefined when it does. Read live from the
 * account's IAM, so a profile or role fixed after launch counts.
 */
export function credentialsProblem(iam: IamState | undefined, instance: StoredInstance): string | undefined {
  const association = instance.iamInstanceProfile;
  if (!association) return `no instance profile: the ECS agent calls ECS with the instance's role credentials, and the instance was launched without IamInstanceProfile; ${FIX}`;
  const profile = Object.values(iam?.instanceProfiles ?? {}).find((p) => p.Arn === association.arn);
  if (!profile) return `instance profile ${association.arn} no longer exists, so the instance has no credentials; create it again with a role in it, or ${FIX}`;
  const roleName = profile.Roles[0];
  if (roleName === undefined) {
    return `instance profile ${profile.InstanceProfileName} holds no role, so the instance has no credentials; add one (iam add-role-to-instance-profile --instance-profile-name ${profile.InstanceProfileName} --role-name ecsInstanceRole) with ${AGENT_POLICY_NAME} attached`;
  }
  const role = own(iam?.roles, roleName);
  if (!role) return `role ${roleName} of instance profile ${profile.InstanceProfileName} does not exist, so the instance has no credentials; create it with ${AGENT_POLICY_NAME} attached`;
  const attach = `iam attach-role-policy --role-name ${role.RoleName} --policy-arn ${AGENT_POLICY_ARN}`;
  if (role.AttachedPolicies.length === 0) {
    return `role ${role.RoleName} (instance profile ${profile.InstanceProfileName}) has no permissions policy, so ECS denies ecs:RegisterContainerInstance (AccessDeniedException); attach one (${attach})`;
  }
  const mayAllow = role.AttachedPolicies.some((p) => !isAwsManaged(p.PolicyArn) || !NOT_AGENT_POLICIES.includes(policyName(p.PolicyArn)));
  if (!mayAllow) {
    return `role ${role.RoleName} (instance profile ${profile.InstanceProfileName}) has only ${role.AttachedPolicies.map((p) => p.PolicyName).join(', ')}, which do not allow ecs:RegisterContainerInstance (AccessDeniedException); attach ${AGENT_POLICY_NAME} (${attach})`;
  }
  return undefined;
}

/** Sends one line of the agent of `instanceId`'s log. */
function agentLog(scope: AgentSyncScope, instanceId: string, line: string): void {
  const event: AgentLogEvent = { accountId: scope.accountId, region: scope.region, type: AGENT_LOG_EVENT, instanceId, line: `ecs agent on ${instanceId}: ${line}` };
  scope.events.emit(AGENT_LOG_EVENT, event);
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

/**
 * Registers a running instance's agent, when due, its credentials allow it
 * and its cluster exists (or is `default`); otherwise notes (and logs, once)
 * a credentials problem. Returns whether state changed.
 */
function register(rs: RegionState, scope: AgentSyncScope, instance: StoredInstance, config: EcsAgentConfig): boolean {
  const name = config.cluster ?? 'default';
  const due = instance.runningAt + new TimeScale(scope.timeScale).ms(AGENT_REGISTER_SECONDS);
  // IAM is read only for an instance with a profile (reading another region's state may create it empty).
  const iam = instance.iamInstanceProfile ? (scope.stateOf(IAM_HOME_REGION)?.['iam'] as IamState | undefined) : undefined;
  const problem = credentialsProblem(iam, instance);
  if (problem !== undefined) {
    // Logged once per reason, as a retrying agent's log would show it (not at every sync).
    if (instance.ecsAgentProblem !== problem) {
      instance.ecsAgentProblem = problem;
      agentLog(scope, instance.instanceId, `cannot register with cluster ${name}: ${problem}`);
      return true;
    }
    return false;
  }
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
  // Blocked until now: the retrying agent registers at this sync, not when the instance came up.
  const registeredAt = instance.ecsAgentProblem !== undefined ? Math.max(due, scope.now) : due;
  if (instance.ecsAgentProblem !== undefined) {
    delete instance.ecsAgentProblem;
    agentLog(scope, instance.instanceId, `credentials work now; registered with cluster ${cluster.clusterName}`);
  }
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
    now: registeredAt,
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
