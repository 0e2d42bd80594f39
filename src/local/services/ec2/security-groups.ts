/**
 * Security groups: CreateSecurityGroup, DescribeSecurityGroups,
 * AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress,
 * DeleteSecurityGroup.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { hexId, own } from '../../core/util.js';
import { loadBalancersUsingSecurityGroup } from '../load-balancer-network.js';
import { list, selectResources, strings, tagSet, tagsFromSpecifications } from './input.js';
import { instancesOf, instanceState } from './instance-lifecycle.js';
import { defaultVpc, ec2State, type Ec2State, type StoredPermission, type StoredSecurityGroup } from './state.js';

interface PermissionInput {
  IpProtocol?: string;
  FromPort?: string | number;
  ToPort?: string | number;
  IpRanges?: unknown;
  Groups?: unknown;
  UserIdGroupPairs?: unknown;
}

const PROTOCOL_NUMBERS: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };

/** Finds a group by `GroupId`, or by `GroupName` in the default VPC, throwing EC2's not-found error. */
function resolveGroup(ctx: RequestContext, state: Ec2State, input: Record<string, unknown>): StoredSecurityGroup {
  const groupId = input['GroupId'] as string | undefined;
  const groupName = input['GroupName'] as string | undefined;
  if (groupId) {
    const group = own(state.securityGroups, groupId);
    if (!group) throw new AwsError('InvalidGroup.NotFound', `The security group '${groupId}' does not exist`);
    return group;
  }
  if (groupName) {
    const vpc = defaultVpc(ctx);
    const group = Object.values(state.securityGroups).find((g) => g.groupName === groupName && g.vpcId === vpc.vpcId);
    if (!group) throw new AwsError('InvalidGroup.NotFound', `The security group '${groupName}' does not exist in default VPC '${vpc.vpcId}'`);
    return group;
  }
  throw new AwsError('MissingParameter', 'The request must contain the parameter groupName or groupId');
}

const groupShape = (group: StoredSecurityGroup, region: string, tags: Record<string, string> | undefined) => ({
  ownerId: group.ownerId,
  groupName: group.groupName,
  groupId: group.groupId,
  groupDescription: group.description,
  securityGroupArn: `arn:aws:ec2:${region}:${group.ownerId}:security-group/${group.groupId}`,
  vpcId: group.vpcId,
  ipPermissions: group.ipPermissions.map(permissionShape),
  ipPermissionsEgress: group.ipPermissionsEgress.map(permissionShape),
  ...tagSet(tags),
});

function permissionShape(p: StoredPermission) {
  return {
    ipProtocol: p.ipProtocol,
    ...(p.fromPort !== undefined ? { fromPort: p.fromPort } : {}),
    ...(p.toPort !== undefined ? { toPort: p.toPort } : {}),
    groups: p.groups.map((g) => ({ userId: g.userId, groupId: g.groupId, ...(g.description ? { description: g.description } : {}) })),
    ipRanges: p.ipRanges.map((r) => ({ cidrIp: r.cidrIp, ...(r.description ? { description: r.description } : {}) })),
    ipv6Ranges: [],
    prefixListIds: [],
  };
}

