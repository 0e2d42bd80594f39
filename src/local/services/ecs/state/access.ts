/**
 * What the ECS mutators share: their options (the clock) and the service
 * and deployment a mutation needs (an Error when absent: the runtime passes
 * ARNs it just read). Not re-exported by `../state.ts`.
 *
 * @internal
 */
import type { RegionState } from '../../../core/types.js';
import { type DeploymentRecord, ecsState, type ServiceRecord } from './records.js';
import { own } from '../../../core/util.js';

/** Options every runtime mutator accepts. */
export interface MutationOptions {
  /** Clock in epoch ms (default `Date.now()`). */
  now?: number;
}

/** The mutation's clock. */
export const nowOf = (o?: MutationOptions) => o?.now ?? Date.now();

/** The service with this ARN; an Error when there is none. */
export function mustService(regionState: RegionState, serviceArn: string): ServiceRecord {
  const svc = own(ecsState(regionState).services, serviceArn);
  if (!svc) throw new Error(`ecs: no service ${serviceArn}`);
  return svc;
}

/** The service's deployment with this id; an Error when there is none. */
export function mustDeployment(svc: ServiceRecord, deploymentId: string): DeploymentRecord {
  const d = svc.deployments.find((x) => x.id === deploymentId);
  if (!d) throw new Error(`ecs: service ${svc.serviceName} has no deployment ${deploymentId}`);
  return d;
}
