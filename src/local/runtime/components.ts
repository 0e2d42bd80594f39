/**
 * The runtime's parts, in tick order: tasks and services first (they start
 * and stop processes), then load balancers (they route to what runs), then
 * monitoring (it measures what runs and scales services).
 *
 * @internal
 */
import type { RuntimeComponent, RuntimeContext } from './context.js';

/** Every component of the default runtime. */
export function createComponents(_context: RuntimeContext): RuntimeComponent[] {
  return [];
}
