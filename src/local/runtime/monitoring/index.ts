/** @internal */
import type { RuntimeComponent, RuntimeContext } from '../context.js';

/** The `monitoring` part of the runtime (see `../runtime.ts`). */
export function monitoringComponent(context: RuntimeContext): RuntimeComponent {
  void context;
  return { name: 'monitoring', stop: async () => {} };
}
