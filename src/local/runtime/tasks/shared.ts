/**
 * What the parts of the tasks component share: the live task runs, what the
 * scheduler remembers per service, this tick's target lookup, and the
 * "state changed" flag the tick turns into one `touch()`.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { RuntimeContext } from '../context.js';
import type { EcsState } from '../control-plane.js';
import type { TargetLookup } from './target-lookup.js';
import type { TaskRun } from './task-run.js';

/** What the scheduler remembers about a service between ticks. */
export interface ServiceMemory {
  steady: boolean;
  /** Placement failure already reported (until a task is placed again). */
  placementReported: boolean;
}

/** One account+region that has ECS state. */
export interface EcsRegion {
  readonly accountId: string;
  readonly region: string;
  readonly state: RegionState;
  readonly ecs: EcsState;
}

/** State shared by the tasks component's parts. */
export interface TasksShared {
  readonly context: RuntimeContext;
  /** Live runs by task ARN. */
  readonly runs: Map<string, TaskRun>;
  /** Targets by Id and port, for this tick's per-task checks (a new one every tick). */
  targetLookup: TargetLookup;
  /** True once the component stopped. */
  readonly stopped: boolean;
  /** The scheduler's memory of a service (created on first use). */
  memoryOf(serviceArn: string): ServiceMemory;
  /** Marks the state changed (persisted at the end of the tick). */
  changed(): void;
  /** Every account+region with ECS state. */
  ecsRegions(): EcsRegion[];
}
