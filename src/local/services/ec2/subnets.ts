/**
 * Subnets: CreateSubnet, DeleteSubnet, DescribeSubnets, ModifySubnetAttribute.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { bool, hexId, own } from '../../core/util.js';
import { cidrContains, cidrOverlaps, cidrSize, formatCidr, parseCidr, requireCidr } from './cidr.js';
import { attributeBoolean, selectResources, tagSet, tagsFromSpecifications } from './input.js';
import { networkInterfaces } from './network-interfaces.js';
import { availabilityZones, ec2State, requireSubnet, requireVpc, type StoredSubnet } from './state.js';

/** Smallest and largest subnet blocks AWS allows (/16 … /28). */
export const SUBNET_PREFIX = { min: 16, max: 28 } as const;

/** Addresses AWS reserves in every subnet (network, router, DNS, future use, broadcast). */
const RESERVED_ADDRESSES = 5;

function subnetShape(ctx: RequestContext, subnet: StoredSubnet, inUse: number, tags: Record<string, string> | undefined) {
  const cidr = parseCidr(subnet.cidrBlock);
  return {
    subnetId: subnet.subnetId,
    subnetArn: `arn:aws:ec2:${ctx.region}:${subnet.ownerId}:subnet/${subnet.subnetId}`,
    state: 'available',
    vpcId: subnet.vpcId,
    cidrBlock: subnet.cidrBlock,
    availableIpAddressCount: Math.max(0, (cidr ? cidrSize(cidr) : 0) - RESERVED_ADDRESSES - inUse),
    availabilityZone: subnet.availabilityZone,
    availabilityZoneId: subnet.availabilityZoneId,
    defaultForAz: subnet.defaultForAz,
    mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    mapCustomerOwnedIpOnLaunch: subnet.mapCustomerOwnedIpOnLaunch ?? false,
    ...(subnet.customerOwnedIpv4Pool ? { customerOwnedIpv4Pool: subnet.customerOwnedIpv4Pool } : {}),
    assignIpv6AddressOnCreation: false,
    ipv6CidrBlockAssociationSet: [],
    enableDns64: subnet.enableDns64 ?? false,
    ipv6Native: false,
    privateDnsNameOptionsOnLaunch: {
      hostnameType: subnet.hostnameType ?? 'ip-name',
      enableResourceNameDnsARecord: subnet.enableResourceNameDnsARecord ?? false,
      enableResourceNameDnsAAAARecord: subnet.enableResourceNameDnsAAAARecord ?? false,
    },
    blockPublicAccessStates: { internetGatewayBlockMode: 'off' },
    ownerId: subnet.ownerId,
    ...tagSet(tags),
  };
}

/** ENIs per subnet id (awsvpc tasks, load balancers). */
function interfacesPerSubnet(ctx: RequestContext): Map<string, number> {
  const counts = new Map<string, number>();
  for (const eni of networkInterfaces(ctx)) counts.set(eni.subnetId, (counts.get(eni.subnetId) ?? 0) + 1);
  return counts;
}

/**
 * CreateSubnet: a /16–/28 block inside its VPC's block (`InvalidSubnet.Range`)
 * that overlaps no other subnet of the VPC (`InvalidSubnet.Conflict`), in one
 * of the region's availability zones (by name or id; the first zone when
 * neither is given).
 */
