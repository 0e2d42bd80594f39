/**
 * EC2 networking state: VPCs, subnets, security groups, internet gateways
 * and route tables, per account+region. A new account+region starts as a
 * new AWS account does: a default VPC (172.31.0.0/16, DNS hostnames on)
 * with one default subnet per availability zone, its `default` security
 * group, an internet gateway attached to it and a main route table holding
 * the local route and `0.0.0.0/0` through that gateway. Other services
 * (ELBv2 validates subnets and security groups) read it through the
 * accessors exported here.
 *
 * @internal
 */
import type { RegionState, RequestContext } from '../../core/types.js';
import { AwsError } from '../../core/types.js';
import { hexId, own } from '../../core/util.js';

/** VPC attributes (DescribeVpcAttribute / ModifyVpcAttribute). */
export interface VpcAttributes {
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  enableNetworkAddressUsageMetrics: boolean;
}

/** A VPC as stored (EC2 wire names). */
export interface StoredVpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
  ownerId: string;
  dhcpOptionsId: string;
  /** `default` or `dedicated`. Absent in state written before VPCs could be created: `default`. */
  instanceTenancy?: string;
  /** Association id of the primary CIDR block. */
  cidrAssociationId?: string;
  /** Absent in older state: AWS's defaults for the VPC's kind ({@link vpcAttributes}). */
  attributes?: VpcAttributes;
}

