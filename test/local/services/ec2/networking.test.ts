import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteInternetGatewayCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeAccountAttributesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  EC2Client,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
} from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { updateTask } from '../../../../src/local/services/ecs/state.js';
import { rejection, startTestCloud, TEST_CREDENTIALS, type TestCloud } from '../../helpers.js';

/** `Code: message` of a failed SDK call. */
const failure = async (call: Promise<unknown>) => {
  const e = await rejection(call);
  return `${e.name}: ${e.message}`;
};

describe('EC2 networking through @aws-sdk/client-ec2', () => {
  let t: TestCloud;
  let ec2: EC2Client;
  before(async () => {
    t = await startTestCloud();
    ec2 = new EC2Client({ endpoint: t.cloud.endpoint, region: t.cloud.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  });
  after(async () => {
    ec2?.destroy();
    await t?.stop();
  });

  const newVpc = async (cidr = '10.0.0.0/16', name?: string) => {
    const { Vpc } = await ec2.send(
      new CreateVpcCommand({ CidrBlock: cidr, ...(name ? { TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: name }] }] } : {}) }),
    );
    return Vpc!.VpcId!;
  };

  test('CreateVpc makes a VPC with its main route table (local route) and default security group; DeleteVpc removes them', async () => {
    const created = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'app' }] }] }));
    const vpcId = created.Vpc!.VpcId!;
    assert.match(vpcId, /^vpc-[0-9a-f]{17}$/);
    assert.equal(created.Vpc!.CidrBlock, '10.1.0.0/16');
    assert.equal(created.Vpc!.IsDefault, false);
    assert.equal(created.Vpc!.InstanceTenancy, 'default');
    assert.deepEqual(created.Vpc!.Tags, [{ Key: 'Name', Value: 'app' }]);
    assert.equal(created.Vpc!.CidrBlockAssociationSet![0]!.CidrBlockState!.State, 'associated');

    const tables = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    assert.equal(tables.RouteTables!.length, 1);
    const main = tables.RouteTables![0]!;
    assert.equal(main.Associations![0]!.Main, true);
    assert.deepEqual(main.Routes, [{ DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' }]);
    const attrs = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }));
    assert.equal(attrs.EnableDnsHostnames!.Value, false, 'a new VPC has DNS hostnames off');

    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    assert.match(await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))), /^InvalidVpcID\.NotFound: The vpc ID 'vpc-\w+' does not exist/);
    const left = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    assert.deepEqual(left.RouteTables, []);
  });

  test('the default VPC is part of the same state: isDefault, default-for-az subnets, attached gateway, main table routing 0.0.0.0/0 to it', async () => {
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    assert.equal(Vpcs!.length, 1);
    const vpc = Vpcs![0]!;
    assert.equal(vpc.CidrBlock, '172.31.0.0/16');
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }));
    assert.deepEqual(Subnets!.map((s) => [s.DefaultForAz, s.MapPublicIpOnLaunch, s.AvailableIpAddressCount]), [
      [true, true, 4091],
      [true, true, 4091],
      [true, true, 4091],
    ]);
    const { InternetGateways } = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpc.VpcId!] }] }));
    assert.equal(InternetGateways!.length, 1);
    const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.main', Values: ['true'] }, { Name: 'vpc-id', Values: [vpc.VpcId!] }] }));
    assert.deepEqual(
      RouteTables![0]!.Routes!.map((r) => [r.DestinationCidrBlock, r.GatewayId, r.State]),
      [
        ['172.31.0.0/16', 'local', 'active'],
        ['0.0.0.0/0', InternetGateways![0]!.InternetGatewayId, 'active'],
      ],
    );
    const dns = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpc.VpcId!, Attribute: 'enableDnsHostnames' }));
    assert.equal(dns.EnableDnsHostnames!.Value, true, 'the default VPC has DNS hostnames on');
    const account = await ec2.send(new DescribeAccountAttributesCommand({}));
    const byName = Object.fromEntries(account.AccountAttributes!.map((a) => [a.AttributeName, a.AttributeValues!.map((v) => v.AttributeValue)]));
    assert.deepEqual(byName['default-vpc'], [vpc.VpcId]);
    assert.deepEqual(byName['supported-platforms'], ['VPC']);
    const one = await ec2.send(new DescribeAccountAttributesCommand({ AttributeNames: ['default-vpc'] }));
    assert.equal(one.AccountAttributes!.length, 1);
  });

  test('CreateVpc refuses malformed CIDRs and blocks outside /16–/28 with EC2 codes', async () => {
    for (const bad of ['10.0.0.0/33', '10.0.0/16', '256.0.0.0/16', 'abc', '10.0.0.0', '10.0.0.0/-1', ' ']) {
      assert.match(await failure(ec2.send(new CreateVpcCommand({ CidrBlock: bad }))), /^InvalidParameterValue: Value \(.*\) for parameter cidrBlock is invalid\. This is not a valid CIDR block\./, bad);
    }
    assert.match(await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/8' }))), /^InvalidVpc\.Range: The CIDR '10\.0\.0\.0\/8' is invalid\./);
    assert.match(await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/29' }))), /^InvalidVpc\.Range: The CIDR '10\.0\.0\.0\/29' is invalid\./);
    assert.match(await failure(ec2.send(new CreateVpcCommand({}))), /^MissingParameter: .*cidrBlock/);
    assert.match(await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16', InstanceTenancy: 'shared' as never }))), /^InvalidParameterValue: .*InstanceTenancy|instanceTenancy/);
    const small = await newVpc('10.200.0.0/28');
    const large = await newVpc('10.201.1.2/16');
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [small, large] }));
    assert.deepEqual(Vpcs!.map((v) => v.CidrBlock).sort(), ['10.200.0.0/28', '10.201.0.0/16'], 'host bits are cleared');
    await ec2.send(new DeleteVpcCommand({ VpcId: small }));
    await ec2.send(new DeleteVpcCommand({ VpcId: large }));
  });

  test('DescribeVpcs filters by vpc-id, cidr, cidr-block-association.cidr-block, is-default, state, tag:<k> and tag-key, and pages', async () => {
    const a = await newVpc('10.10.0.0/16', 'blue');
    const b = await newVpc('10.11.0.0/16', 'green');
    const ids = async (filters: { Name: string; Values: string[] }[]) => (await ec2.send(new DescribeVpcsCommand({ Filters: filters }))).Vpcs!.map((v) => v.VpcId).sort();
    assert.deepEqual(await ids([{ Name: 'vpc-id', Values: [a] }]), [a]);
    assert.deepEqual(await ids([{ Name: 'cidr', Values: ['10.11.0.0/16'] }]), [b]);
    assert.deepEqual(await ids([{ Name: 'cidr-block-association.cidr-block', Values: ['10.1?.0.0/16'] }]), [a, b].sort());
    assert.deepEqual(await ids([{ Name: 'tag:Name', Values: ['green'] }]), [b]);
    assert.deepEqual(await ids([{ Name: 'tag-key', Values: ['Name'] }, { Name: 'state', Values: ['available'] }]), [a, b].sort());
    assert.deepEqual(await ids([{ Name: 'is-default', Values: ['false'] }, { Name: 'tag:Name', Values: ['blue', 'green'] }]), [a, b].sort());
    assert.deepEqual(await ids([{ Name: 'tag:Name', Values: ['red'] }]), []);
    assert.match(await failure(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] }))), /^InvalidParameterValue: The filter 'colour' is invalid/);
    assert.match(await failure(ec2.send(new DescribeVpcsCommand({ Filters: [{ Values: ['x'] }] }))), /^InvalidParameterValue: The filter 'null' is invalid/);
    assert.match(await failure(ec2.send(new DescribeVpcsCommand({ VpcIds: [a, 'vpc-0000000000000000f'] }))), /^InvalidVpcID\.NotFound: The vpc ID 'vpc-0000000000000000f' does not exist/);

    const first = await ec2.send(new DescribeVpcsCommand({ MaxResults: 5 }));
    const all = [...first.Vpcs!];
    let token = first.NextToken;
    while (token) {
      const next = await ec2.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: token }));
      all.push(...next.Vpcs!);
      token = next.NextToken;
    }
    const everything = await ec2.send(new DescribeVpcsCommand({}));
    assert.deepEqual(all.map((v) => v.VpcId), everything.Vpcs!.map((v) => v.VpcId));
    assert.match(await failure(ec2.send(new DescribeVpcsCommand({ MaxResults: 4 }))), /^InvalidParameterValue: .*MaxResults.*greater than or equal to 5/i);
    assert.match(await failure(ec2.send(new DescribeVpcsCommand({ MaxResults: 5, NextToken: 'not-a-token' }))), /^InvalidPaginationToken/);
    await ec2.send(new DeleteVpcCommand({ VpcId: a }));
    await ec2.send(new DeleteVpcCommand({ VpcId: b }));
  });

  test('a filter named after an Object.prototype member (constructor, toString, __proto__) is an invalid filter, not a crash', async () => {
    for (const Name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.equal(await failure(ec2.send(new DescribeVpcsCommand({ Filters: [{ Name, Values: ['x'] }] }))), `InvalidParameterValue: The filter '${Name}' is invalid`);
      assert.equal(await failure(ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name, Values: ['x'] }] }))), `InvalidParameterValue: The filter '${Name}' is invalid`);
      assert.equal(await failure(ec2.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name, Values: ['x'] }] }))), `InvalidParameterValue: The filter '${Name}' is invalid`);
    }
  });

  test('ModifyVpcAttribute changes one attribute at a time; DNS hostnames need DNS support', async () => {
    const vpcId = await newVpc('10.20.0.0/16');
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
    assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }))).EnableDnsHostnames!.Value, true);
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableNetworkAddressUsageMetrics: { Value: true } }));
    assert.equal((await ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableNetworkAddressUsageMetrics' }))).EnableNetworkAddressUsageMetrics!.Value, true);
    assert.match(await failure(ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: false } }))), /^InvalidParameterValue: enableDnsSupport cannot be disabled/);
    assert.match(
      await failure(ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } }))),
      /^InvalidParameterCombination: Only one attribute/,
    );
    assert.match(await failure(ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId }))), /^MissingParameter/);
    assert.match(await failure(ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableClassicLink' as never }))), /^InvalidParameterValue: .*enableDnsSupport/);
    assert.match(await failure(ec2.send(new ModifyVpcAttributeCommand({ VpcId: 'vpc-0123456789abcdef0', EnableDnsSupport: { Value: true } }))), /^InvalidVpcID\.NotFound/);
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  });

  test('CreateSubnet checks the block lies in the VPC (InvalidSubnet.Range) and overlaps no subnet (InvalidSubnet.Conflict)', async () => {
    const vpcId = await newVpc('10.30.0.0/16');
    const { Subnet } = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.1.0/24', AvailabilityZone: 'us-east-1b', TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'tier', Value: 'web' }] }] }),
    );
    assert.equal(Subnet!.AvailabilityZone, 'us-east-1b');
    assert.equal(Subnet!.AvailabilityZoneId, 'use1-az2');
    assert.equal(Subnet!.AvailableIpAddressCount, 251);
    assert.equal(Subnet!.DefaultForAz, false);
    assert.equal(Subnet!.MapPublicIpOnLaunch, false);
    assert.deepEqual(Subnet!.Tags, [{ Key: 'tier', Value: 'web' }]);
    assert.match(Subnet!.SubnetArn!, /^arn:aws:ec2:us-east-1:\d{12}:subnet\/subnet-/);

    const create = (CidrBlock: string, extra: Record<string, string> = {}) => failure(ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock, ...extra })));
    assert.match(await create('10.31.0.0/24'), /^InvalidSubnet\.Range: The CIDR '10\.31\.0\.0\/24' is invalid\./);
    assert.match(await create('10.30.0.0/29'), /^InvalidSubnet\.Range: The CIDR '10\.30\.0\.0\/29' is invalid\./);
    assert.match(await create('10.0.0.0/8'), /^InvalidSubnet\.Range/);
    assert.match(await create('10.30.1.128/25'), /^InvalidSubnet\.Conflict: The CIDR '10\.30\.1\.128\/25' conflicts with another subnet/);
    assert.match(await create('10.30.0.0/16'), /^InvalidSubnet\.Conflict/);
    assert.match(await create('10.30.1.0/33'), /^InvalidParameterValue: Value \(10\.30\.1\.0\/33\) for parameter cidrBlock is invalid\. This is not a valid CIDR block\./);
    assert.match(await create('10.30.2.0/24', { AvailabilityZone: 'us-east-1z' }), /^InvalidParameterValue: Value \(us-east-1z\) for parameter availabilityZone is invalid\. .*us-east-1a, us-east-1b, us-east-1c/);
    assert.match(await failure(ec2.send(new CreateSubnetCommand({ VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.30.2.0/24' }))), /^InvalidVpcID\.NotFound/);
    assert.match(await failure(ec2.send(new CreateSubnetCommand({ VpcId: vpcId }))), /^MissingParameter: .*cidrBlock/);
    const edge = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.30.255.240/28', AvailabilityZoneId: 'use1-az3' }));
    assert.equal(edge.Subnet!.AvailabilityZone, 'us-east-1c');
    assert.equal(edge.Subnet!.AvailableIpAddressCount, 11);

    assert.match(await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId }))), new RegExp(`^DependencyViolation: The vpc '${vpcId}' has dependencies and cannot be deleted\\.`));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId! }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: edge.Subnet!.SubnetId! }));
    assert.match(await failure(ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId! }))), /^InvalidSubnetID\.NotFound: The subnet ID 'subnet-\w+' does not exist/);
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  });

  test('ModifySubnetAttribute sets MapPublicIpOnLaunch and the DNS name options; refuses what needs IPv6', async () => {
    const vpcId = await newVpc('10.40.0.0/16');
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.40.0.0/24' }))).Subnet!.SubnetId!;
    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: true } }));
    await ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, PrivateDnsHostnameTypeOnLaunch: 'resource-name', EnableResourceNameDnsARecordOnLaunch: { Value: true } }));
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
    assert.equal(Subnets![0]!.MapPublicIpOnLaunch, true);
    assert.deepEqual(Subnets![0]!.PrivateDnsNameOptionsOnLaunch, { HostnameType: 'resource-name', EnableResourceNameDnsARecord: true, EnableResourceNameDnsAAAARecord: false });
    const filtered = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'map-public-ip-on-launch', Values: ['true'] }, { Name: 'vpc-id', Values: [vpcId] }] }));
    assert.deepEqual(filtered.Subnets!.map((s) => s.SubnetId), [subnetId]);
    assert.match(await failure(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, AssignIpv6AddressOnCreation: { Value: true } }))), /^InvalidParameterValue: .*no IPv6 CIDR block/);
    assert.match(await failure(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, PrivateDnsHostnameTypeOnLaunch: 'dns-name' as never }))), /^InvalidParameterValue: .*PrivateDnsHostnameTypeOnLaunch|privateDnsHostnameTypeOnLaunch/);
    assert.match(await failure(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: 'subnet-0123456789abcdef0', MapPublicIpOnLaunch: { Value: true } }))), /^InvalidSubnetID\.NotFound/);
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  });

  test('internet gateways attach to one VPC each; attached ones cannot be deleted', async () => {
    const vpcId = await newVpc('10.50.0.0/16');
    const other = await newVpc('10.51.0.0/16');
    const { InternetGateway } = await ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'Name', Value: 'edge' }] }] }));
    const igw = InternetGateway!.InternetGatewayId!;
    assert.match(igw, /^igw-[0-9a-f]{17}$/);
    assert.deepEqual(InternetGateway!.Attachments, []);
    const second = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;

    assert.match(await failure(ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }))), new RegExp(`^Gateway\\.NotAttached: resource ${igw} is not attached to network ${vpcId}`));
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    assert.match(await failure(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: other }))), new RegExp(`^Resource\\.AlreadyAssociated: resource ${igw} is already attached to network ${vpcId}`));
    assert.match(await failure(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: second, VpcId: vpcId }))), new RegExp(`^InvalidParameterValue: Network ${vpcId} already has an internet gateway attached`));
    const described = await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igw] }));
    assert.deepEqual(described.InternetGateways![0]!.Attachments, [{ VpcId: vpcId, State: 'available' }]);
    assert.deepEqual(described.InternetGateways![0]!.Tags, [{ Key: 'Name', Value: 'edge' }]);
    const byTag = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'tag:Name', Values: ['edge'] }] }));
    assert.deepEqual(byTag.InternetGateways!.map((g) => g.InternetGatewayId), [igw]);

    assert.match(await failure(ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }))), new RegExp(`^DependencyViolation: The internetGateway '${igw}' has dependencies and cannot be deleted\\.`));
    assert.match(await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId }))), /^DependencyViolation/);
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: second }));
    assert.match(await failure(ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igw] }))), /^InvalidInternetGatewayID\.NotFound: The internetGateway ID 'igw-\w+' does not exist/);
    assert.match(await failure(ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: 'igw-0123456789abcdef0', VpcId: vpcId }))), /^InvalidInternetGatewayID\.NotFound/);
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: other }));
  });

  test('route tables: associate subnets, route 0.0.0.0/0 to the gateway, replace and delete routes, blackholes when the gateway leaves', async () => {
    const vpcId = await newVpc('10.60.0.0/16');
    const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.60.1.0/24' }))).Subnet!.SubnetId!;
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    const { RouteTable } = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: 'route-table', Tags: [{ Key: 'Name', Value: 'public' }] }] }));
    const rtb = RouteTable!.RouteTableId!;
    assert.match(rtb, /^rtb-[0-9a-f]{17}$/);
    assert.deepEqual(RouteTable!.Associations, []);

    assert.match(
      await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }))),
      new RegExp(`^InvalidParameterValue: route table ${rtb} and network gateway ${igw} belong to different networks`),
    );
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    assert.match(await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }))), /^RouteAlreadyExists: The route identified by 0\.0\.0\.0\/0 already exists/);
    assert.match(await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.60.5.0/24', GatewayId: igw }))), /^InvalidParameterValue: The destination CIDR block 10\.60\.5\.0\/24 is equal to or more specific than one of this VPC's CIDR blocks/);
    assert.match(await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '192.168.0.0/16', NatGatewayId: 'nat-0123456789abcdef0' }))), /^InvalidNatGatewayID\.NotFound: The natGateway ID 'nat-0123456789abcdef0' does not exist/);
    assert.match(await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '192.168.0.0/16' }))), /^MissingParameter: .*route target/);
    assert.match(await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '192.168.0.0/16', GatewayId: igw, NatGatewayId: 'nat-1' }))), /^InvalidParameterCombination/);
    assert.match(await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '300.1.0.0/16', GatewayId: igw }))), /^InvalidParameterValue: Value \(300\.1\.0\.0\/16\) for parameter destinationCidrBlock is invalid/);
    assert.match(await failure(ec2.send(new CreateRouteCommand({ RouteTableId: rtb, GatewayId: igw }))), /^MissingParameter: .*destinationCidrBlock/);
    assert.match(await failure(ec2.send(new CreateRouteCommand({ RouteTableId: 'rtb-0123456789abcdef0', DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }))), /^InvalidRouteTableID\.NotFound: The routeTable ID 'rtb-0123456789abcdef0' does not exist/);

    const { AssociationId } = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnetId }));
    assert.match(AssociationId!, /^rtbassoc-[0-9a-f]{17}$/);
    assert.match(await failure(ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnetId }))), /^Resource\.AlreadyAssociated/);
    const bySubnet = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }));
    assert.deepEqual(bySubnet.RouteTables!.map((r) => r.RouteTableId), [rtb]);
    const byRoute = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.gateway-id', Values: [igw] }, { Name: 'tag:Name', Values: ['public'] }] }));
    assert.deepEqual(byRoute.RouteTables!.map((r) => r.RouteTableId), [rtb]);

    assert.match(await failure(ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.99.0.0/16', GatewayId: igw }))), /^InvalidParameterValue: There is no route defined for '10\.99\.0\.0\/16' in the route table\. Use CreateRoute instead\./);
    assert.match(await failure(ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.60.0.0/16' }))), new RegExp(`^InvalidParameterValue: cannot remove local route 10\\.60\\.0\\.0/16 in route table ${rtb}`));
    assert.match(await failure(ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.99.0.0/16' }))), new RegExp(`^InvalidRoute\\.NotFound: no route with destination-cidr-block 10\\.99\\.0\\.0/16 in route table ${rtb}`));
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));

    assert.match(await failure(ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtb }))), new RegExp(`^DependencyViolation: The routeTable '${rtb}' has dependencies and cannot be deleted`));
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const blackhole = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }));
    assert.equal(blackhole.RouteTables![0]!.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')!.State, 'blackhole');

    assert.match(await failure(ec2.send(new DisassociateRouteTableCommand({ AssociationId: 'rtbassoc-0123456789abcdef0' }))), /^InvalidAssociationID\.NotFound/);
    const main = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'association.main', Values: ['true'] }] }))).RouteTables![0]!;
    const mainAssociation = main.Associations![0]!.RouteTableAssociationId!;
    assert.match(await failure(ec2.send(new DisassociateRouteTableCommand({ AssociationId: mainAssociation }))), /^InvalidParameterValue: cannot disassociate the main route table association/);
    assert.match(await failure(ec2.send(new DeleteRouteTableCommand({ RouteTableId: main.RouteTableId! }))), /^DependencyViolation/);
    // Make the new table main and back again.
    const swapped = await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: mainAssociation, RouteTableId: rtb }));
    const back = await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: swapped.NewAssociationId!, RouteTableId: main.RouteTableId! }));
    assert.match(back.NewAssociationId!, /^rtbassoc-/);

    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: AssociationId! }));
    await ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0' }));
    assert.match(await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId }))), /^DependencyViolation/, 'subnet, gateway-less extra table remain');
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtb }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  });

  test('DeleteVpc is refused while a non-default security group lives in it', async () => {
    const vpcId = await newVpc('10.70.0.0/16');
    const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpcId }));
    assert.match(await failure(ec2.send(new DeleteVpcCommand({ VpcId: vpcId }))), new RegExp(`^DependencyViolation: The vpc '${vpcId}' has dependencies and cannot be deleted\\. .*${GroupId}`));
    await ec2.send(new DeleteSecurityGroupCommand({ GroupId }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
  });

  test('tags on gateways and route tables go through CreateTags and DescribeTags', async () => {
    const igw = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new CreateTagsCommand({ Resources: [igw], Tags: [{ Key: 'env', Value: 'test' }] }));
    const { Tags } = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [igw] }] }));
    assert.deepEqual(Tags, [{ ResourceId: igw, ResourceType: 'internet-gateway', Key: 'env', Value: 'test' }]);
    assert.match(await failure(ec2.send(new CreateTagsCommand({ Resources: ['rtb-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] }))), /^InvalidRouteTableID\.NotFound/);
    assert.match(
      await failure(ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }] }))),
      /^InvalidParameterValue: 'vpc' is not a valid taggable resource type for this operation\./,
    );
    assert.match(await failure(ec2.send(new CreateTagsCommand({ Resources: [igw], Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] }))), /^InvalidParameterValue: Tag key exceeds the maximum length of 128 characters/);
    assert.match(await failure(ec2.send(new CreateTagsCommand({ Resources: [igw], Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }))), /^InvalidParameterValue: Tag value exceeds the maximum length of 256 characters/);
    assert.match(await failure(ec2.send(new CreateTagsCommand({ Resources: [igw], Tags: [{ Key: 'aws:x', Value: 'v' }] }))), /^InvalidParameterValue: Tag keys starting with 'aws:' are reserved/);
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    assert.match(await failure(ec2.send(new CreateTagsCommand({ Resources: [igw], Tags: many }))), new RegExp(`^TagLimitExceeded: .*${igw}: 51 tags`), 'env + 50 more');
    assert.match(await failure(ec2.send(new CreateVpcCommand({ CidrBlock: '10.99.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [...many, { Key: 'one-more', Value: 'v' }] }] }))), /^TagLimitExceeded/);
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));
  });

  test('DescribeAvailabilityZones answers per region, by name or id', async () => {
    const west = new EC2Client({ endpoint: t.cloud.endpoint, region: 'eu-west-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      const { AvailabilityZones } = await west.send(new DescribeAvailabilityZonesCommand({}));
      assert.deepEqual(AvailabilityZones!.map((z) => [z.ZoneName, z.ZoneId, z.RegionName, z.State]), [
        ['eu-west-1a', 'euw1-az1', 'eu-west-1', 'available'],
        ['eu-west-1b', 'euw1-az2', 'eu-west-1', 'available'],
        ['eu-west-1c', 'euw1-az3', 'eu-west-1', 'available'],
      ]);
      const byId = await west.send(new DescribeAvailabilityZonesCommand({ ZoneIds: ['euw1-az2'] }));
      assert.deepEqual(byId.AvailabilityZones!.map((z) => z.ZoneName), ['eu-west-1b']);
      assert.match(await failure(west.send(new DescribeAvailabilityZonesCommand({ ZoneNames: ['us-east-1a'] }))), /^InvalidParameterValue: The zone 'us-east-1a' does not exist/);
      const subnets = await west.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'default-for-az', Values: ['true'] }] }));
      assert.deepEqual(subnets.Subnets!.map((s) => s.AvailabilityZone).sort(), ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    } finally {
      west.destroy();
    }
  });

  test('DryRun answers DryRunOperation and changes nothing', async () => {
    const before = (await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length;
    const e = await rejection(ec2.send(new CreateVpcCommand({ CidrBlock: '10.80.0.0/16', DryRun: true })));
    assert.equal(e.name, 'DryRunOperation');
    assert.equal(e.$metadata.httpStatusCode, 412);
    assert.equal((await ec2.send(new DescribeVpcsCommand({}))).Vpcs!.length, before);
  });

  test('DescribeNetworkInterfaces shows load balancer ENIs per subnet and awsvpc task ENIs, which block DeleteSubnet', async () => {
    const vpcId = await newVpc('10.90.0.0/16');
    const a = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.90.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    const b = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.90.2.0/24', AvailabilityZone: 'us-east-1b' }))).Subnet!.SubnetId!;
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'alb', Description: 'alb', VpcId: vpcId }))).GroupId!;
    const lb = await t.clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'eni-lb', Subnets: [a, b], SecurityGroups: [sg] }));
    const lbId = lb.LoadBalancers![0]!.LoadBalancerArn!.split(':loadbalancer/')[1];

    const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    assert.equal(NetworkInterfaces!.length, 2);
    for (const eni of NetworkInterfaces!) {
      assert.match(eni.NetworkInterfaceId!, /^eni-[0-9a-f]{17}$/);
      assert.equal(eni.Description, `ELB ${lbId}`);
      assert.equal(eni.RequesterId, 'amazon-elb');
      assert.equal(eni.RequesterManaged, true);
      assert.equal(eni.Status, 'in-use');
      assert.deepEqual(eni.Groups, [{ GroupId: sg, GroupName: 'alb' }]);
    }
    assert.ok(NetworkInterfaces!.find((e) => e.SubnetId === a)!.PrivateIpAddress!.startsWith('10.90.1.'));
    const again = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    assert.deepEqual(again.NetworkInterfaces!.map((e) => e.NetworkInterfaceId), NetworkInterfaces!.map((e) => e.NetworkInterfaceId), 'ids are stable');
    const subnets = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [a] }));
    assert.equal(subnets.Subnets![0]!.AvailableIpAddressCount, 250, 'the ENI takes an address');
    assert.match(await failure(ec2.send(new DeleteSubnetCommand({ SubnetId: a }))), new RegExp(`^DependencyViolation: The subnet '${a}' has dependencies and cannot be deleted\\.`));
    assert.match(await failure(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0123456789abcdef0'] }))), /^InvalidNetworkInterfaceID\.NotFound/);

    // awsvpc tasks, their ENIs as the runtime reports them.
    await t.clients.ecs.send(new CreateClusterCommand({ clusterName: 'eni' }));
    await t.clients.ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'eni-app', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [{ name: 'app', image: 'app', essential: true }] }),
    );
    const run = async (subnet: string, securityGroups?: string[]) =>
      (await t.clients.ecs.send(new RunTaskCommand({ cluster: 'eni', taskDefinition: 'eni-app', launchType: 'FARGATE', networkConfiguration: { awsvpcConfiguration: { subnets: [subnet], securityGroups } } }))).tasks![0]!.taskArn!;
    const withGroup = await run(b, [sg]);
    const withoutGroup = await run(a);
    const pending = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    assert.equal(pending.NetworkInterfaces!.length, 2, 'a task has no ENI until it is attached');
    const rs = t.cloud.state.region(t.cloud.region);
    updateTask(rs, withGroup, {
      lastStatus: 'RUNNING',
      eni: { networkInterfaceId: 'eni-0a1b2c3d4e5f60718', privateIPv4Address: '10.90.2.10', macAddress: '0a:1b:2c:3d:4e:5f', privateDnsName: 'ip-10-90-2-10.ec2.internal' },
    });
    updateTask(rs, withoutGroup, { lastStatus: 'RUNNING', eni: { networkInterfaceId: 'eni-0f1e2d3c4b5a69788', privateIPv4Address: '10.90.1.20', macAddress: '0a:00:00:00:00:01' } });
    const task = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0a1b2c3d4e5f60718'] }));
    const eni = task.NetworkInterfaces![0]!;
    assert.equal(eni.SubnetId, b);
    assert.equal(eni.VpcId, vpcId);
    assert.equal(eni.AvailabilityZone, 'us-east-1b');
    assert.equal(eni.PrivateIpAddress, '10.90.2.10');
    assert.equal(eni.MacAddress, '0a:1b:2c:3d:4e:5f');
    assert.equal(eni.PrivateDnsName, 'ip-10-90-2-10.ec2.internal');
    assert.equal(eni.InterfaceType, 'interface');
    assert.match(eni.Description!, /^arn:aws:ecs:us-east-1:\d{12}:attachment\/[0-9a-f-]{36}$/);
    assert.deepEqual(eni.Groups, [{ GroupId: sg, GroupName: 'alb' }]);
    const defaultGroup = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-0f1e2d3c4b5a69788'] }))).NetworkInterfaces![0]!.Groups!;
    assert.deepEqual(defaultGroup.map((g) => g.GroupName), ['default'], 'no groups named: the VPC default group, as ECS does');
    const byGroup = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [sg] }, { Name: 'subnet-id', Values: [b] }] }));
    assert.equal(byGroup.NetworkInterfaces!.length, 2, 'the task ENI and the load balancer ENI in subnet b');
    const byAddress = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'addresses.private-ip-address', Values: ['10.90.1.20'] }] }));
    assert.deepEqual(byAddress.NetworkInterfaces!.map((e) => e.NetworkInterfaceId), ['eni-0f1e2d3c4b5a69788']);
    const paged = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }], MaxResults: 5 }));
    assert.equal(paged.NetworkInterfaces!.length, 4);
    assert.equal(paged.NextToken, undefined);

    updateTask(rs, withoutGroup, { lastStatus: 'STOPPED' });
    const after = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    assert.equal(after.NetworkInterfaces!.length, 3, "a stopped task's ENI is gone");
  });
});
