/**
 * The task drivers, by name (see `driver.ts`).
 *
 * @internal
 */
import type { RuntimeContext } from '../context.js';
import { TASK_DRIVERS, type TaskDriver, type TaskDriverName } from './driver.js';
import { ProcessDriver } from './process-driver.js';

export { TASK_DRIVERS, type TaskDriver, type TaskDriverName } from './driver.js';

/** Whether `value` names a task driver. */
export function isTaskDriverName(value: unknown): value is TaskDriverName {
  return typeof value === 'string' && (TASK_DRIVERS as readonly string[]).includes(value);
}

/**
 * Makes the driver `name` for a runtime. The container driver finds an
 * engine first and throws (naming the fix) when none answers.
 */
export async function createTaskDriver(name: TaskDriverName, context: RuntimeContext): Promise<TaskDriver> {
  if (!isTaskDriverName(name)) {
    throw new RangeError(`driver must be one of ${TASK_DRIVERS.join(', ')}, got: ${JSON.stringify(name)}`);
  }
  if (name === 'process') return new ProcessDriver(context.images);
  throw new Error('the container driver is not available in this build');
}
