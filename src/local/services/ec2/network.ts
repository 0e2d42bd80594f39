/**
 * DescribeVpcs, DescribeSubnets and DescribeAvailabilityZones over the
 * default network.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { availabilityZones, ec2State, type StoredSubnet, type StoredVpc } from './state.js';
import { matchesFilters, strings, tagSet } from './input.js';

const vpcShape = (vpc: StoredVpc, tags: Record<string, string> | undefined) => ({
  vpcId: vpc.vpcId,
  ownerId: vpc.ownerId,
  state: 'available',
  cidrBlock: vpc.cidrBlock,
  cidrBlockAssociationSet: [{ associationId: `vpc-cidr-assoc-${vpc.vpcId.slice(4)}`, cidrBlock: vpc.cidrBlock, cidrBlockState: { state: 'associated' } }],
  dhcpOptionsId: vpc.dhcpOptionsId,
  instanceTenancy: 'default',
  isDefault: vpc.isDefault,
  ipv6CidrBlockAssociationSet: [],
  ...tagSet(tags),
});

/** DescribeVpcs: `VpcId` list and filters `vpc-id`, `isDefault`/`is-default`, `cidr`, `state`, `owner-id`, tags. */
export const describeVpcs: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const ids = strings(input['VpcId'] ?? input['VpcIds']);
  for (const id of ids) {
    if (!state.vpcs[id]) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
  }
  const vpcs = Object.values(state.vpcs).filter(
    (vpc) =>
      (ids.length === 0 || ids.includes(vpc.vpcId)) &&
      matchesFilters(
        input,
        (name) =>
          ({
            'vpc-id': [vpc.vpcId],
            isDefault: [String(vpc.isDefault)],
            'is-default': [String(vpc.isDefault)],
            cidr: [vpc.cidrBlock],
            'cidr-block-association.cidr-block': [vpc.cidrBlock],
            state: ['available'],
            'owner-id': [vpc.ownerId],
            'dhcp-options-id': [vpc.dhcpOptionsId],
          })[name],
        state.tags[vpc.vpcId],
      ),
  );
  return { vpcSet: vpcs.map((vpc) => vpcShape(vpc, state.tags[vpc.vpcId])) };
};

const subnetShape = (subnet: StoredSubnet, region: string, tags: Record<string, string> | undefined) => ({
  subnetId: subnet.subnetId,
  subnetArn: `arn:aws:ec2:${region}:${subnet.ownerId}:subnet/${subnet.subnetId}`,
  state: 'available',
  vpcId: subnet.vpcId,
  cidrBlock: subnet.cidrBlock,
  availableIpAddressCount: 4091,
  availabilityZone: subnet.availabilityZone,
  availabilityZoneId: subnet.availabilityZoneId,
  defaultForAz: subnet.defaultForAz,
  mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
  assignIpv6AddressOnCreation: false,
  ipv6CidrBlockAssociationSet: [],
  ipv6Native: false,
  privateDnsNameOptionsOnLaunch: { hostnameType: 'ip-name', enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
  ownerId: subnet.ownerId,
  ...tagSet(tags),
});

/** DescribeSubnets: `SubnetId` list and filters `vpc-id`, `subnet-id`, `availability-zone`, `default-for-az`, `cidr-block`, tags. */
export const describeSubnets: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const ids = strings(input['SubnetId'] ?? input['SubnetIds']);
  for (const id of ids) {
    if (!state.subnets[id]) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
  }
  const subnets = Object.values(state.subnets).filter(
    (subnet) =>
      (ids.length === 0 || ids.includes(subnet.subnetId)) &&
      matchesFilters(
        input,
        (name) =>
          ({
            'vpc-id': [subnet.vpcId],
            'subnet-id': [subnet.subnetId],
            'availability-zone': [subnet.availabilityZone],
            availabilityZone: [subnet.availabilityZone],
            'availability-zone-id': [subnet.availabilityZoneId],
            'default-for-az': [String(subnet.defaultForAz)],
            defaultForAz: [String(subnet.defaultForAz)],
            'cidr-block': [subnet.cidrBlock],
            cidrBlock: [subnet.cidrBlock],
            cidr: [subnet.cidrBlock],
            state: ['available'],
            'owner-id': [subnet.ownerId],
          })[name],
        state.tags[subnet.subnetId],
      ),
  );
  return { subnetSet: subnets.map((subnet) => subnetShape(subnet, ctx.region, state.tags[subnet.subnetId])) };
};

/** DescribeAvailabilityZones: the zones of the default subnets (`ZoneName` list, filters `zone-name`, `state`). */
export const describeAvailabilityZones: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const zones = availabilityZones(ctx.region);
  const names = strings(input['ZoneName'] ?? input['ZoneNames']);
  for (const name of names) {
    if (!zones.some((z) => z.zoneName === name)) {
      throw new AwsError('InvalidParameterValue', `The zone '${name}' does not exist.`);
    }
  }
  return {
    availabilityZoneInfo: zones
      .filter((zone) => names.length === 0 || names.includes(zone.zoneName))
      .filter((zone) =>
        matchesFilters(
          input,
          (name) =>
            ({
              'zone-name': [zone.zoneName],
              'zone-id': [zone.zoneId],
              state: ['available'],
              'region-name': [ctx.region],
              'zone-type': ['availability-zone'],
              'opt-in-status': ['opt-in-not-required'],
            })[name],
        ),
      )
      .map((zone) => ({
        zoneState: 'available',
        optInStatus: 'opt-in-not-required',
        messageSet: [],
        regionName: ctx.region,
        zoneName: zone.zoneName,
        zoneId: zone.zoneId,
        groupName: ctx.region,
        networkBorderGroup: ctx.region,
        zoneType: 'availability-zone',
      })),
  };
};
