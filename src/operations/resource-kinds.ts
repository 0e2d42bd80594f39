/**
 * The kinds of resource a stack owns: what the operations' events name
 * (`events.ts`) and the order `destroy()` removes them in (`destroy/`).
 *
 * @module
 */

/** The kinds of resource a stack can own, in the order `destroy()` removes them. */
export const DESTROY_ORDER = [
  'scaling-policy',
  'scalable-target',
  'alarm',
  'dashboard',
  'service',
  'discovery-service',
  'namespace',
  'listener-rule',
  'listener',
  'load-balancer',
  'target-group',
  'instance',
  'security-group',
  'task-definition',
  'log-group',
  'cluster',
] as const;

/** One kind of {@link DESTROY_ORDER}. */
export type StackResourceKind = (typeof DESTROY_ORDER)[number];
