/**
 * Load balancers: CreateLoadBalancer, DescribeLoadBalancers,
 * DeleteLoadBalancer, Describe/ModifyLoadBalancerAttributes.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, hexId, own } from '../../core/util.js';
import { defaultSecurityGroup, defaultVpc, findSecurityGroup, findSubnet } from '../ec2/state.js';
import { attributeList, checkName, list, need, page, strings, tagsOf, validation } from './input.js';
import { limit } from './limits.js';
import {
  canonicalHostedZoneId,
  elbv2State,
  listenersOfLoadBalancer,
  loadBalancerStateCode,
  makeLoadBalancerDnsName,
  refreshTargetGroupLinks,
  removeListener,
  type StoredLoadBalancer,
} from './state.js';

/** Seconds (AWS time, scaled) a new load balancer stays `provisioning`. */
export const PROVISIONING_SECONDS = 30;

const DEFAULT_ATTRIBUTES: Record<string, string> = {
  'access_logs.s3.enabled': 'false',
  'access_logs.s3.bucket': '',
  'access_logs.s3.prefix': '',
  'deletion_protection.enabled': 'false',
  'idle_timeout.timeout_seconds': '60',
  'routing.http.desync_mitigation_mode': 'defensive',
  'routing.http.drop_invalid_header_fields.enabled': 'false',
  'routing.http.preserve_host_header.enabled': 'false',
  'routing.http.x_amzn_tls_version_and_cipher_suite.enabled': 'false',
  'routing.http.xff_client_port.enabled': 'false',
  'routing.http.xff_header_processing.mode': 'append',
  'routing.http2.enabled': 'true',
  'waf.fail_open.enabled': 'false',
  'client_keep_alive.seconds': '3600',
  'load_balancing.cross_zone.enabled': 'true',
};

/** The SDK's `LoadBalancer` shape of a stored load balancer. */
export function loadBalancerShape(lb: StoredLoadBalancer, nowMs: number) {
  return {
    LoadBalancerArn: lb.LoadBalancerArn,
    DNSName: lb.DNSName,
    CanonicalHostedZoneId: lb.CanonicalHostedZoneId,
    CreatedTime: new Date(lb.CreatedTime),
    LoadBalancerName: lb.LoadBalancerName,
    Scheme: lb.Scheme,
    VpcId: lb.VpcId,
    State: { Code: loadBalancerStateCode(lb, nowMs) },
    Type: lb.Type,
    AvailabilityZones: lb.AvailabilityZones.map((az) => ({ ZoneName: az.ZoneName, SubnetId: az.SubnetId, LoadBalancerAddresses: [] })),
    ...(lb.Type === 'application' || lb.SecurityGroups.length ? { SecurityGroups: lb.SecurityGroups } : {}),
    IpAddressType: lb.IpAddressType,
    ...(lb.Type === 'network' && lb.SecurityGroups.length ? { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: lb.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic ?? 'on' } : {}),
  };
}

/** The load balancer with this ARN, or ELBv2's `LoadBalancerNotFound`. */
export function requireLoadBalancer(ctx: RequestContext, loadBalancerArn: string): StoredLoadBalancer {
  const lb = own(elbv2State(ctx.state).loadBalancers, loadBalancerArn);
  if (!lb) throw new AwsError('LoadBalancerNotFound', `Load balancer '${loadBalancerArn}' not found`);
  return lb;
}

/** The load balancer types whose listeners the local cloud knows. */
type LoadBalancerType = StoredLoadBalancer['Type'];

const IP_ADDRESS_TYPES = ['ipv4', 'dualstack', 'dualstack-without-public-ipv4'];

/**
 * `IpAddressType` checked as the API reference documents it: `ipv4`,
 * `dualstack` or (application load balancers) `dualstack-without-public-ipv4`;
 * internal load balancers must use `ipv4`; a network load balancer with a
 * UDP or TCP_UDP listener cannot be `dualstack`. The local EC2 has no IPv6
 * blocks, so subnets are not checked for one.
 */
