/**
 * Elastic Load Balancing v2 target group builder, and the health-check update
 * (`ModifyTargetGroup`) input.
 *
 * @module
 */
import type {
  CreateTargetGroupCommandInput,
  ModifyTargetGroupAttributesCommandInput,
  ModifyTargetGroupCommandInput,
  ProtocolEnum,
  TargetTypeEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CfnResource, CfnValue } from '../shared/cfn-value.js';
import {
  addTags,
  assertCfnValue,
  assertElbName,
  type KeyValueTag,
  literal,
  literalProblem,
  patterns,
} from './networking-rules.js';
import { checkInt, intRule, assertOneOf, compact, fail, freeze, throwIfProblems } from '../shared/validation.js';
import { cfnResource } from '../shared/cfn-resource.js';
import { cfnTags } from '../shared/tags.js';
import type { Problem } from '../validation-error.js';

/** Target group protocols ecskit builds (ALB: HTTP, HTTPS; NLB: the rest). */
export type TargetGroupProtocol = Extract<ProtocolEnum, 'HTTP' | 'HTTPS' | 'TCP' | 'TLS' | 'UDP' | 'TCP_UDP'>;
/** Health-check protocols. */
export type HealthCheckProtocol = Extract<ProtocolEnum, 'HTTP' | 'HTTPS' | 'TCP'>;
/** Where targets live: EC2 instance ids, IP addresses (awsvpc tasks), a Lambda function, or an ALB. */
export type TargetType = TargetTypeEnum;

/**
 * Target-group health-check settings. Units are in the names; each field is
 * checked at once against AWS's bounds.
 */
export interface TargetGroupHealthCheck {
  /** Whether health checks run (`HealthCheckEnabled`). */
  readonly enabled?: boolean;
  /** `HTTP`, `HTTPS` or `TCP` (`HealthCheckProtocol`). */
  readonly protocol?: HealthCheckProtocol;
  /** Request path, starting with `/`, at most 1024 characters (`HealthCheckPath`). */
  readonly path?: string;
  /** A port 1-65535 or `'traffic-port'` (the target's own port; `HealthCheckPort`). */
  readonly port?: number | 'traffic-port';
  /** Seconds between checks, 5-300 (`HealthCheckIntervalSeconds`). */
  readonly intervalSeconds?: number;
  /** Seconds before a check fails, 2-120 and below the interval (`HealthCheckTimeoutSeconds`). */
  readonly timeoutSeconds?: number;
  /** Consecutive successes before healthy, 2-10 (`HealthyThresholdCount`). */
  readonly healthyThresholdCount?: number;
  /** Consecutive failures before unhealthy, 2-10 (`UnhealthyThresholdCount`). */
  readonly unhealthyThresholdCount?: number;
  /** Success codes 200-499: `'200'`, `'200,202'` or `'200-299'` (`Matcher.HttpCode`). */
  readonly httpCode?: string;
}

/**
 * The required fields of a {@link TargetGroupBuilder} (target type `lambda`
 * sets all three): its type parameter is the union of those not set yet
 * (`never` once all are).
 * - `'protocol'`: set by `.protocol()`.
 * - `'port'`: set by `.port()`.
 * - `'vpc'`: set by `.vpc()`.
 */
export type TargetGroupState = 'protocol' | 'port' | 'vpc';

/** Every required field missing: what the factory returns. */
export type TargetGroupInitial = TargetGroupState;

/** No required field missing: `.build()` and `.toCloudFormation()` accept it. */
export type TargetGroupReady = never;

interface TargetGroupProps {
  readonly name: string;
  readonly protocol?: TargetGroupProtocol;
  readonly port?: number;
  readonly vpc?: CfnValue;
  readonly targetType?: TargetType;
  readonly healthCheck: TargetGroupHealthCheck;
  readonly deregistrationDelaySeconds?: number;
  readonly slowStartSeconds?: number;
  readonly stickinessSeconds?: number;
  readonly algorithm?: 'round_robin' | 'least_outstanding_requests' | 'weighted_random';
  readonly tags: readonly KeyValueTag[];
}

