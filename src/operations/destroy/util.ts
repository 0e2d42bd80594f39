/**
 * What the resource kinds of `destroy()` share: paging, batching, "already
 * gone" handling, one-call deletes and waits that throw on timeout.
 *
 * @internal
 * @module
 */
import { poll, type Verdict } from '../../waiters/poller.js';
import { call, callRetryingWhile, type OperationContext } from '../context.js';
import { hasErrorCode, OperationError } from '../errors.js';
import type { Removal, ResourceKindRecord, StackResource, StackResourceKind } from './types.js';

/** Ignores "not found" answers (the resource is already gone); returns whether it was. @internal */
export async function gone(action: () => Promise<unknown>, ...codes: string[]): Promise<boolean> {
  try {
    await action();
    return false;
  } catch (error) {
    if (hasErrorCode(error, ...codes)) return true;
    throw error;
  }
}

/** How one AWS call deletes a resource. @internal */
export interface DeleteCall {
  /** `service:Action`, also the step's action. */
  readonly operation: string;
  /** The codes that mean "already gone". */
  readonly notFound: readonly string[];
  /** Codes to retry while (in use, dependency violation) until the context's wait timeout. */
  readonly retryWhile?: readonly string[];
  /** Sends the delete. */
  send(ctx: OperationContext, resource: StackResource): Promise<unknown>;
}

/** Runs a {@link DeleteCall} for `r`; `true` when it was already gone. @internal */
export function deleteOnce(ctx: OperationContext, r: StackResource, d: DeleteCall): Promise<boolean> {
  const send = () => d.send(ctx, r);
  return gone(
    () => (d.retryWhile ? callRetryingWhile(ctx, d.retryWhile, d.operation, r.name, send) : call(ctx, d.operation, r.name, send)),
    ...d.notFound,
  );
}

/** A kind removed by one delete call: its step's action is the call's. @internal */
export function deletedByOneCall<K extends StackResourceKind>(
  kind: K,
  list: ResourceKindRecord['list'],
  d: DeleteCall & { readonly planned?: string },
): ResourceKindRecord<K> {
  return {
    kind,
    planned: d.planned ?? d.operation,
    list,
    remove: async (ctx, r): Promise<Removal> => ({ action: d.operation, wasGone: await deleteOnce(ctx, r, d) }),
  };
}

/** The stack's resources of `kind` among a shared listing's. @internal */
export function ofKind(kind: StackResourceKind, resources: readonly StackResource[]): StackResource[] {
  return resources.filter((r) => r.kind === kind);
}

/**
 * Polls until `accept` says done, at the context's interval and timeout;
 * otherwise throws an {@link OperationError} for `operation` on `resource`
 * saying what did not happen.
 *
 * @internal
 */
export async function waitUntil<O, T>(
  ctx: OperationContext,
  what: { readonly operation: string; readonly resource: string; readonly failure: string },
  observe: () => Promise<O>,
  accept: (observation: O) => Verdict<T>,
): Promise<T> {
  const result = await poll({ observe, accept, intervalSeconds: ctx.pollIntervalSeconds ?? 2, timeoutSeconds: ctx.waitTimeoutSeconds ?? 600 });
  if (result.state !== 'done') throw new OperationError(what.operation, what.resource, `${what.failure}: ${result.state} (${result.reason ?? ''})`);
  return result.value;
}
