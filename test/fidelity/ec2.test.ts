import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFidelity, type AllowedDivergence, type Fidelity, type FidelityCase, type Side } from './harness.js';

/** EC2 Query call returning the parsed XML without its declaration, or throwing an error named after the EC2 code. */
async function call(side: Side, action: string, params: Record<string, string> = {}) {
  const r = await side.query('ec2', action, params);
  if (r.status >= 400) {
    const error = r.xml?.Response?.Errors?.Error;
    throw Object.assign(new Error(String(error?.Message ?? r.text)), { name: String(error?.Code ?? 'Unknown') });
  }
  const { '?xml': _declaration, ...rest } = r.xml as Record<string, any>;
  for (const value of Object.values(rest)) if (value && typeof value === 'object') delete value.requestId;
  return rest;
}

const vpcs = new Map<string, string>();
const groups = new Map<string, string>();
const vpcOf = async (s: Side) => {
  if (!vpcs.has(s.name)) {
    const out = await call(s, 'DescribeVpcs', { 'Filter.1.Name': 'is-default', 'Filter.1.Value.1': 'true' });
    vpcs.set(s.name, out.DescribeVpcsResponse.vpcSet.item[0].vpcId);
  }
  return vpcs.get(s.name) ?? '';
};

/** Ids each side created, by name (`vpc`, `subnet`, …), so later cases act on them. */
const ids = new Map<string, string>();
const id = (s: Side, name: string) => ids.get(`${s.name}:${name}`) ?? '';
const keep = (s: Side, name: string, value: string) => (ids.set(`${s.name}:${name}`, value), value);

