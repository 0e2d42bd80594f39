/**
 * Target groups: CreateTargetGroup (with AWS's defaults per target type and
 * protocol), DescribeTargetGroups, ModifyTargetGroup, DeleteTargetGroup and
 * the target group attributes.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, bool, hexId, own } from '../../core/util.js';
import { findVpc } from '../ec2/state.js';
import { attributeList, checkName, intIn, list, need, page, strings, tagsOf, validation } from './input.js';
import { elbv2State, type Matcher, type StoredTargetGroup } from './state.js';

const HTTP_PROTOCOLS = ['HTTP', 'HTTPS'];
const L4_PROTOCOLS = ['TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE'];
const TARGET_TYPES = ['instance', 'ip', 'lambda', 'alb'] as const;

/** Attribute defaults per kind of target group, as AWS reports them. */
function defaultAttributes(tg: Pick<StoredTargetGroup, 'TargetType' | 'Protocol'>): Record<string, string> {
  if (tg.TargetType === 'lambda') return { 'lambda.multi_value_headers.enabled': 'false' };
  if (tg.Protocol && HTTP_PROTOCOLS.includes(tg.Protocol)) {
    return {
      'deregistration_delay.timeout_seconds': '300',
      'stickiness.enabled': 'false',
      'stickiness.type': 'lb_cookie',
      'stickiness.lb_cookie.duration_seconds': '86400',
      'stickiness.app_cookie.cookie_name': '',
      'stickiness.app_cookie.duration_seconds': '86400',
      'slow_start.duration_seconds': '0',
      'load_balancing.algorithm.type': 'round_robin',
      'load_balancing.algorithm.anomaly_mitigation': 'off',
      'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
      'target_group_health.dns_failover.minimum_healthy_targets.count': '1',
      'target_group_health.dns_failover.minimum_healthy_targets.percentage': 'off',
      'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1',
      'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': 'off',
    };
  }
  return {
    'deregistration_delay.timeout_seconds': '300',
    'deregistration_delay.connection_termination.enabled': 'false',
    'stickiness.enabled': 'false',
    'stickiness.type': 'source_ip',
    'proxy_protocol_v2.enabled': 'false',
    'preserve_client_ip.enabled': tg.TargetType === 'ip' ? 'false' : 'true',
    'load_balancing.cross_zone.enabled': 'use_load_balancer_configuration',
    'target_group_health.dns_failover.minimum_healthy_targets.count': '1',
    'target_group_health.dns_failover.minimum_healthy_targets.percentage': 'off',
    'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': '1',
    'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': 'off',
  };
}

/** The SDK's `TargetGroup` shape of a stored target group. */
export function targetGroupShape(tg: StoredTargetGroup) {
  return {
    TargetGroupArn: tg.TargetGroupArn,
    TargetGroupName: tg.TargetGroupName,
    ...(tg.Protocol ? { Protocol: tg.Protocol } : {}),
    ...(tg.Port !== undefined ? { Port: tg.Port } : {}),
    ...(tg.VpcId ? { VpcId: tg.VpcId } : {}),
    ...(tg.HealthCheckProtocol ? { HealthCheckProtocol: tg.HealthCheckProtocol } : {}),
    ...(tg.HealthCheckPort ? { HealthCheckPort: tg.HealthCheckPort } : {}),
    HealthCheckEnabled: tg.HealthCheckEnabled,
    HealthCheckIntervalSeconds: tg.HealthCheckIntervalSeconds,
    HealthCheckTimeoutSeconds: tg.HealthCheckTimeoutSeconds,
    HealthyThresholdCount: tg.HealthyThresholdCount,
    UnhealthyThresholdCount: tg.UnhealthyThresholdCount,
    ...(tg.HealthCheckPath ? { HealthCheckPath: tg.HealthCheckPath } : {}),
    ...(tg.Matcher ? { Matcher: tg.Matcher } : {}),
    LoadBalancerArns: tg.LoadBalancerArns,
    TargetType: tg.TargetType,
    ...(tg.ProtocolVersion ? { ProtocolVersion: tg.ProtocolVersion } : {}),
    ...(tg.IpAddressType ? { IpAddressType: tg.IpAddressType } : {}),
  };
}

/** The target group with this ARN, or ELBv2's `TargetGroupNotFound`. */
export function requireTargetGroup(ctx: RequestContext, targetGroupArn: string): StoredTargetGroup {
  const tg = own(elbv2State(ctx.state).targetGroups, targetGroupArn);
  if (!tg) throw new AwsError('TargetGroupNotFound', `Target group '${targetGroupArn}' not found`);
  return tg;
}