/** The `Properties` of an `AWS::ElasticLoadBalancingV2::TargetGroup`. */
export interface TargetGroupCfnProperties {
  /** Target group name. */
  readonly Name: string;
  /** Protocol to the targets. */
  readonly Protocol?: TargetGroupProtocol;
  /** Port on the targets. */
  readonly Port?: number;
  /** VPC id or intrinsic. */
  readonly VpcId?: CfnValue;
  /** Target type. */
  readonly TargetType?: TargetType;
  /** Health checks on or off. */
  readonly HealthCheckEnabled?: boolean;
  /** Health-check protocol. */
  readonly HealthCheckProtocol?: HealthCheckProtocol;
  /** Health-check path. */
  readonly HealthCheckPath?: string;
  /** Health-check port (string, as in the API). */
  readonly HealthCheckPort?: string;
  /** Seconds between checks. */
  readonly HealthCheckIntervalSeconds?: number;
  /** Seconds before a check fails. */
  readonly HealthCheckTimeoutSeconds?: number;
  /** Successes before healthy. */
  readonly HealthyThresholdCount?: number;
  /** Failures before unhealthy. */
  readonly UnhealthyThresholdCount?: number;
  /** Success codes. */
  readonly Matcher?: {
    /** e.g. `200` or `200-299`. */
    readonly HttpCode: string;
  };
  /** Attributes such as `deregistration_delay.timeout_seconds`. */
  readonly TargetGroupAttributes?: readonly KeyValueTag[];
  /** Tags. */
  readonly Tags?: readonly KeyValueTag[];
}

/** `AWS::ElasticLoadBalancingV2::TargetGroup` as `.toCloudFormation()` returns it. */
export type TargetGroupCfn = CfnResource<'AWS::ElasticLoadBalancingV2::TargetGroup', TargetGroupCfnProperties>;

const protocols: readonly TargetGroupProtocol[] = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP'];
const healthCheckProtocols: readonly HealthCheckProtocol[] = ['HTTP', 'HTTPS', 'TCP'];
const targetTypes: readonly TargetType[] = ['instance', 'ip', 'lambda', 'alb'];
const algorithms = ['round_robin', 'least_outstanding_requests', 'weighted_random'] as const;

/** @internal Immediate checks of health-check settings; `base` prefixes the API field names. */
function assertHealthCheck(subject: string, hc: TargetGroupHealthCheck): void {
  if (hc.enabled !== undefined && typeof hc.enabled !== 'boolean') {
    fail(subject, 'HealthCheckEnabled', hc.enabled, 'enabled must be true or false');
  }
  if (hc.protocol !== undefined) assertOneOf(subject, 'HealthCheckProtocol', hc.protocol, healthCheckProtocols);
  if (hc.path !== undefined) {
    if (typeof hc.path !== 'string' || !hc.path.startsWith('/') || hc.path.length > 1024) {
      fail(subject, 'HealthCheckPath', hc.path, 'health-check path must start with "/" and be at most 1024 characters');
    }
  }
  if (hc.port !== undefined && hc.port !== 'traffic-port') {
    checkInt(subject, 'HealthCheckPort', hc.port, intRule('health-check port (or "traffic-port")', 1, 65535));
  }
  if (hc.intervalSeconds !== undefined) {
    checkInt(subject, 'HealthCheckIntervalSeconds', hc.intervalSeconds, intRule('intervalSeconds', 5, 300));
  }
  if (hc.timeoutSeconds !== undefined) {
    checkInt(subject, 'HealthCheckTimeoutSeconds', hc.timeoutSeconds, intRule('timeoutSeconds', 2, 120));
  }
  if (hc.healthyThresholdCount !== undefined) {
    checkInt(subject, 'HealthyThresholdCount', hc.healthyThresholdCount, intRule('healthyThresholdCount', 2, 10));
  }
  if (hc.unhealthyThresholdCount !== undefined) {
    checkInt(subject, 'UnhealthyThresholdCount', hc.unhealthyThresholdCount, intRule('unhealthyThresholdCount', 2, 10));
  }
  if (hc.httpCode !== undefined && !validHttpCode(hc.httpCode)) {
    fail(
      subject,
      'Matcher.HttpCode',
      hc.httpCode,
      'success codes must be 200-499, as one code ("200"), a list ("200,202") or a range ("200-299")',
    );
  }
}

