/**
 * Elastic Load Balancing v2 state: load balancers, target groups (with their
 * registered targets and health), listeners and rules, plus the accessors the
 * runtime uses — the health checker sets target health, the ECS scheduler
 * registers and deregisters task targets, the proxy reads a listener's rules
 * and target groups.
 *
 * Everything is plain JSON data; times are epoch milliseconds.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { TimeScale } from '../../../time-scale.js';
import { ELBV2_SLICE, type LoadBalancerNetwork } from '../load-balancer-network.js';
import { own } from '../../core/util.js';

export { ELBV2_SLICE };

/** `TargetHealth.State` values. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unhealthy.draining' | 'unused' | 'draining' | 'unavailable';

/** A key/value tag as ELBv2 reports it. */
export interface Tag {
  Key: string;
  Value?: string;
}

/** A target registered with a target group, with its current health. */
export interface StoredTarget {
  Id: string;
  Port: number;
  AvailabilityZone?: string;
  State: TargetState;
  /** AWS reason code (`Elb.RegistrationInProgress`, `Target.FailedHealthChecks`, …); absent when healthy. */
  Reason?: string;
  Description?: string;
  RegisteredAt: number;
  /** When a draining target is removed (epoch ms, time-scaled deregistration delay). */
  DrainingUntil?: number;
}

/** A load balancer as stored; `State` is derived from {@link StoredLoadBalancer.ActiveAt}. */
export interface StoredLoadBalancer extends LoadBalancerNetwork {
  DNSName: string;
  CanonicalHostedZoneId: string;
  Scheme: 'internet-facing' | 'internal';
  VpcId: string;
  Type: 'application' | 'network';
  IpAddressType: string;
  /** Network load balancers with security groups: `on` (AWS's default when absent) or `off`. */
  EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic?: string;
  /** When provisioning ends (epoch ms). */
  ActiveAt: number;
  Attributes: Record<string, string>;
}

/** A health-check matcher. */
export interface Matcher {
  HttpCode?: string;
  GrpcCode?: string;
}

/** A target group as stored, in the SDK's `TargetGroup` shape plus attributes and targets. */
export interface StoredTargetGroup {
  TargetGroupArn: string;
  TargetGroupName: string;
  TargetType: 'instance' | 'ip' | 'lambda' | 'alb';
  Protocol?: string;
  Port?: number;
  VpcId?: string;
  ProtocolVersion?: string;
  IpAddressType?: string;
  HealthCheckProtocol?: string;
  HealthCheckPort?: string;
  HealthCheckEnabled: boolean;
  HealthCheckPath?: string;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  Matcher?: Matcher;
  /** Load balancers whose listeners or rules forward to this group (kept up to date by every listener/rule change). */
  LoadBalancerArns: string[];
  Attributes: Record<string, string>;
  Targets: StoredTarget[];
}

/** One weighted target group of a forward action. */
export interface TargetGroupTuple {
  TargetGroupArn: string;
  Weight: number;
}

/** A listener/rule action in the normalised form AWS reports. */
export interface Action {
  Type: 'forward' | 'fixed-response' | 'redirect' | string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: { TargetGroups: TargetGroupTuple[]; TargetGroupStickinessConfig?: { Enabled: boolean; DurationSeconds?: number } };
  FixedResponseConfig?: { StatusCode: string; ContentType?: string; MessageBody?: string };
  RedirectConfig?: { Protocol: string; Port: string; Host: string; Path: string; Query: string; StatusCode: string };
}

/** A rule condition in the normalised form AWS reports. */
export interface Condition {
  Field: string;
  Values?: string[];
  PathPatternConfig?: { Values: string[] };
  HostHeaderConfig?: { Values: string[] };
  HttpHeaderConfig?: { HttpHeaderName: string; Values: string[] };
  HttpRequestMethodConfig?: { Values: string[] };
  QueryStringConfig?: { Values: { Key?: string; Value: string }[] };
  SourceIpConfig?: { Values: string[] };
}

/** A listener as stored. */
export interface StoredListener {
  ListenerArn: string;
  LoadBalancerArn: string;
  Port: number;
  Protocol: string;
  DefaultActions: Action[];
  /** HTTPS/TLS: the default certificate (exactly one). */
  Certificates?: { CertificateArn: string }[];
  /** HTTPS/TLS: the certificate list (AddListenerCertificates), default certificate not included. */
  CertificateList?: string[];
  SslPolicy?: string;
}