type HealthCheck = Pick<
  StoredTargetGroup,
  | 'HealthCheckProtocol'
  | 'HealthCheckPort'
  | 'HealthCheckEnabled'
  | 'HealthCheckPath'
  | 'HealthCheckIntervalSeconds'
  | 'HealthCheckTimeoutSeconds'
  | 'HealthyThresholdCount'
  | 'UnhealthyThresholdCount'
  | 'Matcher'
>;

/** Health-check settings given in `input`, validated one by one (undefined when absent). */
function healthCheckInput(input: Record<string, unknown>): Partial<HealthCheck> {
  const out: Partial<HealthCheck> = {};
  const protocol = input['HealthCheckProtocol'] as string | undefined;
  if (protocol !== undefined) {
    if (!['HTTP', 'HTTPS', 'TCP'].includes(protocol)) throw validation(`HealthCheckProtocol '${protocol}' is not valid; use HTTP, HTTPS or TCP.`);
    out.HealthCheckProtocol = protocol;
  }
  const port = input['HealthCheckPort'] as string | undefined;
  if (port !== undefined && port !== '') {
    if (port !== 'traffic-port' && !(Number.isInteger(Number(port)) && Number(port) >= 1 && Number(port) <= 65535)) {
      throw validation(`HealthCheckPort '${port}' is not valid; use 'traffic-port' or a port between 1 and 65535.`);
    }
    out.HealthCheckPort = String(port);
  }
  const enabled = bool(input['HealthCheckEnabled']);
  if (enabled !== undefined) out.HealthCheckEnabled = enabled;
  const path = input['HealthCheckPath'] as string | undefined;
  if (path !== undefined) {
    if (!path.startsWith('/') || path.length > 1024) throw validation(`HealthCheckPath '${path}' must begin with '/' and be at most 1024 characters`);
    out.HealthCheckPath = path;
  }
  const interval = intIn(input['HealthCheckIntervalSeconds'], 'HealthCheckIntervalSeconds', 5, 300);
  if (interval !== undefined) out.HealthCheckIntervalSeconds = interval;
  const timeout = intIn(input['HealthCheckTimeoutSeconds'], 'HealthCheckTimeoutSeconds', 2, 120);
  if (timeout !== undefined) out.HealthCheckTimeoutSeconds = timeout;
  const healthy = intIn(input['HealthyThresholdCount'], 'HealthyThresholdCount', 2, 10);
  if (healthy !== undefined) out.HealthyThresholdCount = healthy;
  const unhealthy = intIn(input['UnhealthyThresholdCount'], 'UnhealthyThresholdCount', 2, 10);
  if (unhealthy !== undefined) out.UnhealthyThresholdCount = unhealthy;
  const matcher = input['Matcher'] as Matcher | undefined;
  if (matcher && typeof matcher === 'object' && (matcher.HttpCode !== undefined || matcher.GrpcCode !== undefined)) {
    if (matcher.HttpCode !== undefined) {
      const ok = String(matcher.HttpCode)
        .split(',')
        .every((part) => /^\d{3}(-\d{3})?$/.test(part) && part.split('-').every((c) => Number(c) >= 200 && Number(c) <= 499));
      if (!ok) throw validation(`Matcher.HttpCode '${matcher.HttpCode}' is not valid; use codes 200-499 such as '200', '200,202' or '200-299'.`);
    }
    out.Matcher = { ...(matcher.HttpCode !== undefined ? { HttpCode: String(matcher.HttpCode) } : {}), ...(matcher.GrpcCode !== undefined ? { GrpcCode: String(matcher.GrpcCode) } : {}) };
  }
  return out;
}

/** Whole-object health-check rules (timeout below interval, protocol compatible with the group's). */
function checkHealthCheck(tg: Pick<StoredTargetGroup, 'Protocol'> & HealthCheck): void {
  if (tg.HealthCheckTimeoutSeconds >= tg.HealthCheckIntervalSeconds) {
    throw validation(`Health check timeout (${tg.HealthCheckTimeoutSeconds}) must be smaller than the interval (${tg.HealthCheckIntervalSeconds})`);
  }
  if (tg.Protocol && HTTP_PROTOCOLS.includes(tg.Protocol) && tg.HealthCheckProtocol === 'TCP') {
    throw validation(`Health check protocol 'TCP' is not supported for target groups with the ${tg.Protocol} protocol; use HTTP or HTTPS.`);
  }
}