export function checkIpAddressType(value: string, lb: { Type: LoadBalancerType; Scheme: StoredLoadBalancer['Scheme'] }, listenerProtocols: readonly string[] = []): void {
  if (!IP_ADDRESS_TYPES.includes(value)) {
    throw validation(`1 validation error detected: Value '${value}' at 'ipAddressType' failed to satisfy constraint: Member must satisfy enum value set: [${IP_ADDRESS_TYPES.join(', ')}]`);
  }
  if (value === 'ipv4') return;
  if (lb.Type !== 'application' && value === 'dualstack-without-public-ipv4') {
    throw new AwsError('InvalidConfigurationRequest', `IP address type '${value}' is only supported by Application Load Balancers; a ${lb.Type} load balancer can use 'ipv4' or 'dualstack'`);
  }
  if (lb.Scheme === 'internal') throw new AwsError('InvalidConfigurationRequest', `Internal load balancers must use the 'ipv4' IP address type, got '${value}'`);
  const udp = listenerProtocols.find((p) => p === 'UDP' || p === 'TCP_UDP');
  if (udp) throw new AwsError('InvalidConfigurationRequest', `You can't specify '${value}' for a load balancer with a ${udp} listener`);
}

/**
 * The subnets of a CreateLoadBalancer or SetSubnets request (`Subnets` and
 * `SubnetMappings`), checked: each exists (`SubnetNotFound`), one per
 * Availability Zone, at least two zones for an application load balancer,
 * all in one VPC — `vpcId` when the load balancer already has one.
 */
function subnetsOf(ctx: RequestContext, input: Record<string, unknown>, type: LoadBalancerType, vpcId?: string) {
  const mappings = list<{ SubnetId?: string; AllocationId?: string; PrivateIPv4Address?: string; IPv6Address?: string }>(input['SubnetMappings']);
  if (type === 'application' && mappings.some((m) => m.AllocationId !== undefined)) {
    throw validation("Elastic IP addresses (SubnetMappings.member.N.AllocationId) can't be specified for the subnets of an Application Load Balancer");
  }
  const subnetIds = [...strings(input['Subnets']), ...mappings.map((m, i) => need(m.SubnetId, `SubnetMappings.member.${i + 1}.SubnetId`))];
  if (subnetIds.length === 0) throw validation('At least one subnet must be specified (Subnets or SubnetMappings)');
  const subnets = subnetIds.map((id) => {
    const subnet = findSubnet(ctx, id);
    if (!subnet) throw new AwsError('SubnetNotFound', `The subnet ID '${id}' is not valid`);
    return subnet;
  });
  const zones = new Set(subnets.map((s) => s.availabilityZone));
  if (zones.size !== subnets.length) throw new AwsError('InvalidConfigurationRequest', 'A load balancer cannot be attached to multiple subnets in the same Availability Zone');
  if (type === 'application' && zones.size < 2) throw validation('At least two subnets in two different Availability Zones must be specified');
  const vpc = vpcId ?? subnets[0]?.vpcId ?? defaultVpc(ctx).vpcId;
  const stranger = subnets.find((s) => s.vpcId !== vpc);
  if (stranger) {
    throw new AwsError(
      'InvalidSubnet',
      vpcId ? `Subnet '${stranger.subnetId}' is in VPC '${stranger.vpcId}', not in the load balancer's VPC '${vpcId}'` : `The subnets ${subnetIds.join(', ')} must all belong to the same VPC`,
    );
  }
  return { subnetIds, subnets, vpcId: vpc };
}

/** Security groups for a load balancer in `vpcId`: each exists and is in that VPC (`InvalidSecurityGroup`), at most 5. */
function checkSecurityGroups(ctx: RequestContext, ids: readonly string[], vpcId: string): string[] {
  const unique = [...new Set(ids)];
  if (unique.length > 5) throw validation(`A load balancer can have at most 5 security groups, got ${unique.length}`);
  for (const id of unique) {
    const group = findSecurityGroup(ctx, id);
    if (!group) throw new AwsError('InvalidSecurityGroup', `Security group '${id}' does not exist`);
    if (group.vpcId !== vpcId) throw new AwsError('InvalidSecurityGroup', `Security group '${id}' does not belong to VPC '${vpcId}'`);
  }
  return unique;
}