/** A listener rule as stored; the default rule has `Priority: 'default'`. */
export interface StoredRule {
  RuleArn: string;
  ListenerArn: string;
  Priority: string;
  Conditions: Condition[];
  Actions: Action[];
  IsDefault: boolean;
}

/** The `elbv2` slice of one account+region. Records keep creation order. */
export interface Elbv2State {
  loadBalancers: Record<string, StoredLoadBalancer>;
  targetGroups: Record<string, StoredTargetGroup>;
  listeners: Record<string, StoredListener>;
  rules: Record<string, StoredRule>;
  /** resource ARN → tags. */
  tags: Record<string, Tag[]>;
}

/** The ELBv2 slice of a region state, created empty on first use. */
export function elbv2State(regionState: RegionState): Elbv2State {
  const existing = regionState[ELBV2_SLICE] as Elbv2State | undefined;
  if (existing) return existing;
  const created: Elbv2State = { loadBalancers: {}, targetGroups: {}, listeners: {}, rules: {}, tags: {} };
  regionState[ELBV2_SLICE] = created;
  return created;
}

/** Route 53 hosted zone ids of ALBs per region (AWS's published values). */
const HOSTED_ZONES: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'us-west-1': 'Z368ELLRRE2KJ0',
  'us-west-2': 'Z1H1FL5HABSF5',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-central-1': 'Z215JYRZR1TBD5',
  'ap-southeast-1': 'Z1LMS91P8CMLE5',
  'ap-northeast-1': 'Z14GRHDCWA56QT',
};

/** The ALB hosted zone id for a region. */
export function canonicalHostedZoneId(region: string): string {
  return HOSTED_ZONES[region] ?? 'Z35SXDOTRQ7X7K';
}

/**
 * The DNS name of a new load balancer. The one place names are made, so the
 * runtime can make them resolvable: `<name>-<10 digits>.<region>.elb.localhost`
 * (`internal-` prefixed for internal load balancers, as on AWS).
 */
export function makeLoadBalancerDnsName(options: { name: string; region: string; scheme: 'internet-facing' | 'internal' }): string {
  const digits = String(Math.floor(Math.random() * 1e10)).padStart(10, '0');
  const prefix = options.scheme === 'internal' ? 'internal-' : '';
  return `${prefix}${options.name}-${digits}.${options.region}.elb.localhost`.toLowerCase();
}

/** `provisioning` until {@link StoredLoadBalancer.ActiveAt}, then `active`. */
export function loadBalancerStateCode(lb: StoredLoadBalancer, nowMs: number): 'provisioning' | 'active' {
  return nowMs >= lb.ActiveAt ? 'active' : 'provisioning';
}

/** Removes a listener, its rules and their tags (DeleteListener, DeleteLoadBalancer). */
export function removeListener(state: Elbv2State, listenerArn: string): void {
  for (const rule of Object.values(state.rules)) {
    if (rule.ListenerArn === listenerArn) {
      delete state.rules[rule.RuleArn];
      delete state.tags[rule.RuleArn];
    }
  }
  delete state.listeners[listenerArn];
  delete state.tags[listenerArn];
}

/** The stored target group with this ARN, or undefined. */
export function findTargetGroup(regionState: RegionState, arn: string): StoredTargetGroup | undefined {
  return own(elbv2State(regionState).targetGroups, arn);
}

/** Numeric order of rule priorities, the default rule last. */
export function comparePriority(a: StoredRule, b: StoredRule): number {
  const pa = a.IsDefault ? Number.MAX_SAFE_INTEGER : Number(a.Priority);
  const pb = b.IsDefault ? Number.MAX_SAFE_INTEGER : Number(b.Priority);
  return pa - pb;
}

/** A listener's rules in evaluation order (by priority, the default rule last). */
export function rulesOfListener(regionState: RegionState, listenerArn: string): StoredRule[] {
  return Object.values(elbv2State(regionState).rules)
    .filter((r) => r.ListenerArn === listenerArn)
    .sort(comparePriority);
}