/** CreateTargetGroup: AWS defaults per target type and protocol; identical re-creation returns the group, a different one is `DuplicateTargetGroupName`. */
export const createTargetGroup: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const name = need(input['Name'] as string | undefined, 'Name');
  checkName('target group', name);
  const targetType = ((input['TargetType'] as string | undefined) ?? 'instance') as StoredTargetGroup['TargetType'];
  if (!TARGET_TYPES.includes(targetType)) throw validation(`TargetType '${targetType}' is not valid; use instance, ip, lambda or alb.`);
  const protocol = input['Protocol'] as string | undefined;
  const port = intIn(input['Port'], 'Port', 1, 65535);
  const vpcId = input['VpcId'] as string | undefined;
  const hc = healthCheckInput(input);

  let tg: Omit<StoredTargetGroup, 'TargetGroupArn' | 'Attributes' | 'Targets' | 'LoadBalancerArns'>;
  if (targetType === 'lambda') {
    if (protocol || port !== undefined || vpcId) throw validation('Protocol, Port and VpcId must not be specified for target groups with a target type of lambda');
    tg = {
      TargetGroupName: name,
      TargetType: 'lambda',
      HealthCheckEnabled: false,
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 35,
      HealthCheckTimeoutSeconds: 30,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      Matcher: { HttpCode: '200' },
      ...hc,
    };
  } else {
    if (!protocol) throw validation(`A protocol must be specified for target group '${name}' (HTTP or HTTPS for an application load balancer)`);
    if (![...HTTP_PROTOCOLS, ...L4_PROTOCOLS].includes(protocol)) throw validation(`Protocol '${protocol}' is not valid; use one of ${[...HTTP_PROTOCOLS, ...L4_PROTOCOLS].join(', ')}.`);
    if (port === undefined) throw validation(`A port must be specified for target group '${name}'`);
    if (!vpcId) throw validation(`A VPC ID must be specified for target group '${name}'`);
    if (!findVpc(ctx, vpcId)) throw validation(`The VPC ID '${vpcId}' is not found`);
    const http = HTTP_PROTOCOLS.includes(protocol);
    const hcProtocol = hc.HealthCheckProtocol ?? (http ? protocol : 'TCP');
    const hcHttp = HTTP_PROTOCOLS.includes(hcProtocol);
    const protocolVersion = input['ProtocolVersion'] as string | undefined;
    if (protocolVersion !== undefined && !http) throw validation(`ProtocolVersion is only valid for HTTP and HTTPS target groups, got protocol '${protocol}'`);
    if (protocolVersion !== undefined && !['HTTP1', 'HTTP2', 'GRPC'].includes(protocolVersion)) throw validation(`ProtocolVersion '${protocolVersion}' is not valid; use HTTP1, HTTP2 or GRPC.`);
    if (!hcHttp && (hc.HealthCheckPath !== undefined || hc.Matcher !== undefined)) {
      throw validation(`Health check path and matcher are only valid with an HTTP or HTTPS health check protocol, got '${hcProtocol}'`);
    }
    tg = {
      TargetGroupName: name,
      TargetType: targetType,
      Protocol: protocol,
      Port: port,
      VpcId: vpcId,
      ...(http ? { ProtocolVersion: protocolVersion ?? 'HTTP1' } : {}),
      IpAddressType: (input['IpAddressType'] as string | undefined) ?? 'ipv4',
      HealthCheckProtocol: hcProtocol,
      HealthCheckPort: 'traffic-port',
      HealthCheckEnabled: true,
      ...(hcHttp ? { HealthCheckPath: '/', Matcher: { HttpCode: http ? '200' : '200-399' } } : {}),
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: http ? 5 : hcHttp ? 6 : 10,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      ...hc,
    };
    if (targetType !== 'alb' && !['ipv4', 'ipv6'].includes(tg.IpAddressType ?? '')) throw validation(`IpAddressType '${tg.IpAddressType}' is not valid; use ipv4 or ipv6.`);
  }
  checkHealthCheck(tg);

  const existing = Object.values(state.targetGroups).find((g) => g.TargetGroupName === name);
  if (existing) {
    const { TargetGroupArn: _a, Attributes: _b, Targets: _c, LoadBalancerArns: _d, ...config } = existing;
    if (JSON.stringify(sorted(config)) !== JSON.stringify(sorted(tg))) {
      throw new AwsError('DuplicateTargetGroupName', `A target group with the same name '${name}' exists, but with different settings`);
    }
    return { TargetGroups: [targetGroupShape(existing)] };
  }
  const tags = tagsOf(input['Tags']);
  const targetGroupArn = arn(ctx, 'elasticloadbalancing', `targetgroup/${name}/${hexId(16)}`);
  const stored: StoredTargetGroup = { TargetGroupArn: targetGroupArn, ...tg, LoadBalancerArns: [], Attributes: defaultAttributes(tg), Targets: [] };
  state.targetGroups[targetGroupArn] = stored;
  if (tags.length) state.tags[targetGroupArn] = tags;
  return { TargetGroups: [targetGroupShape(stored)] };
};