/** CreateLoadBalancer (application and network): name rules, subnets in ≥ 2 AZs, security groups, scheme. */
export const createLoadBalancer: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const name = need(input['Name'] as string | undefined, 'Name');
  checkName('load balancer', name);
  if (name.toLowerCase().startsWith('internal-')) throw validation(`Load balancer name '${name}' cannot begin with 'internal-'; that prefix is reserved for the DNS names of internal load balancers.`);
  const type = ((input['Type'] as string | undefined) ?? 'application') as StoredLoadBalancer['Type'];
  if (type !== 'application' && type !== 'network') {
    throw validation(`Load balancer type '${type}' is not supported by the local cloud; use 'application' or 'network'.`);
  }
  const scheme = ((input['Scheme'] as string | undefined) ?? 'internet-facing') as StoredLoadBalancer['Scheme'];
  if (scheme !== 'internet-facing' && scheme !== 'internal') throw new AwsError('InvalidScheme', `Scheme '${scheme}' is not valid; use 'internet-facing' or 'internal'.`);
  const ipAddressType = (input['IpAddressType'] as string | undefined) ?? 'ipv4';
  checkIpAddressType(ipAddressType, { Type: type, Scheme: scheme });

  const { subnetIds, subnets, vpcId } = subnetsOf(ctx, input, type);

  let securityGroups = strings(input['SecurityGroups']);
  if (type === 'application') {
    securityGroups = checkSecurityGroups(ctx, securityGroups, vpcId);
    if (securityGroups.length === 0) {
      const fallback = defaultSecurityGroup(ctx, vpcId);
      securityGroups = fallback ? [fallback.groupId] : [];
    }
  } else if (securityGroups.length) {
    securityGroups = checkSecurityGroups(ctx, securityGroups, vpcId);
  }

  const existing = Object.values(state.loadBalancers).find((lb) => lb.LoadBalancerName === name);
  if (existing) {
    const same =
      existing.Type === type &&
      existing.Scheme === scheme &&
      JSON.stringify(existing.AvailabilityZones.map((a) => a.SubnetId).sort()) === JSON.stringify([...subnetIds].sort()) &&
      (strings(input['SecurityGroups']).length === 0 || JSON.stringify([...existing.SecurityGroups].sort()) === JSON.stringify([...securityGroups].sort()));
    if (!same) throw new AwsError('DuplicateLoadBalancerName', `A load balancer with the same name '${name}' exists, but with different settings`);
    return { LoadBalancers: [loadBalancerShape(existing, ctx.now().getTime())] };
  }
  const tags = tagsOf(input['Tags']);
  const quota = type === 'application' ? 'application-load-balancers' : 'network-load-balancers';
  if (Object.values(state.loadBalancers).filter((lb) => lb.Type === type).length >= limit(quota)) {
    throw new AwsError('TooManyLoadBalancers', `The quota of ${limit(quota)} ${type} load balancers per Region has been reached (${quota}; DescribeAccountLimits lists the quotas)`);
  }

  const now = ctx.now().getTime();
  const loadBalancerArn = arn(ctx, 'elasticloadbalancing', `loadbalancer/${type === 'application' ? 'app' : 'net'}/${name}/${hexId(16)}`);
  const lb: StoredLoadBalancer = {
    LoadBalancerArn: loadBalancerArn,
    LoadBalancerName: name,
    DNSName: makeLoadBalancerDnsName({ name, region: ctx.region, scheme }),
    CanonicalHostedZoneId: canonicalHostedZoneId(ctx.region),
    CreatedTime: now,
    Scheme: scheme,
    VpcId: vpcId,
    Type: type,
    AvailabilityZones: subnets.map((s) => ({ ZoneName: s.availabilityZone, SubnetId: s.subnetId })),
    SecurityGroups: securityGroups,
    IpAddressType: ipAddressType,
    ActiveAt: now + ctx.time.ms(PROVISIONING_SECONDS),
    Attributes: { ...DEFAULT_ATTRIBUTES },
  };
  state.loadBalancers[loadBalancerArn] = lb;
  if (tags.length) state.tags[loadBalancerArn] = tags;
  ctx.events.emit('elbv2:load-balancer-created', { accountId: ctx.accountId, region: ctx.region, type: 'elbv2:load-balancer-created', loadBalancerArn });
  return { LoadBalancers: [loadBalancerShape(lb, now)] };
};