/** Target group ARNs an action forwards to. */
export function targetGroupArnsOfAction(action: Action): string[] {
  if (action.Type !== 'forward') return [];
  const arns = action.ForwardConfig?.TargetGroups.map((t) => t.TargetGroupArn) ?? [];
  if (action.TargetGroupArn && !arns.includes(action.TargetGroupArn)) arns.push(action.TargetGroupArn);
  return arns;
}

/** The target groups any rule of a listener (default rule included) forwards to, for the proxy. */
export function targetGroupsOfListener(regionState: RegionState, listenerArn: string): StoredTargetGroup[] {
  const state = elbv2State(regionState);
  const arns = new Set(rulesOfListener(regionState, listenerArn).flatMap((rule) => rule.Actions.flatMap(targetGroupArnsOfAction)));
  return [...arns].map((arn) => own(state.targetGroups, arn)).filter((tg): tg is StoredTargetGroup => tg !== undefined);
}

/** The listeners of a load balancer, in creation order. */
export function listenersOfLoadBalancer(regionState: RegionState, loadBalancerArn: string): StoredListener[] {
  return Object.values(elbv2State(regionState).listeners).filter((l) => l.LoadBalancerArn === loadBalancerArn);
}

/** AWS's `TargetHealth.Description` for each reason code. */
export const TARGET_HEALTH_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Elb.InternalError': 'Health checks failed due to an internal error',
  'Target.ResponseCodeMismatch': 'Health checks failed',
  'Target.Timeout': 'Request timed out',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.NotRegistered': 'Target is not registered to the target group',
  'Target.NotInUse': 'Target group is not configured to receive traffic from the load balancer',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.InvalidState': 'Target is in the stopped state',
  'Target.IpUnusable': 'The target IP address is reserved for use by a load balancer',
  'Target.HealthCheckDisabled': 'Health checks disabled',
};

/** The health a target has when nothing has checked it yet. */
function freshHealth(tg: StoredTargetGroup): Pick<StoredTarget, 'State' | 'Reason' | 'Description'> {
  if (tg.LoadBalancerArns.length === 0) {
    return { State: 'unused', Reason: 'Target.NotInUse', Description: 'Target group is not configured to receive traffic from the load balancer' };
  }
  if (!tg.HealthCheckEnabled) {
    return { State: 'unavailable', Reason: 'Target.HealthCheckDisabled', Description: 'Health checks disabled' };
  }
  return { State: 'initial', Reason: 'Elb.RegistrationInProgress', Description: 'Target registration is in progress' };
}

/**
 * Recomputes every target group's `LoadBalancerArns` from the listeners and
 * rules, and moves targets between `unused` and `initial` as their group
 * starts or stops receiving traffic. Call after any listener/rule change.
 */
export function refreshTargetGroupLinks(regionState: RegionState): void {
  const state = elbv2State(regionState);
  const links = new Map<string, Set<string>>();
  for (const rule of Object.values(state.rules)) {
    const listener = own(state.listeners, rule.ListenerArn);
    if (!listener) continue;
    for (const arn of rule.Actions.flatMap(targetGroupArnsOfAction)) {
      if (!links.has(arn)) links.set(arn, new Set());
      links.get(arn)?.add(listener.LoadBalancerArn);
    }
  }
  for (const tg of Object.values(state.targetGroups)) {
    const before = tg.LoadBalancerArns.length;
    tg.LoadBalancerArns = [...(links.get(tg.TargetGroupArn) ?? [])];
    if ((before === 0) === (tg.LoadBalancerArns.length === 0)) continue;
    for (const target of tg.Targets) {
      if (target.State === 'draining') continue;
      Object.assign(target, freshHealth(tg));
    }
  }
}

/** Drops draining targets whose deregistration delay has passed. */
export function pruneDrainedTargets(tg: StoredTargetGroup, nowMs: number): void {
  tg.Targets = tg.Targets.filter((t) => t.DrainingUntil === undefined || t.DrainingUntil > nowMs);
}

/** A target as the caller names it (`Port` defaults to the group's port). */
export interface TargetRef {
  Id: string;
  Port?: number;
  AvailabilityZone?: string;
}

const samePlace = (tg: StoredTargetGroup, ref: TargetRef) => (t: StoredTarget) => t.Id === ref.Id && t.Port === (ref.Port ?? tg.Port ?? 0);

