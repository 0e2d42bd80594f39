/**
 * The types of `listStackResources` and `destroy`, and the record every
 * resource kind is defined by ({@link ResourceKindRecord}).
 *
 * @module
 */
import type { OperationContext } from '../context.js';
import type { StackResourceKind } from '../resource-kinds.js';

export { DESTROY_ORDER, type StackResourceKind } from '../resource-kinds.js';

/** A resource that belongs to a stack. */
export interface StackResource {
  /** What it is. */
  readonly kind: StackResourceKind;
  /** The id `destroy()` deletes it by: an ARN, a Cloud Map/EC2 id (`sg-…`, `i-…`), or a name (dashboards, log groups). */
  readonly id: string;
  /** A readable name (`invsys-service`, `flask-inventory-invsys:2`). */
  readonly name: string;
  /** For services: their cluster; for scaling: namespace, resource id and dimension; for task definitions: the status. */
  readonly detail?: Readonly<Record<string, string>>;
}

/** One line of a {@link DestroyReport}. */
export interface DestroyStep {
  /** The resource. */
  readonly resource: StackResource;
  /** The AWS action(s) taken or planned, e.g. `ecs:UpdateService(desiredCount=0) + ecs:DeleteService`. */
  readonly action: string;
  /** `planned` (dry run), `removed`, or `gone` (it disappeared before we got to it). */
  readonly outcome: 'planned' | 'removed' | 'gone';
}

/** What {@link destroy} returns. */
export interface DestroyReport {
  /** The stack. */
  readonly stack: string;
  /** `true` when nothing was changed. */
  readonly dryRun: boolean;
  /** One step per resource, in the order taken. */
  readonly steps: readonly DestroyStep[];
  /** The resources removed (empty on a dry run). */
  readonly removed: readonly StackResource[];
  /** Seconds it took. */
  readonly elapsedSeconds: number;
}

/** Options of {@link destroy}. */
export interface DestroyOptions {
  /** Plan only: list and print what would be removed, call no mutating API. Default: the context's `dryRun`. */
  readonly dryRun?: boolean;
}

/**
 * One `listStackResources` call: the context, and `once`, which runs a
 * listing shared by several kinds (scaling policies are found through their
 * targets, listener rules through their listeners) a single time per call.
 *
 * @internal
 */
export interface ListScope {
  /** The operation context. */
  readonly ctx: OperationContext;
  /** Runs `list` once per scope and key; later calls get the same promise. */
  once<T>(key: string, list: (ctx: OperationContext) => Promise<T>): Promise<T>;
}

/** What removing one resource did. @internal */
export interface Removal {
  /** The AWS action(s) taken. */
  readonly action: string;
  /** `true` when it was already gone. */
  readonly wasGone: boolean;
}

/**
 * Everything `destroy()` knows about one kind of resource: how to list the
 * stack's resources of that kind, how to remove one, and what a dry run says
 * it would do. Its place in the order is its place in {@link DESTROY_ORDER}.
 *
 * @internal
 */
export interface ResourceKindRecord<K extends StackResourceKind = StackResourceKind> {
  /** The kind. */
  readonly kind: K;
  /** The AWS action(s) a dry run reports. */
  readonly planned: string;
  /** The stack's resources of this kind. */
  list(scope: ListScope): Promise<StackResource[]>;
  /** Removes one resource of this kind (already gone is fine). */
  remove(ctx: OperationContext, resource: StackResource): Promise<Removal>;
}