/** DescribeLoadBalancers: all, or by `Names` or `LoadBalancerArns` (`LoadBalancerNotFound` when any is missing). */
export const describeLoadBalancers: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const arns = strings(input['LoadBalancerArns']);
  const names = strings(input['Names']);
  if (arns.length && names.length) throw validation('Load balancer names and load balancer ARNs cannot be specified at the same time');
  let lbs = Object.values(state.loadBalancers);
  if (arns.length) {
    lbs = arns.map((a) => own(state.loadBalancers, a)).filter((lb): lb is StoredLoadBalancer => lb !== undefined);
    if (lbs.length !== new Set(arns).size) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
  } else if (names.length) {
    lbs = lbs.filter((lb) => names.includes(lb.LoadBalancerName));
    if (lbs.length !== new Set(names).size) throw new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
  }
  const now = ctx.now().getTime();
  const { items, NextMarker } = page(lbs, input);
  return { LoadBalancers: items.map((lb) => loadBalancerShape(lb, now)), ...(NextMarker ? { NextMarker } : {}) };
};

/** DeleteLoadBalancer: removes its listeners and rules; a missing load balancer is not an error (as on AWS). */
export const deleteLoadBalancer: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const loadBalancerArn = need(input['LoadBalancerArn'] as string | undefined, 'LoadBalancerArn');
  const lb = own(state.loadBalancers, loadBalancerArn);
  if (!lb) return {};
  if (lb.Attributes['deletion_protection.enabled'] === 'true') {
    throw new AwsError('OperationNotPermitted', `Load balancer '${loadBalancerArn}' cannot be deleted because deletion protection is enabled`);
  }
  for (const listener of listenersOfLoadBalancer(ctx.state, loadBalancerArn)) removeListener(state, listener.ListenerArn);
  delete state.loadBalancers[loadBalancerArn];
  delete state.tags[loadBalancerArn];
  refreshTargetGroupLinks(ctx.state);
  ctx.events.emit('elbv2:load-balancer-deleted', { accountId: ctx.accountId, region: ctx.region, type: 'elbv2:load-balancer-deleted', loadBalancerArn });
  return {};
};

/** DescribeLoadBalancerAttributes. */
export const describeLoadBalancerAttributes: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const lb = requireLoadBalancer(ctx, need(input['LoadBalancerArn'] as string | undefined, 'LoadBalancerArn'));
  return { Attributes: attributeList(lb.Attributes) };
};

/** ModifyLoadBalancerAttributes: known keys only, with their value rules. */
export const modifyLoadBalancerAttributes: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const lb = requireLoadBalancer(ctx, need(input['LoadBalancerArn'] as string | undefined, 'LoadBalancerArn'));
  const changes = list<{ Key?: string; Value?: string }>(input['Attributes']);
  for (const { Key, Value } of changes) {
    const key = need(Key, 'Attributes.member.Key');
    if (!Object.hasOwn(DEFAULT_ATTRIBUTES, key)) throw validation(`Load balancer attribute key '${key}' is not recognized`);
    const value = String(Value ?? '');
    if (key.endsWith('.enabled') && value !== 'true' && value !== 'false') throw validation(`Load balancer attribute '${key}' must be 'true' or 'false', got: '${value}'`);
    if (key === 'idle_timeout.timeout_seconds' && !(Number.isInteger(Number(value)) && Number(value) >= 1 && Number(value) <= 4000)) {
      throw validation(`Load balancer attribute '${key}' must be an integer between 1 and 4000, got: '${value}'`);
    }
  }
  for (const { Key, Value } of changes) lb.Attributes[Key ?? ''] = String(Value ?? '');
  return { Attributes: attributeList(lb.Attributes) };
};

