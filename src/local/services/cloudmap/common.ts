/**
 * Helpers shared by the Cloud Map operation files: clock, tags, filters.
 *
 * @internal
 */
import { AwsError, type RequestContext } from '../../core/types.js';
import { own, paginate, setOwn } from '../../core/util.js';
import { cloudMapState } from './state.js';

/** The request's clock as the state accessors want it. */
export function clock(ctx: RequestContext): { now: number; timeScale: number } {
  return { now: ctx.now().getTime(), timeScale: ctx.timeScale };
}

/** One page of a List* answer by `NextToken` / `MaxResults` (100 at most); a token this cloud did not issue is `InvalidInput`. */
export function page<T>(items: readonly T[], input: { NextToken?: string; MaxResults?: number }): { page: T[]; nextToken?: string } {
  return paginate(items, input.NextToken, input.MaxResults, {
    pageSize: 100,
    maxPageSize: 100,
    invalidToken: () => new AwsError('InvalidInput', 'The NextToken is invalid.'),
  });
}

/** Throws `InvalidInput` naming the field when `value` is missing. */
export function need<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null || value === '') {
    throw new AwsError('InvalidInput', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** Stores `[{Key, Value}]` tags on `arn`, validating them as Cloud Map does. */
export function applyTags(ctx: RequestContext, arn: string, tags: unknown): void {
  if (tags === undefined) return;
  if (!Array.isArray(tags)) throw new AwsError('InvalidInput', 'Tags must be a list of {Key, Value} objects.');
  const state = cloudMapState(ctx.state);
  const current = { ...(own(state.tags, arn) ?? {}) };
  for (const tag of tags as { Key?: unknown; Value?: unknown }[]) {
    if (typeof tag?.Key !== 'string' || tag.Key.length === 0 || tag.Key.length > 128) {
      throw new AwsError('InvalidInput', `Tag key must be 1 to 128 characters, got: ${JSON.stringify(tag?.Key)}`);
    }
    if (typeof tag.Value !== 'string' || tag.Value.length > 256) {
      throw new AwsError('InvalidInput', `Tag value for key ${tag.Key} must be a string of at most 256 characters.`);
    }
    setOwn(current, tag.Key, tag.Value);
  }
  if (Object.keys(current).length > 50) {
    throw new AwsError('TooManyTagsException', `A resource can have at most 50 tags; ${arn} would have ${Object.keys(current).length}.`);
  }
  state.tags[arn] = current;
}

/** A filter condition check (EQ, IN, BEGINS_WITH). */
export function matchesCondition(value: string, condition: string, values: string[]): boolean {
  switch (condition) {
    case 'EQ':
      return values.includes(value);
    case 'IN':
      return values.includes(value);
    case 'BEGINS_WITH':
      return values.some((v) => value.startsWith(v));
    default:
      return false;
  }
}

/** Reads `{Name, Values, Condition}` filters, rejecting unsupported names/conditions. */
export function readFilters(
  filters: unknown,
  allowed: Record<string, readonly string[]>,
): { name: string; values: string[]; condition: string }[] {
  if (filters === undefined) return [];
  if (!Array.isArray(filters)) throw new AwsError('InvalidInput', 'Filters must be a list.');
  return (filters as { Name?: string; Values?: unknown; Condition?: string }[]).map((f) => {
    const name = need(f.Name, 'filters.member.name');
    const conditions = own(allowed, name);
    if (!conditions) throw new AwsError('InvalidInput', `Filter name ${name} is not supported; use one of ${Object.keys(allowed).join(', ')}.`);
    const condition = f.Condition ?? 'EQ';
    if (!conditions.includes(condition)) {
      throw new AwsError('InvalidInput', `Filter condition ${condition} is not supported for ${name}; use one of ${conditions.join(', ')}.`);
    }
    const values = Array.isArray(f.Values) ? f.Values.map(String) : [];
    if (values.length === 0) throw new AwsError('InvalidInput', `Filter ${name} needs at least one value.`);
    if (condition === 'EQ' && values.length !== 1) throw new AwsError('InvalidInput', `Filter ${name} with condition EQ takes exactly one value.`);
    return { name, values, condition };
  });
}
