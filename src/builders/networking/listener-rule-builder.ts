/**
 * Elastic Load Balancing v2 listener rule builder (Application Load Balancer).
 *
 * @module
 */
import type { CreateRuleCommandInput, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
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
import { addTags, assertCfnValue, type KeyValueTag, literal, literalProblem, patterns } from './networking-rules.js';
import { checkInt, intRule, compact, fail, freeze, throwIfProblems } from '../shared/validation.js';
import { cfnResource } from '../shared/cfn-resource.js';
import { cfnTags } from '../shared/tags.js';
import type { Problem } from '../validation-error.js';

/**
 * The required fields of a {@link ListenerRuleBuilder}: its type parameter is
 * the union of those not set yet (`never` once all are).
 * - `'priority'`: set by `.priority()`.
 * - `'condition'`: set by adding a condition (`.pathPattern()` or `.hostHeader()`).
 * - `'action'`: set by `.forward()` or `.fixedResponse()`.
 */
export type ListenerRuleState = 'priority' | 'condition' | 'action';

/** Every required field missing: what the factory returns. */
export type ListenerRuleInitial = ListenerRuleState;

/** No required field missing: `.build()` and `.toCloudFormation()` accept it. */
export type ListenerRuleReady = never;

/** A rule condition in CloudFormation form. */
export interface CfnRuleCondition {
  /** `path-pattern` or `host-header`. */
  readonly Field: 'path-pattern' | 'host-header';
  /** Path patterns, for `path-pattern`. */
  readonly PathPatternConfig?: {
    /** 1-3 path patterns. */
    readonly Values: readonly string[];
  };
  /** Host names, for `host-header`. */
  readonly HostHeaderConfig?: {
    /** 1-3 host names. */
    readonly Values: readonly string[];
  };
}

/** The `Properties` of an `AWS::ElasticLoadBalancingV2::ListenerRule`. */
export interface ListenerRuleCfnProperties {
  /** Listener ARN or intrinsic. */
  readonly ListenerArn: CfnValue;
  /** 1-50000; lower is evaluated first. */
  readonly Priority: number;
  /** Conditions, all of which must match. */
  readonly Conditions: readonly CfnRuleCondition[];
  /** The action (exactly one). */
  readonly Actions: readonly CfnAction[];
  /** Tags. */
  readonly Tags?: readonly KeyValueTag[];
}

/** `AWS::ElasticLoadBalancingV2::ListenerRule` as `.toCloudFormation()` returns it. */
export type ListenerRuleCfn = CfnResource<'AWS::ElasticLoadBalancingV2::ListenerRule', ListenerRuleCfnProperties>;

interface ConditionSpec {
  readonly field: 'path-pattern' | 'host-header';
  readonly values: readonly string[];
}

interface RuleProps {
  readonly listenerArn: CfnValue;
  readonly priority?: number;
  readonly conditions: readonly ConditionSpec[];
  readonly action?: ActionSpec;
  readonly tags: readonly KeyValueTag[];
}

const pathPatternChars = /^[A-Za-z0-9_\-.$/~"'@:+&*?]+$/;
const hostHeaderChars = /^[A-Za-z0-9\-.*?]+$/;

/**
 * Immutable builder of a listener rule. `.build()` is only callable once a
 * priority, at least one condition and an action are set.
 *
 * @example
 * ```ts
 * listenerRule(listenerArn).priority(10).pathPattern('/*').forward(gatewayTgArn).build();
 * // { ListenerArn: listenerArn, Priority: 10,
 * //   Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
 * //   Actions: [{ Type: 'forward', TargetGroupArn: gatewayTgArn }] }
 * ```
 */
export class ListenerRuleBuilder<Missing extends ListenerRuleState = ListenerRuleInitial> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: RuleProps;

  /** @internal Use {@link listenerRule}. */
  constructor(props: RuleProps) {
    this.#props = freeze(props);
  }

  get #subject(): string {
    const p = this.#props.priority;
    return `listenerRule ${p === undefined ? '(no priority)' : String(p)}`;
  }

  #with<M extends ListenerRuleState>(changes: Partial<RuleProps>): ListenerRuleBuilder<M> {
    return new ListenerRuleBuilder<M>({ ...this.#props, ...changes });
  }

  /**
   * Evaluation order, 1-50000 (lower first); unique per listener.
   *
   * @example
   * ```ts
   * listenerRule(listenerArn).priority(10); // → { Priority: 10 }
   * ```
   */
  priority(priority: number): ListenerRuleBuilder<Exclude<Missing, 'priority'>> {
    checkInt(this.#subject, 'Priority', priority, intRule('priority', 1, 50000));
    return this.#with({ priority });
  }

  /**
   * Match request paths (1-3 patterns, each up to 128 characters; `*` and `?`
   * are wildcards; case-sensitive). At most one path-pattern condition per rule.
   *
   * @example
   * ```ts
   * listenerRule(listenerArn).pathPattern('/*'); // → { Conditions: [{ Field: 'path-pattern', Values: ['/*'] }] }
   * listenerRule(listenerArn).pathPattern('/api/*', '/health');
   * // → { Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*', '/health'] } }] }
   * ```
   */
  pathPattern(...patterns: string[]): ListenerRuleBuilder<Exclude<Missing, 'condition'>> {
    return this.#condition('path-pattern', patterns, pathPatternChars, 'letters, digits and _-.$/~"\'@:+&*?');
  }

  /**
   * Match the Host header (1-3 names, each up to 128 characters of letters,
   * digits, `-`, `.`, and the wildcards `*` `?`; case-insensitive). At most one
   * host-header condition per rule.
   *
   * @example
   * ```ts
   * listenerRule(listenerArn).hostHeader('api.example.com');
   * // → { Conditions: [{ Field: 'host-header', Values: ['api.example.com'] }] }
   * ```
   */
  hostHeader(...hosts: string[]): ListenerRuleBuilder<Exclude<Missing, 'condition'>> {
    return this.#condition('host-header', hosts, hostHeaderChars, 'letters, digits and -.*?');
  }

  #condition(
    field: ConditionSpec['field'],
    values: readonly string[],
    chars: RegExp,
    allowed: string,
  ): ListenerRuleBuilder<Exclude<Missing, 'condition'>> {
    const index = this.#props.conditions.length;
    const path = `Conditions[${index}]`;
    if (this.#props.conditions.some((c) => c.field === field)) {
      fail(this.#subject, `${path}.Field`, field, `a rule takes at most one ${field} condition; pass all values in one call`);
    }
    if (values.length < 1 || values.length > 3) {
      fail(this.#subject, `${path}.Values`, [...values], `a ${field} condition takes 1-3 values`);
    }
    values.forEach((value, i) => {
      if (typeof value !== 'string' || value.length < 1 || value.length > 128) {
        fail(this.#subject, `${path}.Values[${i}]`, value, `${field} values must be 1-128 characters`);
      }
      if (!chars.test(value)) {
        fail(this.#subject, `${path}.Values[${i}]`, value, `${field} values may contain only ${allowed}`);
      }
    });
    return this.#with({ conditions: [...this.#props.conditions, { field, values: [...values] }] });
  }

  /**
   * Action: forward to one target group (ARN) or to 1-5 weighted ones (weights 0-999).
   *
   * @example
   * ```ts
   * listenerRule(listenerArn).forward(gatewayTgArn); // → { Actions: [{ Type: 'forward', TargetGroupArn: gatewayTgArn }] }
   * listenerRule(listenerArn).forward([{ targetGroupArn: v1, weight: 80 }, { targetGroupArn: v2, weight: 20 }]);
   * // → { Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [
   * //      { TargetGroupArn: v1, Weight: 80 }, { TargetGroupArn: v2, Weight: 20 }] } }] }
   * ```
   */
  forward(targets: CfnValue | readonly ForwardTarget[], options: ForwardOptions = {}): ListenerRuleBuilder<Exclude<Missing, 'action'>> {
    return this.#with({ action: forwardSpec(this.#subject, 'Actions[0]', targets, options.stickinessSeconds) });
  }

  /**
   * Action: answer with a fixed response (status 2XX/4XX/5XX).
   *
   * @example
   * ```ts
   * listenerRule(listenerArn).fixedResponse(503, { contentType: 'text/plain', messageBody: 'maintenance' });
   * // → { Actions: [{ Type: 'fixed-response',
   * //      FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'maintenance' } }] }
   * ```
   */
  fixedResponse(statusCode: number, options: FixedResponseOptions = {}): ListenerRuleBuilder<Exclude<Missing, 'action'>> {
    return this.#with({ action: fixedResponseSpec(this.#subject, 'Actions[0]', statusCode, options) });
  }

  /**
   * Adds (or replaces) one tag.
   *
   * @example
   * ```ts
   * listenerRule(listenerArn).tag('ecskit:stack', 'lab'); // → { Tags: [{ Key: 'ecskit:stack', Value: 'lab' }] }
   * ```
   */
  tag(key: string, value: string): ListenerRuleBuilder<Missing> {
    return this.#with({ tags: addTags(this.#subject, this.#props.tags, [[key, value]]) });
  }

  /**
   * Adds (or replaces) several tags from a record.
   *
   * @example
   * ```ts
   * listenerRule(listenerArn).tags({ team: 'gateway' }); // → { Tags: [{ Key: 'team', Value: 'gateway' }] }
   * ```
   */
  tags(record: Readonly<Record<string, string>>): ListenerRuleBuilder<Missing> {
    return this.#with({ tags: addTags(this.#subject, this.#props.tags, Object.entries(record)) });
  }

  /**
   * The `CreateRule` input. A condition with one value uses the short form
   * `{ Field, Values }` (as the lab's CLI does); more values use
   * `PathPatternConfig`/`HostHeaderConfig`. Throws a `ValidationError` listing
   * every problem.
   *
   * @example
   * ```ts
   * listenerRule(listenerArn).priority(10).pathPattern('/*').forward(gatewayTgArn).build();
   * // { ListenerArn: listenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
   * //   Actions: [{ Type: 'forward', TargetGroupArn: gatewayTgArn }] }
   * ```
   */
  build(this: ListenerRuleBuilder<ListenerRuleReady>): CreateRuleCommandInput {
    const p = this.#props;
    throwIfProblems(this.#subject, [
      ...literalProblem('ListenerArn', p.listenerArn, 'listener ARN'),
      ...this.#problems(),
      ...actionLiteralProblems(p.action, 'Actions[0]'),
    ]);
    return compact({
      ListenerArn: literal(p.listenerArn),
      Priority: p.priority,
      Conditions: p.conditions.map((c): RuleCondition => {
        if (c.values.length === 1) return { Field: c.field, Values: [...c.values] };
        return c.field === 'path-pattern'
          ? { Field: c.field, PathPatternConfig: { Values: [...c.values] } }
          : { Field: c.field, HostHeaderConfig: { Values: [...c.values] } };
      }),
      Actions: sdkActions(p.action),
      Tags: cfnTags(p.tags),
    });
  }

  /**
   * The `AWS::ElasticLoadBalancingV2::ListenerRule` resource; conditions always
   * use `PathPatternConfig`/`HostHeaderConfig`.
   *
   * @example
   * ```ts
   * listenerRule(cfnRef('HttpListener')).priority(10).pathPattern('/*').forward(cfnRef('GatewayTargetGroup')).toCloudFormation();
   * // { Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
   * //   Properties: { ListenerArn: { Ref: 'HttpListener' }, Priority: 10,
   * //     Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
   * //     Actions: [{ Type: 'forward', TargetGroupArn: { Ref: 'GatewayTargetGroup' } }] } }
   * ```
   */
  toCloudFormation(this: ListenerRuleBuilder<ListenerRuleReady>): ListenerRuleCfn {
    const p = this.#props;
    return cfnResource(this.#subject, this.#problems(), 'AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: p.listenerArn,
      Priority: p.priority as number,
      Conditions: p.conditions.map((c): CfnRuleCondition =>
        c.field === 'path-pattern'
          ? { Field: c.field, PathPatternConfig: { Values: [...c.values] } }
          : { Field: c.field, HostHeaderConfig: { Values: [...c.values] } },
      ),
      Actions: cfnActions(p.action),
      Tags: cfnTags(p.tags),
    });
  }

  #problems(): Problem[] {
    const p = this.#props;
    const problems: Problem[] = [];
    if (p.priority === undefined) {
      problems.push({ path: 'Priority', value: undefined, message: 'a rule needs a priority 1-50000; call .priority(n)' });
    }
    if (p.conditions.length === 0) {
      problems.push({
        path: 'Conditions',
        value: [],
        message: 'a rule needs at least one condition; call .pathPattern(...) or .hostHeader(...)',
      });
    }
    const total = p.conditions.reduce((sum, c) => sum + c.values.length, 0);
    if (total > 5) {
      problems.push({
        path: 'Conditions',
        value: p.conditions.flatMap((c) => c.values),
        message: `a rule matches at most 5 values across its conditions (${total} given); split it into two rules`,
      });
    }
    if (p.action === undefined) {
      problems.push({
        path: 'Actions',
        value: undefined,
        message: 'a rule needs an action; call .forward(targetGroupArn) or .fixedResponse(statusCode)',
      });
    }
    return problems;
  }
}

/**
 * Starts a rule on a listener (ARN, or an intrinsic such as
 * `{ Ref: 'HttpListener' }`). A literal that is not a listener ARN throws at once.
 *
 * @example
 * ```ts
 * listenerRule('arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/ecskit-lab/0123456789abcdef/1111222233334444')
 *   .priority(10).pathPattern('/*')
 *   .forward('arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/gateway-tg/fedcba9876543210')
 *   .build();
 * // { ListenerArn: '…listener/app/ecskit-lab/0123456789abcdef/1111222233334444', Priority: 10,
 * //   Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
 * //   Actions: [{ Type: 'forward', TargetGroupArn: '…targetgroup/gateway-tg/fedcba9876543210' }] }
 * ```
 */
export function listenerRule(listenerArn: CfnValue): ListenerRuleBuilder<ListenerRuleInitial> {
  assertCfnValue(
    'listenerRule',
    'ListenerArn',
    listenerArn,
    patterns.listenerArn,
    'listener ARN must look like "arn:aws:elasticloadbalancing:REGION:ACCOUNT:listener/app/LB-NAME/LB-ID/ID"',
  );
  return new ListenerRuleBuilder({ listenerArn, conditions: [], tags: [] });
}
