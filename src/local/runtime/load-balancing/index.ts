/** @internal */
import type { RuntimeComponent, RuntimeContext } from '../context.js';

/** The `load-balancing` part of the runtime (see `../runtime.ts`). */
export function loadBalancingComponent(context: RuntimeContext): RuntimeComponent {
  void context;
  return { name: 'load-balancing', stop: async () => {} };
}
