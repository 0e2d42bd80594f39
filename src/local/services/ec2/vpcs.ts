/**
 * VPCs: CreateVpc, CreateDefaultVpc, DeleteVpc, DescribeVpcs,
 * ModifyVpcAttribute, DescribeVpcAttribute.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { bool, own } from '../../core/util.js';
import { formatCidr, requireCidr } from './cidr.js';
import { attributeBoolean, selectResources, tagSet, tagsFromSpecifications } from './input.js';
import { addDefaultVpc, defaultGroupFor, ec2State, findDefaultVpc, newRouteTable, newVpc, requireVpc, vpcAttributes, type Ec2State, type StoredVpc, type VpcAttributes } from './state.js';

/** Smallest and largest VPC blocks AWS allows (/16 … /28). */
export const VPC_PREFIX = { min: 16, max: 28 } as const;

const vpcShape = (vpc: StoredVpc, tags: Record<string, string> | undefined) => ({
  vpcId: vpc.vpcId,
  ownerId: vpc.ownerId,
  state: 'available',
  cidrBlock: vpc.cidrBlock,
  cidrBlockAssociationSet: [{ associationId: vpc.cidrAssociationId, cidrBlock: vpc.cidrBlock, cidrBlockState: { state: 'associated' } }],
  dhcpOptionsId: vpc.dhcpOptionsId,
  instanceTenancy: vpc.instanceTenancy ?? 'default',
  isDefault: vpc.isDefault,
  ipv6CidrBlockAssociationSet: [],
  blockPublicAccessStates: { internetGatewayBlockMode: 'off' },
  ...tagSet(tags),
});

/** CreateVpc: an IPv4 block of /16 to /28 (`InvalidVpc.Range`), with its main route table and `default` security group. */
export const createVpc: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  if (input['CidrBlock'] === undefined) {
    const via = input['Ipv4IpamPoolId'] !== undefined ? ' The local cloud has no IPAM pools; give CidrBlock instead of Ipv4IpamPoolId.' : '';
    throw new AwsError('MissingParameter', `The request must contain the parameter cidrBlock (e.g. CidrBlock=10.0.0.0/16).${via}`);
  }
  const cidr = requireCidr(input['CidrBlock'], 'cidrBlock');
  if (cidr.prefix < VPC_PREFIX.min || cidr.prefix > VPC_PREFIX.max) {
    throw new AwsError('InvalidVpc.Range', `The CIDR '${String(input['CidrBlock'])}' is invalid. A VPC's block must be between /${VPC_PREFIX.min} and /${VPC_PREFIX.max}.`);
  }
  if (bool(input['AmazonProvidedIpv6CidrBlock']) || input['Ipv6CidrBlock'] !== undefined || input['Ipv6IpamPoolId'] !== undefined) {
    throw new AwsError('UnsupportedOperation', 'The local cloud does not assign IPv6 CIDR blocks to VPCs; create the VPC with an IPv4 CidrBlock only.');
  }
  const tags = tagsFromSpecifications(input, 'vpc');
  const vpc = newVpc(ctx.accountId, formatCidr(cidr), false, (input['InstanceTenancy'] as string | undefined) ?? 'default');
  state.vpcs[vpc.vpcId] = vpc;
  const table = newRouteTable(vpc, ctx.accountId, true);
  state.routeTables[table.routeTableId] = table;
  const group = defaultGroupFor(state, vpc.vpcId, ctx.accountId);
  state.securityGroups[group.groupId] = group;
  if (Object.keys(tags).length) state.tags[vpc.vpcId] = tags;
  return { vpc: { ...vpcShape(vpc, tags), state: 'pending' } };
};

/** CreateDefaultVpc: a new default VPC with its default subnets, gateway and main route table, once the old one was deleted. */
export const createDefaultVpc: OperationHandler = (_input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const existing = findDefaultVpc(ctx);
  if (existing) throw new AwsError('DefaultVpcAlreadyExists', `A Default VPC already exists for this account in this region (${existing.vpcId}).`);
  const vpc = addDefaultVpc(state, ctx);
  return { vpc: { ...vpcShape(vpc, undefined), state: 'pending' } };
};

/** What keeps a VPC from being deleted (AWS's DependencyViolation): subnets, gateways, extra route tables or security groups. */
function vpcDependencies(state: Ec2State, vpcId: string): string[] {
  return [
    ...Object.values(state.subnets).filter((s) => s.vpcId === vpcId).map((s) => s.subnetId),
    ...Object.values(state.internetGateways).filter((g) => g.attachments.some((a) => a.vpcId === vpcId)).map((g) => g.internetGatewayId),
    ...Object.values(state.routeTables).filter((t) => t.vpcId === vpcId && !t.associations.some((a) => a.main)).map((t) => t.routeTableId),
    ...Object.values(state.securityGroups).filter((g) => g.vpcId === vpcId && g.groupName !== 'default').map((g) => g.groupId),
  ];
}

