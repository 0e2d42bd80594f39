/**
 * Elastic Load Balancing v2 listener builder (Application Load Balancer).
 *
 * @module
 */
import type { CreateListenerCommandInput } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CfnResource, CfnValue } from '../shared/cfn-value.js';
import {
  type ActionSpec,
  actionLiteralProblems,
  type CfnAction,
  cfnActions,
  type FixedResponseOptions,
  type ForwardOptions,
  type ForwardTarget,
  fixedResponseSpec,
  forwardSpec,
  sdkActions,
} from './elb-actions.js';
import { assertCfnValue, literal, literalProblem, patterns } from './networking-rules.js';
import { checkInt, intRule, assertOneOf, compact, fail, freeze, throwIfProblems } from '../shared/validation.js';
import { cfnResource } from '../shared/cfn-resource.js';
import type { Problem } from '../validation-error.js';

/** Listener protocols of an Application Load Balancer. */
export type ListenerProtocol = 'HTTP' | 'HTTPS';

/**
 * The required fields of a {@link ListenerBuilder}: its type parameter is
 * the union of those not set yet (`never` once all are).
 * - `'port'`: set by `.port()`.
 * - `'protocol'`: set by `.protocol()`.
 * - `'action'`: set by `.forward()` or `.fixedResponse()`.
 */
export type ListenerState = 'port' | 'protocol' | 'action';

/** Every required field missing: what the factory returns. */
export type ListenerInitial = ListenerState;

/** No required field missing: `.build()` and `.toCloudFormation()` accept it. */
export type ListenerReady = never;

/** The `Properties` of an `AWS::ElasticLoadBalancingV2::Listener`. */
export interface ListenerCfnProperties {
  /** Load balancer ARN or intrinsic. */
  readonly LoadBalancerArn: CfnValue;
  /** Listening port. */
  readonly Port: number;
  /** `HTTP` or `HTTPS`. */
  readonly Protocol: ListenerProtocol;
  /** The default action (exactly one). */
  readonly DefaultActions: readonly CfnAction[];
  /** Server certificate for HTTPS. */
  readonly Certificates?: readonly {
    /** ACM or IAM certificate ARN, or intrinsic. */
    readonly CertificateArn: CfnValue;
  }[];
  /** TLS policy for HTTPS. */
  readonly SslPolicy?: string;
}

/** `AWS::ElasticLoadBalancingV2::Listener` as `.toCloudFormation()` returns it. */
export type ListenerCfn = CfnResource<'AWS::ElasticLoadBalancingV2::Listener', ListenerCfnProperties>;

interface ListenerProps {
  readonly loadBalancerArn: CfnValue;
  readonly port?: number;
  readonly protocol?: ListenerProtocol;
  readonly action?: ActionSpec;
  readonly certificateArn?: CfnValue;
  readonly sslPolicy?: string;
}

/**
 * Immutable builder of an Application Load Balancer listener. `.build()` is
 * only callable once port, protocol and a default action are set.
 *
 * @example
 * ```ts
 * listener('arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/ecskit-lab/0123456789abcdef')
 *   .protocol('HTTP').port(80)
 *   .fixedResponse(404, { contentType: 'application/json', messageBody: '{"error":"not found"}' })
 *   .build();
 * // { LoadBalancerArn: 'arn:…:loadbalancer/app/ecskit-lab/0123456789abcdef', Protocol: 'HTTP', Port: 80,
 * //   DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404',
 * //     ContentType: 'application/json', MessageBody: '{"error":"not found"}' } }] }
 * ```
 */
