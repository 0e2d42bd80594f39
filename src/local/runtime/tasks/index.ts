/** @internal */
import type { RuntimeComponent, RuntimeContext } from '../context.js';

/** The `tasks` part of the runtime (see `../runtime.ts`). */
export function tasksComponent(context: RuntimeContext): RuntimeComponent {
  void context;
  return { name: 'tasks', stop: async () => {} };
}