export const createSubnet: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const vpc = requireVpc(state, input['VpcId'] as string | undefined);
  if (input['CidrBlock'] === undefined) {
    throw new AwsError('MissingParameter', `The request must contain the parameter cidrBlock: a block inside ${vpc.vpcId}'s ${vpc.cidrBlock}, e.g. CidrBlock=${vpc.cidrBlock.replace(/\/\d+$/, '/24')}.`);
  }
  if (input['Ipv6CidrBlock'] !== undefined || bool(input['Ipv6Native'])) {
    throw new AwsError('UnsupportedOperation', 'The local cloud does not assign IPv6 CIDR blocks; create the subnet with an IPv4 CidrBlock only.');
  }
  const text = String(input['CidrBlock']);
  const cidr = requireCidr(text, 'cidrBlock');
  const vpcCidr = parseCidr(vpc.cidrBlock)!;
  if (cidr.prefix < SUBNET_PREFIX.min || cidr.prefix > SUBNET_PREFIX.max || !cidrContains(vpcCidr, cidr)) {
    throw new AwsError(
      'InvalidSubnet.Range',
      `The CIDR '${text}' is invalid. A subnet's block must lie inside its VPC's block (${vpc.vpcId}: ${vpc.cidrBlock}) and be between /${SUBNET_PREFIX.min} and /${SUBNET_PREFIX.max}.`,
    );
  }
  const conflict = Object.values(state.subnets).find((s) => s.vpcId === vpc.vpcId && cidrOverlaps(parseCidr(s.cidrBlock)!, cidr));
  if (conflict) {
    throw new AwsError('InvalidSubnet.Conflict', `The CIDR '${text}' conflicts with another subnet (${conflict.subnetId}: ${conflict.cidrBlock}). Choose a block that overlaps no subnet of ${vpc.vpcId}.`);
  }
  const zones = availabilityZones(ctx.region);
  const zoneName = input['AvailabilityZone'] as string | undefined;
  const zoneId = input['AvailabilityZoneId'] as string | undefined;
  const zone = zoneName !== undefined ? zones.find((z) => z.zoneName === zoneName) : zoneId !== undefined ? zones.find((z) => z.zoneId === zoneId) : zones[0];
  if (!zone || (zoneName !== undefined && zoneId !== undefined && zone.zoneId !== zoneId)) {
    const [parameter, value, valid] = zoneName !== undefined ? ['availabilityZone', zoneName, zones.map((z) => z.zoneName)] : ['availabilityZoneId', zoneId, zones.map((z) => z.zoneId)];
    throw new AwsError('InvalidParameterValue', `Value (${value}) for parameter ${parameter} is invalid. Subnets can currently only be created in the following availability zones: ${valid.join(', ')}.`);
  }
  const tags = tagsFromSpecifications(input, 'subnet');
  const subnet: StoredSubnet = {
    subnetId: `subnet-${hexId(17)}`,
    vpcId: vpc.vpcId,
    cidrBlock: formatCidr(cidr),
    availabilityZone: zone.zoneName,
    availabilityZoneId: zone.zoneId,
    defaultForAz: false,
    mapPublicIpOnLaunch: false,
    ownerId: ctx.accountId,
  };
  state.subnets[subnet.subnetId] = subnet;
  if (Object.keys(tags).length) state.tags[subnet.subnetId] = tags;
  return { subnet: { ...subnetShape(ctx, subnet, 0, tags), state: 'available' } };
};

/** DeleteSubnet: refused while network interfaces (tasks, load balancers) use it; drops its route table association. */
export const deleteSubnet: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const subnet = requireSubnet(state, input['SubnetId'] as string | undefined);
  const users = networkInterfaces(ctx).filter((eni) => eni.subnetId === subnet.subnetId);
  if (users.length > 0) {
    throw new AwsError(
      'DependencyViolation',
      `The subnet '${subnet.subnetId}' has dependencies and cannot be deleted. Network interfaces in use: ${users
        .slice(0, 5)
        .map((eni) => `${eni.networkInterfaceId} (${eni.description})`)
        .join(', ')}.`,
    );
  }
  for (const table of Object.values(state.routeTables)) {
    if (table.associations.some((a) => a.subnetId === subnet.subnetId)) table.associations = table.associations.filter((a) => a.subnetId !== subnet.subnetId);
  }
  delete state.subnets[subnet.subnetId];
  delete state.tags[subnet.subnetId];
  return { return: true };
};