export class ListenerBuilder<Missing extends ListenerState = ListenerInitial> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: ListenerProps;

  /** @internal Use {@link listener}. */
  constructor(props: ListenerProps) {
    this.#props = freeze(props);
  }

  get #subject(): string {
    const p = this.#props;
    return `listener ${p.port === undefined ? '(no port)' : String(p.port)}`;
  }

  #with<M extends ListenerState>(changes: Partial<ListenerProps>): ListenerBuilder<M> {
    return new ListenerBuilder<M>({ ...this.#props, ...changes });
  }

  /**
   * Listening port, 1-65535.
   *
   * @example
   * ```ts
   * listener(albArn).port(80); // → { Port: 80 }
   * ```
   */
  port(port: number): ListenerBuilder<Exclude<Missing, 'port'>> {
    checkInt(this.#subject, 'Port', port, intRule('port', 1, 65535));
    return this.#with({ port });
  }

  /**
   * `HTTP` or `HTTPS` (HTTPS needs `.certificate()`).
   *
   * @example
   * ```ts
   * listener(albArn).protocol('HTTP'); // → { Protocol: 'HTTP' }
   * ```
   */
  protocol(protocol: ListenerProtocol): ListenerBuilder<Exclude<Missing, 'protocol'>> {
    assertOneOf(this.#subject, 'Protocol', protocol, ['HTTP', 'HTTPS'] as const);
    return this.#with({ protocol });
  }

  /**
   * The server certificate (ACM or IAM ARN) of an HTTPS listener.
   *
   * @example
   * ```ts
   * listener(albArn).protocol('HTTPS').certificate('arn:aws:acm:us-east-1:123456789012:certificate/abc');
   * // → { Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' }] }
   * ```
   */
  certificate(certificateArn: CfnValue): ListenerBuilder<Missing> {
    assertCfnValue(this.#subject, 'Certificates[0].CertificateArn', certificateArn, patterns.certificateArn, 'certificate must be an ACM or IAM certificate ARN');
    return this.#with({ certificateArn });
  }

  /**
   * The TLS security policy of an HTTPS listener, e.g. `ELBSecurityPolicy-TLS13-1-2-2021-06`.
   *
   * @example
   * ```ts
   * listener(albArn).sslPolicy('ELBSecurityPolicy-TLS13-1-2-2021-06'); // → { SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }
   * ```
   */
  sslPolicy(policy: string): ListenerBuilder<Missing> {
    if (typeof policy !== 'string' || !/^ELBSecurityPolicy-[A-Za-z0-9-]+$/.test(policy)) {
      fail(this.#subject, 'SslPolicy', policy, 'SSL policy must be an ELB policy name such as "ELBSecurityPolicy-TLS13-1-2-2021-06"');
    }
    return this.#with({ sslPolicy: policy });
  }

  /**
   * Default action: forward to one target group (ARN) or to 1-5 weighted ones.
   *
   * @example
   * ```ts
   * listener(albArn).forward(gatewayTgArn); // → { DefaultActions: [{ Type: 'forward', TargetGroupArn: gatewayTgArn }] }
   * listener(albArn).forward([{ targetGroupArn: blue, weight: 90 }, { targetGroupArn: green, weight: 10 }]);
   * // → { DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [
   * //      { TargetGroupArn: blue, Weight: 90 }, { TargetGroupArn: green, Weight: 10 }] } }] }
   * ```
   */
  forward(targets: CfnValue | readonly ForwardTarget[], options: ForwardOptions = {}): ListenerBuilder<Exclude<Missing, 'action'>> {
    return this.#with({ action: forwardSpec(this.#subject, 'DefaultActions[0]', targets, options.stickinessSeconds) });
  }

  /**
   * Default action: answer with a fixed response (status 2XX/4XX/5XX).
   *
   * @example
   * ```ts
   * listener(albArn).fixedResponse(404, { contentType: 'text/plain', messageBody: 'not found' });
   * // → { DefaultActions: [{ Type: 'fixed-response',
   * //      FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'not found' } }] }
   * ```
   */
  fixedResponse(statusCode: number, options: FixedResponseOptions = {}): ListenerBuilder<Exclude<Missing, 'action'>> {
    return this.#with({ action: fixedResponseSpec(this.#subject, 'DefaultActions[0]', statusCode, options) });
  }

  /**
   * The `CreateListener` input. Throws a `ValidationError` listing every
   * problem (HTTPS without a certificate, intrinsics where ARNs are needed, …).
   *
   * @example
   * ```ts
   * listener(albArn).protocol('HTTP').port(80).forward(gatewayTgArn).build();
   * // { LoadBalancerArn: albArn, Protocol: 'HTTP', Port: 80,
   * //   DefaultActions: [{ Type: 'forward', TargetGroupArn: gatewayTgArn }] }
   * ```
   */
  build(this: ListenerBuilder<ListenerReady>): CreateListenerCommandInput {
    const p = this.#props;
    throwIfProblems(this.#subject, [
      ...literalProblem('LoadBalancerArn', p.loadBalancerArn, 'load balancer ARN'),
      ...this.#problems(),
      ...actionLiteralProblems(p.action, 'DefaultActions[0]'),
      ...literalProblem('Certificates[0].CertificateArn', p.certificateArn, 'certificate ARN'),
    ]);
    return compact({
      LoadBalancerArn: literal(p.loadBalancerArn),
      Protocol: p.protocol,
      Port: p.port,
      SslPolicy: p.sslPolicy,
      Certificates: p.certificateArn === undefined ? undefined : [{ CertificateArn: literal(p.certificateArn) }],
      DefaultActions: sdkActions(p.action),
    });
  }

  /**
   * The `AWS::ElasticLoadBalancingV2::Listener` resource (its `Ref` is the listener ARN).
   *
   * @example
   * ```ts
   * listener(cfnRef('LoadBalancer')).protocol('HTTP').port(80).forward(cfnRef('GatewayTargetGroup')).toCloudFormation();
   * // { Type: 'AWS::ElasticLoadBalancingV2::Listener',
   * //   Properties: { LoadBalancerArn: { Ref: 'LoadBalancer' }, Port: 80, Protocol: 'HTTP',
   * //     DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: 'GatewayTargetGroup' } }] } }
   * ```
   */
  toCloudFormation(this: ListenerBuilder<ListenerReady>): ListenerCfn {
    const p = this.#props;
    return cfnResource(this.#subject, this.#problems(), 'AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: p.loadBalancerArn,
      Port: p.port as number,
      Protocol: p.protocol as ListenerProtocol,
      SslPolicy: p.sslPolicy,
      Certificates: p.certificateArn === undefined ? undefined : [{ CertificateArn: p.certificateArn }],
      DefaultActions: cfnActions(p.action),
    });
  }

  #problems(): Problem[] {
    const p = this.#props;
    const problems: Problem[] = [];
    if (p.port === undefined) problems.push({ path: 'Port', value: undefined, message: 'a listener needs a port; call .port(n)' });
    if (p.protocol === undefined) {
      problems.push({ path: 'Protocol', value: undefined, message: "a listener needs a protocol; call .protocol('HTTP')" });
    }
    if (p.action === undefined) {
      problems.push({
        path: 'DefaultActions',
        value: undefined,
        message: 'a listener needs a default action; call .forward(targetGroupArn) or .fixedResponse(statusCode)',
      });
    }
    if (p.protocol === 'HTTPS' && p.certificateArn === undefined) {
      problems.push({
        path: 'Certificates',
        value: undefined,
        message: 'HTTPS listeners need a server certificate; call .certificate(acmCertificateArn)',
      });
    }
    if (p.protocol === 'HTTP' && p.certificateArn !== undefined) {
      problems.push({
        path: 'Certificates',
        value: p.certificateArn,
        message: "HTTP listeners take no certificate; use .protocol('HTTPS') or remove .certificate()",
      });
    }
    if (p.protocol === 'HTTP' && p.sslPolicy !== undefined) {
      problems.push({
        path: 'SslPolicy',
        value: p.sslPolicy,
        message: "HTTP listeners take no SSL policy; use .protocol('HTTPS') or remove .sslPolicy()",
      });
    }
    return problems;
  }
}

/**
 * Starts a listener on an Application Load Balancer (ARN, or an intrinsic
 * such as `{ Ref: 'LoadBalancer' }`). A literal that is not an ALB ARN throws at once.
 *
 * @example
 * ```ts
 * listener('arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/ecskit-lab/0123456789abcdef')
 *   .protocol('HTTP').port(80).forward('arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/fedcba9876543210')
 *   .build();
 * // { LoadBalancerArn: '…loadbalancer/app/ecskit-lab/0123456789abcdef', Protocol: 'HTTP', Port: 80,
 * //   DefaultActions: [{ Type: 'forward', TargetGroupArn: '…targetgroup/gateway-tg/fedcba9876543210' }] }
 * ```
 */
export function listener(loadBalancerArn: CfnValue): ListenerBuilder<ListenerInitial> {
  assertCfnValue(
    'listener',
    'LoadBalancerArn',
    loadBalancerArn,
    patterns.loadBalancerArn,
    'load balancer ARN must look like "arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID"',
  );
  return new ListenerBuilder({ loadBalancerArn });
}