/** VPC networking: create, describe, the errors AWS documents, and teardown in dependency order. */
function networkCases(): FidelityCase[] {
  const tag = (type: string, value: string) => ({ 'TagSpecification.1.ResourceType': type, 'TagSpecification.1.Tag.1.Key': 'Name', 'TagSpecification.1.Tag.1.Value': value });
  return [
    {
      name: 'ec2 CreateVpc',
      call: async (s) => {
        const out = await call(s, 'CreateVpc', { CidrBlock: '10.0.0.0/16', ...tag('vpc', 'fidelity') });
        keep(s, 'vpc', out.CreateVpcResponse.vpc.vpcId);
        return out;
      },
    },
    { name: 'ec2 CreateVpc /8', call: (s) => call(s, 'CreateVpc', { CidrBlock: '10.0.0.0/8' }) },
    { name: 'ec2 CreateVpc /29', call: (s) => call(s, 'CreateVpc', { CidrBlock: '10.0.0.0/29' }) },
    { name: 'ec2 CreateVpc malformed', call: (s) => call(s, 'CreateVpc', { CidrBlock: '10.0.0.0/33' }) },
    { name: 'ec2 DescribeVpcs by tag', call: (s) => call(s, 'DescribeVpcs', { 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'fidelity' }) },
    { name: 'ec2 DescribeVpcs by cidr-block-association', call: (s) => call(s, 'DescribeVpcs', { 'Filter.1.Name': 'cidr-block-association.cidr-block', 'Filter.1.Value.1': '10.0.0.0/16' }) },
    { name: 'ec2 DescribeVpcs unknown id', call: (s) => call(s, 'DescribeVpcs', { 'VpcId.1': 'vpc-0123456789abcdef0' }) },
    { name: 'ec2 ModifyVpcAttribute', call: (s) => call(s, 'ModifyVpcAttribute', { VpcId: id(s, 'vpc'), 'EnableDnsHostnames.Value': 'true' }) },
    { name: 'ec2 DescribeVpcAttribute', call: (s) => call(s, 'DescribeVpcAttribute', { VpcId: id(s, 'vpc'), Attribute: 'enableDnsHostnames' }) },
    {
      name: 'ec2 CreateSubnet',
      call: async (s) => {
        const out = await call(s, 'CreateSubnet', { VpcId: id(s, 'vpc'), CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a', ...tag('subnet', 'fidelity') });
        keep(s, 'subnet', out.CreateSubnetResponse.subnet.subnetId);
        return out;
      },
    },
    { name: 'ec2 CreateSubnet outside the VPC', call: (s) => call(s, 'CreateSubnet', { VpcId: id(s, 'vpc'), CidrBlock: '10.1.1.0/24' }) },
    {
      name: 'ec2 CreateSubnet /29',
      call: async (s) => {
        const out = await call(s, 'CreateSubnet', { VpcId: id(s, 'vpc'), CidrBlock: '10.0.9.0/29' });
        // moto accepts it; remove it again so the teardown cases compare like with like.
        await call(s, 'DeleteSubnet', { SubnetId: out.CreateSubnetResponse.subnet.subnetId });
        return out;
      },
    },
    { name: 'ec2 CreateSubnet overlapping', call: (s) => call(s, 'CreateSubnet', { VpcId: id(s, 'vpc'), CidrBlock: '10.0.1.128/25' }) },
    { name: 'ec2 CreateSubnet unknown VPC', call: (s) => call(s, 'CreateSubnet', { VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.0.1.0/24' }) },
    { name: 'ec2 ModifySubnetAttribute', call: (s) => call(s, 'ModifySubnetAttribute', { SubnetId: id(s, 'subnet'), 'MapPublicIpOnLaunch.Value': 'true' }) },
    { name: 'ec2 DescribeSubnets by tag', call: (s) => call(s, 'DescribeSubnets', { 'Filter.1.Name': 'tag:Name', 'Filter.1.Value.1': 'fidelity' }) },
    {
      name: 'ec2 CreateInternetGateway',
      call: async (s) => {
        const out = await call(s, 'CreateInternetGateway', tag('internet-gateway', 'fidelity'));
        keep(s, 'igw', out.CreateInternetGatewayResponse.internetGateway.internetGatewayId);
        return out;
      },
    },
    { name: 'ec2 DetachInternetGateway not attached', call: (s) => call(s, 'DetachInternetGateway', { InternetGatewayId: id(s, 'igw'), VpcId: id(s, 'vpc') }) },
    { name: 'ec2 AttachInternetGateway', call: (s) => call(s, 'AttachInternetGateway', { InternetGatewayId: id(s, 'igw'), VpcId: id(s, 'vpc') }) },
    { name: 'ec2 AttachInternetGateway again', call: (s) => call(s, 'AttachInternetGateway', { InternetGatewayId: id(s, 'igw'), VpcId: id(s, 'vpc') }) },
    { name: 'ec2 DescribeInternetGateways by vpc', call: (s) => call(s, 'DescribeInternetGateways', { 'Filter.1.Name': 'attachment.vpc-id', 'Filter.1.Value.1': id(s, 'vpc') }) },
    { name: 'ec2 DeleteInternetGateway attached', call: (s) => call(s, 'DeleteInternetGateway', { InternetGatewayId: id(s, 'igw') }) },
    {
      name: 'ec2 CreateRouteTable',
      call: async (s) => {
        const out = await call(s, 'CreateRouteTable', { VpcId: id(s, 'vpc') });
        keep(s, 'rtb', out.CreateRouteTableResponse.routeTable.routeTableId);
        return out;
      },
    },
    { name: 'ec2 CreateRoute', call: (s) => call(s, 'CreateRoute', { RouteTableId: id(s, 'rtb'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: id(s, 'igw') }) },
    { name: 'ec2 CreateRoute duplicate', call: (s) => call(s, 'CreateRoute', { RouteTableId: id(s, 'rtb'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: id(s, 'igw') }) },
    { name: 'ec2 ReplaceRoute', call: (s) => call(s, 'ReplaceRoute', { RouteTableId: id(s, 'rtb'), DestinationCidrBlock: '0.0.0.0/0', GatewayId: id(s, 'igw') }) },
    {
      name: 'ec2 AssociateRouteTable',
      call: async (s) => {
        const out = await call(s, 'AssociateRouteTable', { RouteTableId: id(s, 'rtb'), SubnetId: id(s, 'subnet') });
        keep(s, 'assoc', out.AssociateRouteTableResponse.associationId);
        return out;
      },
    },
    { name: 'ec2 DescribeRouteTables by subnet', call: (s) => call(s, 'DescribeRouteTables', { 'Filter.1.Name': 'association.subnet-id', 'Filter.1.Value.1': id(s, 'subnet') }) },
    { name: 'ec2 DescribeRouteTables unknown id', call: (s) => call(s, 'DescribeRouteTables', { 'RouteTableId.1': 'rtb-0123456789abcdef0' }) },
    { name: 'ec2 DeleteRouteTable associated', call: (s) => call(s, 'DeleteRouteTable', { RouteTableId: id(s, 'rtb') }) },
    { name: 'ec2 DeleteVpc with dependencies', call: (s) => call(s, 'DeleteVpc', { VpcId: id(s, 'vpc') }) },
    { name: 'ec2 CreateDefaultVpc while one exists', call: (s) => call(s, 'CreateDefaultVpc') },
    { name: 'ec2 DescribeAvailabilityZones', call: (s) => call(s, 'DescribeAvailabilityZones', { 'ZoneName.1': 'us-east-1a' }) },
    { name: 'ec2 DescribeNetworkInterfaces unknown id', call: (s) => call(s, 'DescribeNetworkInterfaces', { 'NetworkInterfaceId.1': 'eni-0123456789abcdef0' }) },
    { name: 'ec2 DescribeInternetGateways unknown id', call: (s) => call(s, 'DescribeInternetGateways', { 'InternetGatewayId.1': 'igw-0123456789abcdef0' }) },
    { name: 'ec2 DescribeAccountAttributes', call: (s) => call(s, 'DescribeAccountAttributes', { 'AttributeName.1': 'supported-platforms' }) },
    { name: 'ec2 DisassociateRouteTable', call: (s) => call(s, 'DisassociateRouteTable', { AssociationId: id(s, 'assoc') }) },
    { name: 'ec2 DeleteRoute', call: (s) => call(s, 'DeleteRoute', { RouteTableId: id(s, 'rtb'), DestinationCidrBlock: '0.0.0.0/0' }) },
    { name: 'ec2 DeleteRoute missing', call: (s) => call(s, 'DeleteRoute', { RouteTableId: id(s, 'rtb'), DestinationCidrBlock: '0.0.0.0/0' }) },
    { name: 'ec2 DeleteRouteTable', call: (s) => call(s, 'DeleteRouteTable', { RouteTableId: id(s, 'rtb') }) },
    { name: 'ec2 DeleteSubnet', call: (s) => call(s, 'DeleteSubnet', { SubnetId: id(s, 'subnet') }) },
    { name: 'ec2 DeleteSubnet again', call: (s) => call(s, 'DeleteSubnet', { SubnetId: id(s, 'subnet') }) },
    { name: 'ec2 DetachInternetGateway', call: (s) => call(s, 'DetachInternetGateway', { InternetGatewayId: id(s, 'igw'), VpcId: id(s, 'vpc') }) },
    { name: 'ec2 DeleteInternetGateway', call: (s) => call(s, 'DeleteInternetGateway', { InternetGatewayId: id(s, 'igw') }) },
    { name: 'ec2 DeleteVpc', call: (s) => call(s, 'DeleteVpc', { VpcId: id(s, 'vpc') }) },
    { name: 'ec2 DeleteVpc again', call: (s) => call(s, 'DeleteVpc', { VpcId: id(s, 'vpc') }) },
  ];
}

const cases: FidelityCase[] = [
  { name: 'ec2 DescribeVpcs default', call: async (s) => (await vpcOf(s), call(s, 'DescribeVpcs', { 'Filter.1.Name': 'is-default', 'Filter.1.Value.1': 'true' })) },
  { name: 'ec2 DescribeSubnets by vpc-id', call: async (s) => call(s, 'DescribeSubnets', { 'Filter.1.Name': 'vpc-id', 'Filter.1.Value.1': await vpcOf(s) }) },
  { name: 'ec2 DescribeSubnets unknown id', call: (s) => call(s, 'DescribeSubnets', { 'SubnetId.1': 'subnet-0123456789abcdef0' }) },
  {
    name: 'ec2 CreateSecurityGroup',
    call: async (s) => {
      const out = await call(s, 'CreateSecurityGroup', { GroupName: 'ecs-sg', GroupDescription: 'ECS tasks', VpcId: await vpcOf(s) });
      groups.set(s.name, out.CreateSecurityGroupResponse.groupId);
      return out;
    },
  },
  { name: 'ec2 CreateSecurityGroup duplicate', call: async (s) => call(s, 'CreateSecurityGroup', { GroupName: 'ecs-sg', GroupDescription: 'again', VpcId: await vpcOf(s) }) },
  {
    name: 'ec2 AuthorizeSecurityGroupIngress',
    call: (s) =>
      call(s, 'AuthorizeSecurityGroupIngress', {
        GroupId: groups.get(s.name) ?? '',
        'IpPermissions.1.IpProtocol': 'tcp',
        'IpPermissions.1.FromPort': '5000',
        'IpPermissions.1.ToPort': '5001',
        'IpPermissions.1.IpRanges.1.CidrIp': '172.31.0.0/16',
      }),
  },
  {
    name: 'ec2 AuthorizeSecurityGroupIngress duplicate',
    call: (s) =>
      call(s, 'AuthorizeSecurityGroupIngress', {
        GroupId: groups.get(s.name) ?? '',
        'IpPermissions.1.IpProtocol': 'tcp',
        'IpPermissions.1.FromPort': '5000',
        'IpPermissions.1.ToPort': '5001',
        'IpPermissions.1.IpRanges.1.CidrIp': '172.31.0.0/16',
      }),
  },
  { name: 'ec2 DescribeSecurityGroups by group-name', call: (s) => call(s, 'DescribeSecurityGroups', { 'Filter.1.Name': 'group-name', 'Filter.1.Value.1': 'ecs-sg' }) },
  { name: 'ec2 DeleteSecurityGroup', call: (s) => call(s, 'DeleteSecurityGroup', { GroupId: groups.get(s.name) ?? '' }) },
  ...networkCases(),
];

const allow: AllowedDivergence[] = [
  {
    case: 'ec2 AuthorizeSecurityGroupIngress',
    path: 'AuthorizeSecurityGroupIngressResponse.securityGroupRuleSet.item[].groupOwnerId',
    reason: 'AWS reports the owner of the group each new rule belongs to; moto omits it',
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRule.html',
  },
  ...['return', 'groupId'].map((key) => ({
    case: 'ec2 DeleteSecurityGroup',
    path: `DeleteSecurityGroupResponse.${key}`,
    reason: `AWS answers DeleteSecurityGroup with ${key}; moto sends an empty result`,
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSecurityGroup.html',
  })),
  {
    case: 'ec2 CreateSubnet /29',
    path: 'error',
    reason: 'AWS allows subnet blocks between /16 and /28 only (InvalidSubnet.Range); moto accepts a /29',
    reference: 'https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html',
  },
  ...['DescribeVpcs default', 'CreateVpc', 'DescribeVpcs by tag', 'DescribeVpcs by cidr-block-association'].map((name) => ({
    case: `ec2 ${name}`,
    path: `${name.startsWith('Create') ? 'CreateVpcResponse.vpc' : 'DescribeVpcsResponse.vpcSet.item[]'}.blockPublicAccessStates`,
    reason: 'AWS returns each VPC\'s BlockPublicAccessStates (internetGatewayBlockMode); moto omits it',
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Vpc.html',
  })),
  ...['DescribeSubnets by vpc-id', 'CreateSubnet', 'DescribeSubnets by tag'].flatMap((name) =>
    ['mapCustomerOwnedIpOnLaunch', 'enableDns64', 'blockPublicAccessStates'].map((member) => ({
      case: `ec2 ${name}`,
      path: `${name.startsWith('Create') ? 'CreateSubnetResponse.subnet' : 'DescribeSubnetsResponse.subnetSet.item[]'}.${member}`,
      reason: `AWS returns each subnet's ${member}; moto omits it`,
      reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Subnet.html',
    })),
  ),
  ...[
    ['CreateRouteTable', 'CreateRouteTableResponse.routeTable'],
    ['DescribeRouteTables by subnet', 'DescribeRouteTablesResponse.routeTableSet.item[]'],
  ].map(([name, path]) => ({
    case: `ec2 ${name}`,
    path: `${path}.propagatingVgwSet`,
    reason: 'AWS returns PropagatingVgws (empty without virtual private gateways); moto omits it',
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RouteTable.html',
  })),
  ...[
    'ModifyVpcAttribute',
    'ModifySubnetAttribute',
    'AttachInternetGateway',
    'ReplaceRoute',
    'DisassociateRouteTable',
    'DeleteRoute',
    'DeleteRouteTable',
    'DeleteSubnet',
    'DetachInternetGateway',
    'DeleteInternetGateway',
    'DeleteVpc',
  ].map((operation) => ({
    case: `ec2 ${operation}`,
    path: `${operation}Response.return`,
    reason: `AWS answers ${operation} with <return>true</return>; moto sends an empty result`,
    reference: `https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_${operation}.html`,
  })),
  ...['optInStatus', 'groupName', 'networkBorderGroup'].map((member) => ({
    case: 'ec2 DescribeAvailabilityZones',
    path: `DescribeAvailabilityZonesResponse.availabilityZoneInfo.item[].${member}`,
    reason: `AWS returns each zone's ${member}; moto omits it`,
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AvailabilityZone.html',
  })),
];

/** Instances: launch, describe, status, terminate, images, and the errors AWS documents. */
const instanceCases: FidelityCase[] = [
  {
    name: 'ec2 RunInstances',
    call: async (s) => {
      const out = await call(s, 'RunInstances', {
        ImageId: 'ami-12c6146b',
        InstanceType: 't3.micro',
        MinCount: '1',
        MaxCount: '1',
        UserData: Buffer.from('#!/bin/bash\necho ECS_CLUSTER=fidelity >> /etc/ecs/ecs.config\n').toString('base64'),
        'TagSpecification.1.ResourceType': 'instance',
        'TagSpecification.1.Tag.1.Key': 'ecskit:stack',
        'TagSpecification.1.Tag.1.Value': 'fidelity',
      });
      keep(s, 'instance', out.RunInstancesResponse.instancesSet.item[0].instanceId);
      return out;
    },
  },
  { name: 'ec2 DescribeInstances by tag', call: (s) => call(s, 'DescribeInstances', { 'Filter.1.Name': 'tag:ecskit:stack', 'Filter.1.Value.1': 'fidelity' }) },
  { name: 'ec2 DescribeInstances by state and id', call: (s) => call(s, 'DescribeInstances', { 'Filter.1.Name': 'instance-id', 'Filter.1.Value.1': id(s, 'instance'), 'Filter.2.Name': 'instance-state-name', 'Filter.2.Value.1': 'pending', 'Filter.2.Value.2': 'running' }) },
  { name: 'ec2 DescribeInstances unknown id', call: (s) => call(s, 'DescribeInstances', { 'InstanceId.1': 'i-0123456789abcdef0' }) },
  { name: 'ec2 DescribeInstances malformed id', call: (s) => call(s, 'DescribeInstances', { 'InstanceId.1': 'instance-1' }) },
  { name: 'ec2 DescribeInstanceStatus all', call: (s) => call(s, 'DescribeInstanceStatus', { 'InstanceId.1': id(s, 'instance'), IncludeAllInstances: 'true' }) },
  { name: 'ec2 RunInstances bad user data', call: (s) => call(s, 'RunInstances', { ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: '1', MaxCount: '1', UserData: 'not base64!' }) },
  { name: 'ec2 RunInstances unknown subnet', call: (s) => call(s, 'RunInstances', { ImageId: 'ami-12c6146b', InstanceType: 't3.micro', MinCount: '1', MaxCount: '1', SubnetId: 'subnet-0123456789abcdef0' }) },
  { name: 'ec2 RunInstances unknown instance type', call: (s) => call(s, 'RunInstances', { ImageId: 'ami-12c6146b', InstanceType: 't9.enormous', MinCount: '1', MaxCount: '1' }) },
  { name: 'ec2 TerminateInstances', call: (s) => call(s, 'TerminateInstances', { 'InstanceId.1': id(s, 'instance') }) },
  { name: 'ec2 TerminateInstances unknown id', call: (s) => call(s, 'TerminateInstances', { 'InstanceId.1': 'i-0123456789abcdef0' }) },
  { name: 'ec2 DescribeImages ECS-optimized', call: (s) => call(s, 'DescribeImages', { 'Owner.1': 'amazon', 'Filter.1.Name': 'name', 'Filter.1.Value.1': 'al2023-ami-ecs-hvm-*-x86_64' }) },
  { name: 'ec2 DescribeImages unknown id', call: (s) => call(s, 'DescribeImages', { 'ImageId.1': 'ami-0123456789abcdef0' }) },
];

const INSTANCE_REF = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html';
const instanceShapes = [
  ['RunInstances', 'RunInstancesResponse.instancesSet.item[]'],
  ['DescribeInstances by tag', 'DescribeInstancesResponse.reservationSet.item[].instancesSet.item[]'],
  ['DescribeInstances by state and id', 'DescribeInstancesResponse.reservationSet.item[].instancesSet.item[]'],
] as const;
const instanceAllow: AllowedDivergence[] = [
  ...instanceShapes.flatMap(([name, path]) => [
    ...['enaSupport', 'cpuOptions', 'capacityReservationSpecification', 'enclaveOptions', 'bootMode', 'platformDetails', 'usageOperation', 'usageOperationUpdateTime', 'privateDnsNameOptions', 'maintenanceOptions', 'currentInstanceBootMode'].map((member) => ({
      case: `ec2 ${name}`,
      path: `${path}.${member}`,
      reason: `AWS describes every instance's ${member}; moto omits it`,
      reference: INSTANCE_REF,
    })),
    { case: `ec2 ${name}`, path: `${path}.hibernationOptions`, reason: 'AWS answers HibernationOptions { Configured: false }; moto sends an empty element', reference: INSTANCE_REF },
    { case: `ec2 ${name}`, path: `${path}.groupSet`, reason: "AWS lists the instance's security groups (the VPC's default group when none was named); moto sends an empty groupSet", reference: INSTANCE_REF },
    { case: `ec2 ${name}`, path: `${path}.platform`, reason: 'Platform is "windows" for Windows instances and absent otherwise; moto sends it for a Linux instance', reference: INSTANCE_REF },
    { case: `ec2 ${name}`, path: `${path}.sriovNetSupport`, reason: 'SriovNetSupport is for Intel 82599 VF enhanced networking; a t3 uses ENA (enaSupport) and AWS leaves it out; moto sends it', reference: INSTANCE_REF },
    {
      case: `ec2 ${name}`,
      path: `${path}.networkInterfaceSet.item[].privateIpAddressesSet.item[].privateDnsName`,
      reason: 'AWS gives each private address its DNS name; moto omits it',
      reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstancePrivateIpAddress.html',
    },
  ]),
  ...instanceShapes.slice(1).map(([name, path]) => ({
    case: `ec2 ${name}`,
    path: `${path}.stateReason`,
    reason: 'moto runs an instance at once and still sends an empty StateReason; the local instance is running too and, as AWS, has no state reason then (pending ones answer pending/pending)',
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StateReason.html',
  })),
  ...['instanceStatus', 'systemStatus'].map((member) => ({
    case: 'ec2 DescribeInstanceStatus all',
    path: `DescribeInstanceStatusResponse.instanceStatusSet.item[].${member}.details`,
    reason: 'moto runs an instance at once; the local one is still pending (10 s at time scale 1), whose checks are not-applicable without details',
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceStatusSummary.html',
  })),
  ...['attachedEbsStatus', 'availabilityZoneId'].map((member) => ({
    case: 'ec2 DescribeInstanceStatus all',
    path: `DescribeInstanceStatusResponse.instanceStatusSet.item[].${member}`,
    reason: `AWS answers ${member} with each status; moto omits it`,
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceStatus.html',
  })),
  {
    case: 'ec2 DescribeInstances malformed id',
    path: 'error',
    reason: 'An id that is not i- and hex is InvalidInstanceID.Malformed on AWS; moto answers NotFound',
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html',
  },
  {
    case: 'ec2 RunInstances unknown instance type',
    path: 'error',
    reason: "AWS refuses a type it does not have (InvalidParameterValue: Invalid value '…' for InstanceType.); moto launches anything unless MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION is set",
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html',
  },
  ...['blockDeviceMapping.item[].ebs.encrypted', 'enaSupport', 'imageLocation', 'imdsSupport', 'platformDetails', 'sriovNetSupport', 'usageOperation'].map((member) => ({
    case: 'ec2 DescribeImages ECS-optimized',
    path: `DescribeImagesResponse.imagesSet.item[].${member}`,
    reason: `AWS describes the Amazon Linux AMIs with ${member}; moto's catalogue omits it`,
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html',
  })),
  {
    case: 'ec2 DescribeImages ECS-optimized',
    path: 'DescribeImagesResponse.imagesSet.item[].productCodes',
    reason: 'ProductCodes are Marketplace product codes; the Amazon Linux AMIs have none and AWS leaves the list out; moto sends an empty one',
    reference: 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Image.html',
  },
];

describe('fidelity: EC2 instances and images against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('RunInstances, DescribeInstances, DescribeInstanceStatus, TerminateInstances and DescribeImages return the same XML shape and error codes as moto, or a documented AWS difference', async () => {
    const report = await h.compare(instanceCases, instanceAllow);
    assert.deepEqual(report.unexpected, []);
  });
});

describe('fidelity: EC2 networking and security groups against moto', () => {
  let h: Fidelity;
  before(async () => {
    h = await startFidelity();
  });
  after(() => h?.stop());

  test('VPC, subnet, gateway, route table and security group calls return the same XML shape and error codes as moto', async () => {
    const report = await h.compare(cases, allow);
    assert.deepEqual(report.unexpected, []);
  });
});
