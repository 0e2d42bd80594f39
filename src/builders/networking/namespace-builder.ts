/**
 * Cloud Map private DNS namespace builder.
 *
 * @module
 */
import type { CreatePrivateDnsNamespaceCommandInput } from '@aws-sdk/client-servicediscovery';
import type { CfnResource, CfnValue } from '../shared/cfn-value.js';
import {
  addTags,
  assertCfnValue,
  type KeyValueTag,
  literal,
  literalProblem,
  patterns,
} from './networking-rules.js';
import { checkInt, intRule, compact, fail, freeze, throwIfProblems } from '../shared/validation.js';
import { cfnResource } from '../shared/cfn-resource.js';
import { cfnTags } from '../shared/tags.js';
import type { Problem } from '../validation-error.js';

/**
 * The required fields of a {@link PrivateDnsNamespaceBuilder}: its type parameter is
 * the union of those not set yet (`never` once all are).
 * - `'vpc'`: set by `.vpc()`.
 */
export type PrivateDnsNamespaceState = 'vpc';

/** Every required field missing: what the factory returns. */
export type PrivateDnsNamespaceInitial = PrivateDnsNamespaceState;

/** No required field missing: `.build()` and `.toCloudFormation()` accept it. */
export type PrivateDnsNamespaceReady = never;

interface NamespaceProps {
  readonly name: string;
  readonly vpc?: CfnValue;
  readonly description?: string;
  readonly soaTtlSeconds?: number;
  readonly tags: readonly KeyValueTag[];
}

/** The `Properties` of an `AWS::ServiceDiscovery::PrivateDnsNamespace`. */
export interface PrivateDnsNamespaceCfnProperties {
  /** Namespace name, e.g. `local`. */
  readonly Name: string;
  /** VPC id or intrinsic. */
  readonly Vpc: CfnValue;
  /** Free text. */
  readonly Description?: string;
  /** SOA record settings. */
  readonly Properties?: {
    /** DNS settings. */
    readonly DnsProperties: {
      /** The namespace's SOA record. */
      readonly SOA: {
        /** SOA TTL in seconds. */
        readonly TTL: number;
      };
    };
  };
  /** Tags. */
  readonly Tags?: readonly KeyValueTag[];
}

/** `AWS::ServiceDiscovery::PrivateDnsNamespace` as `.toCloudFormation()` returns it. */
export type PrivateDnsNamespaceCfn = CfnResource<
  'AWS::ServiceDiscovery::PrivateDnsNamespace',
  PrivateDnsNamespaceCfnProperties
>;

/** DNS name: labels of letters, digits and hyphens (≤ 63, no edge hyphen), ≤ 253 in all. */
const dnsName = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;

/**
 * Immutable builder of a Cloud Map private DNS namespace. Each method returns a
 * new builder; `.build()` is only callable once `.vpc()` is set.
 *
 * @example
 * ```ts
 * privateDnsNamespace('local')
 *   .vpc('vpc-0abc1234def567890')
 *   .description('Service discovery for Flask inventory app')
 *   .build();
 * // { Name: 'local', Vpc: 'vpc-0abc1234def567890',
 * //   Description: 'Service discovery for Flask inventory app' }
 * ```
 */
