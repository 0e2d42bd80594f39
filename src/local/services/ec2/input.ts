/**
 * Decoding of EC2-dialect query input (lists arrive folded as arrays, scalars
 * as strings) and EC2 filter matching.
 *
 * @internal
 */
import { AwsError } from '../../core/types.js';
import { bool, num, paginate, setOwn } from '../../core/util.js';

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
    if (typeof filter !== 'object' || filter === null) throw new AwsError('InvalidParameterValue', `The filter '${String(filter)}' is invalid: a filter is Name=<name>,Values=<value>,…`);
    const name = filter.Name ?? 'null';
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

/**
 * A filter's values from a table of them, or `undefined` (EC2's "The filter
 * 'X' is invalid") for a name the table does not hold as its own: a name
 * such as `constructor`, `toString` or `__proto__` never reaches
 * `Object.prototype`.
 */
export function filterValue(values: Record<string, string[]>, name: string): string[] | undefined {
  return Object.hasOwn(values, name) ? values[name] : undefined;
}

/** How {@link selectResources} reads one kind of EC2 resource. */
export interface ResourceSelection<T> {
  /** The id list's parameter: `VpcId` reads `VpcId` (query) or `VpcIds` (JSON). */
  idParam: string;
  idOf: (item: T) => string;
  /** Throws the resource's NotFound error for an id that does not exist (each id in turn, before any filtering). */
  require?: (id: string) => unknown;
  /** The resource's values for each filter name it supports (tag filters come from `tags`). */
  filterValues: (item: T) => Record<string, string[]>;
  /** Tags by resource id. */
  tags: Record<string, Record<string, string>>;
}

/**
 * The Describe* selection: the resources among `items` named by the id list
 * (all when it is empty) that pass every filter, one page of them by
 * `MaxResults` / `NextToken`.
 */
export function selectResources<T>(input: Record<string, unknown>, items: readonly T[], how: ResourceSelection<T>): { page: T[]; nextToken?: string } {
  const ids = strings(input[how.idParam] ?? input[`${how.idParam}s`]);
  if (how.require) for (const id of ids) how.require(id);
  const matching = items.filter(
    (item) => (ids.length === 0 || ids.includes(how.idOf(item))) && matchesFilters(input, (name) => filterValue(how.filterValues(item), name), how.tags[how.idOf(item)]),
  );
  return page(matching, input);
}

/** EC2's `tagSet` for a resource (an empty set when it has no tags). */
export function tagSet(tags: Record<string, string> | undefined): { tagSet: { key: string; value: string }[] } {
  return { tagSet: Object.entries(tags ?? {}).map(([key, value]) => ({ key, value })) };
}

/** The tags requested through `TagSpecification.N` for `resourceType`; another resource type is EC2's `InvalidParameterValue`. */
export function tagsFromSpecifications(input: Record<string, unknown>, resourceType: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const spec of list<Record<string, unknown>>(input['TagSpecification'] ?? input['TagSpecifications'])) {
    if (spec['ResourceType'] !== undefined && spec['ResourceType'] !== resourceType) {
      throw new AwsError('InvalidParameterValue', `'${String(spec['ResourceType'])}' is not a valid taggable resource type for this operation.`);
    }
    for (const tag of list<{ Key?: string; Value?: string }>(spec['Tag'] ?? spec['Tags'])) {
      checkTag(tag);
      setOwn(tags, String(tag.Key), tag.Value ?? '');
    }
  }
  checkTagCount(Object.keys(tags).length);
  return tags;
}

/** Most tags one EC2 resource can have. */
export const MAX_TAGS_PER_RESOURCE = 50;

/** EC2's tag rules: a key of 1–128 characters not starting with `aws:`, a value of at most 256. */
export function checkTag(tag: { Key?: unknown; Value?: unknown }): void {
  const key = tag.Key === undefined || tag.Key === null ? '' : String(tag.Key);
  if (key === '') throw new AwsError('InvalidParameterValue', 'Tag keys must not be empty: give each tag a Key.');
  if (key.length > 128) throw new AwsError('InvalidParameterValue', `Tag key exceeds the maximum length of 128 characters: ${key.length} characters, starting '${key.slice(0, 20)}…'.`);
  if (key.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use, got: ${key}`);
  const value = tag.Value === undefined || tag.Value === null ? '' : String(tag.Value);
  if (value.length > 256) throw new AwsError('InvalidParameterValue', `Tag value exceeds the maximum length of 256 characters: ${value.length} characters for key '${key}'.`);
}

/** `TagLimitExceeded` when a resource would have more than {@link MAX_TAGS_PER_RESOURCE} tags. */
export function checkTagCount(count: number, resourceId?: string): void {
  if (count > MAX_TAGS_PER_RESOURCE) {
    throw new AwsError('TagLimitExceeded', `The maximum number of tags for a resource (${MAX_TAGS_PER_RESOURCE}) has been reached${resourceId ? ` for ${resourceId}` : ''}: ${count} tags requested.`);
  }
}

/**
 * One page of a Describe answer by `MaxResults` / `NextToken` (everything
 * when `MaxResults` is absent, as EC2 does). A token this cloud did not issue
 * is EC2's `InvalidPaginationToken`.
 */
export function page<T>(items: readonly T[], input: Record<string, unknown>): { page: T[]; nextToken?: string } {
  const token = input['NextToken'] === undefined || input['NextToken'] === '' ? undefined : String(input['NextToken']);
  return paginate(items, token, num(input['MaxResults']), {
    pageSize: Number.MAX_SAFE_INTEGER,
    invalidToken: () => new AwsError('InvalidPaginationToken', `The pagination token '${token ?? ''}' is not valid: pass the NextToken of the previous answer unchanged.`),
  });
}

/** The boolean of an `AttributeBooleanValue` member (`EnableDnsSupport.Value=true`), or undefined when absent. */
export function attributeBoolean(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object') return bool((value as Record<string, unknown>)['Value']);
  return bool(value);
}