/** Object with keys sorted (deep), for configuration comparison. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sorted(v)]),
    );
  }
  return value;
}

/** DescribeTargetGroups: all, by `Names`, by `TargetGroupArns`, or by `LoadBalancerArn`. */
export const describeTargetGroups: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const arns = strings(input['TargetGroupArns']);
  const names = strings(input['Names']);
  const loadBalancerArn = input['LoadBalancerArn'] as string | undefined;
  let groups = Object.values(state.targetGroups);
  if (loadBalancerArn) {
    if (!own(state.loadBalancers, loadBalancerArn)) throw new AwsError('LoadBalancerNotFound', `Load balancer '${loadBalancerArn}' not found`);
    groups = groups.filter((g) => g.LoadBalancerArns.includes(loadBalancerArn));
  }
  if (arns.length) {
    const found = arns.map((a) => own(state.targetGroups, a));
    if (found.some((g) => !g)) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
    groups = groups.filter((g) => arns.includes(g.TargetGroupArn));
  }
  if (names.length) {
    const found = names.filter((n) => Object.values(state.targetGroups).some((g) => g.TargetGroupName === n));
    if (found.length !== names.length) throw new AwsError('TargetGroupNotFound', 'One or more target groups not found');
    groups = groups.filter((g) => names.includes(g.TargetGroupName));
  }
  const { items, NextMarker } = page(groups, input);
  return { TargetGroups: items.map(targetGroupShape), ...(NextMarker ? { NextMarker } : {}) };
};

/** ModifyTargetGroup: health-check settings. */
export const modifyTargetGroup: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const tg = requireTargetGroup(ctx, need(input['TargetGroupArn'] as string | undefined, 'TargetGroupArn'));
  const changes = healthCheckInput(input);
  const next = { ...tg, ...changes };
  const hcHttp = HTTP_PROTOCOLS.includes(next.HealthCheckProtocol ?? '');
  if (!hcHttp && (changes.HealthCheckPath !== undefined || changes.Matcher !== undefined)) {
    throw validation(`Health check path and matcher are only valid with an HTTP or HTTPS health check protocol, got '${next.HealthCheckProtocol ?? ''}'`);
  }
  if (hcHttp && !next.HealthCheckPath) next.HealthCheckPath = '/';
  if (hcHttp && !next.Matcher) next.Matcher = { HttpCode: '200' };
  checkHealthCheck(next);
  Object.assign(tg, next);
  ctx.events.emit('elbv2:target-group-modified', { accountId: ctx.accountId, region: ctx.region, type: 'elbv2:target-group-modified', targetGroupArn: tg.TargetGroupArn });
  return { TargetGroups: [targetGroupShape(tg)] };
};

/** DeleteTargetGroup: `ResourceInUse` while a listener or rule forwards to it; a missing group is not an error. */
export const deleteTargetGroup: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const targetGroupArn = need(input['TargetGroupArn'] as string | undefined, 'TargetGroupArn');
  const tg = own(state.targetGroups, targetGroupArn);
  if (!tg) return {};
  if (tg.LoadBalancerArns.length > 0) {
    throw new AwsError('ResourceInUse', `Target group '${targetGroupArn}' is currently in use by a listener or a rule`);
  }
  delete state.targetGroups[targetGroupArn];
  delete state.tags[targetGroupArn];
  ctx.events.emit('elbv2:target-group-deleted', { accountId: ctx.accountId, region: ctx.region, type: 'elbv2:target-group-deleted', targetGroupArn });
  return {};
};

/** DescribeTargetGroupAttributes. */
export const describeTargetGroupAttributes: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const tg = requireTargetGroup(ctx, need(input['TargetGroupArn'] as string | undefined, 'TargetGroupArn'));
  return { Attributes: attributeList(tg.Attributes) };
};

const isInt = (value: string, min: number, max: number) => /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max;