/**
 * SetSecurityGroups: replaces the load balancer's security groups (each must
 * exist in its VPC). A network load balancer takes them only if it was
 * created with security groups, as on AWS; `EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`
 * is a network load balancer setting.
 */
export const setSecurityGroups: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const lb = requireLoadBalancer(ctx, need(input['LoadBalancerArn'] as string | undefined, 'LoadBalancerArn'));
  if (input['SecurityGroups'] === undefined) need(undefined, 'SecurityGroups');
  const ids = strings(input['SecurityGroups']);
  const enforce = input['EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic'] as string | undefined;
  if (enforce !== undefined && enforce !== 'on' && enforce !== 'off') {
    throw validation(`1 validation error detected: Value '${enforce}' at 'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic' failed to satisfy constraint: Member must satisfy enum value set: [on, off]`);
  }
  if (lb.Type === 'application') {
    if (enforce !== undefined) throw new AwsError('InvalidConfigurationRequest', 'EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic applies only to Network Load Balancers');
    if (ids.length === 0) throw validation('An Application Load Balancer must have at least one security group');
  } else if (lb.SecurityGroups.length === 0) {
    throw new AwsError('InvalidConfigurationRequest', `Load balancer '${lb.LoadBalancerArn}' was created without security groups; a Network Load Balancer takes security groups only if it had some when it was created`);
  }
  lb.SecurityGroups = checkSecurityGroups(ctx, ids, lb.VpcId);
  if (lb.Type === 'network' && enforce !== undefined) lb.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic = enforce;
  return {
    SecurityGroupIds: lb.SecurityGroups,
    ...(lb.Type === 'network' ? { EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: lb.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic ?? 'on' } : {}),
  };
};

/**
 * SetSubnets: replaces the load balancer's subnets (and so its Availability
 * Zones): each must exist and be in the load balancer's VPC, one per zone,
 * at least two zones for an application load balancer. `IpAddressType`, when
 * given, changes as SetIpAddressType would.
 */
export const setSubnets: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const lb = requireLoadBalancer(ctx, need(input['LoadBalancerArn'] as string | undefined, 'LoadBalancerArn'));
  if (strings(input['Subnets']).length && list(input['SubnetMappings']).length) throw validation('You can specify either subnets or subnet mappings, not both');
  const { subnets } = subnetsOf(ctx, input, lb.Type, lb.VpcId);
  const ipAddressType = input['IpAddressType'] as string | undefined;
  if (ipAddressType !== undefined) checkIpAddressType(ipAddressType, lb, listenersOfLoadBalancer(ctx.state, lb.LoadBalancerArn).map((l) => l.Protocol));
  lb.AvailabilityZones = subnets.map((s) => ({ ZoneName: s.availabilityZone, SubnetId: s.subnetId }));
  if (ipAddressType !== undefined) lb.IpAddressType = ipAddressType;
  return { AvailabilityZones: loadBalancerShape(lb, ctx.now().getTime()).AvailabilityZones, IpAddressType: lb.IpAddressType };
};

/** SetIpAddressType: `ipv4`, `dualstack`, or `dualstack-without-public-ipv4` (internet-facing application load balancers). */
export const setIpAddressType: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const lb = requireLoadBalancer(ctx, need(input['LoadBalancerArn'] as string | undefined, 'LoadBalancerArn'));
  const ipAddressType = need(input['IpAddressType'] as string | undefined, 'IpAddressType');
  checkIpAddressType(ipAddressType, lb, listenersOfLoadBalancer(ctx.state, lb.LoadBalancerArn).map((l) => l.Protocol));
  lb.IpAddressType = ipAddressType;
  return { IpAddressType: lb.IpAddressType };
};