function validHttpCode(code: unknown): boolean {
  if (typeof code !== 'string' || code.length === 0) return false;
  const inRange = (n: string): boolean => /^\d{3}$/.test(n) && Number(n) >= 200 && Number(n) <= 499;
  if (code.includes('-')) {
    const [low, high, extra] = code.split('-');
    return extra === undefined && inRange(low ?? '') && inRange(high ?? '') && Number(low) <= Number(high);
  }
  return code.split(',').every(inRange);
}

/** @internal Cross-field health-check problems (timeout below interval, TCP without path/matcher). */
function healthCheckProblems(hc: TargetGroupHealthCheck, lambda: boolean): Problem[] {
  const problems: Problem[] = [];
  const defaultInterval = lambda ? 35 : 30;
  const defaultTimeout = lambda ? 30 : hc.protocol === 'TCP' ? 10 : 5;
  if (hc.intervalSeconds !== undefined || hc.timeoutSeconds !== undefined) {
    const interval = hc.intervalSeconds ?? defaultInterval;
    const timeout = hc.timeoutSeconds ?? defaultTimeout;
    if (timeout >= interval) {
      problems.push({
        path: 'HealthCheckTimeoutSeconds',
        value: timeout,
        message: `timeoutSeconds must be below intervalSeconds (${interval}${hc.intervalSeconds === undefined ? ', the default' : ''}); lower the timeout or raise the interval`,
      });
    }
  }
  if (hc.protocol === 'TCP' && hc.path !== undefined) {
    problems.push({
      path: 'HealthCheckPath',
      value: hc.path,
      message: 'TCP health checks take no path; remove path or use protocol HTTP',
    });
  }
  if (hc.protocol === 'TCP' && hc.httpCode !== undefined) {
    problems.push({
      path: 'Matcher.HttpCode',
      value: hc.httpCode,
      message: 'TCP health checks take no HTTP success codes; remove httpCode or use protocol HTTP',
    });
  }
  return problems;
}

/** @internal Health-check settings as API/CloudFormation fields (the same names in both). */
function healthCheckFields(hc: TargetGroupHealthCheck) {
  return {
    HealthCheckEnabled: hc.enabled,
    HealthCheckProtocol: hc.protocol,
    HealthCheckPath: hc.path,
    HealthCheckPort: hc.port === undefined ? undefined : String(hc.port),
    HealthCheckIntervalSeconds: hc.intervalSeconds,
    HealthCheckTimeoutSeconds: hc.timeoutSeconds,
    HealthyThresholdCount: hc.healthyThresholdCount,
    UnhealthyThresholdCount: hc.unhealthyThresholdCount,
    Matcher: hc.httpCode === undefined ? undefined : { HttpCode: hc.httpCode },
  };
}

/**
 * Immutable builder of a target group. `.build()` is only callable once
 * protocol, port and VPC are set (or the target type is `lambda`, which takes none).
 *
 * @example
 * ```ts
 * targetGroup('invsys-tg')
 *   .protocol('HTTP').port(5000).vpc('vpc-0abc1234def567890').targetType('ip')
 *   .healthCheck({ enabled: true, protocol: 'HTTP', path: '/items', intervalSeconds: 30,
 *                  timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 3 })
 *   .build();
 * // { Name: 'invsys-tg', Protocol: 'HTTP', Port: 5000, VpcId: 'vpc-0abc1234def567890', TargetType: 'ip',
 * //   HealthCheckEnabled: true, HealthCheckProtocol: 'HTTP', HealthCheckPath: '/items',
 * //   HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5,
 * //   HealthyThresholdCount: 2, UnhealthyThresholdCount: 3 }
 * ```
 */
