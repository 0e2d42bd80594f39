/**
 * Elastic Load Balancing v2 Application Load Balancer builder.
 *
 * @module
 */
import type { CreateLoadBalancerCommandInput, IpAddressType, LoadBalancerSchemeEnum } from '@aws-sdk/client-elastic-load-balancing-v2';
import { type CfnIntrinsic, type CfnResource, type CfnValue, isCfnIntrinsic } from '../shared/cfn-value.js';
import {
  addTags,
  assertCfnValue,
  assertElbName,
  type KeyValueTag,
  literalProblem,
  patterns,
} from './networking-rules.js';
import { assertOneOf, compact, fail, freeze, throwIfProblems } from '../shared/validation.js';
import { cfnResource } from '../shared/cfn-resource.js';
import { cfnTags } from '../shared/tags.js';
import type { Problem } from '../validation-error.js';

/**
 * The required fields of a {@link LoadBalancerBuilder}: its type parameter is
 * the union of those not set yet (`never` once all are).
 * - `'subnets'`: set by `.subnets()`.
 */
export type LoadBalancerState = 'subnets';

/** Subnet or security-group ids: a list of ids/intrinsics, or one intrinsic naming a whole list (`{ Ref: 'SubnetIds' }`). */
export type CfnList = readonly CfnValue[] | CfnIntrinsic;

/** The `Properties` of an `AWS::ElasticLoadBalancingV2::LoadBalancer`. */
export interface LoadBalancerCfnProperties {
  /** Load balancer name. */
  readonly Name: string;
  /** Always `application`. */
  readonly Type: 'application';
  /** `internet-facing` or `internal`. */
  readonly Scheme?: LoadBalancerSchemeEnum;
  /** Subnets in two or more Availability Zones. */
  readonly Subnets: CfnList;
  /** Security groups. */
  readonly SecurityGroups?: CfnList;
  /** `ipv4`, `dualstack` or `dualstack-without-public-ipv4`. */
  readonly IpAddressType?: IpAddressType;
  /** Tags. */
  readonly Tags?: readonly KeyValueTag[];
}

/** `AWS::ElasticLoadBalancingV2::LoadBalancer` as `.toCloudFormation()` returns it. */
export type LoadBalancerCfn = CfnResource<'AWS::ElasticLoadBalancingV2::LoadBalancer', LoadBalancerCfnProperties>;

/** Every required field missing: what the factory returns. */
export type LoadBalancerInitial = LoadBalancerState;

/** No required field missing: `.build()` and `.toCloudFormation()` accept it. */
export type LoadBalancerReady = never;

interface LoadBalancerProps {
  readonly name: string;
  readonly scheme?: LoadBalancerSchemeEnum;
  readonly subnets?: CfnList;
  readonly securityGroups?: CfnList;
  readonly ipAddressType?: IpAddressType;
  readonly tags: readonly KeyValueTag[];
}

const ipAddressTypes: readonly IpAddressType[] = ['ipv4', 'dualstack', 'dualstack-without-public-ipv4'];

/**
 * Immutable builder of an Application Load Balancer. `.build()` is only
 * callable once subnets are set.
 *
 * @example
 * ```ts
 * loadBalancer('ecskit-lab-alb')
 *   .scheme('internet-facing')
 *   .subnets(['subnet-0aaa1111', 'subnet-0bbb2222'])
 *   .securityGroups(['sg-0123456789'])
 *   .build();
 * // { Name: 'ecskit-lab-alb', Type: 'application', Scheme: 'internet-facing',
 * //   Subnets: ['subnet-0aaa1111', 'subnet-0bbb2222'], SecurityGroups: ['sg-0123456789'] }
 * ```
 */
