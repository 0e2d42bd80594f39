/**
 * Load balancers: CreateLoadBalancer, DescribeLoadBalancers,
 * DeleteLoadBalancer, Describe/ModifyLoadBalancerAttributes.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, hexId, scaledMs } from '../../core/util.js';
import { defaultSecurityGroup, defaultVpc, findSecurityGroup, findSubnet } from '../ec2/state.js';
import { checkName, list, need, page, strings, tagsOf, validation } from './input.js';
import {
  canonicalHostedZoneId,
  elbv2State,
  listenersOfLoadBalancer,
  loadBalancerStateCode,
  makeLoadBalancerDnsName,
  refreshTargetGroupLinks,
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
    ...(lb.Type === 'application' ? { SecurityGroups: lb.SecurityGroups } : {}),
    IpAddressType: lb.IpAddressType,
  };
}

/** The load balancer with this ARN, or ELBv2's `LoadBalancerNotFound`. */
export function requireLoadBalancer(ctx: RequestContext, loadBalancerArn: string): StoredLoadBalancer {
  const lb = elbv2State(ctx.state).loadBalancers[loadBalancerArn];
  if (!lb) throw new AwsError('LoadBalancerNotFound', `Load balancer '${loadBalancerArn}' not found`);
  return lb;
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
  if (!['ipv4', 'dualstack', 'dualstack-without-public-ipv4'].includes(ipAddressType)) throw validation(`IpAddressType '${ipAddressType}' is not valid; use 'ipv4' or 'dualstack'.`);

  const subnetIds = [...strings(input['Subnets']), ...list<{ SubnetId?: string }>(input['SubnetMappings']).map((m) => need(m.SubnetId, 'SubnetMappings.member.SubnetId'))];
  if (subnetIds.length === 0) throw validation('At least one subnet must be specified (Subnets or SubnetMappings)');
  const subnets = subnetIds.map((id) => {
    const subnet = findSubnet(ctx, id);
    if (!subnet) throw new AwsError('SubnetNotFound', `The subnet ID '${id}' is not valid`);
    return subnet;
  });
  const zones = new Set(subnets.map((s) => s.availabilityZone));
  if (zones.size !== subnets.length) throw new AwsError('InvalidConfigurationRequest', 'A load balancer cannot be attached to multiple subnets in the same Availability Zone');
  if (type === 'application' && zones.size < 2) throw validation('At least two subnets in two different Availability Zones must be specified');
  const vpcId = subnets[0]?.vpcId ?? defaultVpc(ctx).vpcId;
  if (subnets.some((s) => s.vpcId !== vpcId)) throw new AwsError('InvalidSubnet', `The subnets ${subnetIds.join(', ')} must all belong to the same VPC`);

  let securityGroups = strings(input['SecurityGroups']);
  if (type === 'application') {
    for (const id of securityGroups) {
      const group = findSecurityGroup(ctx, id);
      if (!group) throw new AwsError('InvalidSecurityGroup', `Security group '${id}' does not exist`);
      if (group.vpcId !== vpcId) throw new AwsError('InvalidSecurityGroup', `Security group '${id}' does not belong to VPC '${vpcId}'`);
    }
    if (securityGroups.length === 0) {
      const fallback = defaultSecurityGroup(ctx, vpcId);
      securityGroups = fallback ? [fallback.groupId] : [];
    }
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
    SecurityGroups: type === 'application' ? securityGroups : [],
    IpAddressType: ipAddressType,
    ActiveAt: now + scaledMs(ctx, PROVISIONING_SECONDS),
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
    lbs = arns.map((a) => state.loadBalancers[a]).filter((lb): lb is StoredLoadBalancer => lb !== undefined);
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
  const lb = state.loadBalancers[loadBalancerArn];
  if (!lb) return {};
  if (lb.Attributes['deletion_protection.enabled'] === 'true') {
    throw new AwsError('OperationNotPermitted', `Load balancer '${loadBalancerArn}' cannot be deleted because deletion protection is enabled`);
  }
  for (const listener of listenersOfLoadBalancer(ctx.state, loadBalancerArn)) {
    for (const rule of Object.values(state.rules)) {
      if (rule.ListenerArn === listener.ListenerArn) {
        delete state.rules[rule.RuleArn];
        delete state.tags[rule.RuleArn];
      }
    }
    delete state.listeners[listener.ListenerArn];
    delete state.tags[listener.ListenerArn];
  }
  delete state.loadBalancers[loadBalancerArn];
  delete state.tags[loadBalancerArn];
  refreshTargetGroupLinks(ctx.state);
  ctx.events.emit('elbv2:load-balancer-deleted', { accountId: ctx.accountId, region: ctx.region, type: 'elbv2:load-balancer-deleted', loadBalancerArn });
  return {};
};

const attributeList = (attributes: Record<string, string>) => Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));

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
