/**
 * Task placement on virtual EC2 container instances: which ACTIVE instance
 * of the cluster has enough CPU, memory and free host ports for a task, by
 * the service's placement strategy (binpack or spread; spread is the
 * default), and ECS's "closest matching" explanation when none has.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { remainingResources } from '../../services/ecs/container-instances.js';
import { ecsState, shortName, taskResources, type ContainerInstanceRecord, type Json, type TaskRecord } from '../../services/ecs/state.js';

/** Where a task goes, or why it cannot go anywhere. */
export type PlacementResult =
  | { readonly placed: true; readonly instance: ContainerInstanceRecord }
  | { readonly placed: false; readonly reason: string };

/** What an instance has left, as {@link remainingResources} reports it. */
export interface Remaining {
  readonly cpu: number;
  readonly memory: number;
  readonly ports: readonly string[];
  readonly runningTasksCount: number;
  readonly pendingTasksCount: number;
}

/** What a task needs. */
export interface Needs {
  readonly cpu: number;
  readonly memory: number;
  readonly ports: readonly number[];
}

/** The first resource an instance lacks for a task, in ECS's order (memory, CPU, ports), or undefined when it fits. */
export function missingResource(remaining: Remaining, needs: Needs): 'memory' | 'cpu' | 'ports' | undefined {
  if (remaining.memory < needs.memory) return 'memory';
  if (remaining.cpu < needs.cpu) return 'cpu';
  if (needs.ports.some((p) => remaining.ports.includes(String(p)))) return 'ports';
  return undefined;
}

/** ECS's explanation for the closest matching instance. */
export function closestMatchReason(instanceId: string, missing: 'memory' | 'cpu' | 'ports'): string {
  const what =
    missing === 'memory'
      ? 'has insufficient memory available'
      : missing === 'cpu'
        ? 'has insufficient CPU units available'
        : 'is already using a port required by your task';
  return `The closest matching (container-instance ${instanceId}) ${what}. For more information, see the Troubleshooting section.`;
}

/**
 * Chooses among candidates that fit: `binpack` on a field picks the instance
 * with the least of it left; anything else (spread, random, default) the one
 * with the fewest tasks, then the most memory left.
 */
export function chooseInstance<T extends { remaining: Remaining }>(candidates: readonly T[], strategy: readonly Json[]): T | undefined {
  const binpack = strategy.find((s) => s.type === 'binpack');
  const sorted = [...candidates];
  if (binpack) {
    const field = String(binpack.field ?? 'memory').toLowerCase() === 'cpu' ? 'cpu' : 'memory';
    sorted.sort((a, b) => a.remaining[field] - b.remaining[field]);
  } else {
    const load = (r: Remaining) => r.runningTasksCount + r.pendingTasksCount;
    sorted.sort((a, b) => load(a.remaining) - load(b.remaining) || b.remaining.memory - a.remaining.memory);
  }
  return sorted[0];
}

/** Places one task of `clusterArn` (the task's own CPU/memory/host ports). */
export function placeTask(regionState: RegionState, task: TaskRecord, strategy: readonly Json[] = []): PlacementResult {
  const s = ecsState(regionState);
  const instances = Object.values(s.containerInstances).filter((c) => c.clusterArn === task.clusterArn && c.status === 'ACTIVE');
  if (instances.length === 0) return { placed: false, reason: 'No Container Instances were found in your cluster.' };
  const needs = taskResources(regionState, task);
  const all = instances.map((instance) => ({ instance, remaining: remainingResources(regionState, instance) }));
  const fits = all.filter((c) => missingResource(c.remaining, needs) === undefined);
  const chosen = chooseInstance(fits, strategy);
  if (chosen) return { placed: true, instance: chosen.instance };
  // The closest match: the instance with the most memory left, then CPU.
  const closest = [...all].sort((a, b) => b.remaining.memory - a.remaining.memory || b.remaining.cpu - a.remaining.cpu)[0]!;
  return { placed: false, reason: closestMatchReason(shortName(closest.instance.containerInstanceArn), missingResource(closest.remaining, needs) ?? 'memory') };
}
