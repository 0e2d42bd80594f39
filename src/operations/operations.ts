/**
 * `operations(clients, { stack })`: every verb bound to one context, for
 * scripts that read top to bottom.
 *
 * @module
 */
import { ensureCluster } from './cluster.js';
import type { OperationClients, OperationContext, OperationSettings } from './context.js';
import { destroy, listStackResources } from './destroy/index.js';
import { ensureDiscoveryService, ensureNamespace } from './discovery.js';
import { ensureListener, ensureListenerRule, ensureLoadBalancer, ensureTargetGroup } from './load-balancing.js';
import { tailLogs } from './logs.js';
import { putAlarm, putDashboard, putScalingPolicy, registerScalableTarget } from './monitoring.js';
import { ensureSecurityGroup, lookupDefaultNetwork } from './network.js';
import { deploy, ensureService, rollback, scale } from './service.js';
import { ensureLogGroup, registerTaskDefinition } from './task-definition.js';

/** A verb with its context argument already applied. */
export type BoundOperation<F> = F extends (ctx: OperationContext, ...args: infer A) => infer R ? (...args: A) => R : never;

/** The verbs {@link operations} binds, by name (each documented on its own function). */
export interface OperationVerbs {
  /** See {@link ensureCluster}. */
  readonly ensureCluster: typeof ensureCluster;
  /** See {@link registerTaskDefinition}. */
  readonly registerTaskDefinition: typeof registerTaskDefinition;
  /** See {@link ensureLogGroup}. */
  readonly ensureLogGroup: typeof ensureLogGroup;
  /** See {@link ensureNamespace}. */
  readonly ensureNamespace: typeof ensureNamespace;
  /** See {@link ensureDiscoveryService}. */
  readonly ensureDiscoveryService: typeof ensureDiscoveryService;
  /** See {@link lookupDefaultNetwork}. */
  readonly lookupDefaultNetwork: typeof lookupDefaultNetwork;
  /** See {@link ensureSecurityGroup}. */
  readonly ensureSecurityGroup: typeof ensureSecurityGroup;
  /** See {@link ensureLoadBalancer}. */
  readonly ensureLoadBalancer: typeof ensureLoadBalancer;
  /** See {@link ensureTargetGroup}. */
  readonly ensureTargetGroup: typeof ensureTargetGroup;
  /** See {@link ensureListener}. */
  readonly ensureListener: typeof ensureListener;
  /** See {@link ensureListenerRule}. */
  readonly ensureListenerRule: typeof ensureListenerRule;
  /** See {@link ensureService}. */
  readonly ensureService: typeof ensureService;
  /** See {@link deploy}. */
  readonly deploy: typeof deploy;
  /** See {@link rollback}. */
  readonly rollback: typeof rollback;
  /** See {@link scale}. */
  readonly scale: typeof scale;
  /** See {@link registerScalableTarget}. */
  readonly registerScalableTarget: typeof registerScalableTarget;
  /** See {@link putScalingPolicy}. */
  readonly putScalingPolicy: typeof putScalingPolicy;
  /** See {@link putAlarm}. */
  readonly putAlarm: typeof putAlarm;
  /** See {@link putDashboard}. */
  readonly putDashboard: typeof putDashboard;
  /** See {@link tailLogs}. */
  readonly tailLogs: typeof tailLogs;
  /** See {@link listStackResources}. */
  readonly listStackResources: typeof listStackResources;
  /** See {@link destroy}. */
  readonly destroy: typeof destroy;
}

const VERBS: OperationVerbs = {
  ensureCluster,
  registerTaskDefinition,
  ensureLogGroup,
  ensureNamespace,
  ensureDiscoveryService,
  lookupDefaultNetwork,
  ensureSecurityGroup,
  ensureLoadBalancer,
  ensureTargetGroup,
  ensureListener,
  ensureListenerRule,
  ensureService,
  deploy,
  rollback,
  scale,
  registerScalableTarget,
  putScalingPolicy,
  putAlarm,
  putDashboard,
  tailLogs,
  listStackResources,
  destroy,
};

/** Every operation bound to one {@link OperationContext} (see {@link operations}). */
export type Operations = { readonly [K in keyof OperationVerbs]: BoundOperation<OperationVerbs[K]> } & {
  /** The context the verbs share. */
  readonly context: OperationContext;
};

/**
 * Binds every operation to one context, so a script reads as a list of steps.
 *
 * @example
 * ```ts
 * const aws = await connect();
 * const ops = operations(aws, { stack: 'flask-inventory-lab', log: console.log });
 * const net = await ops.lookupDefaultNetwork();
 * await ops.ensureCluster('flask-inventory-cluster');
 * const invsys = await ops.registerTaskDefinition(invsysTd);
 * const { deploymentId } = await ops.ensureService(invsysService.taskDefinition(invsys.familyRevision));
 * // … later
 * await ops.destroy({ dryRun: true }); // prints the plan
 * ```
 */
export function operations(clients: OperationClients, settings: OperationSettings): Operations {
  const context: OperationContext = { ...settings, clients };
  const bound: Record<string, unknown> = { context };
  for (const [name, verb] of Object.entries(VERBS)) {
    bound[name] = (...args: unknown[]) => (verb as (ctx: OperationContext, ...rest: unknown[]) => unknown)(context, ...args);
  }
  return bound as Operations;
}