/** DeleteVpc: refused while it has dependencies; takes its main route table and `default` group with it. */
export const deleteVpc: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const vpc = requireVpc(state, input['VpcId'] as string | undefined);
  const dependencies = vpcDependencies(state, vpc.vpcId);
  if (dependencies.length > 0) {
    throw new AwsError('DependencyViolation', `The vpc '${vpc.vpcId}' has dependencies and cannot be deleted. Delete or detach these first: ${dependencies.slice(0, 10).join(', ')}.`);
  }
  for (const table of Object.values(state.routeTables).filter((t) => t.vpcId === vpc.vpcId)) {
    delete state.routeTables[table.routeTableId];
    delete state.tags[table.routeTableId];
  }
  for (const group of Object.values(state.securityGroups).filter((g) => g.vpcId === vpc.vpcId)) {
    delete state.securityGroups[group.groupId];
    delete state.tags[group.groupId];
  }
  delete state.vpcs[vpc.vpcId];
  delete state.tags[vpc.vpcId];
  return { return: true };
};

/** DescribeVpcs: `VpcId` list, filters (`vpc-id`, `cidr`, `cidr-block-association.*`, `is-default`, `state`, `owner-id`, `dhcp-options-id`, `instance-tenancy`, tags), pagination. */
export const describeVpcs: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const { page: shown, nextToken } = selectResources(input, Object.values(state.vpcs), {
    idParam: 'VpcId',
    idOf: (vpc) => vpc.vpcId,
    require: (id) => requireVpc(state, id),
    filterValues: (vpc) => ({
      'vpc-id': [vpc.vpcId],
      isDefault: [String(vpc.isDefault)],
      'is-default': [String(vpc.isDefault)],
      cidr: [vpc.cidrBlock],
      'cidr-block': [vpc.cidrBlock],
      'cidr-block-association.cidr-block': [vpc.cidrBlock],
      'cidr-block-association.association-id': [vpc.cidrAssociationId ?? ''],
      'cidr-block-association.state': ['associated'],
      state: ['available'],
      'owner-id': [vpc.ownerId],
      'dhcp-options-id': [vpc.dhcpOptionsId],
      'instance-tenancy': [vpc.instanceTenancy ?? 'default'],
    }),
    tags: state.tags,
  });
  return { vpcSet: shown.map((vpc) => vpcShape(vpc, own(state.tags, vpc.vpcId))), nextToken };
};

const ATTRIBUTES = ['enableDnsSupport', 'enableDnsHostnames', 'enableNetworkAddressUsageMetrics'] as const satisfies readonly (keyof VpcAttributes)[];

/** ModifyVpcAttribute: exactly one of `EnableDnsSupport`, `EnableDnsHostnames`, `EnableNetworkAddressUsageMetrics`. */
export const modifyVpcAttribute: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const vpc = requireVpc(state, input['VpcId'] as string | undefined);
  const given = ATTRIBUTES.map((name) => [name, attributeBoolean(input[name.charAt(0).toUpperCase() + name.slice(1)])] as const).filter(([, v]) => v !== undefined);
  if (given.length !== 1) {
    throw new AwsError(
      given.length === 0 ? 'MissingParameter' : 'InvalidParameterCombination',
      given.length === 0
        ? `The request must contain one of ${ATTRIBUTES.join(', ')} (e.g. EnableDnsHostnames.Value=true).`
        : `Only one attribute can be modified at a time, got: ${given.map(([n]) => n).join(', ')}. Send one ModifyVpcAttribute per attribute.`,
    );
  }
  const [[name, value]] = given as unknown as [[keyof VpcAttributes, boolean]];
  const attributes = { ...vpcAttributes(vpc), [name]: value };
  if (attributes.enableDnsHostnames && !attributes.enableDnsSupport) {
    throw new AwsError(
      'InvalidParameterValue',
      name === 'enableDnsHostnames'
        ? `enableDnsHostnames cannot be enabled while enableDnsSupport is disabled on ${vpc.vpcId}; enable DNS support first.`
        : `enableDnsSupport cannot be disabled while enableDnsHostnames is enabled on ${vpc.vpcId}; disable DNS hostnames first.`,
    );
  }
  vpc.attributes = attributes;
  return { return: true };
};

/** DescribeVpcAttribute: `{ vpcId, <attribute>: { value } }`. */
export const describeVpcAttribute: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const vpc = requireVpc(state, input['VpcId'] as string | undefined);
  const attribute = input['Attribute'] as keyof VpcAttributes;
  if (!ATTRIBUTES.includes(attribute)) throw new AwsError('InvalidParameterValue', `Value (${String(attribute)}) for parameter attribute is invalid. Use one of: ${ATTRIBUTES.join(', ')}.`);
  return { vpcId: vpc.vpcId, [attribute]: { value: vpcAttributes(vpc)[attribute] } };
};