/** DescribeSubnets: `SubnetId` list, filters (`vpc-id`, `subnet-id`, `availability-zone`, `default-for-az`, `cidr-block`, `map-public-ip-on-launch`, tags, …), pagination. */
export const describeSubnets: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const inUse = interfacesPerSubnet(ctx);
  const { page: shown, nextToken } = selectResources(input, Object.values(state.subnets), {
    idParam: 'SubnetId',
    idOf: (subnet) => subnet.subnetId,
    require: (id) => requireSubnet(state, id),
    filterValues: (subnet) => ({
      'vpc-id': [subnet.vpcId],
      'subnet-id': [subnet.subnetId],
      'subnet-arn': [`arn:aws:ec2:${ctx.region}:${subnet.ownerId}:subnet/${subnet.subnetId}`],
      'availability-zone': [subnet.availabilityZone],
      availabilityZone: [subnet.availabilityZone],
      'availability-zone-id': [subnet.availabilityZoneId],
      availabilityZoneId: [subnet.availabilityZoneId],
      'available-ip-address-count': [String(subnetShape(ctx, subnet, inUse.get(subnet.subnetId) ?? 0, undefined).availableIpAddressCount)],
      'default-for-az': [String(subnet.defaultForAz)],
      defaultForAz: [String(subnet.defaultForAz)],
      'cidr-block': [subnet.cidrBlock],
      cidrBlock: [subnet.cidrBlock],
      cidr: [subnet.cidrBlock],
      'map-public-ip-on-launch': [String(subnet.mapPublicIpOnLaunch)],
      'ipv6-native': ['false'],
      state: ['available'],
      'owner-id': [subnet.ownerId],
    }),
    tags: state.tags,
  });
  return { subnetSet: shown.map((subnet) => subnetShape(ctx, subnet, inUse.get(subnet.subnetId) ?? 0, own(state.tags, subnet.subnetId))), nextToken };
};

/**
 * ModifySubnetAttribute: `MapPublicIpOnLaunch`, `MapCustomerOwnedIpOnLaunch`
 * (with `CustomerOwnedIpv4Pool`), `EnableDns64`,
 * `PrivateDnsHostnameTypeOnLaunch`, `EnableResourceNameDnsARecordOnLaunch`,
 * `EnableResourceNameDnsAAAARecordOnLaunch`; `AssignIpv6AddressOnCreation`
 * can only be turned off (no subnet here has an IPv6 block).
 */
export const modifySubnetAttribute: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const subnet = requireSubnet(state, input['SubnetId'] as string | undefined);
  const changes: Partial<StoredSubnet> = {};
  const flag = (wire: string) => attributeBoolean(input[wire]);
  const mapPublic = flag('MapPublicIpOnLaunch');
  if (mapPublic !== undefined) changes.mapPublicIpOnLaunch = mapPublic;
  const mapCustomer = flag('MapCustomerOwnedIpOnLaunch');
  if (mapCustomer !== undefined) {
    const pool = input['CustomerOwnedIpv4Pool'] as string | undefined;
    if (mapCustomer && !pool) throw new AwsError('InvalidParameterCombination', 'MapCustomerOwnedIpOnLaunch=true needs CustomerOwnedIpv4Pool (the customer-owned IPv4 pool of your Outpost).');
    changes.mapCustomerOwnedIpOnLaunch = mapCustomer;
    changes.customerOwnedIpv4Pool = mapCustomer ? pool : undefined;
  }
  if (input['EnableLniAtDeviceIndex'] !== undefined || flag('DisableLniAtDeviceIndex') !== undefined) {
    throw new AwsError('InvalidParameterValue', `Subnet ${subnet.subnetId} is not an Outposts subnet: local network interfaces (EnableLniAtDeviceIndex, DisableLniAtDeviceIndex) exist only on Outposts.`);
  }
  const ipv6 = flag('AssignIpv6AddressOnCreation');
  if (ipv6 === true) {
    throw new AwsError('InvalidParameterValue', `Subnet ${subnet.subnetId} has no IPv6 CIDR block, so AssignIpv6AddressOnCreation cannot be true (the local cloud does not assign IPv6 blocks).`);
  }
  const dns64 = flag('EnableDns64');
  if (dns64 !== undefined) changes.enableDns64 = dns64;
  const hostnameType = input['PrivateDnsHostnameTypeOnLaunch'] as StoredSubnet['hostnameType'];
  if (hostnameType !== undefined) changes.hostnameType = hostnameType;
  const aRecord = flag('EnableResourceNameDnsARecordOnLaunch');
  if (aRecord !== undefined) changes.enableResourceNameDnsARecord = aRecord;
  const aaaaRecord = flag('EnableResourceNameDnsAAAARecordOnLaunch');
  if (aaaaRecord !== undefined) changes.enableResourceNameDnsAAAARecord = aaaaRecord;
  if (Object.keys(changes).length === 0 && ipv6 === undefined) {
    throw new AwsError('MissingParameter', 'The request must contain an attribute to modify, e.g. MapPublicIpOnLaunch.Value=true.');
  }
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete (subnet as unknown as Record<string, unknown>)[key];
    else (subnet as unknown as Record<string, unknown>)[key] = value;
  }
  return { return: true };
};
