/**
 * Decoding of EC2-dialect query input (lists arrive folded as arrays, scalars
 * as strings) and EC2 filter matching.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';

/** A folded query list as an array (absent → empty; a lone value → one item). */
export function list<T = unknown>(value: unknown): T[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value as T[];
  if (typeof value === 'object' && value !== null) {
    const inner = (value as Record<string, unknown>)['member'] ?? (value as Record<string, unknown>)['item'];
    if (inner !== undefined) return list<T>(inner);
  }
  return [value as T];
}

/** A folded list of strings. */
export function strings(value: unknown): string[] {
  return list(value).map((v) => String(v));
}

/** One EC2 filter as it arrives. */
export interface Filter {
  Name?: string;
  Value?: unknown;
}

/** `*` and `?` wildcards, as EC2 filters support them. */
function glob(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/**
 * Whether a resource passes every filter. `valuesOf(name)` returns the
 * resource's values for a filter name, or `undefined` for a name the
 * operation does not support (→ EC2's `InvalidParameterValue`).
 */
export function matchesFilters(input: Record<string, unknown>, valuesOf: (name: string) => string[] | undefined, tags: Record<string, string> = {}): boolean {
  for (const filter of list<Filter>(input['Filter'] ?? input['Filters'])) {
    const name = filter.Name ?? '';
    const wanted = strings(filter.Value ?? (filter as Record<string, unknown>)['Values']);
    let actual: string[] | undefined;
    if (name.startsWith('tag:')) actual = Object.hasOwn(tags, name.slice(4)) ? [tags[name.slice(4)] ?? ''] : [];
    else if (name === 'tag-key') actual = Object.keys(tags);
    else if (name === 'tag-value') actual = Object.values(tags);
    else actual = valuesOf(name);
    if (actual === undefined) throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`);
    const patterns = wanted.map(glob);
    if (!actual.some((value) => patterns.some((p) => p.test(value)))) return false;
  }
  return true;
}

/** EC2's `tagSet` for a resource (an empty set when it has no tags). */
export function tagSet(tags: Record<string, string> | undefined): { tagSet: { key: string; value: string }[] } {
  return { tagSet: Object.entries(tags ?? {}).map(([key, value]) => ({ key, value })) };
}
