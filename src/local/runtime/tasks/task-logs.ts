/**
 * A task's `awslogs` destinations, prepared before its containers start as
 * the ECS agent does: the group must exist unless `awslogs-create-group` is
 * `"true"`; each container writes to `prefix/container/task-id`.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { RuntimeContext } from '../context.js';
import type { Json, LogsPort } from '../control-plane.js';

/** Where a container writes its output (awslogs). */
export interface LogDestination {
  readonly regionState: RegionState;
  readonly group: string;
  readonly stream: string;
}

/** ECS's reason when the awslogs group is missing and `awslogs-create-group` is not set. */
export function missingLogGroupReason(group: string): string {
  return (
    `ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: ` +
    `failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. ` +
    `(log group ${group}; create it, or set awslogs-create-group to "true") : exit status 1`
  );
}

/** Who the logs belong to. */
export interface LogOwner {
  readonly accountId: string;
  readonly region: string;
  readonly taskId: string;
}

/**
 * Creates (or checks) every container's log group and stream. Returns the
 * destinations by container name, or the task's stopped reason.
 */
export function prepareLogs(
  context: RuntimeContext,
  owner: LogOwner,
  containers: ReadonlyArray<{ readonly name: string; readonly def: Json }>,
): { readonly destinations: Map<string, LogDestination> } | { readonly reason: string } {
  const logs = context.controlPlane.logs;
  const destinations = new Map<string, LogDestination>();
  for (const c of containers) {
    const log = c.def.logConfiguration as Json | undefined;
    if (log?.logDriver !== 'awslogs') continue;
    const opts = (log.options ?? {}) as Record<string, string>;
    const group = opts['awslogs-group'];
    if (!group) continue;
    const logRegion = opts['awslogs-region'] ?? owner.region;
    const regionState = context.cloud.region(logRegion, owner.accountId);
    if (String(opts['awslogs-create-group']).toLowerCase() === 'true') {
      try {
        logs.ensureLogGroup(regionState, { accountId: owner.accountId, region: logRegion }, group, Date.now());
      } catch (error) {
        return { reason: `ResourceInitializationError: failed to validate logger args: ${(error as Error).message}` };
      }
    } else if (!logs.state(regionState).groups[group]) {
      return { reason: missingLogGroupReason(group) };
    }
    const prefix = opts['awslogs-stream-prefix'];
    const stream = prefix ? `${prefix}/${c.name}/${owner.taskId}` : `${c.name}/${owner.taskId}`;
    destinations.set(c.name, { regionState, group, stream });
    try {
      logs.appendLogEvents(regionState, group, stream, []);
    } catch {
      // validated above; a bad stream name only loses output
    }
  }
  return { destinations };
}

/** Appends one output line; false when it was dropped (the group was deleted while the task ran, as the awslogs driver drops it). */
export function writeLogLine(logs: LogsPort, destination: LogDestination, line: string, timeMs: number): boolean {
  try {
    logs.appendLogEvents(destination.regionState, destination.group, destination.stream, [{ timestamp: timeMs, message: line }], timeMs);
    return true;
  } catch {
    return false;
  }
}
