/**
 * EC2 lookups and security groups: `lookupDefaultNetwork` (the default VPC
 * and its subnets — ERRATA 4.1) and `ensureSecurityGroup`.
 *
 * @module
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type IpPermission,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { call, emit, keyValueTags, stackTags, type OperationContext } from './context.js';
import { OperationError } from './errors.js';
import type { Ensured } from './events.js';

/** A subnet of {@link DefaultNetwork}. */
export interface SubnetInfo {
  /** `subnet-…`. */
  readonly subnetId: string;
  /** e.g. `us-east-1a`. */
  readonly availabilityZone: string;
  /** e.g. `172.31.0.0/20`. */
  readonly cidrBlock: string;
}

/** What {@link lookupDefaultNetwork} returns. */
export interface DefaultNetwork {
  /** The default VPC's id. */
  readonly vpcId: string;
  /** Its IPv4 CIDR block. */
  readonly cidrBlock: string;
  /** Its subnets, one per availability zone, sorted by zone. */
  readonly subnets: readonly SubnetInfo[];
  /** The subnet ids alone (what `awsvpcConfiguration` and a load balancer want). */
  readonly subnetIds: readonly string[];
}

/**
 * Finds the region's default VPC and its subnets: what the lab's "previous
 * guide" assumed in `$VPC_ID` and the subnet list (ERRATA 4.1).
 *
 * @throws {@link OperationError} when the region has no default VPC, naming the fix.
 * @example
 * ```ts
 * const net = await lookupDefaultNetwork(ctx);
 * // { vpcId: 'vpc-0abc…', cidrBlock: '172.31.0.0/16', subnetIds: ['subnet-…a', 'subnet-…b'], subnets: [...] }
 * ```
 */
export async function lookupDefaultNetwork(ctx: OperationContext): Promise<DefaultNetwork> {
  const { ec2 } = ctx.clients;
  const vpcs = await call(ctx, 'ec2:DescribeVpcs', 'default VPC', () =>
    ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'isDefault', Values: ['true'] }] })),
  );
  const vpc = vpcs.Vpcs?.[0];
  if (!vpc?.VpcId) {
    throw new OperationError(
      'ec2:DescribeVpcs',
      'default VPC',
      'this region has no default VPC; create one (`aws ec2 create-default-vpc`) or pass your VPC id and subnets explicitly',
    );
  }
  const vpcId = vpc.VpcId;
  const out = await call(ctx, 'ec2:DescribeSubnets', vpcId, () =>
    ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })),
  );
  const subnets = (out.Subnets ?? [])
    .map((s) => ({ subnetId: s.SubnetId ?? '', availabilityZone: s.AvailabilityZone ?? '', cidrBlock: s.CidrBlock ?? '' }))
    .filter((s) => s.subnetId)
    .sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone) || a.subnetId.localeCompare(b.subnetId));
  if (subnets.length === 0) {
    throw new OperationError('ec2:DescribeSubnets', vpcId, `the default VPC ${vpcId} has no subnets; create one per availability zone`);
  }
  return { vpcId, cidrBlock: vpc.CidrBlock ?? '', subnets, subnetIds: subnets.map((s) => s.subnetId) };
}

/** One inbound rule of {@link SecurityGroupOptions}. */
export interface IngressRule {
  /** First port (and last, unless `toPort` is set). */
  readonly port: number;
  /** Last port of a range. Default: `port`. */
  readonly toPort?: number;
  /** Default `tcp`. */
  readonly protocol?: 'tcp' | 'udp';
  /** Source CIDR, e.g. `0.0.0.0/0` or the VPC's block. Exactly one of `cidr` / `sourceGroupId`. */
  readonly cidr?: string;
  /** Source security group (e.g. the load balancer's). */
  readonly sourceGroupId?: string;
  /** Shown in the console. */
  readonly description?: string;
}

/** What {@link ensureSecurityGroup} creates or checks. */
export interface SecurityGroupOptions {
  /** Group name, unique in the VPC. */
  readonly name: string;
  /** Description (required by EC2). Default: `ecskit stack <stack>`. */
  readonly description?: string;
  /** The VPC, e.g. from {@link lookupDefaultNetwork}. */
  readonly vpcId: string;
  /** Inbound rules; the missing ones are added to an existing group (none removed). */
  readonly ingress?: readonly IngressRule[];
  /** Tags besides the stack tag. */
  readonly tags?: Readonly<Record<string, string>>;
}

