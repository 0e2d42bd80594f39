/**
 * Helpers shared by the Cloud Map and ELBv2 builders: tags, ids/ARNs that may
 * be CloudFormation intrinsics, ELB names, and type-state flags.
 *
 * @internal
 */
import { type CfnValue, isCfnIntrinsic, type KeyValueTag } from '../shared/cfn-value.js';
import { keyValueTag, mergeTags } from '../shared/tags.js';
import { fail } from '../shared/validation.js';
import type { Problem } from '../validation-error.js';

export type { KeyValueTag };

/** @internal Immediate check of one tag (AWS: key 1-128, value 0-256, no `aws:` prefix). */
export function assertTag(subject: string, path: string, key: string, value: string): void {
  if (typeof key !== 'string' || key.length < 1 || key.length > 128) {
    fail(subject, `${path}.Key`, key, 'tag key must be 1-128 characters');
  }
  if (key.toLowerCase().startsWith('aws:')) {
    fail(subject, `${path}.Key`, key, 'tag keys starting with "aws:" are reserved by AWS; choose another prefix');
  }
  if (typeof value !== 'string' || value.length > 256) {
    fail(subject, `${path}.Value`, value, 'tag value must be a string of at most 256 characters');
  }
}

/** @internal Adds (or replaces) tags, checking each at once. */
export function addTags(
  subject: string,
  tags: readonly KeyValueTag[],
  entries: Iterable<readonly [string, string]>,
): KeyValueTag[] {
  return mergeTags(tags, entries, keyValueTag, (key, value, index) => assertTag(subject, `Tags[${index}]`, key, value));
}

/**
 * @internal Immediate check of a value that is a literal string or an
 * intrinsic: literals must match `pattern`; anything else is refused.
 */
export function assertCfnValue(
  subject: string,
  path: string,
  value: CfnValue,
  pattern: RegExp,
  rule: string,
): void {
  if (isCfnIntrinsic(value)) return;
  if (typeof value !== 'string' || !pattern.test(value)) fail(subject, path, value, rule);
}

/** @internal `.build()` check: an SDK input needs the literal, never an intrinsic. */
export function literalProblem(path: string, value: unknown, what: string): Problem[] {
  if (!isCfnIntrinsic(value)) return [];
  return [
    {
      path,
      value,
      message: `a CloudFormation intrinsic only works in toCloudFormation(); pass the real ${what} string to build()`,
    },
  ];
}

/** @internal Narrows a checked value to the literal string for an SDK input. */
export function literal(value: CfnValue): string;
export function literal(value: CfnValue | undefined): string | undefined;
export function literal(value: CfnValue | undefined): string | undefined {
  return value as string | undefined;
}

/** @internal Immediate check of an ELBv2 load balancer or target group name. */
export function assertElbName(subject: string, path: string, name: string, kind: string): void {
  if (typeof name !== 'string' || name.length < 1 || name.length > 32) {
    fail(subject, path, name, `${kind} name must be 1-32 characters`);
  }
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    fail(subject, path, name, `${kind} name may contain only letters, digits and hyphens`);
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    fail(subject, path, name, `${kind} name must not begin or end with a hyphen`);
  }
}

/** @internal Patterns for ids and ARNs given as literals. */
export const patterns = {
  vpcId: /^vpc-[0-9a-z]+$/,
  subnetId: /^subnet-[0-9a-z]+$/,
  securityGroupId: /^sg-[0-9a-z]+$/,
  namespaceId: /^(ns-[0-9a-z]+|arn:aws[a-z-]*:servicediscovery:[^:]*:\d*:namespace\/ns-[0-9a-z]+)$/,
  loadBalancerArn: /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:\d*:loadbalancer\/app\/[^/]+\/[^/]+$/,
  listenerArn: /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:\d*:listener\/app\/[^/]+\/[^/]+\/[^/]+$/,
  targetGroupArn: /^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:\d*:targetgroup\/[^/]+\/[^/]+$/,
  certificateArn: /^arn:aws[a-z-]*:(acm|iam):/,
} as const;
