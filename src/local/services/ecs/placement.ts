/**
 * Task placement on (virtual) EC2 container instances, as the ECS control
 * plane does it: which ACTIVE instance of the cluster has enough CPU, memory
 * and free host ports, by the placement strategy (binpack or spread; spread
 * is the default); for a batch of tasks (RunTask, a service's launch) each
 * placed task reserves its share before the next is placed. What cannot be
 * placed is named as ECS names it: `RESOURCE:MEMORY` / `RESOURCE:CPU` /
 * `RESOURCE:PORTS` failures per container instance (RunTask), and "The
 * closest matching (container-instance …) has insufficient memory
 * available." (service events).
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { remainingResources } from './container-instances.js';
import { ecsState, shortName, taskResources, type ContainerInstanceRecord, type Json, type TaskDefinitionRecord, type TaskRecord } from './state.js';

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

/** A resource an instance can lack. */
export type MissingResource = 'memory' | 'cpu' | 'ports';

/** Where a task goes, or why it cannot go anywhere. */
export type PlacementResult =
  | { readonly placed: true; readonly instance: ContainerInstanceRecord }
  | { readonly placed: false; readonly reason: string };

/** An ECS API failure (`Failure` in the SDK). */
export interface PlacementFailure {
  readonly arn: string;
  readonly reason: string;
  readonly detail?: string;
}

/** What a batch placement decided: one instance per placed task, in order, and the failures of the rest. */
export interface BatchPlacement {
  readonly instances: readonly ContainerInstanceRecord[];
  /** RunTask's `failures` (one per instance, `RESOURCE:*`), empty when every task was placed. */
  readonly failures: readonly PlacementFailure[];
  /** The service-event explanation ("The closest matching …"), when a task was left unplaced. */
  readonly reason?: string;
}

/** AWS's failure when an EC2 cluster has no ACTIVE container instance. */
export const NO_CONTAINER_INSTANCES = 'No Container Instances were found in your cluster.';

/** The first resource an instance lacks for a task, in ECS's order (memory, CPU, ports), or undefined when it fits. */
export function missingResource(remaining: Remaining, needs: Needs): MissingResource | undefined {
  if (remaining.memory < needs.memory) return 'memory';
  if (remaining.cpu < needs.cpu) return 'cpu';
  if (needs.ports.some((p) => remaining.ports.includes(String(p)))) return 'ports';
  return undefined;
}

/** RunTask's failure reason for a missing resource: `RESOURCE:MEMORY`, `RESOURCE:CPU`, `RESOURCE:PORTS`. */
export function resourceFailureReason(missing: MissingResource): string {
  return `RESOURCE:${missing.toUpperCase()}`;
}

/** ECS's explanation for the closest matching instance. */
export function closestMatchReason(instanceId: string, missing: MissingResource): string {
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

/** The ACTIVE container instances of a cluster with what each has left. */
function candidates(regionState: RegionState, clusterArn: string): Array<{ instance: ContainerInstanceRecord; remaining: Remaining }> {
  return Object.values(ecsState(regionState).containerInstances)
    .filter((c) => c.clusterArn === clusterArn && c.status === 'ACTIVE')
    .map((instance) => ({ instance, remaining: remainingResources(regionState, instance) }));
}

/** The closest match among instances none of which fits: the one with the most memory left, then CPU. */
function closest<T extends { instance: ContainerInstanceRecord; remaining: Remaining }>(all: readonly T[], needs: Needs): string {
  const best = [...all].sort((a, b) => b.remaining.memory - a.remaining.memory || b.remaining.cpu - a.remaining.cpu)[0]!;
  return closestMatchReason(shortName(best.instance.containerInstanceArn), missingResource(best.remaining, needs) ?? 'memory');
}

/** Places one existing task of its cluster (the task's own CPU/memory/host ports). */
export function placeTask(regionState: RegionState, task: TaskRecord, strategy: readonly Json[] = []): PlacementResult {
  const all = candidates(regionState, task.clusterArn);
  if (all.length === 0) return { placed: false, reason: NO_CONTAINER_INSTANCES };
  const needs = taskResources(regionState, task);
  const chosen = chooseInstance(
    all.filter((c) => missingResource(c.remaining, needs) === undefined),
    strategy,
  );
  return chosen ? { placed: true, instance: chosen.instance } : { placed: false, reason: closest(all, needs) };
}

/** What a task of this definition (with RunTask `overrides`) reserves. */
export function definitionNeeds(regionState: RegionState, td: TaskDefinitionRecord, overrides: Json = {}): Needs {
  const r = taskResources(regionState, {
    taskDefinitionArn: td.taskDefinitionArn,
    cpu: (overrides.cpu as string | undefined) ?? td.cpu,
    memory: (overrides.memory as string | undefined) ?? td.memory,
    containers: [],
  });
  return { cpu: r.cpu, memory: r.memory, ports: r.ports };
}

/**
 * Places up to `count` tasks that each need `needs` on the cluster's ACTIVE
 * instances, each placed task reserving its share before the next is placed.
 * The tasks that do not fit get ECS's failures: one per instance with the
 * resource it lacks (`RESOURCE:MEMORY`, …), or "No Container Instances were
 * found in your cluster." when it has none.
 */
export function placeBatch(regionState: RegionState, clusterArn: string, needs: Needs, count: number, strategy: readonly Json[] = []): BatchPlacement {
  const all = candidates(regionState, clusterArn).map((c) => ({ instance: c.instance, remaining: { ...c.remaining, ports: [...c.remaining.ports] } }));
  if (all.length === 0) return { instances: [], failures: [{ arn: clusterArn, reason: NO_CONTAINER_INSTANCES }], reason: NO_CONTAINER_INSTANCES };
  const instances: ContainerInstanceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const chosen = chooseInstance(
      all.filter((c) => missingResource(c.remaining, needs) === undefined),
      strategy,
    );
    if (!chosen) {
      const failures = all.map((c) => ({ arn: c.instance.containerInstanceArn, reason: resourceFailureReason(missingResource(c.remaining, needs) ?? 'memory') }));
      return { instances, failures, reason: closest(all, needs) };
    }
    instances.push(chosen.instance);
    chosen.remaining = {
      cpu: chosen.remaining.cpu - needs.cpu,
      memory: chosen.remaining.memory - needs.memory,
      ports: [...chosen.remaining.ports, ...needs.ports.map(String)],
      runningTasksCount: chosen.remaining.runningTasksCount,
      pendingTasksCount: chosen.remaining.pendingTasksCount + 1,
    };
  }
  return { instances, failures: [] };
}
