/**
 * {@link CloudState} as the local cloud's users and tests create it: the
 * core state (`core/cloud-state.ts`, which knows no service) with every
 * service of `services/index.ts` unless `services` names others.
 *
 * @internal
 */
import { CloudState as CoreCloudState, type CloudStateOptions } from './core/cloud-state.js';
import { services as allServices } from './services/index.js';

/**
 * The local cloud's control-plane state: every account and region, the
 * services that act on it (all of them by default), and the event bus the runtime listens to.
 *
 * @example
 * ```ts
 * const state = new CloudState({ timeScale: 0.05 });
 * await state.invoke('ecs', 'CreateCluster', { clusterName: 'lab' }, { region: 'us-east-1' });
 * // → { cluster: { clusterName: 'lab', status: 'ACTIVE', … } }
 * ```
 */
export class CloudState extends CoreCloudState {
  constructor(options: CloudStateOptions = {}) {
    super({ ...options, services: options.services ?? allServices });
  }
}
