/**
 * Which records one operation changed, so the journal can write them before
 * the operation answers. A {@link ChangeTracker} hands the handler proxies
 * of its region state that note the path of every record the handler may
 * have changed:
 *
 * - `[account, region, slice]` — a service slice was created, replaced or deleted;
 * - `[account, region, slice, field]` — a slice field was assigned, or an array/scalar
 *   field was read for a possible in-place change (e.g. CloudWatch's `history`);
 * - `[account, region, slice, collection, key]` — a record was added, replaced or
 *   deleted, a field of it was assigned, or a nested object/array of it was read
 *   (it may be changed in place: `group.streams[name] = …`, `list.push(…)`).
 *
 * Reading only scalar fields of a record (a scan comparing names) marks
 * nothing. Records themselves are handed out unwrapped below the record
 * level, so no proxy is ever stored inside the state. The values are read
 * when {@link ChangeTracker.changes} runs, after the handler: the journal
 * holds the resulting records (ids, ARNs, timestamps as stored), never the
 * request to re-execute.
 *
 * @internal
 */
import type { RegionState } from './types.js';

/**
 * One changed path: its value after the operation, or `deleted`, or for an
 * append-only list (see {@link ChangeRecorder.appendOnly}) the items dropped
 * from its front (`trim`) and added at its end (`append`).
 */
export interface StateChange {
  /** `[account, region, slice, collection?, key?]`. */
  readonly path: readonly string[];
  /** The value at `path` after the operation. */
  readonly value?: unknown;
  /** `true` when nothing is left at `path`. */
  readonly deleted?: true;
  /** Items removed from the front of the list at `path`. */
  readonly trim?: number;
  /** Items added at the end of the list at `path`. */
  readonly append?: readonly unknown[];
}

/** Receives the changes of each state-changing operation before it answers (the journal). */
export interface ChangeRecorder {
  /** Writes the changes; throwing fails the operation (it is then not acknowledged). */
  record(changes: readonly StateChange[], operation: string): void;
  /**
   * Slice fields that are lists only ever appended to and trimmed at the front, whose items are
   * never changed in place (CloudWatch's alarm `history`): journaled as `trim` + `append`, not whole.
   */
  appendOnly?(slice: string, field: string): boolean;
}

/** `write`: full tracking for a mutating operation; `create`: only slices created or replaced (a read that initialises defaults). */
export type TrackingMode = 'write' | 'create';

const unwrapped = new WeakMap<object, object>();

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Proxy depth below the region: 0 region, 1 slice, 2 collection, 3 record. */
type Level = 0 | 1 | 2 | 3;

/** Tracks the paths one operation may have changed. */
export class ChangeTracker {
  readonly #mode: TrackingMode;
  readonly #appendOnly: ChangeRecorder['appendOnly'];
  readonly #dirty = new Map<string, readonly string[]>();
  readonly #proxies = new WeakMap<object, object>();
  /** Append-only lists read, with their items as they were. */
  readonly #lists = new Map<string, { path: readonly string[]; list: readonly unknown[]; before: readonly unknown[] }>();

  constructor(mode: TrackingMode, appendOnly?: ChangeRecorder['appendOnly']) {
    this.#mode = mode;
    this.#appendOnly = appendOnly;
  }

  /** The region state to hand the handler: reads and writes pass through, changes are noted. */
  region(accountId: string, region: string, state: RegionState): RegionState {
    return this.#wrap(state, [accountId, region], 0) as RegionState;
  }

  #mark(path: readonly string[]): void {
    this.#dirty.set(path.join('\u0000'), path);
  }

  #wrap(target: object, path: readonly string[], level: Level): object {
    const known = this.#proxies.get(target);
    if (known) return known;
    const proxy = new Proxy(target, this.#handler(path, level));
    this.#proxies.set(target, proxy);
    unwrapped.set(proxy, target);
    return proxy;
  }

  #handler(path: readonly string[], level: Level): ProxyHandler<Record<string, unknown>> {
    const own = (key: string) => (level === 3 ? path : [...path, key]);
    const write = (key: string | symbol) => {
      if (typeof key === 'string') this.#mark(own(key));
    };
    return {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof key !== 'string' || typeof value !== 'object' || value === null) return value;
        if (this.#mode === 'create') return value;
        if (level < 3 && isRecord(value)) return this.#wrap(value, [...path, key], (level + 1) as Level);
        if (level === 1 && Array.isArray(value) && this.#appendOnly?.(path[2]!, key)) this.#noteList([...path, key], value);
        else if (level > 0) this.#mark(own(key)); // an array or nested object the handler may change in place
        return value;
      },
      set: (target, key, value, receiver) => {
        write(key);
        return Reflect.set(target, key, (typeof value === 'object' && value !== null && unwrapped.get(value)) || value, receiver);
      },
      deleteProperty: (target, key) => {
        write(key);
        return Reflect.deleteProperty(target, key);
      },
      defineProperty: (target, key, descriptor) => {
        write(key);
        return Reflect.defineProperty(target, key, descriptor);
      },
    };
  }

  #noteList(path: readonly string[], list: readonly unknown[]): void {
    const key = path.join('\u0000');
    if (!this.#lists.has(key)) this.#lists.set(key, { path, list, before: list.slice() });
  }

  /** Append-only lists as `trim` + `append` changes; a list that changed otherwise is marked whole. */
  #listChanges(data: Readonly<Record<string, unknown>>): StateChange[] {
    const out: StateChange[] = [];
    for (const [key, { path, list, before }] of this.#lists) {
      if (this.#dirty.has(key)) continue;
      const now = valueAt(data, path);
      const delta = now === list ? listDelta(before, list) : undefined;
      if (!delta) this.#mark(path);
      else if (delta.trim || delta.append.length) out.push({ path, ...delta });
    }
    return out;
  }

  /** The noted paths with their current values in `data` (shortest first; paths inside another noted path are left out). */
  changes(data: Readonly<Record<string, unknown>>): StateChange[] {
    const listChanges = this.#listChanges(data);
    const paths = [...this.#dirty.values()].sort((a, b) => a.length - b.length);
    const taken = new Set<string>();
    const out: StateChange[] = [];
    for (const path of paths) {
      if (coveredBy(taken, path)) continue;
      taken.add(path.join('\u0000'));
      const value = valueAt(data, path);
      out.push(value === undefined ? { path, deleted: true } : { path, value });
    }
    return [...out, ...listChanges.filter((change) => !coveredBy(taken, change.path))];
  }
}

const coveredBy = (taken: ReadonlySet<string>, path: readonly string[]) => path.some((_, i) => i > 0 && taken.has(path.slice(0, i).join('\u0000')));

/** `after` as `before` minus `trim` items at the front plus `append` at the end (items compared by identity), or undefined. */
export function listDelta(before: readonly unknown[], after: readonly unknown[]): { trim: number; append: unknown[] } | undefined {
  const start = after.length === 0 ? -1 : before.indexOf(after[0]);
  const trim = start < 0 ? before.length : start;
  const kept = before.length - trim;
  if (after.length < kept) return undefined;
  for (let i = 0; i < kept; i++) if (after[i] !== before[trim + i]) return undefined;
  return { trim, append: after.slice(kept) };
}

/** The value at `path` in `data`, or `undefined`. */
export function valueAt(data: unknown, path: readonly string[]): unknown {
  let node = data;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
