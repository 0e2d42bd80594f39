/**
 * The runtime's parts, in tick order: tasks and services first (they start
 * and stop processes), then load balancers (they route to what runs), then
 * monitoring (it measures what runs and scales services).
 *
 * @internal
 */
import type { RuntimeComponent, RuntimeContext } from './context.js';
import { loadBalancingComponent } from './load-balancing/index.js';
import { monitoringComponent } from './monitoring/index.js';
import { tasksComponent } from './tasks/index.js';

/** Every component of the default runtime. */
export function createComponents(context: RuntimeContext): RuntimeComponent[] {
  return [tasksComponent(context), loadBalancingComponent(context), monitoringComponent(context)];
}
