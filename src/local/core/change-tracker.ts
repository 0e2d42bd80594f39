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

/** One changed path and its value after the operation (absent: the path was deleted). */
export interface StateChange {
  /** `[account, region, slice, collection?, key?]`. */
  readonly path: readonly string[];
  /** The value at `path` after the operation, unless `deleted`. */
  readonly value?: unknown;
  /** `true` when nothing is left at `path`. */
  readonly deleted?: true;
}

/** Receives the changes of each state-changing operation before it answers (the journal). */
export interface ChangeRecorder {
  /** Writes the changes; throwing fails the operation (it is then not acknowledged). */
  record(changes: readonly StateChange[], operation: string): void;
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
  readonly #dirty = new Map<string, readonly string[]>();
  readonly #proxies = new WeakMap<object, object>();

  constructor(mode: TrackingMode) {
    this.#mode = mode;
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
        if (level > 0) this.#mark(own(key)); // an array or nested object the handler may change in place
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

  /** The noted paths with their current values in `data` (shortest first; paths inside another noted path are left out). */
  changes(data: Readonly<Record<string, unknown>>): StateChange[] {
    const paths = [...this.#dirty.values()].sort((a, b) => a.length - b.length);
    const taken = new Set<string>();
    const out: StateChange[] = [];
    for (const path of paths) {
      if (path.some((_, i) => i > 0 && i < path.length && taken.has(path.slice(0, i).join('\u0000')))) continue;
      taken.add(path.join('\u0000'));
      const value = valueAt(data, path);
      out.push(value === undefined ? { path, deleted: true } : { path, value });
    }
    return out;
  }
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
