/**
 * Registered targets of a target group by `Id` and `Port`, for the service
 * scheduler's per-task checks within one tick.
 *
 * Every running service task behind a load balancer looks up its own targets
 * (to count as ready, and to be stopped when unhealthy); with
 * `tg.Targets.find` that was tasks × targets per tick (≈1 ms at 600 targets,
 * 17 ms at 2,400). {@link TargetLookup.find} returns what
 * `tg.Targets.find((t) => t.Id === id && t.Port === port)` would: the first
 * such target, the stored object itself.
 *
 * The ELBv2 state only ever pushes onto a group's `Targets` or replaces the
 * array (prune, deregister — and `registerTargets` prunes first, so every
 * registration replaces it), and never changes a stored target's `Id` or
 * `Port`. So an index stays current for the same array, is extended when the
 * array grew, and is dropped when the array is replaced. It is only built on
 * the second lookup in an unchanged array: a tick that registers a target
 * between every two lookups (tasks becoming RUNNING together) then costs what
 * `find` cost, never more. Make one per tick.
 *
 * @internal
 */
import type { StoredTarget, StoredTargetGroup } from '../control-plane.js';

interface Entry {
  /** How many targets are indexed (the array's length when last looked at). */
  length: number;
  /** Lookups in this array so far. */
  lookups: number;
  /** Id → Port → first target with them; built on the second lookup. */
  byPlace?: Map<string, Map<number, StoredTarget>>;
}

/** First-match lookups of targets by Id and Port. */
export class TargetLookup {
  readonly #entries = new WeakMap<StoredTarget[], Entry>();

  /** The first target of `tg` with this `Id` and `Port`, as `tg.Targets.find` finds it. */
  find(tg: StoredTargetGroup, id: string, port: number): StoredTarget | undefined {
    const targets = tg.Targets;
    let entry = this.#entries.get(targets);
    if (!entry || targets.length < entry.length) {
      entry = { length: targets.length, lookups: 0 };
      this.#entries.set(targets, entry);
    }
    entry.lookups++;
    if (!entry.byPlace) {
      entry.length = targets.length;
      if (entry.lookups < 2) return targets.find((t) => t.Id === id && t.Port === port);
      entry.byPlace = new Map();
      add(entry.byPlace, targets, 0);
    } else if (targets.length > entry.length) {
      add(entry.byPlace, targets, entry.length);
      entry.length = targets.length;
    }
    // `===` never matches NaN; a Map key would.
    if (Number.isNaN(port)) return undefined;
    return entry.byPlace.get(id)?.get(port);
  }
}

/** Indexes `targets[from…]`, keeping the first target of each Id and Port. */
function add(byPlace: Map<string, Map<number, StoredTarget>>, targets: readonly StoredTarget[], from: number): void {
  for (let i = from; i < targets.length; i++) {
    const t = targets[i]!;
    let ports = byPlace.get(t.Id);
    if (!ports) byPlace.set(t.Id, (ports = new Map()));
    if (!ports.has(t.Port)) ports.set(t.Port, t);
  }
}
