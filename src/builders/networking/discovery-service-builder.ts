/**
 * Cloud Map discovery service builder, plus the rule that ties its DNS record
 * types to an ECS task's network mode.
 *
 * @module
 */
import type { CreateServiceCommandInput, RecordType, RoutingPolicy } from '@aws-sdk/client-servicediscovery';
import type { CfnResource, CfnValue } from '../shared/cfn-value.js';
import {
  addTags,
  assertCfnValue,
  type KeyValueTag,
  literal,
  literalProblem,
  patterns,
} from './networking-rules.js';
import { checkInt, intRule, assertOneOf, compact, fail, freeze, throwIfProblems } from '../shared/validation.js';
import { cfnResource } from '../shared/cfn-resource.js';
import { cfnTags } from '../shared/tags.js';
import type { Problem } from '../validation-error.js';

/**
 * The required fields of a {@link DiscoveryServiceBuilder}: its type parameter is
 * the union of those not set yet (`never` once all are).
 * - `'namespace'`: set by `.namespaceId()`.
 */
export type DiscoveryServiceState = 'namespace';

/** One DNS record Cloud Map creates per registered instance. */
export interface DiscoveryDnsRecord {
  /** `A` (IPv4), `AAAA` (IPv6), `SRV` (host and port) or `CNAME`. */
  readonly type: RecordType;
  /** How long resolvers cache the record, in seconds (0-2147483647). */
  readonly ttlSeconds: number;
}

/** Every required field missing: what the factory returns. */
export type DiscoveryServiceInitial = DiscoveryServiceState;

/** No required field missing: `.build()` and `.toCloudFormation()` accept it. */
export type DiscoveryServiceReady = never;

interface DiscoveryProps {
  readonly name: string;
  readonly namespaceId?: CfnValue;
  readonly description?: string;
  readonly records: readonly DiscoveryDnsRecord[];
  readonly routingPolicy?: RoutingPolicy;
  readonly failureThreshold?: number;
  readonly tags: readonly KeyValueTag[];
}

/** The `Properties` of an `AWS::ServiceDiscovery::Service`. */
export interface DiscoveryServiceCfnProperties {
  /** Service name, the first label of its DNS name (`invsys` → `invsys.local`). */
  readonly Name: string;
  /** Namespace id or intrinsic (`{ Ref: 'ServiceDiscoveryNamespace' }`). */
  readonly NamespaceId: CfnValue;
  /** Free text. */
  readonly Description?: string;
  /** DNS records and routing policy. */
  readonly DnsConfig?: {
    /** `MULTIVALUE` or `WEIGHTED`. */
    readonly RoutingPolicy?: RoutingPolicy;
    /** One record per type. */
    readonly DnsRecords: readonly {
      /** Record type. */
      readonly Type: RecordType;
      /** TTL in seconds. */
      readonly TTL: number;
    }[];
  };
  /** Custom health check (ECS reports task health). */
  readonly HealthCheckCustomConfig?: {
    /** 1-10 (AWS applies 1). */
    readonly FailureThreshold: number;
  };
  /** Tags. */
  readonly Tags?: readonly KeyValueTag[];
}

/** `AWS::ServiceDiscovery::Service` as `.toCloudFormation()` returns it. */
export type DiscoveryServiceCfn = CfnResource<'AWS::ServiceDiscovery::Service', DiscoveryServiceCfnProperties>;

/** ECS task network modes, as far as service discovery cares. */
export type DiscoveryNetworkMode = 'awsvpc' | 'bridge' | 'host' | 'none';

const recordTypes: readonly RecordType[] = ['A', 'AAAA', 'SRV', 'CNAME'];
const routingPolicies: readonly RoutingPolicy[] = ['MULTIVALUE', 'WEIGHTED'];
/** Cloud Map's own pattern for a service name in a DNS namespace. */
const serviceName =
  /^(?=.{1,127}$)([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9])(\.([a-zA-Z0-9_][a-zA-Z0-9-_]{0,61}[a-zA-Z0-9_]|[a-zA-Z0-9]))*$/;

/**
 * The problems of registering an ECS service whose task definition uses
 * `networkMode` into a discovery service with these DNS record types (ECS
 * rules: `awsvpc` takes A, AAAA or SRV records; `bridge` and `host` only SRV,
 * because only SRV carries the dynamic host port; `none` cannot register).
 * An ECS service builder calls this with the path of its registry.
 *
 * @internal
 * @example
 * ```ts
 * discoveryRecordProblems(['A'], 'bridge', 'serviceRegistries[0]');
 * // [{ path: 'serviceRegistries[0]', value: ['A'],
 * //    message: 'bridge network mode needs SRV records (A/AAAA records carry a task IP only in awsvpc mode); use .dnsRecord(\'SRV\', ttl) on the discovery service, or networkMode awsvpc' }]
 * ```
 */
