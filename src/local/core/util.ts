/**
 * Small helpers every service handler needs: state slices, ids, ARNs,
 * pagination, coercion of Query-protocol strings, tag lists.
 *
 * @internal
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError, type RequestContext } from './types.js';

/**
 * `record[key]` when `key` is the record's own property, else undefined —
 * never an `Object.prototype` member: state records are plain objects keyed
 * by user-supplied ids, ARNs and names, and `constructor`, `toString` or
 * `__proto__` must find nothing.
 */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Stores `value` as `record`'s own property `key` (also for `__proto__`, which plain assignment would take as the prototype). */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): T {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  return value;
}

/** The service's state slice in this account+region, created by `init` on first use. */
export function slice<T>(ctx: RequestContext, key: string, init: () => T): T {
  const existing = ctx.state[key] as T | undefined;
  if (existing !== undefined) return existing;
  const created = init();
  ctx.state[key] = created;
  return created;
}

/**
 * The ARN partition of a region: `aws-cn` for China (`cn-*`), `aws-us-gov`
 * for GovCloud (`us-gov-*`), `aws-iso`/`aws-iso-b`/`aws-iso-e`/`aws-iso-f`
 * for the isolated regions, else `aws`.
 */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  const iso = /^(us|eu)-(iso[bef]?)-/.exec(region);
  if (iso) return iso[2] === 'iso' ? 'aws-iso' : `aws-iso-${iso[2]!.slice(3)}`;
  return 'aws';
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`, the partition of the caller's region (IAM/STS: pass region ''). */
export function arn(ctx: Pick<RequestContext, 'region' | 'accountId'>, service: string, resource: string, region = ctx.region): string {
  return `arn:${partitionOf(ctx.region)}:${service}:${region}:${ctx.accountId}:${resource}`;
}

/** Lower-case hex id of `length` characters. */
export function hexId(length = 17): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

/** Random UUID (task ids, operation ids, request ids). */
export function uuid(): string {
  return randomUUID();
}

/** Opaque token for list pagination. */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

/**
 * One page of `items`. Throws AWS's error for a token it did not issue.
 * Returns `nextToken` only when more items remain.
 */
export function paginate<T>(
  items: readonly T[],
  token: string | undefined,
  max: number | undefined,
  defaults: { pageSize: number; maxPageSize?: number; invalidToken?: () => AwsError },
): { page: T[]; nextToken?: string } {
  let start = 0;
  if (token) {
    try {
      const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
      if (typeof parsed.o !== 'number' || parsed.o < 0) throw new Error('bad');
      start = parsed.o;
    } catch {
      throw defaults.invalidToken?.() ?? new AwsError('InvalidParameterException', 'Invalid nextToken.');
    }
  }
  const size = Math.min(max && max > 0 ? max : defaults.pageSize, defaults.maxPageSize ?? Number.MAX_SAFE_INTEGER);
  const page = items.slice(start, start + size);
  const next = start + size;
  return next < items.length ? { page, nextToken: encodeToken(next) } : { page };
}

/** Coerces a Query-protocol string (or JSON number) to a number; undefined stays undefined. */
export function num(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isNaN(n) ? undefined : n;
}

/** Coerces a Query-protocol `"true"`/`"false"` (or JSON boolean) to a boolean. */
export function bool(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  return String(value).toLowerCase() === 'true';
}

/** Requires a parameter, throwing AWS's validation error naming it. */
export function required<T>(value: T | undefined | null, name: string, code = 'InvalidParameterException'): T {
  if (value === undefined || value === null || value === '') {
    throw new AwsError(code, `${name} must not be null or empty.`);
  }
  return value;
}