/**
 * Registers targets (idempotent; a draining target is registered again).
 * New targets are `initial` / `Elb.RegistrationInProgress`, or `unused` /
 * `Target.NotInUse` while no load balancer uses the group. Returns false when
 * the group does not exist.
 */
export function registerTargets(regionState: RegionState, targetGroupArn: string, targets: readonly TargetRef[], nowMs: number): boolean {
  const tg = findTargetGroup(regionState, targetGroupArn);
  if (!tg) return false;
  pruneDrainedTargets(tg, nowMs);
  for (const ref of targets) {
    const existing = tg.Targets.find(samePlace(tg, ref));
    if (existing && existing.State !== 'draining') continue;
    const target: StoredTarget = {
      Id: ref.Id,
      Port: ref.Port ?? tg.Port ?? 0,
      ...(ref.AvailabilityZone ? { AvailabilityZone: ref.AvailabilityZone } : {}),
      ...freshHealth(tg),
      RegisteredAt: nowMs,
    };
    if (existing) {
      Object.assign(existing, target);
      delete existing.DrainingUntil;
    } else {
      tg.Targets.push(target);
    }
  }
  return true;
}

/**
 * Deregisters targets: each becomes `draining` / `Target.DeregistrationInProgress`
 * for the group's `deregistration_delay.timeout_seconds` (scaled by `timeScale`),
 * then disappears; a group no load balancer uses drops them at once. Returns
 * the targets that were registered.
 */
export function deregisterTargets(regionState: RegionState, targetGroupArn: string, targets: readonly TargetRef[], nowMs: number, timeScale: number): StoredTarget[] {
  const tg = findTargetGroup(regionState, targetGroupArn);
  if (!tg) return [];
  pruneDrainedTargets(tg, nowMs);
  const delaySeconds = Number(tg.Attributes['deregistration_delay.timeout_seconds'] ?? '300');
  const found: StoredTarget[] = [];
  for (const ref of targets) {
    const target = tg.Targets.find(samePlace(tg, ref));
    if (!target) continue;
    found.push(target);
    if (tg.LoadBalancerArns.length === 0 || delaySeconds === 0) {
      tg.Targets = tg.Targets.filter((t) => t !== target);
      continue;
    }
    if (target.State === 'draining') continue;
    target.State = 'draining';
    target.Reason = 'Target.DeregistrationInProgress';
    target.Description = 'Target deregistration is in progress';
    target.DrainingUntil = nowMs + new TimeScale(timeScale).ms(delaySeconds);
  }
  return found;
}

/**
 * Sets a registered target's health (the runtime's health checker calls it).
 * `reason`/`description` are AWS's (`Target.FailedHealthChecks`,
 * `Target.ResponseCodeMismatch`, `Target.Timeout`…); omit them for healthy.
 * Draining targets keep draining. Returns false when the target is not registered.
 */
export function setTargetHealth(
  regionState: RegionState,
  targetGroupArn: string,
  ref: TargetRef,
  state: Exclude<TargetState, 'draining' | 'unused'>,
  reason?: string,
  description?: string,
): boolean {
  const tg = findTargetGroup(regionState, targetGroupArn);
  const target = tg?.Targets.find(samePlace(tg, ref));
  if (!tg || !target) return false;
  if (target.State === 'draining' || target.State === 'unused') return true;
  target.State = state;
  const text = description ?? (reason ? TARGET_HEALTH_DESCRIPTIONS[reason] : undefined);
  if (reason) target.Reason = reason;
  else delete target.Reason;
  if (text) target.Description = text;
  else delete target.Description;
  return true;
}

/**
 * Targets a load balancer should send requests to: the healthy ones, or — as
 * ALBs fail open — every unhealthy target when none is healthy. A target still
 * `initial` (registration in progress, no health check passed yet) gets no
 * request: until one target has passed a check, the load balancer answers 503.
 */
export function routableTargets(tg: StoredTargetGroup, nowMs: number): StoredTarget[] {
  pruneDrainedTargets(tg, nowMs);
  const healthy = tg.Targets.filter((t) => t.State === 'healthy' || t.State === 'unavailable');
  return healthy.length ? healthy : tg.Targets.filter((t) => t.State === 'unhealthy');
}
