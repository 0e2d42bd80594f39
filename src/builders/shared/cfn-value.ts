/**
 * Values that may come from another resource: a literal string for the SDK
 * (`.build()`), or a CloudFormation intrinsic for a template
 * (`.toCloudFormation()`).
 *
 * @example
 * ```ts
 * privateDnsNamespace('local').vpc(cfnRef('VpcId')).toCloudFormation();
 * // { Type: 'AWS::ServiceDiscovery::PrivateDnsNamespace',
 * //   Properties: { Name: 'local', Vpc: { Ref: 'VpcId' } } }
 * ```
 * @module
 */

/**
 * A CloudFormation intrinsic function in its JSON form (`!Ref X` is
 * `{ Ref: 'X' }`, `!GetAtt X.Arn` is `{ 'Fn::GetAtt': ['X', 'Arn'] }`).
 */
export type CfnIntrinsic =
  | {
      /** Logical id of a parameter or resource. */
      readonly Ref: string;
    }
  | {
      /** `[logicalId, attribute]`. */
      readonly 'Fn::GetAtt': readonly [string, string];
    }
  | {
      /** A template string, or `[template, variables]`. */
      readonly 'Fn::Sub': string | readonly [string, Readonly<Record<string, CfnValue>>];
    }
  | {
      /** Name of another stack's export. */
      readonly 'Fn::ImportValue': CfnValue;
    }
  | {
      /** `[delimiter, values]`. */
      readonly 'Fn::Join': readonly [string, readonly CfnValue[]];
    }
  | {
      /** `[index, list]`. */
      readonly 'Fn::Select': readonly [number, CfnIntrinsic | readonly CfnValue[]];
    };

/**
 * An id or ARN owned by another resource: a plain string (usable everywhere)
 * or a {@link CfnIntrinsic} (usable only in `.toCloudFormation()`; `.build()`
 * reports it as a problem because the SDK needs the real value).
 */
export type CfnValue = string | CfnIntrinsic;

/**
 * A CloudFormation resource as builders return it from `.toCloudFormation()`:
 * place it under a logical id in a template's `Resources`.
 *
 * @example
 * ```ts
 * const template = { Resources: { InvsysTargetGroup: targetGroup('invsys-tg')....toCloudFormation() } };
 * ```
 */
export interface CfnResource<TType extends string, TProperties> {
  /** The resource type, e.g. `AWS::ElasticLoadBalancingV2::TargetGroup`. */
  readonly Type: TType;
  /** The resource's properties with CloudFormation's names. */
  readonly Properties: TProperties;
}

/**
 * `{ Ref: logicalId }`: a parameter's value or a resource's primary id
 * (for a namespace its id, for a target group, listener or load balancer its ARN).
 *
 * @example
 * ```ts
 * cfnRef('VpcId'); // { Ref: 'VpcId' }
 * ```
 */
export function cfnRef(logicalId: string): {
  /** The logical id given. */
  readonly Ref: string;
} {
  return { Ref: logicalId };
}

/**
 * `{ 'Fn::GetAtt': [logicalId, attribute] }`: an attribute of another resource.
 *
 * @example
 * ```ts
 * cfnGetAtt('InvsysServiceDiscovery', 'Arn'); // { 'Fn::GetAtt': ['InvsysServiceDiscovery', 'Arn'] }
 * ```
 */
export function cfnGetAtt(
  logicalId: string,
  attribute: string,
): {
  /** `[logicalId, attribute]`. */
  readonly 'Fn::GetAtt': readonly [string, string];
} {
  return { 'Fn::GetAtt': [logicalId, attribute] };
}

/**
 * A tag, spelled `{ Key, Value }` as both the Cloud Map/ELBv2 APIs and
 * CloudFormation spell it.
 *
 * @example
 * ```ts
 * const tag: KeyValueTag = { Key: 'ecskit:stack', Value: 'lab' };
 * ```
 */
export interface KeyValueTag {
  /** Tag key, 1-128 characters, not starting with `aws:`. */
  readonly Key: string;
  /** Tag value, at most 256 characters. */
  readonly Value: string;
}

/**
 * Marks field `K` of a type-state record as set (`true`), keeping the others.
 *
 * @deprecated No builder uses it any more: a builder's type parameter is now
 * the union of its required fields not set yet, and a setter returns
 * `XBuilder<Exclude<Missing, 'port'>>`. Kept so existing imports still compile.
 */
export type BuilderStateWith<S, K extends keyof S> = { readonly [P in keyof S]: P extends K ? true : S[P] };

const intrinsicKeys = new Set(['Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::ImportValue', 'Fn::Join', 'Fn::Select']);

/**
 * True when `value` is a single-key object naming a CloudFormation intrinsic.
 *
 * @internal
 * @example
 * ```ts
 * isCfnIntrinsic({ Ref: 'VpcId' }); // true
 * isCfnIntrinsic('vpc-0abc'); // false
 * ```
 */
export function isCfnIntrinsic(value: unknown): value is CfnIntrinsic {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && intrinsicKeys.has(keys[0] as string);
}