/** The rule each attribute value must satisfy; returns the fix when it does not. */
function attributeProblem(key: string, value: string, tg: StoredTargetGroup): string | undefined {
  if (key.endsWith('.enabled') && key !== 'load_balancing.cross_zone.enabled') return value === 'true' || value === 'false' ? undefined : "must be 'true' or 'false'";
  switch (key) {
    case 'deregistration_delay.timeout_seconds':
      return isInt(value, 0, 3600) ? undefined : 'must be an integer between 0 and 3600';
    case 'stickiness.lb_cookie.duration_seconds':
    case 'stickiness.app_cookie.duration_seconds':
      return isInt(value, 1, 604800) ? undefined : 'must be an integer between 1 and 604800';
    case 'stickiness.type':
      return (tg.Protocol && HTTP_PROTOCOLS.includes(tg.Protocol) ? ['lb_cookie', 'app_cookie'] : ['source_ip']).includes(value)
        ? undefined
        : `must be ${tg.Protocol && HTTP_PROTOCOLS.includes(tg.Protocol) ? "'lb_cookie' or 'app_cookie'" : "'source_ip'"} for a ${tg.Protocol ?? 'lambda'} target group`;
    case 'stickiness.app_cookie.cookie_name':
      if (value.startsWith('AWSALB')) return "must not start with 'AWSALB', 'AWSALBAPP' or 'AWSALBTG' (names the load balancer keeps for its own cookies)";
      return value === '' || /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value) ? undefined : 'must be a cookie name (letters, digits and !#$%&\'*+-.^_`|~, no spaces, separators or control characters)';
    case 'slow_start.duration_seconds':
      return value === '0' || isInt(value, 30, 900) ? undefined : 'must be 0 (off) or an integer between 30 and 900';
    case 'load_balancing.algorithm.type':
      return ['round_robin', 'least_outstanding_requests', 'weighted_random'].includes(value) ? undefined : "must be 'round_robin', 'least_outstanding_requests' or 'weighted_random'";
    case 'load_balancing.algorithm.anomaly_mitigation':
      return value === 'on' || value === 'off' ? undefined : "must be 'on' or 'off'";
    case 'load_balancing.cross_zone.enabled':
      return ['true', 'false', 'use_load_balancer_configuration'].includes(value) ? undefined : "must be 'true', 'false' or 'use_load_balancer_configuration'";
    case 'target_group_health.dns_failover.minimum_healthy_targets.count':
    case 'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count':
      return value === 'off' || isInt(value, 1, 10000) ? undefined : "must be 'off' or a positive integer";
    case 'target_group_health.dns_failover.minimum_healthy_targets.percentage':
    case 'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage':
      return value === 'off' || isInt(value, 1, 100) ? undefined : "must be 'off' or an integer between 1 and 100";
    default:
      return undefined;
  }
}

/** ModifyTargetGroupAttributes: known keys for the group's kind, with AWS's value ranges and combinations. */
export const modifyTargetGroupAttributes: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const tg = requireTargetGroup(ctx, need(input['TargetGroupArn'] as string | undefined, 'TargetGroupArn'));
  const changes = list<{ Key?: string; Value?: string }>(input['Attributes']);
  const next = { ...tg.Attributes };
  for (const { Key, Value } of changes) {
    const key = need(Key, 'Attributes.member.Key');
    if (!Object.hasOwn(tg.Attributes, key)) throw validation(`Target group attribute key '${key}' is not recognized`);
    const value = String(Value ?? '');
    const problem = attributeProblem(key, value, tg);
    if (problem) throw validation(`Target group attribute '${key}' ${problem}, got: '${value}'`);
    next[key] = value;
  }
  if (next['stickiness.enabled'] === 'true' && next['stickiness.type'] === 'app_cookie' && !next['stickiness.app_cookie.cookie_name']) {
    throw validation("Target group attribute 'stickiness.app_cookie.cookie_name' must name the application's cookie when 'stickiness.type' is 'app_cookie' and stickiness is enabled");
  }
  if (next['slow_start.duration_seconds'] !== undefined && next['slow_start.duration_seconds'] !== '0' && next['load_balancing.algorithm.type'] !== 'round_robin') {
    throw new AwsError('InvalidConfigurationRequest', `Slow start mode is only supported with the 'round_robin' load balancing algorithm, got: '${next['load_balancing.algorithm.type'] ?? ''}'`);
  }
  if (next['load_balancing.algorithm.anomaly_mitigation'] === 'on' && next['load_balancing.algorithm.type'] !== 'weighted_random') {
    throw new AwsError('InvalidConfigurationRequest', "Anomaly mitigation is only supported with the 'weighted_random' load balancing algorithm");
  }
  tg.Attributes = next;
  ctx.events.emit('elbv2:target-group-modified', { accountId: ctx.accountId, region: ctx.region, type: 'elbv2:target-group-modified', targetGroupArn: tg.TargetGroupArn });
  return { Attributes: attributeList(tg.Attributes) };
};