export function discoveryRecordProblems(
  types: readonly RecordType[],
  networkMode: DiscoveryNetworkMode,
  path: string,
): Problem[] {
  if (networkMode === 'none') {
    return [
      {
        path,
        value: networkMode,
        message: 'tasks with networkMode none cannot be registered in Cloud Map; use awsvpc, bridge or host',
      },
    ];
  }
  if (types.includes('CNAME')) {
    return [
      {
        path,
        value: [...types],
        message: 'ECS cannot register tasks in a discovery service with CNAME records; use A or SRV records',
      },
    ];
  }
  if ((networkMode === 'bridge' || networkMode === 'host') && types.length > 0 && !types.includes('SRV')) {
    return [
      {
        path,
        value: [...types],
        message: `${networkMode} network mode needs SRV records (A/AAAA records carry a task IP only in awsvpc mode); use .dnsRecord('SRV', ttl) on the discovery service, or networkMode awsvpc`,
      },
    ];
  }
  return [];
}

/**
 * True when an ECS service registry for these record types must name the
 * port (`containerName` + `containerPort`, or `port`): SRV records carry it.
 *
 * @internal
 * @example
 * ```ts
 * discoveryNeedsPort(['SRV']); // true
 * discoveryNeedsPort(['A']); // false
 * ```
 */
export function discoveryNeedsPort(types: readonly RecordType[]): boolean {
  return types.includes('SRV');
}

/**
 * Immutable builder of a Cloud Map service in a DNS namespace. `.build()` is
 * only callable once `.namespaceId()` is set.
 *
 * @example
 * ```ts
 * discoveryService('invsys')
 *   .namespaceId('ns-abcd1234efgh5678')
 *   .dnsRecord('A', 60)
 *   .customHealthCheck({ failureThreshold: 1 })
 *   .description('Service discovery for inventory system')
 *   .build();
 * // { Name: 'invsys', NamespaceId: 'ns-abcd1234efgh5678',
 * //   Description: 'Service discovery for inventory system',
 * //   DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] },
 * //   HealthCheckCustomConfig: { FailureThreshold: 1 } }
 * ```
 */
export class DiscoveryServiceBuilder<Missing extends DiscoveryServiceState = DiscoveryServiceInitial> {
  /** @internal Type-level record of what is still missing. */
  declare readonly ['~missing']: Missing;
  readonly #props: DiscoveryProps;

  /** @internal Use {@link discoveryService}. */
  constructor(props: DiscoveryProps) {
    this.#props = freeze(props);
  }