export class LoadBalancerBuilder<Missing extends LoadBalancerState = LoadBalancerInitial> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: LoadBalancerProps;

  /** @internal Use {@link loadBalancer}. */
  constructor(props: LoadBalancerProps) {
    this.#props = freeze(props);
  }

  get #subject(): string {
    return `loadBalancer ${JSON.stringify(this.#props.name)}`;
  }

  #with<M extends LoadBalancerState>(changes: Partial<LoadBalancerProps>): LoadBalancerBuilder<M> {
    return new LoadBalancerBuilder<M>({ ...this.#props, ...changes });
  }

  /**
   * `internet-facing` (public DNS name; AWS's default) or `internal` (private addresses only).
   *
   * @example
   * ```ts
   * loadBalancer('ecskit-lab-alb').scheme('internal'); // → { Scheme: 'internal' }
   * ```
   */
  scheme(scheme: LoadBalancerSchemeEnum): LoadBalancerBuilder<Missing> {
    assertOneOf(this.#subject, 'Scheme', scheme, ['internet-facing', 'internal'] as const);
    return this.#with({ scheme });
  }

  /**
   * Subnets, in at least two Availability Zones: ids (`subnet-…`), intrinsics,
   * or one intrinsic naming a list parameter (`{ Ref: 'SubnetIds' }`).
   *
   * @example
   * ```ts
   * loadBalancer('ecskit-lab-alb').subnets(['subnet-0aaa1111', 'subnet-0bbb2222']);
   * // → { Subnets: ['subnet-0aaa1111', 'subnet-0bbb2222'] }
   * ```
   */
  subnets(subnets: CfnList): LoadBalancerBuilder<LoadBalancerReady> {
    this.#assertList('Subnets', subnets, patterns.subnetId, 'subnet id must look like "subnet-0abc1234"');
    return this.#with({ subnets: Array.isArray(subnets) ? [...subnets] : subnets });
  }

  /**
   * Security groups (1-5): ids (`sg-…`), intrinsics, or one list intrinsic.
   *
   * @example
   * ```ts
   * loadBalancer('ecskit-lab-alb').securityGroups(['sg-0123456789']); // → { SecurityGroups: ['sg-0123456789'] }
   * ```
   */
  securityGroups(groups: CfnList): LoadBalancerBuilder<Missing> {
    this.#assertList('SecurityGroups', groups, patterns.securityGroupId, 'security group id must look like "sg-0abc1234"');
    if (Array.isArray(groups) && (groups.length < 1 || groups.length > 5)) {
      fail(this.#subject, 'SecurityGroups', [...groups], 'give 1-5 security groups');
    }
    return this.#with({ securityGroups: Array.isArray(groups) ? [...groups] : groups });
  }

  /**
   * `ipv4`, `dualstack`, or `dualstack-without-public-ipv4` (the last two for internet-facing load balancers: internal ones must use `ipv4`).
   *
   * @example
   * ```ts
   * loadBalancer('ecskit-lab-alb').ipAddressType('dualstack'); // → { IpAddressType: 'dualstack' }
   * ```
   */
  ipAddressType(type: IpAddressType): LoadBalancerBuilder<Missing> {
    assertOneOf(this.#subject, 'IpAddressType', type, ipAddressTypes);
    return this.#with({ ipAddressType: type });
  }

  /**
   * Adds (or replaces) one tag.
   *
   * @example
   * ```ts
   * loadBalancer('ecskit-lab-alb').tag('ecskit:stack', 'lab'); // → { Tags: [{ Key: 'ecskit:stack', Value: 'lab' }] }
   * ```
   */
  tag(key: string, value: string): LoadBalancerBuilder<Missing> {
    return this.#with({ tags: addTags(this.#subject, this.#props.tags, [[key, value]]) });
  }

  /**
   * Adds (or replaces) several tags from a record.
   *
   * @example
   * ```ts
   * loadBalancer('ecskit-lab-alb').tags({ team: 'gateway' }); // → { Tags: [{ Key: 'team', Value: 'gateway' }] }
   * ```
   */
  tags(record: Readonly<Record<string, string>>): LoadBalancerBuilder<Missing> {
    return this.#with({ tags: addTags(this.#subject, this.#props.tags, Object.entries(record)) });
  }

  /**
   * The `CreateLoadBalancer` input (`Type: 'application'`). Throws a
   * `ValidationError` listing every problem (fewer than two subnets,
   * intrinsics where ids are needed, …).
   *
   * @example
   * ```ts
   * loadBalancer('ecskit-lab-alb').subnets(['subnet-0aaa1111', 'subnet-0bbb2222']).build();
   * // { Name: 'ecskit-lab-alb', Type: 'application', Subnets: ['subnet-0aaa1111', 'subnet-0bbb2222'] }
   * ```
   */
  build(this: LoadBalancerBuilder<LoadBalancerReady>): CreateLoadBalancerCommandInput {
    const p = this.#props;
    throwIfProblems(this.#subject, [
      ...this.#problems(),
      ...this.#literalProblems('Subnets', p.subnets, 'subnet id'),
      ...this.#literalProblems('SecurityGroups', p.securityGroups, 'security group id'),
    ]);
    return compact({
      Name: p.name,
      Type: 'application' as const,
      Scheme: p.scheme,
      Subnets: p.subnets as string[] | undefined,
      SecurityGroups: p.securityGroups as string[] | undefined,
      IpAddressType: p.ipAddressType,
      Tags: cfnTags(p.tags),
    });
  }

  /**
   * The `AWS::ElasticLoadBalancingV2::LoadBalancer` resource (its `Ref` is the
   * ARN; `Fn::GetAtt [X, DNSName]` its DNS name).
   *
   * @example
   * ```ts
   * loadBalancer('ecskit-lab-alb').subnets(cfnRef('SubnetIds')).securityGroups([cfnRef('AlbSecurityGroup')]).toCloudFormation();
   * // { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
   * //   Properties: { Name: 'ecskit-lab-alb', Type: 'application', Subnets: { Ref: 'SubnetIds' },
   * //     SecurityGroups: [{ Ref: 'AlbSecurityGroup' }] } }
   * ```
   */
  toCloudFormation(this: LoadBalancerBuilder<LoadBalancerReady>): LoadBalancerCfn {
    const p = this.#props;
    return cfnResource(this.#subject, this.#problems(), 'AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Name: p.name,
      Type: 'application' as const,
      Scheme: p.scheme,
      Subnets: p.subnets as CfnList,
      SecurityGroups: p.securityGroups,
      IpAddressType: p.ipAddressType,
      Tags: cfnTags(p.tags),
    });
  }

  #assertList(path: string, list: CfnList, pattern: RegExp, rule: string): void {
    if (isCfnIntrinsic(list)) return;
    if (!Array.isArray(list)) fail(this.#subject, path, list, 'give a list of ids or one CloudFormation list intrinsic');
    const seen = new Set<string>();
    list.forEach((item, i) => {
      assertCfnValue(this.#subject, `${path}[${i}]`, item, pattern, rule);
      const key = JSON.stringify(item);
      if (seen.has(key)) fail(this.#subject, `${path}[${i}]`, item, 'each id may appear once');
      seen.add(key);
    });
  }

  #literalProblems(path: string, list: CfnList | undefined, what: string): Problem[] {
    if (list === undefined) return [];
    if (!Array.isArray(list)) return literalProblem(path, list, `${what} list`);
    return list.flatMap((item, i) => literalProblem(`${path}[${i}]`, item, what));
  }

  #problems(): Problem[] {
    const p = this.#props;
    const problems: Problem[] = [];
    if (p.subnets === undefined) {
      problems.push({
        path: 'Subnets',
        value: undefined,
        message: 'an Application Load Balancer needs subnets in at least two Availability Zones; call .subnets([...])',
      });
    } else if (Array.isArray(p.subnets) && p.subnets.length < 2) {
      problems.push({
        path: 'Subnets',
        value: [...p.subnets],
        message: 'an Application Load Balancer needs subnets in at least two Availability Zones; give two or more subnets',
      });
    }
    // The API reference: "Internal load balancers must use ipv4."
    if (p.scheme === 'internal' && p.ipAddressType !== undefined && p.ipAddressType !== 'ipv4') {
      problems.push({
        path: 'IpAddressType',
        value: p.ipAddressType,
        message: `internal load balancers must use ipv4; drop .ipAddressType('${p.ipAddressType}') or use scheme 'internet-facing'`,
      });
    }
    return problems;
  }
}

/**
 * Starts an Application Load Balancer. The name is 1-32 letters, digits and
 * hyphens, not beginning or ending with a hyphen and not beginning with
 * `internal-`; a bad name throws at once.
 *
 * @example
 * ```ts
 * loadBalancer('ecskit-lab-alb').scheme('internet-facing').subnets(['subnet-0aaa1111', 'subnet-0bbb2222']).build();
 * // { Name: 'ecskit-lab-alb', Type: 'application', Scheme: 'internet-facing',
 * //   Subnets: ['subnet-0aaa1111', 'subnet-0bbb2222'] }
 * ```
 */
export function loadBalancer(name: string): LoadBalancerBuilder<LoadBalancerInitial> {
  const subject = `loadBalancer ${JSON.stringify(name)}`;
  assertElbName(subject, 'Name', name, 'load balancer');
  if (name.toLowerCase().startsWith('internal-')) {
    fail(subject, 'Name', name, 'load balancer name must not begin with "internal-" (AWS reserves it for internal DNS names)');
  }
  return new LoadBalancerBuilder({ name, tags: [] });
}
