/**
 * Query-protocol input helpers shared by the ELBv2 handlers: folded lists,
 * name rules, marker pagination, tags on create.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';
import { encodeToken } from '../../core/util.js';
import type { Tag } from './state.js';

/** A folded query list as an array (absent or empty → []; a lone value → one item). */
export function list<T = unknown>(value: unknown): T[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value as T[];
  if (typeof value === 'object') {
    const inner = (value as Record<string, unknown>)['member'];
    if (inner !== undefined) return list<T>(inner);
  }
  return [value as T];
}

/** A folded list of strings. */
export function strings(value: unknown): string[] {
  return list(value).map((v) => String(v));
}

/** ELBv2's `ValidationError`. */
export function validation(message: string): AwsError {
  return new AwsError('ValidationError', message);
}

/** Rejects a missing parameter the way ELBv2 does. */
export function need<T>(value: T | undefined | null, name: string): T {
  if (value === undefined || value === null || value === '') {
    throw validation(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/**
 * Load balancer and target group names: 1–32 characters, alphanumerics and
 * hyphens, not starting or ending with a hyphen.
 */
export function checkName(kind: 'load balancer' | 'target group', name: string): void {
  const field = kind === 'load balancer' ? 'Name' : 'Name';
  if (name.length > 32) throw validation(`${kind === 'load balancer' ? 'Load balancer' : 'Target group'} name '${name}' cannot be longer than '32' characters (${field} has ${name.length}); use a shorter name.`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) throw validation(`${kind === 'load balancer' ? 'Load balancer' : 'Target group'} name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  if (name.startsWith('-') || name.endsWith('-')) throw validation(`${kind === 'load balancer' ? 'Load balancer' : 'Target group'} name '${name}' cannot begin or end with '-'`);
}

/** One page of `items` for ELBv2's `Marker`/`PageSize` (1–400), with `NextMarker` when more remain. */
export function page<T>(items: readonly T[], input: Record<string, unknown>): { items: T[]; NextMarker?: string } {
  const marker = input['Marker'] as string | undefined;
  const sizeRaw = input['PageSize'];
  const size = sizeRaw === undefined || sizeRaw === '' ? 400 : Number(sizeRaw);
  if (!Number.isInteger(size) || size < 1 || size > 400) throw validation(`PageSize must be an integer between 1 and 400, got: ${String(sizeRaw)}`);
  let start = 0;
  if (marker) {
    try {
      const parsed = JSON.parse(Buffer.from(marker, 'base64url').toString('utf8')) as { o?: unknown };
      if (typeof parsed.o !== 'number') throw new Error('bad');
      start = parsed.o;
    } catch {
      throw validation(`Invalid marker '${marker}'; pass the NextMarker of a previous call.`);
    }
  }
  const next = start + size;
  return next < items.length ? { items: items.slice(start, next), NextMarker: encodeToken(next) } : { items: items.slice(start) };
}

/** Tags passed to a Create call, checked for duplicate keys and the 50-tag limit. */
export function tagsOf(value: unknown): Tag[] {
  const tags = list<{ Key?: string; Value?: string }>(value).map((t) => ({ Key: need(t.Key, 'Tags.member.Key'), ...(t.Value !== undefined ? { Value: String(t.Value) } : {}) }));
  const keys = new Set<string>();
  for (const tag of tags) {
    if (keys.has(tag.Key)) throw new AwsError('DuplicateTagKeys', `Tag key '${tag.Key}' is duplicated`);
    keys.add(tag.Key);
  }
  if (tags.length > 50) throw new AwsError('TooManyTags', 'The quota for the number of tags that can be assigned to a load balancer has been reached (50).');
  return tags;
}

/** A number parameter, rejected unless it is an integer in [min, max]. */
export function intIn(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw validation(`${name} must be an integer between ${min} and ${max}, got: ${String(value)}`);
  }
  return n;
}

/** Stored attributes as the `Attributes` list of a Describe*Attributes answer (`[{ Key, Value }]`). */
export const attributeList = (attributes: Record<string, string>) => Object.entries(attributes).map(([Key, Value]) => ({ Key, Value }));