export class PrivateDnsNamespaceBuilder<Missing extends PrivateDnsNamespaceState = PrivateDnsNamespaceInitial> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: NamespaceProps;

  /** @internal Use {@link privateDnsNamespace}. */
  constructor(props: NamespaceProps) {
    this.#props = freeze(props);
  }

  get #subject(): string {
    return `privateDnsNamespace ${JSON.stringify(this.#props.name)}`;
  }

  /**
   * The VPC the namespace is visible in: an id (`vpc-…`) or an intrinsic such as `{ Ref: 'VpcId' }`.
   *
   * @example
   * ```ts
   * privateDnsNamespace('local').vpc('vpc-0abc1234def567890'); // → { Vpc: 'vpc-0abc1234def567890' }
   * ```
   */
  vpc(vpcId: CfnValue): PrivateDnsNamespaceBuilder<PrivateDnsNamespaceReady> {
    assertCfnValue(this.#subject, 'Vpc', vpcId, patterns.vpcId, 'VPC id must look like "vpc-0abc1234"');
    return new PrivateDnsNamespaceBuilder({ ...this.#props, vpc: vpcId });
  }

  /**
   * Free-text description (at most 1024 characters).
   *
   * @example
   * ```ts
   * privateDnsNamespace('local').description('Service discovery'); // → { Description: 'Service discovery' }
   * ```
   */
  description(text: string): PrivateDnsNamespaceBuilder<Missing> {
    if (typeof text !== 'string' || text.length > 1024) {
      fail(this.#subject, 'Description', text, 'description must be a string of at most 1024 characters');
    }
    return new PrivateDnsNamespaceBuilder({ ...this.#props, description: text });
  }

  /**
   * TTL of the namespace's SOA record, in seconds (0-2147483647).
   *
   * @example
   * ```ts
   * privateDnsNamespace('local').soaTtlSeconds(60);
   * // → { Properties: { DnsProperties: { SOA: { TTL: 60 } } } }
   * ```
   */
  soaTtlSeconds(ttl: number): PrivateDnsNamespaceBuilder<Missing> {
    checkInt(this.#subject, 'Properties.DnsProperties.SOA.TTL', ttl, intRule('SOA TTL', 0, 2147483647));
    return new PrivateDnsNamespaceBuilder({ ...this.#props, soaTtlSeconds: ttl });
  }

  /**
   * Adds (or replaces) one tag.
   *
   * @example
   * ```ts
   * privateDnsNamespace('local').tag('ecskit:stack', 'lab'); // → { Tags: [{ Key: 'ecskit:stack', Value: 'lab' }] }
   * ```
   */
  tag(key: string, value: string): PrivateDnsNamespaceBuilder<Missing> {
    return new PrivateDnsNamespaceBuilder({ ...this.#props, tags: addTags(this.#subject, this.#props.tags, [[key, value]]) });
  }

  /**
   * Adds (or replaces) several tags from a record.
   *
   * @example
   * ```ts
   * privateDnsNamespace('local').tags({ team: 'inventory' }); // → { Tags: [{ Key: 'team', Value: 'inventory' }] }
   * ```
   */
  tags(record: Readonly<Record<string, string>>): PrivateDnsNamespaceBuilder<Missing> {
    return new PrivateDnsNamespaceBuilder({ ...this.#props, tags: addTags(this.#subject, this.#props.tags, Object.entries(record)) });
  }

  /**
   * The `CreatePrivateDnsNamespace` input. Throws a `ValidationError` listing
   * every problem (e.g. an intrinsic where the SDK needs the VPC id).
   *
   * @example
   * ```ts
   * privateDnsNamespace('local').vpc('vpc-0abc1234def567890').build();
   * // { Name: 'local', Vpc: 'vpc-0abc1234def567890' }
   * ```
   */
  build(this: PrivateDnsNamespaceBuilder<PrivateDnsNamespaceReady>): CreatePrivateDnsNamespaceCommandInput {
    const p = this.#props;
    throwIfProblems(this.#subject, [...this.#problems(), ...literalProblem('Vpc', p.vpc, 'VPC id')]);
    return compact({
      Name: p.name,
      Vpc: literal(p.vpc),
      Description: p.description,
      Properties: this.#soa(),
      Tags: cfnTags(p.tags),
    });
  }

  /**
   * The `AWS::ServiceDiscovery::PrivateDnsNamespace` resource (its `Ref` is the namespace id).
   *
   * @example
   * ```ts
   * privateDnsNamespace('local').vpc(cfnRef('VpcId')).description('Service discovery for microservices').toCloudFormation();
   * // { Type: 'AWS::ServiceDiscovery::PrivateDnsNamespace',
   * //   Properties: { Name: 'local', Vpc: { Ref: 'VpcId' }, Description: 'Service discovery for microservices' } }
   * ```
   */
  toCloudFormation(this: PrivateDnsNamespaceBuilder<PrivateDnsNamespaceReady>): PrivateDnsNamespaceCfn {
    const p = this.#props;
    return cfnResource(this.#subject, this.#problems(), 'AWS::ServiceDiscovery::PrivateDnsNamespace', {
      Name: p.name,
      Vpc: p.vpc as CfnValue,
      Description: p.description,
      Properties: this.#soa(),
      Tags: cfnTags(p.tags),
    });
  }

  #problems(): Problem[] {
    if (this.#props.vpc !== undefined) return [];
    return [{ path: 'Vpc', value: undefined, message: 'a private DNS namespace needs a VPC; call .vpc(id)' }];
  }

  #soa(): { DnsProperties: { SOA: { TTL: number } } } | undefined {
    const ttl = this.#props.soaTtlSeconds;
    return ttl === undefined ? undefined : { DnsProperties: { SOA: { TTL: ttl } } };
  }
}

/**
 * Starts a Cloud Map private DNS namespace. The name must be a DNS name
 * (labels of letters, digits and hyphens, at most 253 characters); a bad name
 * throws at once.
 *
 * @example
 * ```ts
 * privateDnsNamespace('local')
 *   .vpc('vpc-0abc1234def567890')
 *   .description('Service discovery for Flask inventory app')
 *   .build();
 * // { Name: 'local', Vpc: 'vpc-0abc1234def567890', Description: 'Service discovery for Flask inventory app' }
 * ```
 */
export function privateDnsNamespace(name: string): PrivateDnsNamespaceBuilder<PrivateDnsNamespaceInitial> {
  const subject = `privateDnsNamespace ${JSON.stringify(name)}`;
  if (typeof name !== 'string' || name.length > 253 || !dnsName.test(name)) {
    fail(
      subject,
      'Name',
      name,
      'namespace name must be a DNS name: dot-separated labels of letters, digits and hyphens (1-63 each, no leading or trailing hyphen), at most 253 characters',
    );
  }
  return new PrivateDnsNamespaceBuilder({ name, tags: [] });
}
