/**
 * The local cap on live tasks (`ecskit local --max-tasks`), as the control
 * plane sees it. Every task the local cloud runs is a process (or a container)
 * on this machine, so unlike AWS it cannot scale out: the runtime registers
 * its cap on the cloud's event bus, and RunTask and the service scheduler
 * create no task past it. RunTask answers a `LOCAL_TASK_LIMIT` failure for
 * the tasks it could not start; the scheduler adds a service event.
 *
 * With no runtime attached (control plane only) there is no cap.
 *
 * @internal
 */
import type { EventEmitter } from 'node:events';
import type { RegionState } from '../../core/types.js';
import type { PlacementFailure } from './placement.js';
import type { EcsState } from './state.js';

/** The runtime's cap on live tasks. */
export interface LocalTaskLimit {
  /** Most tasks that may be live (not STOPPED) at once, over every account and region. */
  readonly maxTasks: number;
  /** Tasks live now (every task not STOPPED, in every account and region). */
  liveTasks(): number;
}

/** RunTask's failure reason past the local cap. */
export const LOCAL_TASK_LIMIT = 'LOCAL_TASK_LIMIT';

const limits = new WeakMap<EventEmitter, LocalTaskLimit>();

/** Registers (or with `undefined` removes) the cap for the cloud whose event bus this is. */
export function setLocalTaskLimit(events: EventEmitter, limit: LocalTaskLimit | undefined): void {
  if (limit) limits.set(events, limit);
  else limits.delete(events);
}

/** The cap registered for this cloud's event bus, if a runtime is attached. */
export function localTaskLimit(events: EventEmitter): LocalTaskLimit | undefined {
  return limits.get(events);
}

/** How many more tasks may start now (`Infinity` with no cap). */
export function freeTaskSlots(events: EventEmitter): number {
  const limit = limits.get(events);
  return limit ? Math.max(0, limit.maxTasks - limit.liveTasks()) : Number.POSITIVE_INFINITY;
}

/** Tasks not STOPPED in these region states (what counts against the cap). */
export function liveTaskCount(regionStates: Iterable<RegionState>): number {
  let live = 0;
  for (const state of regionStates) {
    const ecs = state.ecs as EcsState | undefined;
    if (!ecs) continue;
    for (const task of Object.values(ecs.tasks)) if (task.lastStatus !== 'STOPPED') live++;
  }
  return live;
}

/** What the cap means for the user, with the fix. */
export function taskLimitDetail(maxTasks: number): string {
  return (
    `The local cloud runs at most ${maxTasks} tasks at once (each is a process on this machine), and ${maxTasks} are live. ` +
    `Stop tasks or scale services in, or start ecskit local with a larger --max-tasks.`
  );
}

/** RunTask's failure for tasks the cap left out. */
export function taskLimitFailure(clusterArn: string, maxTasks: number): PlacementFailure {
  return { arn: clusterArn, reason: LOCAL_TASK_LIMIT, detail: taskLimitDetail(maxTasks) };
}