/** What {@link ensureSecurityGroup} returns: the group (`GroupId` is `sg-…`), what was done, and how many inbound rules were added. */
export type EnsureSecurityGroupResult = Ensured<SecurityGroup> & {
  /** How many inbound rules this call added. */
  readonly rulesAdded: number;
};

/** True when `group` already allows `rule`. @internal */
function allows(group: SecurityGroup | undefined, rule: IngressRule): boolean {
  const protocol = rule.protocol ?? 'tcp';
  const to = rule.toPort ?? rule.port;
  return (group?.IpPermissions ?? []).some(
    (p) =>
      (p.IpProtocol === protocol || p.IpProtocol === '-1') &&
      (p.IpProtocol === '-1' || (p.FromPort ?? 0) <= rule.port) &&
      (p.IpProtocol === '-1' || (p.ToPort ?? 65535) >= to) &&
      (rule.cidr !== undefined
        ? (p.IpRanges ?? []).some((r) => r.CidrIp === rule.cidr)
        : (p.UserIdGroupPairs ?? []).some((g) => g.GroupId === rule.sourceGroupId)),
  );
}

/** The EC2 form of a rule. @internal */
function permission(rule: IngressRule): IpPermission {
  return {
    IpProtocol: rule.protocol ?? 'tcp',
    FromPort: rule.port,
    ToPort: rule.toPort ?? rule.port,
    ...(rule.cidr !== undefined && { IpRanges: [{ CidrIp: rule.cidr, ...(rule.description && { Description: rule.description }) }] }),
    ...(rule.sourceGroupId !== undefined && {
      UserIdGroupPairs: [{ GroupId: rule.sourceGroupId, ...(rule.description && { Description: rule.description }) }],
    }),
  };
}

/**
 * Finds the security group `name` in the VPC or creates it (tagged with the
 * stack), then adds the inbound rules it is missing.
 *
 * @example
 * ```ts
 * const { resource: group } = await ensureSecurityGroup(ctx, {
 *   name: 'flask-inventory-tasks', vpcId: net.vpcId,
 *   ingress: [{ port: 5000, cidr: net.cidrBlock }, { port: 80, cidr: '0.0.0.0/0' }],
 * });
 * // group.GroupId → 'sg-0123…'
 * ```
 */
export async function ensureSecurityGroup(ctx: OperationContext, options: SecurityGroupOptions): Promise<EnsureSecurityGroupResult> {
  const { ec2 } = ctx.clients;
  for (const [i, rule] of (options.ingress ?? []).entries()) {
    if ((rule.cidr === undefined) === (rule.sourceGroupId === undefined)) {
      throw new OperationError(
        'ec2:AuthorizeSecurityGroupIngress',
        options.name,
        `ingress[${i}]: give exactly one of cidr or sourceGroupId, got: ${JSON.stringify(rule)}`,
      );
    }
  }
  const found = await call(ctx, 'ec2:DescribeSecurityGroups', options.name, () =>
    ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: [
          { Name: 'group-name', Values: [options.name] },
          { Name: 'vpc-id', Values: [options.vpcId] },
        ],
      }),
    ),
  );
  let group = found.SecurityGroups?.[0];
  let created = false;
  if (!group) {
    const out = await call(ctx, 'ec2:CreateSecurityGroup', options.name, () =>
      ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: options.name,
          Description: options.description ?? `ecskit stack ${ctx.stack}`,
          VpcId: options.vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: keyValueTags(stackTags(ctx, options.tags)) }],
        }),
      ),
    );
    group = { GroupId: out.GroupId ?? '', GroupName: options.name, IpPermissions: [] };
    created = true;
    emit(ctx, { action: 'created', kind: 'security-group', name: options.name, detail: String(group.GroupId) });
  }
  const groupId = group.GroupId ?? '';
  const missing = (options.ingress ?? []).filter((rule) => !allows(group, rule));
  if (missing.length > 0) {
    await call(ctx, 'ec2:AuthorizeSecurityGroupIngress', options.name, () =>
      ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: missing.map(permission) })),
    );
    emit(ctx, { action: 'updated', kind: 'security-group', name: options.name, change: `added ${missing.length} inbound rule(s)` });
  }
  return { resource: group, action: created ? 'created' : missing.length > 0 ? 'updated' : 'unchanged', rulesAdded: missing.length };
}