/** CreateSecurityGroup: unique name per VPC (`InvalidGroup.Duplicate`), default VPC when `VpcId` is absent. */
export const createSecurityGroup: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const name = input['GroupName'] as string | undefined;
  const description = (input['GroupDescription'] ?? input['Description']) as string | undefined;
  if (!name) throw new AwsError('MissingParameter', 'The request must contain the parameter GroupName');
  if (description === undefined || description === '') throw new AwsError('MissingParameter', 'The request must contain the parameter GroupDescription');
  if (name.length > 255) throw new AwsError('InvalidParameterValue', `Value (${name}) for parameter GroupName is invalid. Length exceeds maximum of 255.`);
  if (/^sg-/i.test(name)) throw new AwsError('InvalidParameterValue', `Value (${name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`);
  const vpcId = (input['VpcId'] as string | undefined) ?? defaultVpc(ctx).vpcId;
  if (!own(state.vpcs, vpcId)) throw new AwsError('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
  if (Object.values(state.securityGroups).some((g) => g.vpcId === vpcId && g.groupName === name)) {
    throw new AwsError('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpcId}'`);
  }
  const tags = tagsFromSpecifications(input, 'security-group');
  const group: StoredSecurityGroup = {
    groupId: `sg-${hexId(17)}`,
    groupName: name,
    description,
    vpcId,
    ownerId: ctx.accountId,
    ipPermissions: [],
    ipPermissionsEgress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], groups: [] }],
  };
  state.securityGroups[group.groupId] = group;
  if (Object.keys(tags).length) state.tags[group.groupId] = tags;
  return {
    groupId: group.groupId,
    securityGroupArn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:security-group/${group.groupId}`,
    ...(Object.keys(tags).length ? tagSet(tags) : {}),
  };
};

/** DescribeSecurityGroups: `GroupId`/`GroupName` lists, filters `group-name`, `group-id`, `vpc-id`, `description`, tags, and pagination. */
export const describeSecurityGroups: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const ids = strings(input['GroupId'] ?? input['GroupIds']);
  const names = strings(input['GroupName'] ?? input['GroupNames']);
  for (const id of ids) {
    if (!own(state.securityGroups, id)) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
  }
  if (names.length) {
    const vpc = defaultVpc(ctx);
    for (const name of names) {
      if (!Object.values(state.securityGroups).some((g) => g.groupName === name && g.vpcId === vpc.vpcId)) {
        throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpc.vpcId}'`);
      }
    }
  }
  const defaultVpcId = names.length ? defaultVpc(ctx).vpcId : undefined;
  const named = Object.values(state.securityGroups).filter((group) => names.length === 0 || (names.includes(group.groupName) && group.vpcId === defaultVpcId));
  const { page: shown, nextToken } = selectResources(input, named, {
    idParam: 'GroupId',
    idOf: (group) => group.groupId,
    filterValues: (group) => ({
      'group-name': [group.groupName],
      'group-id': [group.groupId],
      'vpc-id': [group.vpcId],
      description: [group.description],
      'owner-id': [group.ownerId],
      'ip-permission.from-port': group.ipPermissions.map((p) => String(p.fromPort ?? '')),
      'ip-permission.to-port': group.ipPermissions.map((p) => String(p.toPort ?? '')),
      'ip-permission.protocol': group.ipPermissions.map((p) => p.ipProtocol),
      'ip-permission.cidr': group.ipPermissions.flatMap((p) => p.ipRanges.map((r) => r.cidrIp)),
      'ip-permission.group-id': group.ipPermissions.flatMap((p) => p.groups.map((g) => g.groupId)),
    }),
    tags: state.tags,
  });
  return { securityGroupInfo: shown.map((g) => groupShape(g, ctx.region, own(state.tags, g.groupId))), nextToken };
};