export class TargetGroupBuilder<Missing extends TargetGroupState = TargetGroupInitial> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: TargetGroupProps;

  /** @internal Use {@link targetGroup}. */
  constructor(props: TargetGroupProps) {
    this.#props = freeze(props);
  }

  get #subject(): string {
    return `targetGroup ${JSON.stringify(this.#props.name)}`;
  }

  #with<M extends TargetGroupState>(changes: Partial<TargetGroupProps>): TargetGroupBuilder<M> {
    return new TargetGroupBuilder<M>({ ...this.#props, ...changes });
  }

  /**
   * Protocol to the targets: `HTTP`/`HTTPS` for an Application Load Balancer.
   *
   * @example
   * ```ts
   * targetGroup('invsys-tg').protocol('HTTP'); // → { Protocol: 'HTTP' }
   * ```
   */
  protocol(protocol: TargetGroupProtocol): TargetGroupBuilder<Exclude<Missing, 'protocol'>> {
    assertOneOf(this.#subject, 'Protocol', protocol, protocols);
    return this.#with({ protocol });
  }

  /**
   * Port the targets receive traffic on (1-65535).
   *
   * @example
   * ```ts
   * targetGroup('invsys-tg').port(5000); // → { Port: 5000 }
   * ```
   */
  port(port: number): TargetGroupBuilder<Exclude<Missing, 'port'>> {
    checkInt(this.#subject, 'Port', port, intRule('port', 1, 65535));
    return this.#with({ port });
  }

  /**
   * The VPC of the targets: an id (`vpc-…`) or an intrinsic such as `{ Ref: 'VpcId' }`.
   *
   * @example
   * ```ts
   * targetGroup('invsys-tg').vpc('vpc-0abc1234def567890'); // → { VpcId: 'vpc-0abc1234def567890' }
   * ```
   */
  vpc(vpcId: CfnValue): TargetGroupBuilder<Exclude<Missing, 'vpc'>> {
    assertCfnValue(this.#subject, 'VpcId', vpcId, patterns.vpcId, 'VPC id must look like "vpc-0abc1234"');
    return this.#with({ vpc: vpcId });
  }

  /**
   * Target type: `ip` for awsvpc tasks, `instance` for bridge/host tasks,
   * `lambda` (then protocol, port and VPC must not be set) or `alb`.
   *
   * @example
   * ```ts
   * targetGroup('invsys-tg').targetType('ip'); // → { TargetType: 'ip' }
   * ```
   */
  targetType(type: 'lambda'): TargetGroupBuilder<TargetGroupReady>;
  targetType(type: Exclude<TargetType, 'lambda'>): TargetGroupBuilder<Missing>;
  targetType(type: TargetType): TargetGroupBuilder<Missing> | TargetGroupBuilder<TargetGroupReady> {
    assertOneOf(this.#subject, 'TargetType', type, targetTypes);
    return this.#with<Missing>({ targetType: type });
  }

  /**
   * Health-check settings, merged over any given before. Each value is checked
   * at once (interval 5-300, timeout 2-120, thresholds 2-10, path from `/`,
   * success codes 200-499); `.build()` checks timeout < interval.
   *
   * @example
   * ```ts
   * targetGroup('gateway-tg').healthCheck({ path: '/health', intervalSeconds: 15, httpCode: '200-299' });
   * // → { HealthCheckPath: '/health', HealthCheckIntervalSeconds: 15, Matcher: { HttpCode: '200-299' } }
   * ```
   */
  healthCheck(settings: TargetGroupHealthCheck): TargetGroupBuilder<Missing> {
    assertHealthCheck(this.#subject, settings);
    return this.#with({ healthCheck: compact({ ...this.#props.healthCheck, ...settings }) });
  }

  /**
   * How long a deregistering target keeps draining, 0-3600 seconds (AWS
   * default 300). An attribute: see {@link TargetGroupBuilder.attributes}.
   *
   * @example
   * ```ts
   * targetGroup('gateway-tg').deregistrationDelaySeconds(30).attributes();
   * // [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]
   * ```
   */
  deregistrationDelaySeconds(seconds: number): TargetGroupBuilder<Missing> {
    checkInt(this.#subject, 'deregistration_delay.timeout_seconds', seconds, intRule('deregistration delay', 0, 3600));
    return this.#with({ deregistrationDelaySeconds: seconds });
  }

  /**
   * Slow start: a new target's share of traffic ramps up over 30-900 seconds (0 turns it off).
   *
   * @example
   * ```ts
   * targetGroup('gateway-tg').slowStartSeconds(60).attributes();
   * // [{ Key: 'slow_start.duration_seconds', Value: '60' }]
   * ```
   */
  slowStartSeconds(seconds: number): TargetGroupBuilder<Missing> {
    if (seconds !== 0) checkInt(this.#subject, 'slow_start.duration_seconds', seconds, intRule('slow start (or 0)', 30, 900));
    return this.#with({ slowStartSeconds: seconds });
  }

  /**
   * Load-balancer cookie stickiness for 1-604800 seconds.
   *
   * @example
   * ```ts
   * targetGroup('gateway-tg').stickinessSeconds(3600).attributes();
   * // [{ Key: 'stickiness.enabled', Value: 'true' }, { Key: 'stickiness.type', Value: 'lb_cookie' },
   * //  { Key: 'stickiness.lb_cookie.duration_seconds', Value: '3600' }]
   * ```
   */
  stickinessSeconds(seconds: number): TargetGroupBuilder<Missing> {
    checkInt(this.#subject, 'stickiness.lb_cookie.duration_seconds', seconds, intRule('stickiness duration', 1, 604800));
    return this.#with({ stickinessSeconds: seconds });
  }

  /**
   * Routing algorithm across targets.
   *
   * @example
   * ```ts
   * targetGroup('gateway-tg').loadBalancingAlgorithm('least_outstanding_requests').attributes();
   * // [{ Key: 'load_balancing.algorithm.type', Value: 'least_outstanding_requests' }]
   * ```
   */
  loadBalancingAlgorithm(algorithm: (typeof algorithms)[number]): TargetGroupBuilder<Missing> {
    assertOneOf(this.#subject, 'load_balancing.algorithm.type', algorithm, algorithms);
    return this.#with({ algorithm });
  }

  /**
   * Adds (or replaces) one tag.
   *
   * @example
   * ```ts
   * targetGroup('invsys-tg').tag('ecskit:stack', 'lab'); // → { Tags: [{ Key: 'ecskit:stack', Value: 'lab' }] }
   * ```
   */
  tag(key: string, value: string): TargetGroupBuilder<Missing> {
    return this.#with({ tags: addTags(this.#subject, this.#props.tags, [[key, value]]) });
  }

  /**
   * Adds (or replaces) several tags from a record.
   *
   * @example
   * ```ts
   * targetGroup('invsys-tg').tags({ team: 'inventory' }); // → { Tags: [{ Key: 'team', Value: 'inventory' }] }
   * ```
   */
  tags(record: Readonly<Record<string, string>>): TargetGroupBuilder<Missing> {
    return this.#with({ tags: addTags(this.#subject, this.#props.tags, Object.entries(record)) });
  }

  /**
   * The attributes (deregistration delay, slow start, stickiness, algorithm)
   * for `ModifyTargetGroupAttributes`, which `CreateTargetGroup` cannot set.
   * Empty when none were given.
   *
   * @example
   * ```ts
   * targetGroup('gateway-tg').deregistrationDelaySeconds(30).attributes();
   * // [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]
   * ```
   */
  attributes(): NonNullable<ModifyTargetGroupAttributesCommandInput['Attributes']> {
    const p = this.#props;
    const out: { Key: string; Value: string }[] = [];
    if (p.deregistrationDelaySeconds !== undefined) {
      out.push({ Key: 'deregistration_delay.timeout_seconds', Value: String(p.deregistrationDelaySeconds) });
    }
    if (p.slowStartSeconds !== undefined) {
      out.push({ Key: 'slow_start.duration_seconds', Value: String(p.slowStartSeconds) });
    }
    if (p.stickinessSeconds !== undefined) {
      out.push(
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.type', Value: 'lb_cookie' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: String(p.stickinessSeconds) },
      );
    }
    if (p.algorithm !== undefined) out.push({ Key: 'load_balancing.algorithm.type', Value: p.algorithm });
    return out;
  }

  /**
   * The `CreateTargetGroup` input. Throws a `ValidationError` listing every
   * problem (timeout ≥ interval, lambda with a port, HTTP target group with a
   * TCP health check, …).
   *
   * @example
   * ```ts
   * targetGroup('gateway-tg').protocol('HTTP').port(5001).vpc('vpc-0abc1234def567890').targetType('ip').build();
   * // { Name: 'gateway-tg', Protocol: 'HTTP', Port: 5001, VpcId: 'vpc-0abc1234def567890', TargetType: 'ip' }
   * ```
   */
  build(this: TargetGroupBuilder<TargetGroupReady>): CreateTargetGroupCommandInput {
    const p = this.#props;
    throwIfProblems(this.#subject, [...this.#problems(), ...literalProblem('VpcId', p.vpc, 'VPC id')]);
    return compact({
      Name: p.name,
      Protocol: p.protocol,
      Port: p.port,
      VpcId: literal(p.vpc),
      TargetType: p.targetType,
      ...compact(healthCheckFields(p.healthCheck)),
      Tags: cfnTags(p.tags),
    });
  }

  /**
   * The `AWS::ElasticLoadBalancingV2::TargetGroup` resource, attributes included
   * as `TargetGroupAttributes` (its `Ref` is the target group ARN).
   *
   * @example
   * ```ts
   * targetGroup('gateway-tg').protocol('HTTP').port(5001).vpc(cfnRef('VpcId')).targetType('ip')
   *   .healthCheck({ intervalSeconds: 15 }).deregistrationDelaySeconds(30).toCloudFormation();
   * // { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
   * //   Properties: { Name: 'gateway-tg', Protocol: 'HTTP', Port: 5001, VpcId: { Ref: 'VpcId' }, TargetType: 'ip',
   * //     HealthCheckIntervalSeconds: 15,
   * //     TargetGroupAttributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] } }
   * ```
   */
  toCloudFormation(this: TargetGroupBuilder<TargetGroupReady>): TargetGroupCfn {
    const p = this.#props;
    const attributes = this.attributes();
    return cfnResource(this.#subject, this.#problems(), 'AWS::ElasticLoadBalancingV2::TargetGroup', {
      Name: p.name,
      Protocol: p.protocol,
      Port: p.port,
      VpcId: p.vpc,
      TargetType: p.targetType,
      ...compact(healthCheckFields(p.healthCheck)),
      TargetGroupAttributes: attributes.length > 0 ? attributes.map((a) => ({ Key: a.Key ?? '', Value: a.Value ?? '' })) : undefined,
      Tags: cfnTags(p.tags),
    });
  }

  #problems(): Problem[] {
    const p = this.#props;
    const lambda = p.targetType === 'lambda';
    const problems: Problem[] = [];
    if (lambda) {
      const extra = [
        ['Protocol', p.protocol, '.protocol()'],
        ['Port', p.port, '.port()'],
        ['VpcId', p.vpc, '.vpc()'],
      ] as const;
      for (const [path, value, call] of extra) {
        if (value !== undefined) {
          problems.push({ path, value, message: `lambda target groups take no ${path}; remove ${call}` });
        }
      }
      if (p.deregistrationDelaySeconds !== undefined || p.slowStartSeconds !== undefined || p.stickinessSeconds !== undefined) {
        problems.push({
          path: 'TargetGroupAttributes',
          value: this.attributes().map((a) => a.Key),
          message: 'lambda target groups support no deregistration delay, slow start or stickiness; remove them',
        });
      }
    } else {
      const missing = [
        ['Protocol', p.protocol, ".protocol('HTTP')"],
        ['Port', p.port, '.port(n)'],
        ['VpcId', p.vpc, '.vpc(id)'],
      ] as const;
      for (const [path, value, call] of missing) {
        if (value === undefined) {
          problems.push({
            path,
            value,
            message: `${p.targetType ?? 'instance'} target groups need ${path}; call ${call}`,
          });
        }
      }
    }
    if (p.targetType === 'alb' && p.protocol !== undefined && p.protocol !== 'TCP') {
      problems.push({
        path: 'Protocol',
        value: p.protocol,
        message: "alb targets sit behind a Network Load Balancer and need protocol TCP; use .protocol('TCP')",
      });
    }
    if ((p.protocol === 'HTTP' || p.protocol === 'HTTPS') && p.healthCheck.protocol === 'TCP') {
      problems.push({
        path: 'HealthCheckProtocol',
        value: 'TCP',
        message: `${p.protocol} target groups check health over HTTP or HTTPS; use protocol 'HTTP'`,
      });
    }
    return [...problems, ...healthCheckProblems(p.healthCheck, lambda)];
  }
}

/**
 * Starts a target group. The name is 1-32 letters, digits and hyphens, not
 * beginning or ending with a hyphen; a bad name throws at once.
 *
 * @example
 * ```ts
 * targetGroup('invsys-tg').protocol('HTTP').port(5000).vpc('vpc-0abc1234def567890').targetType('ip').build();
 * // { Name: 'invsys-tg', Protocol: 'HTTP', Port: 5000, VpcId: 'vpc-0abc1234def567890', TargetType: 'ip' }
 * ```
 */
export function targetGroup(name: string): TargetGroupBuilder<TargetGroupInitial> {
  assertElbName(`targetGroup ${JSON.stringify(name)}`, 'Name', name, 'target group');
  return new TargetGroupBuilder({ name, healthCheck: {}, tags: [] });
}

/**
 * The `ModifyTargetGroup` input that changes only the given health-check
 * settings of an existing target group (lab step 7.4). Settings are checked
 * like {@link TargetGroupBuilder.healthCheck}; timeout must stay below the
 * interval when both are given.
 *
 * @example
 * ```ts
 * targetGroupHealthCheckUpdate('arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/0123456789abcdef', {
 *   path: '/health/ready', intervalSeconds: 15, timeoutSeconds: 5, healthyThresholdCount: 2, unhealthyThresholdCount: 3,
 * });
 * // { TargetGroupArn: 'arn:aws:elasticloadbalancing:…:targetgroup/gateway-tg/0123456789abcdef',
 * //   HealthCheckPath: '/health/ready', HealthCheckIntervalSeconds: 15, HealthCheckTimeoutSeconds: 5,
 * //   HealthyThresholdCount: 2, UnhealthyThresholdCount: 3 }
 * ```
 */
export function targetGroupHealthCheckUpdate(
  targetGroupArn: string,
  settings: TargetGroupHealthCheck,
): ModifyTargetGroupCommandInput {
  const subject = `targetGroupHealthCheckUpdate ${JSON.stringify(targetGroupArn)}`;
  assertCfnValue(
    subject,
    'TargetGroupArn',
    targetGroupArn,
    patterns.targetGroupArn,
    'target group ARN must look like "arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID"',
  );
  assertHealthCheck(subject, settings);
  const problems = literalProblem('TargetGroupArn', targetGroupArn, 'target group ARN');
  if (settings.intervalSeconds !== undefined && settings.timeoutSeconds !== undefined) {
    problems.push(...healthCheckProblems(settings, false));
  } else {
    problems.push(...healthCheckProblems({ ...settings, intervalSeconds: undefined, timeoutSeconds: undefined }, false));
  }
  throwIfProblems(subject, problems);
  return compact({ TargetGroupArn: targetGroupArn, ...compact(healthCheckFields(settings)) });
}