  get #subject(): string {
    return `discoveryService ${JSON.stringify(this.#props.name)}`;
  }

  /** The DNS record types configured so far, for the service builder's registry checks. */
  get recordTypes(): readonly RecordType[] {
    return this.#props.records.map((r) => r.type);
  }

  /**
   * The namespace (`ns-…` id or ARN, or an intrinsic like `{ Ref: 'ServiceDiscoveryNamespace' }`).
   *
   * @example
   * ```ts
   * discoveryService('invsys').namespaceId('ns-abcd1234efgh5678'); // → { NamespaceId: 'ns-abcd1234efgh5678' }
   * ```
   */
  namespaceId(id: CfnValue): DiscoveryServiceBuilder<DiscoveryServiceReady> {
    assertCfnValue(
      this.#subject,
      'NamespaceId',
      id,
      patterns.namespaceId,
      'namespace id must look like "ns-abcd1234efgh5678" (or be the namespace ARN)',
    );
    return new DiscoveryServiceBuilder({ ...this.#props, namespaceId: id });
  }

  /**
   * Adds a DNS record type with its TTL in seconds. Each type may appear once.
   *
   * @example
   * ```ts
   * discoveryService('invsys').dnsRecord('A', 60); // → { DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] } }
   * ```
   */
  dnsRecord(type: RecordType, ttlSeconds: number): DiscoveryServiceBuilder<Missing> {
    const index = this.#props.records.length;
    const path = `DnsConfig.DnsRecords[${index}]`;
    assertOneOf(this.#subject, `${path}.Type`, type, recordTypes);
    checkInt(this.#subject, `${path}.TTL`, ttlSeconds, intRule('TTL', 0, 2147483647));
    if (this.#props.records.some((r) => r.type === type)) {
      fail(this.#subject, `${path}.Type`, type, `each record type may appear once; ${type} is already configured`);
    }
    return new DiscoveryServiceBuilder({ ...this.#props, records: [...this.#props.records, { type, ttlSeconds }] });
  }

  /**
   * The routing policy for all records: `MULTIVALUE` (up to eight healthy
   * answers; AWS's default) or `WEIGHTED` (one random answer; required for CNAME).
   *
   * @example
   * ```ts
   * discoveryService('invsys').routingPolicy('MULTIVALUE'); // → { DnsConfig: { RoutingPolicy: 'MULTIVALUE', … } }
   * ```
   */
  routingPolicy(policy: RoutingPolicy): DiscoveryServiceBuilder<Missing> {
    assertOneOf(this.#subject, 'DnsConfig.RoutingPolicy', policy, routingPolicies);
    return new DiscoveryServiceBuilder({ ...this.#props, routingPolicy: policy });
  }

  /**
   * A custom health check: ECS reports each task's health to Cloud Map.
   * `failureThreshold` is 1-10 (AWS now always applies 1).
   *
   * @example
   * ```ts
   * discoveryService('invsys').customHealthCheck({ failureThreshold: 1 });
   * // → { HealthCheckCustomConfig: { FailureThreshold: 1 } }
   * ```
   */
  customHealthCheck(options: { readonly failureThreshold: number } = { failureThreshold: 1 }): DiscoveryServiceBuilder<Missing> {
    checkInt(this.#subject, 'HealthCheckCustomConfig.FailureThreshold', options.failureThreshold, intRule('failureThreshold', 1, 10));
    return new DiscoveryServiceBuilder({ ...this.#props, failureThreshold: options.failureThreshold });
  }

  /**
   * Free-text description (at most 1024 characters).
   *
   * @example
   * ```ts
   * discoveryService('invsys').description('Inventory'); // → { Description: 'Inventory' }
   * ```
   */
  description(text: string): DiscoveryServiceBuilder<Missing> {
    if (typeof text !== 'string' || text.length > 1024) {
      fail(this.#subject, 'Description', text, 'description must be a string of at most 1024 characters');
    }
    return new DiscoveryServiceBuilder({ ...this.#props, description: text });
  }

  /**
   * Adds (or replaces) one tag.
   *
   * @example
   * ```ts
   * discoveryService('invsys').tag('ecskit:stack', 'lab'); // → { Tags: [{ Key: 'ecskit:stack', Value: 'lab' }] }
   * ```
   */
  tag(key: string, value: string): DiscoveryServiceBuilder<Missing> {
    return new DiscoveryServiceBuilder({ ...this.#props, tags: addTags(this.#subject, this.#props.tags, [[key, value]]) });
  }

  /**
   * Adds (or replaces) several tags from a record.
   *
   * @example
   * ```ts
   * discoveryService('invsys').tags({ team: 'inventory' }); // → { Tags: [{ Key: 'team', Value: 'inventory' }] }
   * ```
   */
  tags(record: Readonly<Record<string, string>>): DiscoveryServiceBuilder<Missing> {
    return new DiscoveryServiceBuilder({ ...this.#props, tags: addTags(this.#subject, this.#props.tags, Object.entries(record)) });
  }

  /**
   * Problems of registering tasks with `networkMode` into this service; see
   * `discoveryRecordProblems`.
   *
   * @example
   * ```ts
   * discoveryService('invsys').namespaceId('ns-1').dnsRecord('A', 60).problemsForNetworkMode('awsvpc', 'serviceRegistries[0]');
   * // []
   * ```
   */
  problemsForNetworkMode(networkMode: DiscoveryNetworkMode, path: string): Problem[] {
    return discoveryRecordProblems(this.recordTypes, networkMode, path);
  }

  /**
   * The servicediscovery `CreateService` input. Throws a `ValidationError`
   * listing every problem (record-type combinations, CNAME without WEIGHTED, …).
   *
   * @example
   * ```ts
   * discoveryService('invsys').namespaceId('ns-abcd1234efgh5678').dnsRecord('A', 60).build();
   * // { Name: 'invsys', NamespaceId: 'ns-abcd1234efgh5678', DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] } }
   * ```
   */
  build(this: DiscoveryServiceBuilder<DiscoveryServiceReady>): CreateServiceCommandInput {
    const p = this.#props;
    throwIfProblems(this.#subject, [...literalProblem('NamespaceId', p.namespaceId, 'namespace id'), ...this.#problems()]);
    return compact({
      Name: p.name,
      NamespaceId: literal(p.namespaceId),
      Description: p.description,
      DnsConfig: this.#dnsConfig(),
      HealthCheckCustomConfig: this.#customHealthCheck(),
      Tags: cfnTags(p.tags),
    });
  }

  /**
   * The `AWS::ServiceDiscovery::Service` resource (`Fn::GetAtt [X, Arn]` is
   * what an ECS service's `ServiceRegistries[].RegistryArn` takes).
   *
   * @example
   * ```ts
   * discoveryService('invsys').namespaceId(cfnRef('ServiceDiscoveryNamespace')).dnsRecord('A', 60)
   *   .customHealthCheck({ failureThreshold: 1 }).toCloudFormation();
   * // { Type: 'AWS::ServiceDiscovery::Service',
   * //   Properties: { Name: 'invsys', DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] },
   * //     HealthCheckCustomConfig: { FailureThreshold: 1 }, NamespaceId: { Ref: 'ServiceDiscoveryNamespace' } } }
   * ```
   */
  toCloudFormation(this: DiscoveryServiceBuilder<DiscoveryServiceReady>): DiscoveryServiceCfn {
    const p = this.#props;
    return cfnResource(this.#subject, this.#problems(), 'AWS::ServiceDiscovery::Service', {
      Name: p.name,
      Description: p.description,
      DnsConfig: this.#dnsConfig(),
      HealthCheckCustomConfig: this.#customHealthCheck(),
      NamespaceId: p.namespaceId as CfnValue,
      Tags: cfnTags(p.tags),
    });
  }

  #problems(): Problem[] {
    const { records, routingPolicy } = this.#props;
    const types = records.map((r) => r.type);
    const problems: Problem[] = [];
    if (this.#props.namespaceId === undefined) {
      problems.push({ path: 'NamespaceId', value: undefined, message: 'a discovery service needs a namespace; call .namespaceId(id)' });
    }
    if (records.length === 0 && routingPolicy !== undefined) {
      problems.push({
        path: 'DnsConfig.DnsRecords',
        value: [],
        message: 'a routing policy needs at least one DNS record; add .dnsRecord(type, ttl)',
      });
    }
    const sorted = [...types].sort().join('+');
    if (types.length > 1 && sorted !== 'A+AAAA') {
      problems.push({
        path: 'DnsConfig.DnsRecords',
        value: types,
        message: 'Cloud Map accepts record types A, AAAA, A and AAAA, SRV, or CNAME; keep one of these combinations',
      });
    }
    if (types.includes('CNAME') && routingPolicy !== 'WEIGHTED') {
      problems.push({
        path: 'DnsConfig.RoutingPolicy',
        value: routingPolicy,
        message: "CNAME records need the WEIGHTED routing policy; call .routingPolicy('WEIGHTED')",
      });
    }
    return problems;
  }

  #dnsConfig(): { RoutingPolicy?: RoutingPolicy; DnsRecords: { Type: RecordType; TTL: number }[] } | undefined {
    const { records, routingPolicy } = this.#props;
    if (records.length === 0) return undefined;
    return compact({
      RoutingPolicy: routingPolicy,
      DnsRecords: records.map((r) => ({ Type: r.type, TTL: r.ttlSeconds })),
    });
  }

  #customHealthCheck(): { FailureThreshold: number } | undefined {
    const threshold = this.#props.failureThreshold;
    return threshold === undefined ? undefined : { FailureThreshold: threshold };
  }
}

/**
 * Starts a Cloud Map discovery service. The name becomes the first DNS label
 * (`invsys` in `invsys.local`); a name Cloud Map refuses throws at once.
 *
 * @example
 * ```ts
 * discoveryService('invsys').namespaceId('ns-abcd1234efgh5678').dnsRecord('A', 60).build();
 * // { Name: 'invsys', NamespaceId: 'ns-abcd1234efgh5678', DnsConfig: { DnsRecords: [{ Type: 'A', TTL: 60 }] } }
 * ```
 */
export function discoveryService(name: string): DiscoveryServiceBuilder<DiscoveryServiceInitial> {
  if (typeof name !== 'string' || !serviceName.test(name)) {
    fail(
      `discoveryService ${JSON.stringify(name)}`,
      'Name',
      name,
      'service name must be a DNS label (letters, digits, hyphens and underscores, no leading or trailing hyphen, 1-63 characters) or dot-separated labels of at most 127 characters',
    );
  }
  return new DiscoveryServiceBuilder({ name, records: [], tags: [] });
}
