/**
 * EC2 state for the lab's set-up lookups: the default VPC, its default
 * subnets (one per availability zone) and security groups, created lazily
 * per account+region the first time anything looks at them. Other services
 * (ELBv2 validates subnets and security groups) read it through the
 * accessors exported here.
 *
 * @internal
 */
import type { RegionState, RequestContext } from '../../core/types.js';
import { hexId } from '../../core/util.js';

/** A VPC as stored (EC2 wire names). */
export interface StoredVpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  ownerId: string;
  dhcpOptionsId: string;
}

/** A subnet as stored (EC2 wire names). */
export interface StoredSubnet {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  availabilityZoneId: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  ownerId: string;
}

/** One ingress/egress rule: a protocol and port range open to CIDRs and/or security groups. */
export interface StoredPermission {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  ipRanges: { cidrIp: string; description?: string }[];
  groups: { groupId: string; userId: string; description?: string }[];
}

/** A security group as stored (EC2 wire names). */
export interface StoredSecurityGroup {
  groupId: string;
  groupName: string;
  description: string;
  vpcId: string;
  ownerId: string;
  ipPermissions: StoredPermission[];
  ipPermissionsEgress: StoredPermission[];
}

/** The `ec2` slice of one account+region. */
export interface Ec2State {
  vpcs: Record<string, StoredVpc>;
  subnets: Record<string, StoredSubnet>;
  securityGroups: Record<string, StoredSecurityGroup>;
  /** resource id → tag key → value. */
  tags: Record<string, Record<string, string>>;
}

/** Where the state lives and whose it is. */
export type Ec2Scope = Pick<RequestContext, 'state' | 'region' | 'accountId'> & Partial<Pick<RequestContext, 'changed'>>;

/** Availability-zone letters of the default subnets. */
const ZONE_LETTERS = ['a', 'b', 'c'] as const;

/** Availability zones the local cloud reports for `region` (`us-east-1a`, `us-east-1b`, …). */
export function availabilityZones(region: string): { zoneName: string; zoneId: string }[] {
  const [geo = '', direction = '', number = ''] = region.split('-');
  const prefix = `${geo}${direction.replace(/north|south|east|west|central/g, (word) => word.charAt(0))}${number}`;
  return ZONE_LETTERS.map((letter, i) => ({ zoneName: `${region}${letter}`, zoneId: `${prefix}-az${i + 1}` }));
}

/** Creates the default VPC, its default subnets and its default security group. */
function initial(scope: Pick<RequestContext, 'region' | 'accountId'>): Ec2State {
  const vpcId = `vpc-${hexId(17)}`;
  const state: Ec2State = {
    vpcs: { [vpcId]: { vpcId, cidrBlock: '172.31.0.0/16', isDefault: true, ownerId: scope.accountId, dhcpOptionsId: `dopt-${hexId(17)}` } },
    subnets: {},
    securityGroups: {},
    tags: {},
  };
  availabilityZones(scope.region).forEach((zone, i) => {
    const subnetId = `subnet-${hexId(17)}`;
    state.subnets[subnetId] = {
      subnetId,
      vpcId,
      cidrBlock: `172.31.${i * 16}.0/20`,
      availabilityZone: zone.zoneName,
      availabilityZoneId: zone.zoneId,
      defaultForAz: true,
      mapPublicIpOnLaunch: true,
      ownerId: scope.accountId,
    };
  });
  const groupId = defaultGroupFor(state, vpcId, scope.accountId);
  state.securityGroups[groupId.groupId] = groupId;
  return state;
}

/** The `default` security group every VPC has. */
export function defaultGroupFor(_state: Ec2State, vpcId: string, ownerId: string): StoredSecurityGroup {
  const groupId = `sg-${hexId(17)}`;
  return {
    groupId,
    groupName: 'default',
    description: 'default VPC security group',
    vpcId,
    ownerId,
    ipPermissions: [{ ipProtocol: '-1', ipRanges: [], groups: [{ groupId, userId: ownerId }] }],
    ipPermissionsEgress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] }],
  };
}

/** The EC2 slice of this account+region, creating the default VPC on first use. */
export function ec2State(scope: Ec2Scope): Ec2State {
  const state = scope.state as RegionState;
  const existing = state['ec2'] as Ec2State | undefined;
  if (existing) return existing;
  const created = initial(scope);
  state['ec2'] = created;
  // Created during a read-only call too: persist it so ids stay stable across restarts.
  scope.changed?.();
  return created;
}

/** The default VPC of this account+region. */
export function defaultVpc(scope: Ec2Scope): StoredVpc {
  const state = ec2State(scope);
  const vpc = Object.values(state.vpcs).find((v) => v.isDefault);
  if (!vpc) throw new Error('ec2 state has no default VPC');
  return vpc;
}

/** The subnet with this id, or undefined. */
export function findSubnet(scope: Ec2Scope, subnetId: string): StoredSubnet | undefined {
  return ec2State(scope).subnets[subnetId];
}

/** The subnets of a VPC, in creation order. */
export function subnetsOfVpc(scope: Ec2Scope, vpcId: string): StoredSubnet[] {
  return Object.values(ec2State(scope).subnets).filter((s) => s.vpcId === vpcId);
}

/** The VPC with this id, or undefined. */
export function findVpc(scope: Ec2Scope, vpcId: string): StoredVpc | undefined {
  return ec2State(scope).vpcs[vpcId];
}

/** The security group with this id, or undefined. */
export function findSecurityGroup(scope: Ec2Scope, groupId: string): StoredSecurityGroup | undefined {
  return ec2State(scope).securityGroups[groupId];
}

/** The `default` security group of a VPC. */
export function defaultSecurityGroup(scope: Ec2Scope, vpcId: string): StoredSecurityGroup | undefined {
  return Object.values(ec2State(scope).securityGroups).find((g) => g.vpcId === vpcId && g.groupName === 'default');
}
