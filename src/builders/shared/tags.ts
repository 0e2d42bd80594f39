/**
 * The one way every builder merges tags: `.tags(record)` (and, on the
 * networking builders, `.tag(key, value)`) replaces a key already present in
 * place and appends a new one, so the order is the order keys were first given.
 * A container's environment variables and secrets merge the same way.
 *
 * @internal
 */
import type { Tag } from '@aws-sdk/client-ecs';
import type { KeyValueTag } from './cfn-value.js';

/** How a tag list spells its entries. @internal */
export interface TagSpelling<T> {
  /** The key of an entry. */
  keyOf(tag: T): string | undefined;
  /** A new entry. */
  make(key: string, value: string): T;
}

/** ECS spells tags `{ key, value }`. @internal */
export const ecsTag: TagSpelling<Tag> = { keyOf: (tag) => tag.key, make: (key, value) => ({ key, value }) };

/** Cloud Map, ELBv2, CloudWatch, Application Auto Scaling and CloudFormation spell them `{ Key, Value }`. @internal */
export const keyValueTag: TagSpelling<KeyValueTag> = { keyOf: (tag) => tag.Key, make: (Key, Value) => ({ Key, Value }) };

/**
 * `tags` with every `[key, value]` entry merged in (replaced in place or
 * appended); `.tags(record)` passes `Object.entries(record)`. `check` runs on
 * each entry first, with the index the list has reached (for a `Tags[i]`
 * path). @internal
 */
export function mergeTags<T>(
  tags: readonly T[] | undefined,
  entries: Iterable<readonly [string, string]>,
  spelling: TagSpelling<T>,
  check?: (key: string, value: string, index: number) => void,
): T[] {
  const out = [...(tags ?? [])];
  for (const [key, value] of entries) {
    check?.(key, value, out.length);
    const at = out.findIndex((tag) => spelling.keyOf(tag) === key);
    if (at >= 0) out[at] = spelling.make(key, value);
    else out.push(spelling.make(key, value));
  }
  return out;
}

/**
 * A `{ Key, Value }` tag list as an SDK input or a CloudFormation resource
 * takes it: copies of the entries, or `undefined` (left out) when there are
 * none. @internal
 */
export function cfnTags(tags: readonly KeyValueTag[]): KeyValueTag[] | undefined {
  return tags.length > 0 ? tags.map((t) => ({ ...t })) : undefined;
}
