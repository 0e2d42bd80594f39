/**
 * Typed events: every operation reports what it did to a resource as an
 * {@link OperationEvent} (`{ action: 'created', kind: 'cluster', name: … }`)
 * to the context's `onEvent`; the context's `log` gets the same event as one
 * human-readable line ({@link renderOperationEvent}). Consumers read the
 * fields, never the line.
 *
 * @module
 */
import type { StackResourceKind } from './resource-kinds.js';

/**
 * What an operation did to a resource: `created`, `updated`, `unchanged`,
 * `put` (an upsert where AWS does not say which: scaling policies, alarms),
 * and `destroy()`'s `removed`, `gone` (already gone) and `planned` (dry run).
 */
export type OperationAction = 'created' | 'updated' | 'unchanged' | 'put' | 'removed' | 'gone' | 'planned';

/**
 * One thing an operation did, as data.
 *
 * @example
 * ```ts
 * const ops = operations(aws, { stack: 'flask-inventory-lab', onEvent: (e) => e.action === 'created' && created.push(e) });
 * await ops.ensureCluster('flask-inventory-cluster');
 * // created → [{ action: 'created', kind: 'cluster', name: 'flask-inventory-cluster' }]
 * ```
 */
export interface OperationEvent {
  /** What was done. */
  readonly action: OperationAction;
  /** The kind of resource (the kinds of `destroy()`). */
  readonly kind: StackResourceKind;
  /** Its name (`invsys-service`, `flask-inventory-invsys:2`, `flask-inventory-alb:80`, `rule 10 of …`). */
  readonly name: string;
  /**
   * Said in parentheses after the name: the new id (`sg-…`), the deployment
   * (`deployment ecs-svc/…`), the changed fields, a capacity (`2–4`), why
   * `destroy()` will leave it; for `planned`, the AWS actions.
   */
  readonly detail?: string;
  /** For `updated`: what changed, e.g. `added 2 inbound rule(s)`, `health check updated`. */
  readonly change?: string;
  /** `false` for an existing resource without the stack tag (`destroy()` leaves it). */
  readonly owned?: boolean;
  /** For a service `deploy()`/`rollback()`: the task definition it now rolls out. */
  readonly taskDefinition?: string;
  /** For a service `scale()`: the new desired count. */
  readonly desiredCount?: number;
  /** For a scaling policy: the resource it scales (`service/<cluster>/<service>`). */
  readonly target?: string;
}

/** How a kind reads in a line (a listener rule's name already starts with `rule`). @internal */
function label(kind: StackResourceKind): string {
  return kind === 'listener-rule' ? 'listener' : kind.replaceAll('-', ' ');
}

/** ` (detail)`, or nothing. @internal */
const paren = (detail: string | undefined) => (detail ? ` (${detail})` : '');

/** The line of an `updated` event. @internal */
function updatedLine(e: OperationEvent): string {
  const tail = `${e.name}${paren(e.detail)}`;
  if (e.change !== undefined) return `${label(e.kind)} ${e.name}: ${e.change}${paren(e.detail)}`;
  if (e.desiredCount !== undefined) return `scaled to ${e.desiredCount}: ${tail}`;
  if (e.taskDefinition !== undefined) return `deploying ${e.taskDefinition} to ${tail}`;
  return `updated ${e.owned === false ? 'existing ' : ''}${label(e.kind)} ${tail}`;
}

/**
 * The human-readable line of an event, as the context's `log` receives it.
 *
 * @example
 * ```ts
 * renderOperationEvent({ action: 'created', kind: 'security-group', name: 'flask-inventory-ecs-sg', detail: 'sg-0bd9…' });
 * // 'created security group flask-inventory-ecs-sg (sg-0bd9…)'
 * renderOperationEvent({ action: 'removed', kind: 'cluster', name: 'flask-inventory-cluster' });
 * // 'removed: cluster flask-inventory-cluster'
 * ```
 */
export function renderOperationEvent(e: OperationEvent): string {
  switch (e.action) {
    case 'created':
      return `${e.kind === 'task-definition' || e.kind === 'scalable-target' ? 'registered' : 'created'} ${label(e.kind)} ${e.name}${paren(e.detail)}`;
    case 'updated':
      return updatedLine(e);
    case 'unchanged':
      return e.owned === false ? `using existing ${label(e.kind)} ${e.name}${paren(e.detail)}` : `${label(e.kind)} ${e.name} unchanged`;
    case 'put':
      return `put ${label(e.kind)} ${e.name}${e.target === undefined ? '' : ` on ${e.target}`}`;
    case 'removed':
      return `removed: ${e.kind} ${e.name}`;
    case 'gone':
      return `already gone: ${e.kind} ${e.name}`;
    case 'planned':
      return `would remove ${e.kind} ${e.name}: ${e.detail ?? ''}`;
  }
}

/** What an `ensure…` verb did: made the resource, changed it to match, or found it as wanted. */
export type EnsureAction = Extract<OperationAction, 'created' | 'updated' | 'unchanged'>;

/**
 * What every `ensure…` verb (and `registerTaskDefinition`) returns: the
 * resource as AWS describes it, and what the call did to it — the `action`
 * of the {@link OperationEvent} it reported, `unchanged` when it reported none.
 *
 * @example
 * ```ts
 * const { resource: cluster, action } = await ensureCluster(ctx, 'flask-inventory-cluster');
 * // cluster.clusterArn → 'arn:aws:ecs:…:cluster/flask-inventory-cluster', action → 'created' (then 'unchanged')
 * ```
 */
export interface Ensured<T> {
  /** The resource as AWS describes it. */
  readonly resource: T;
  /** `created`, `updated` (changed to match the definition) or `unchanged`. */
  readonly action: EnsureAction;
}
