/**
 * The runtime as `ecskit/local` exports it: the runtime core wired to this
 * process's services. The runtime itself (`runtime/`) knows the control plane
 * only by its interface; this is where the two meet.
 *
 * @module
 */
import type { CloudState } from './core/cloud-state.js';
import { Runtime, type RuntimeOptions } from './runtime/runtime.js';
import { runtimePort } from './services/runtime-port.js';

/**
 * Makes a {@link CloudState}'s tasks real: runs them, health-checks them,
 * proxies load balancers, evaluates alarms and scaling. `startLocalCloud`
 * makes one; make your own only to attach a runtime to a state you drive
 * yourself.
 */
export class LocalRuntime extends Runtime {
  constructor(cloud: CloudState, options: RuntimeOptions = {}) {
    super(cloud, { ...options, controlPlane: options.controlPlane ?? runtimePort });
  }
}