/** A subnet as stored (EC2 wire names). Optional fields default to AWS's values for a new subnet. */
export interface StoredSubnet {
  subnetId: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  availabilityZoneId: string;
  defaultForAz: boolean;
  mapPublicIpOnLaunch: boolean;
  ownerId: string;
  mapCustomerOwnedIpOnLaunch?: boolean;
  customerOwnedIpv4Pool?: string;
  enableDns64?: boolean;
  hostnameType?: 'ip-name' | 'resource-name';
  enableResourceNameDnsARecord?: boolean;
  enableResourceNameDnsAAAARecord?: boolean;
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

/** An internet gateway and the VPC it is attached to (at most one, as on AWS). */
export interface StoredInternetGateway {
  internetGatewayId: string;
  ownerId: string;
  attachments: { vpcId: string; state: 'available' }[];
}

/** Where a route sends traffic: exactly one target member, in EC2 wire names. */
export type RouteTarget = Partial<
  Record<'gatewayId' | 'natGatewayId' | 'networkInterfaceId' | 'vpcPeeringConnectionId' | 'transitGatewayId' | 'egressOnlyInternetGatewayId' | 'instanceId', string>
>;

/** One route: a destination (IPv4 or IPv6 CIDR) and its target. */
export interface StoredRoute extends RouteTarget {
  destinationCidrBlock?: string;
  destinationIpv6CidrBlock?: string;
  /** `CreateRouteTable` for the local route, `CreateRoute` for the rest. */
  origin: 'CreateRouteTable' | 'CreateRoute';
}

/** A route table association: the VPC's main association, a subnet, or an edge gateway. */
export interface StoredAssociation {
  routeTableAssociationId: string;
  main: boolean;
  subnetId?: string;
  gatewayId?: string;
}

/** A route table as stored. */
export interface StoredRouteTable {
  routeTableId: string;
  vpcId: string;
  ownerId: string;
  routes: StoredRoute[];
  associations: StoredAssociation[];
}

/**
 * An EC2 instance as stored. Its state (pending → running, shutting-down →
 * terminated) is derived from the timestamps on every read
 * (`instanceState` in `instances.ts`), as a load balancer's `provisioning`
 * is, so it advances on the cloud's time scale with nothing ticking.
 */
export interface StoredInstance {
  instanceId: string;
  reservationId: string;
  ownerId: string;
  imageId: string;
  instanceType: string;
  architecture: 'x86_64' | 'arm64';
  subnetId: string;
  vpcId: string;
  availabilityZone: string;
  privateIpAddress: string;
  publicIpAddress?: string;
  /** The primary network interface (DescribeNetworkInterfaces shows it until the instance is terminated). */
  networkInterfaceId: string;
  eniAttachmentId: string;
  macAddress: string;
  groupIds: string[];
  keyName?: string;
  /** The user data as sent (base64). */
  userData?: string;
  iamInstanceProfile?: { arn: string; id: string };
  /**
   * Why its ECS agent cannot register it (no instance profile, no role, …),
   * as last logged (`services/ecs/agent.ts`, which logs each reason once);
   * absent when it has none or the instance runs no agent.
   */
  ecsAgentProblem?: string;
  clientToken?: string;
  amiLaunchIndex: number;
  disableApiTermination: boolean;
  shutdownBehavior: 'stop' | 'terminate';
  monitoring: boolean;
  ebsOptimized: boolean;
  rootVolumeId: string;
  /** Epoch ms of RunInstances. */
  launchedAt: number;
  /** When it is `running` (launch + the pending time, scaled). */
  runningAt: number;
  /** When TerminateInstances was called: `shutting-down` from then. */
  terminateRequestedAt?: number;
  /** When it is `terminated`. */
  terminatedAt?: number;
  /** When DescribeInstances stops showing it (an hour after termination, scaled). */
  visibleUntil?: number;
  /** When its status checks pass (`initializing` → `ok`). */
  statusOkAt: number;
}

/** The `ec2` slice of one account+region. */
export interface Ec2State {
  vpcs: Record<string, StoredVpc>;
  subnets: Record<string, StoredSubnet>;
  securityGroups: Record<string, StoredSecurityGroup>;
  internetGateways: Record<string, StoredInternetGateway>;
  routeTables: Record<string, StoredRouteTable>;
  /** id → instance (absent in state written before instances existed). */
  instances?: Record<string, StoredInstance>;
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

/** AWS's attribute defaults: DNS support on everywhere, DNS hostnames on only in the default VPC. */
export function vpcAttributes(vpc: StoredVpc): VpcAttributes {
  return vpc.attributes ?? { enableDnsSupport: true, enableDnsHostnames: vpc.isDefault, enableNetworkAddressUsageMetrics: false };
}

/** A new VPC's record (not stored). */
export function newVpc(ownerId: string, cidrBlock: string, isDefault: boolean, instanceTenancy = 'default'): StoredVpc {
  const vpc: StoredVpc = {
    vpcId: `vpc-${hexId(17)}`,
    cidrBlock,
    isDefault,
    ownerId,
    dhcpOptionsId: `dopt-${hexId(17)}`,
    instanceTenancy,
    cidrAssociationId: `vpc-cidr-assoc-${hexId(17)}`,
  };
  vpc.attributes = vpcAttributes(vpc);
  return vpc;
}

/** A new route table of `vpcId` holding only the local route (not stored). */
export function newRouteTable(vpc: StoredVpc, ownerId: string, main: boolean): StoredRouteTable {
  return {
    routeTableId: `rtb-${hexId(17)}`,
    vpcId: vpc.vpcId,
    ownerId,
    routes: [{ destinationCidrBlock: vpc.cidrBlock, gatewayId: 'local', origin: 'CreateRouteTable' }],
    associations: main ? [{ routeTableAssociationId: `rtbassoc-${hexId(17)}`, main: true }] : [],
  };
}

/** Creates the default VPC, its default subnets, security group, internet gateway and main route table. */
function initial(scope: Pick<RequestContext, 'region' | 'accountId'>): Ec2State {
  const state: Ec2State = { vpcs: {}, subnets: {}, securityGroups: {}, internetGateways: {}, routeTables: {}, tags: {} };
  addDefaultVpc(state, scope);
  return state;
}

/**
 * Adds a default VPC as a new account has it (172.31.0.0/16, one default
 * subnet per zone, the `default` group, an attached internet gateway, the
 * main route table) to `state`, and returns it.
 */
export function addDefaultVpc(state: Ec2State, scope: Pick<RequestContext, 'region' | 'accountId'>): StoredVpc {
  const vpc = newVpc(scope.accountId, '172.31.0.0/16', true);
  state.vpcs[vpc.vpcId] = vpc;
  availabilityZones(scope.region).forEach((zone, i) => {
    const subnetId = `subnet-${hexId(17)}`;
    state.subnets[subnetId] = {
      subnetId,
      vpcId: vpc.vpcId,
      cidrBlock: `172.31.${i * 16}.0/20`,
      availabilityZone: zone.zoneName,
      availabilityZoneId: zone.zoneId,
      defaultForAz: true,
      mapPublicIpOnLaunch: true,
      ownerId: scope.accountId,
    };
  });
  const group = defaultGroupFor(state, vpc.vpcId, scope.accountId);
  state.securityGroups[group.groupId] = group;
  addDefaultVpcNetwork(state, vpc, scope.accountId);
  return vpc;
}

/** The default VPC's internet gateway and its main route table with `0.0.0.0/0` through it. */
function addDefaultVpcNetwork(state: Ec2State, vpc: StoredVpc, ownerId: string): void {
  const igw: StoredInternetGateway = { internetGatewayId: `igw-${hexId(17)}`, ownerId, attachments: [{ vpcId: vpc.vpcId, state: 'available' }] };
  state.internetGateways[igw.internetGatewayId] = igw;
  const table = newRouteTable(vpc, ownerId, true);
  table.routes.push({ destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.internetGatewayId, origin: 'CreateRoute' });
  state.routeTables[table.routeTableId] = table;
}

/**
 * Brings state written before internet gateways and route tables existed up
 * to date: the collections, VPC attributes, and the default VPC's gateway and
 * main route table (any other VPC gets a main route table). Returns a new
 * slice, or undefined when nothing was missing.
 */
function upgraded(existing: Ec2State): Ec2State | undefined {
  const missingCollections = !existing.internetGateways || !existing.routeTables;
  const tables = Object.values(existing.routeTables ?? {});
  const vpcsWithoutMain = Object.values(existing.vpcs).filter((vpc) => !tables.some((t) => t.vpcId === vpc.vpcId && t.associations.some((a) => a.main)));
  const vpcsWithoutAttributes = Object.values(existing.vpcs).some((vpc) => !vpc.attributes || !vpc.cidrAssociationId || !vpc.instanceTenancy);
  if (!missingCollections && vpcsWithoutMain.length === 0 && !vpcsWithoutAttributes) return undefined;
  // A JSON copy (the slice may be a change-tracking proxy, which structuredClone refuses).
  const state = JSON.parse(JSON.stringify({ ...existing, internetGateways: existing.internetGateways ?? {}, routeTables: existing.routeTables ?? {} })) as Ec2State;
  for (const vpc of Object.values(state.vpcs)) {
    vpc.attributes ??= vpcAttributes(vpc);
    vpc.instanceTenancy ??= 'default';
    vpc.cidrAssociationId ??= `vpc-cidr-assoc-${vpc.vpcId.slice(4)}`;
  }
  for (const { vpcId } of vpcsWithoutMain) {
    const vpc = own(state.vpcs, vpcId)!;
    if (vpc.isDefault && !Object.values(state.internetGateways).some((g) => g.attachments.some((a) => a.vpcId === vpcId))) addDefaultVpcNetwork(state, vpc, vpc.ownerId);
    else {
      const table = newRouteTable(vpc, vpc.ownerId, true);
      state.routeTables[table.routeTableId] = table;
    }
  }
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

/** The EC2 slice of this account+region, creating the default network on first use (and upgrading older state). */
export function ec2State(scope: Ec2Scope): Ec2State {
  const state = scope.state as RegionState;
  const existing = state['ec2'] as Ec2State | undefined;
  if (existing) {
    const upgrade = upgraded(existing);
    if (!upgrade) return existing;
    // Replaced as a whole so a read-only call's journal records it too.
    state['ec2'] = upgrade;
    scope.changed?.();
    return state['ec2'] as Ec2State;
  }
  const created = initial(scope);
  state['ec2'] = created;
  // Created during a read-only call too: persist it so ids stay stable across restarts.
  scope.changed?.();
  return state['ec2'] as Ec2State;
}

/** The default VPC of this account+region, or undefined once it was deleted. */
export function findDefaultVpc(scope: Ec2Scope): StoredVpc | undefined {
  return Object.values(ec2State(scope).vpcs).find((v) => v.isDefault);
}

/** The default VPC of this account+region; EC2's `VPCIdNotSpecified` once it was deleted. */
export function defaultVpc(scope: Ec2Scope): StoredVpc {
  const vpc = findDefaultVpc(scope);
  if (!vpc) throw new AwsError('VPCIdNotSpecified', 'No default VPC for this user. Name a VPC (VpcId) or create a default VPC first.');
  return vpc;
}

/** The subnet with this id, or undefined. */
export function findSubnet(scope: Ec2Scope, subnetId: string): StoredSubnet | undefined {
  return own(ec2State(scope).subnets, subnetId);
}

/** The VPC with this id, or undefined. */
export function findVpc(scope: Ec2Scope, vpcId: string): StoredVpc | undefined {
  return own(ec2State(scope).vpcs, vpcId);
}

/** The security group with this id, or undefined. */
export function findSecurityGroup(scope: Ec2Scope, groupId: string): StoredSecurityGroup | undefined {
  return own(ec2State(scope).securityGroups, groupId);
}

/** The `default` security group of a VPC. */
export function defaultSecurityGroup(scope: Ec2Scope, vpcId: string): StoredSecurityGroup | undefined {
  return Object.values(ec2State(scope).securityGroups).find((g) => g.vpcId === vpcId && g.groupName === 'default');
}

/** The VPC `id` names, or EC2's `InvalidVpcID.NotFound`. */
export function requireVpc(state: Ec2State, id: string | undefined): StoredVpc {
  const vpc = id ? own(state.vpcs, id) : undefined;
  if (!vpc) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id ?? ''}' does not exist`);
  return vpc;
}

/** The subnet `id` names, or EC2's `InvalidSubnetID.NotFound`. */
export function requireSubnet(state: Ec2State, id: string | undefined): StoredSubnet {
  const subnet = id ? own(state.subnets, id) : undefined;
  if (!subnet) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id ?? ''}' does not exist`);
  return subnet;
}

/** The main route table of a VPC. */
export function mainRouteTable(state: Ec2State, vpcId: string): StoredRouteTable | undefined {
  return Object.values(state.routeTables).find((t) => t.vpcId === vpcId && t.associations.some((a) => a.main));
}