/** Normalised requested permissions, from `IpPermissions.N` or the flat `IpProtocol`/`FromPort`/`CidrIp` form. */
function requestedPermissions(ctx: RequestContext, state: Ec2State, group: StoredSecurityGroup, input: Record<string, unknown>): StoredPermission[] {
  const raw = list<PermissionInput>(input['IpPermissions']);
  if (raw.length === 0 && (input['IpProtocol'] !== undefined || input['CidrIp'] !== undefined || input['SourceSecurityGroupName'] !== undefined)) {
    const source = input['SourceSecurityGroupName'] as string | undefined;
    raw.push({
      IpProtocol: (input['IpProtocol'] as string | undefined) ?? '-1',
      FromPort: input['FromPort'] as string | undefined,
      ToPort: input['ToPort'] as string | undefined,
      IpRanges: input['CidrIp'] ? [{ CidrIp: input['CidrIp'] }] : [],
      Groups: source ? [{ GroupName: source, UserId: input['SourceSecurityGroupOwnerId'] }] : [],
    });
  }
  if (raw.length === 0) throw new AwsError('MissingParameter', 'No inbound rule specified. Specify IpPermissions, or IpProtocol with FromPort/ToPort and CidrIp or SourceSecurityGroupName.');
  return raw.map((p) => {
    const rawProtocol = String(p.IpProtocol ?? '').toLowerCase();
    const ipProtocol = PROTOCOL_NUMBERS[rawProtocol] ?? rawProtocol;
    if (!['tcp', 'udp', 'icmp', '-1', 'icmpv6'].includes(ipProtocol) && !/^\d+$/.test(ipProtocol)) {
      throw new AwsError('InvalidParameterValue', `Invalid value '${String(p.IpProtocol)}' for IP protocol. Unknown protocol.`);
    }
    const ports = ipProtocol === '-1' ? {} : { fromPort: Number(p.FromPort ?? -1), toPort: Number(p.ToPort ?? p.FromPort ?? -1) };
    if ((ipProtocol === 'tcp' || ipProtocol === 'udp') && (ports.fromPort === undefined || ports.fromPort < 0 || (ports.toPort ?? 0) > 65535 || (ports.toPort ?? 0) < (ports.fromPort ?? 0))) {
      throw new AwsError('InvalidParameterValue', `Invalid value for portRange. Must specify both from and to ports with TCP/UDP (0-65535, from <= to), got: ${String(p.FromPort)}-${String(p.ToPort)}.`);
    }
    const ipRanges = list<{ CidrIp?: string; Description?: string }>(p.IpRanges).map((r) => {
      if (!r.CidrIp || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(r.CidrIp)) {
        throw new AwsError('InvalidParameterValue', `CIDR block ${String(r.CidrIp)} is malformed`);
      }
      return { cidrIp: r.CidrIp, ...(r.Description ? { description: r.Description } : {}) };
    });
    const groups = list<{ GroupId?: string; GroupName?: string; UserId?: string; Description?: string }>(p.Groups ?? p.UserIdGroupPairs).map((pair) => {
      const target = pair.GroupId
        ? own(state.securityGroups, pair.GroupId)
        : Object.values(state.securityGroups).find((g) => g.groupName === pair.GroupName && g.vpcId === group.vpcId);
      if (!target) throw new AwsError('InvalidGroup.NotFound', `The security group '${pair.GroupId ?? pair.GroupName ?? ''}' does not exist`);
      return { groupId: target.groupId, userId: pair.UserId || ctx.accountId, ...(pair.Description ? { description: pair.Description } : {}) };
    });
    return { ipProtocol, ...ports, ipRanges, groups };
  });
}

const samePorts = (a: StoredPermission, b: StoredPermission) => a.ipProtocol === b.ipProtocol && a.fromPort === b.fromPort && a.toPort === b.toPort;

function describeRule(p: StoredPermission, peer: string): string {
  const protocol = p.ipProtocol === '-1' ? 'ALL' : p.ipProtocol.toUpperCase();
  return p.ipProtocol === '-1' ? `peer: ${peer}, ${protocol}, ALLOW` : `peer: ${peer}, ${protocol}, from port: ${p.fromPort}, to port: ${p.toPort}, ALLOW`;
}

