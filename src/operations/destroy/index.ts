/**
 * `listStackResources` and `destroy`: find every resource tagged
 * `ecskit:stack=<stack>` (plus the scaling policies of its scalable targets)
 * and remove them in reverse dependency order. Missing resources are fine, so
 * it is safe to run twice and after a crashed run; a dry run calls no
 * mutating API. Each kind of resource is one {@link ResourceKindRecord}
 * (how to list it, remove it, and what a dry run says), in the module of its
 * service.
 *
 * @module
 */
import { emit, type OperationContext } from '../context.js';
import { discoveryService, namespace } from './cloud-map.js';
import { instance, logGroup, securityGroup } from './ec2.js';
import { cluster, service, taskDefinition } from './ecs.js';
import { listener, listenerRule, loadBalancer, targetGroup } from './load-balancing.js';
import { alarm, dashboard, scalableTarget, scalingPolicy } from './monitoring.js';
import { DESTROY_ORDER, type DestroyOptions, type DestroyReport, type DestroyStep, type ListScope, type ResourceKindRecord, type StackResource, type StackResourceKind } from './types.js';

export { DESTROY_ORDER, type DestroyOptions, type DestroyReport, type DestroyStep, type StackResource, type StackResourceKind } from './types.js';

/** Every kind's record. @internal */
const KINDS: { readonly [K in StackResourceKind]: ResourceKindRecord<K> } = {
  'scaling-policy': scalingPolicy,
  'scalable-target': scalableTarget,
  alarm,
  dashboard,
  service,
  'discovery-service': discoveryService,
  namespace,
  'listener-rule': listenerRule,
  listener,
  'load-balancer': loadBalancer,
  'target-group': targetGroup,
  instance,
  'security-group': securityGroup,
  'task-definition': taskDefinition,
  'log-group': logGroup,
  cluster,
};

/** A scope whose shared listings run once. @internal */
function listScope(ctx: OperationContext): ListScope {
  const shared = new Map<string, Promise<unknown>>();
  return {
    ctx,
    once<T>(key: string, list: (c: OperationContext) => Promise<T>): Promise<T> {
      if (!shared.has(key)) shared.set(key, list(ctx));
      return shared.get(key) as Promise<T>;
    },
  };
}

/**
 * Every resource of the context's stack, in the order `destroy()` would
 * remove them: the tagged ones (ECS, ELBv2, Cloud Map, CloudWatch alarms and
 * dashboards, Auto Scaling, EC2, Logs) and the scaling policies of tagged
 * scalable targets. Empty after a successful destroy.
 *
 * @example
 * ```ts
 * const left = await listStackResources(ctx);
 * // [] after destroy(); before: [{ kind: 'service', id: 'arn:aws:ecs:…:service/…/invsys-service', name: 'invsys-service', … }, …]
 * ```
 */
export async function listStackResources(ctx: OperationContext): Promise<StackResource[]> {
  const scope = listScope(ctx);
  return (await Promise.all(DESTROY_ORDER.map((kind) => KINDS[kind].list(scope)))).flat();
}

/**
 * Removes every resource of the context's stack in reverse dependency order
 * (see {@link DESTROY_ORDER}): scaling policies and targets, alarms,
 * dashboards, services (scaled to 0, deleted, waited until INACTIVE),
 * discovery services (retried while instances are still registered),
 * namespaces (waiting on the operation), listener rules, listeners, load
 * balancers, target groups (retried while in use), EC2 instances
 * (terminated, waited until terminated), security groups (retried while in
 * use), task definitions (deregistered and deleted), log groups, clusters
 * (once the container instances of terminated EC2 instances deregistered;
 * any left are deregistered). Resources that
 * are already gone are fine, so it is safe to run twice or after a crashed run.
 * With `dryRun` it lists and logs the plan and calls no mutating API.
 *
 * @example
 * ```ts
 * const plan = await destroy(ctx, { dryRun: true });
 * // plan.steps → [{ resource: { kind: 'service', name: 'invsys-service', … }, action: 'ecs:UpdateService(…) + …', outcome: 'planned' }, …]
 * const report = await destroy(ctx);
 * report.removed.length;              // 17
 * (await listStackResources(ctx)).length; // 0
 * ```
 */
export async function destroy(ctx: OperationContext, options: DestroyOptions = {}): Promise<DestroyReport> {
  const started = Date.now();
  const dryRun = options.dryRun ?? ctx.dryRun ?? false;
  const resources = await listStackResources(ctx);
  const steps: DestroyStep[] = [];
  const removed: StackResource[] = [];
  if (dryRun) {
    for (const resource of resources) {
      steps.push({ resource, action: KINDS[resource.kind].planned, outcome: 'planned' });
      emit(ctx, { action: 'planned', kind: resource.kind, name: resource.name, detail: KINDS[resource.kind].planned });
    }
    if (resources.length === 0) ctx.log?.(`stack ${ctx.stack}: nothing to remove`);
    return { stack: ctx.stack, dryRun, steps, removed, elapsedSeconds: (Date.now() - started) / 1000 };
  }
  for (const kind of DESTROY_ORDER) {
    const batch = resources.filter((r) => r.kind === kind);
    // Resources of one kind do not depend on each other: remove them together.
    const results = await Promise.all(batch.map(async (resource) => ({ resource, ...(await KINDS[kind].remove(ctx, resource)) })));
    for (const { resource, action, wasGone } of results) {
      steps.push({ resource, action, outcome: wasGone ? 'gone' : 'removed' });
      if (!wasGone) removed.push(resource);
      emit(ctx, { action: wasGone ? 'gone' : 'removed', kind: resource.kind, name: resource.name });
    }
  }
  return { stack: ctx.stack, dryRun, steps, removed, elapsedSeconds: (Date.now() - started) / 1000 };
}
