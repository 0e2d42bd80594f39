/**
 * ECS container dependencies (`dependsOn`): the order a task's containers
 * start in, and whether a dependency's condition holds.
 *
 * - `START`: the dependency has been started.
 * - `COMPLETE`: it has exited (any exit code).
 * - `SUCCESS`: it has exited with 0 (another exit code fails the task).
 * - `HEALTHY`: its health check reports HEALTHY (it must have one).
 *
 * A container waits at most its `startTimeout` (default 180 s, time-scaled)
 * for its dependencies; then, as on ECS, the task stops.
 *
 * @internal
 */
import type { Json } from '../control-plane.js';

/** A `dependsOn` entry. */
export interface Dependency {
  readonly containerName: string;
  readonly condition: 'START' | 'COMPLETE' | 'SUCCESS' | 'HEALTHY';
}

const CONDITIONS = new Set(['START', 'COMPLETE', 'SUCCESS', 'HEALTHY']);

/** A container's `dependsOn`, checked against the task's container names; a string is why it is invalid. */
export function dependenciesOf(def: Json, names: ReadonlySet<string>): Dependency[] | string {
  const raw = def.dependsOn;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return `dependsOn of container ${String(def.name)} must be a list`;
  const out: Dependency[] = [];
  for (const entry of raw as Json[]) {
    const containerName = String(entry?.containerName ?? '');
    const condition = String(entry?.condition ?? '');
    if (!names.has(containerName)) return `container ${String(def.name)} depends on ${JSON.stringify(containerName)}, which is not a container of the task`;
    if (containerName === String(def.name)) return `container ${containerName} depends on itself`;
    if (!CONDITIONS.has(condition)) return `container ${String(def.name)} depends on ${containerName} with condition ${JSON.stringify(condition)}; it must be START, COMPLETE, SUCCESS or HEALTHY`;
    out.push({ containerName, condition: condition as Dependency['condition'] });
  }
  return out;
}

/**
 * The start order of containers `defs` (dependencies first, otherwise the
 * task definition's order), or why there is none (unknown names, a cycle,
 * HEALTHY on a container without a health check).
 */
export function startOrder(defs: readonly Json[]): { order: number[]; dependencies: Dependency[][] } | string {
  const names = new Set(defs.map((d) => String(d.name)));
  const dependencies: Dependency[][] = [];
  for (const def of defs) {
    const deps = dependenciesOf(def, names);
    if (typeof deps === 'string') return deps;
    for (const dep of deps) {
      const target = defs.find((d) => String(d.name) === dep.containerName)!;
      const hc = target.healthCheck as Json | undefined;
      if (dep.condition === 'HEALTHY' && !(Array.isArray(hc?.command) && hc.command.length > 0)) {
        return `container ${String(def.name)} depends on ${dep.containerName} being HEALTHY, but ${dep.containerName} has no health check`;
      }
    }
    dependencies.push(deps);
  }
  const order: number[] = [];
  const state = new Array<0 | 1 | 2>(defs.length).fill(0);
  const index = new Map(defs.map((d, i) => [String(d.name), i]));
  const visit = (i: number, path: string[]): string | undefined => {
    if (state[i] === 2) return undefined;
    if (state[i] === 1) return `the containers' dependsOn form a cycle: ${[...path, String(defs[i]!.name)].join(' -> ')}`;
    state[i] = 1;
    for (const dep of dependencies[i]!) {
      const problem = visit(index.get(dep.containerName)!, [...path, String(defs[i]!.name)]);
      if (problem) return problem;
    }
    state[i] = 2;
    order.push(i);
    return undefined;
  };
  for (let i = 0; i < defs.length; i++) {
    const problem = visit(i, []);
    if (problem) return problem;
  }
  return { order, dependencies };
}

/** What a dependency looks like now, for {@link conditionState}. */
export interface DependencyView {
  readonly started: boolean;
  readonly exitCode: number | undefined;
  readonly health: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN' | undefined;
}

/** `met`, `waiting`, or why it can never be met. */
export function conditionState(dep: Dependency, view: DependencyView): 'met' | 'waiting' | { failed: string } {
  switch (dep.condition) {
    case 'START':
      return view.started ? 'met' : 'waiting';
    case 'COMPLETE':
      return view.exitCode !== undefined ? 'met' : 'waiting';
    case 'SUCCESS':
      if (view.exitCode === undefined) return 'waiting';
      return view.exitCode === 0 ? 'met' : { failed: `dependency ${dep.containerName} exited with code ${view.exitCode} (condition SUCCESS)` };
    case 'HEALTHY':
      if (view.health === 'HEALTHY') return 'met';
      if (view.exitCode !== undefined) return { failed: `dependency ${dep.containerName} exited before it was HEALTHY` };
      return view.health === 'UNHEALTHY' ? { failed: `dependency ${dep.containerName} is UNHEALTHY (condition HEALTHY)` } : 'waiting';
  }
}