/** AuthorizeSecurityGroupIngress: adds CIDR and group peers; an existing identical rule is `InvalidPermission.Duplicate`. */
export const authorizeSecurityGroupIngress: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const group = resolveGroup(ctx, state, input);
  const requested = requestedPermissions(ctx, state, group, input);
  for (const p of requested) {
    const existing = group.ipPermissions.find((e) => samePorts(e, p));
    for (const r of p.ipRanges) {
      if (existing?.ipRanges.some((e) => e.cidrIp === r.cidrIp)) {
        throw new AwsError('InvalidPermission.Duplicate', `the specified rule "${describeRule(p, r.cidrIp)}" already exists`);
      }
    }
    for (const g of p.groups) {
      if (existing?.groups.some((e) => e.groupId === g.groupId)) {
        throw new AwsError('InvalidPermission.Duplicate', `the specified rule "${describeRule(p, g.groupId)}" already exists`);
      }
    }
  }
  const rules: Record<string, unknown>[] = [];
  for (const p of requested) {
    let existing = group.ipPermissions.find((e) => samePorts(e, p));
    if (!existing) {
      existing = { ipProtocol: p.ipProtocol, ...(p.fromPort !== undefined ? { fromPort: p.fromPort, toPort: p.toPort } : {}), ipRanges: [], groups: [] };
      group.ipPermissions.push(existing);
    }
    existing.ipRanges.push(...p.ipRanges);
    existing.groups.push(...p.groups);
    const base = { groupId: group.groupId, groupOwnerId: group.ownerId, isEgress: false, ipProtocol: p.ipProtocol, fromPort: p.fromPort ?? -1, toPort: p.toPort ?? -1 };
    for (const r of p.ipRanges) rules.push({ securityGroupRuleId: `sgr-${hexId(17)}`, ...base, cidrIpv4: r.cidrIp, tagSet: [] });
    for (const g of p.groups) rules.push({ securityGroupRuleId: `sgr-${hexId(17)}`, ...base, referencedGroupInfo: { groupId: g.groupId, userId: g.userId }, tagSet: [] });
  }
  return { return: true, securityGroupRuleSet: rules };
};

/** RevokeSecurityGroupIngress: removes the given peers (`InvalidPermission.NotFound` when a rule is absent). */
export const revokeSecurityGroupIngress: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const group = resolveGroup(ctx, state, input);
  const requested = requestedPermissions(ctx, state, group, input);
  for (const p of requested) {
    const existing = group.ipPermissions.find((e) => samePorts(e, p));
    const missing = p.ipRanges.find((r) => !existing?.ipRanges.some((e) => e.cidrIp === r.cidrIp)) ?? p.groups.find((g) => !existing?.groups.some((e) => e.groupId === g.groupId));
    if (missing) {
      throw new AwsError('InvalidPermission.NotFound', `The specified rule does not exist in this security group.`);
    }
  }
  for (const p of requested) {
    const existing = group.ipPermissions.find((e) => samePorts(e, p));
    if (!existing) continue;
    existing.ipRanges = existing.ipRanges.filter((e) => !p.ipRanges.some((r) => r.cidrIp === e.cidrIp));
    existing.groups = existing.groups.filter((e) => !p.groups.some((g) => g.groupId === e.groupId));
  }
  group.ipPermissions = group.ipPermissions.filter((e) => e.ipRanges.length || e.groups.length);
  return { return: true };
};

/** DeleteSecurityGroup: not the `default` group (`CannotDelete`), not while referenced (`DependencyViolation`). */
export const deleteSecurityGroup: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = ec2State(ctx);
  const group = resolveGroup(ctx, state, input);
  if (group.groupName === 'default') {
    throw new AwsError('CannotDelete', `the specified group: "${group.groupId}" name: "default" cannot be deleted by a user`);
  }
  const referencedBy = Object.values(state.securityGroups).find(
    (other) => other.groupId !== group.groupId && [...other.ipPermissions, ...other.ipPermissionsEgress].some((p) => p.groups.some((g) => g.groupId === group.groupId)),
  );
  const now = ctx.now().getTime();
  const usedByInstance = instancesOf(state, now).some((i) => instanceState(i, now) !== 'terminated' && i.groupIds.includes(group.groupId));
  if (referencedBy || usedByInstance || loadBalancersUsingSecurityGroup(ctx.state, group.groupId).length > 0) {
    throw new AwsError('DependencyViolation', `resource ${group.groupId} has a dependent object`);
  }
  delete state.securityGroups[group.groupId];
  delete state.tags[group.groupId];
  return { return: true, groupId: group.groupId };
};
