/**
 * The operation context every verb takes: the clients, the stack name that
 * tags what gets created, an optional log sink, and the retry/poll settings.
 *
 * @module
 */
import pRetry from 'p-retry';
import type { Clients } from '../clients.js';
import { isRetryableError } from '../waiters/poller.js';
import { isUnreachableError, OperationError, UNREACHABLE_HINT } from './errors.js';
import { renderOperationEvent, type EnsureAction, type Ensured, type OperationEvent } from './events.js';

/** The SDK clients operations use: {@link Clients} from `connect()` fits. */
export type OperationClients = Pick<Clients, 'ecs' | 'serviceDiscovery' | 'elbv2' | 'autoScaling' | 'cloudWatch' | 'logs' | 'ec2'>;

/** Settings of an {@link OperationContext} besides the clients. */
export interface OperationSettings {
  /** The stack name: every resource an operation creates is tagged `ecskit:stack=<stack>`. */
  readonly stack: string;
  /** Extra tags put on every resource an operation creates. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Receives one human-readable line per action (`created cluster flask-inventory-cluster`,
   * each {@link OperationEvent} rendered), and progress notices (`waiting: …`).
   */
  readonly log?: (line: string) => void;
  /** Receives one typed {@link OperationEvent} per action (what `log` gets as text). */
  readonly onEvent?: (event: OperationEvent) => void;
  /** Default of `destroy()`'s `dryRun`: plan only, call no mutating API. */
  readonly dryRun?: boolean;
  /** Retries of a throttled or transient AWS call (on top of the SDK's own). Default 4. */
  readonly retries?: number;
  /** First retry delay in seconds, doubling each time. Default 0.5. */
  readonly retryDelaySeconds?: number;
  /** Seconds between polls while waiting (Cloud Map operations, services draining). Default 2. */
  readonly pollIntervalSeconds?: number;
  /** Longest wait, in seconds, for anything an operation waits on. Default 600. */
  readonly waitTimeoutSeconds?: number;
}

/**
 * What every operation takes as its first argument.
 *
 * @example
 * ```ts
 * const ctx: OperationContext = { clients: await connect(), stack: 'flask-inventory-lab', log: console.log };
 * await ensureCluster(ctx, 'flask-inventory-cluster');
 * ```
 */
export interface OperationContext extends OperationSettings {
  /** The SDK clients, e.g. from `connect()`. */
  readonly clients: OperationClients;
}

/** Reports what an operation did: the event to `onEvent`, its line to `log`. @internal */
export function emit(ctx: OperationSettings, event: OperationEvent): void {
  ctx.onEvent?.(event);
  ctx.log?.(renderOperationEvent(event));
}

/** Reports a `created` or `updated` event and returns the matching {@link Ensured} result. @internal */
export function ensured<T>(ctx: OperationSettings, event: OperationEvent & { readonly action: EnsureAction }, resource: T): Ensured<T> {
  emit(ctx, event);
  return { resource, action: event.action };
}

/** Why `destroy()` leaves an existing resource (the `detail` of its event). @internal */
export function notOwnedDetail(ctx: OperationSettings): string {
  return `not tagged with stack ${ctx.stack}: destroy will leave it`;
}

/** The tag key that marks a resource as part of a stack. */
export const STACK_TAG = 'ecskit:stack';

/** The stack tag plus the context's own tags, as one record. @internal */
export function stackTags(ctx: OperationSettings, extra?: Readonly<Record<string, string>>): Record<string, string> {
  return { ...ctx.tags, ...extra, [STACK_TAG]: ctx.stack };
}

/** A definition's own tags (`{Key,Value}`/`{key,value}` list) with the stack tag and the context's tags on top. @internal */
export function definitionTags(
  ctx: OperationSettings,
  tags: readonly { Key?: string; Value?: string; key?: string; value?: string }[] | undefined,
): Record<string, string> {
  return { ...tagRecord(tags), ...stackTags(ctx) };
}

/** `{ Key, Value }[]` (ELBv2, Cloud Map, CloudWatch, EC2). @internal */
export function keyValueTags(tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** `{ key, value }[]` (ECS). @internal */
export function lowerKeyValueTags(tags: Readonly<Record<string, string>>): { key: string; value: string }[] {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/** Reads `{Key,Value}` or `{key,value}` lists into a record. @internal */
export function tagRecord(tags: readonly { Key?: string; Value?: string; key?: string; value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) {
    const key = t.Key ?? t.key;
    if (key !== undefined) out[key] = t.Value ?? t.value ?? '';
  }
  return out;
}

/** True when the tags say the resource belongs to the context's stack. @internal */
export function ownedBy(tags: Readonly<Record<string, string>>, stack: string): boolean {
  return tags[STACK_TAG] === stack;
}

/** AWS's message of an SDK error. @internal */
function awsMessage(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { message?: unknown; Message?: unknown; name?: unknown };
    const text = typeof e.message === 'string' && e.message ? e.message : typeof e.Message === 'string' ? e.Message : '';
    if (text && text !== 'UnknownError') return text;
    if (typeof e.name === 'string') return e.name;
  }
  return String(error);
}

/** AWS's error code of an SDK error (or Node's, `ECONNREFUSED`, for a connection that never opened). @internal */
function awsCode(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  if (typeof e.Code === 'string') return e.Code;
  return isUnreachableError(error) ? (e.code as string) : undefined;
}

/**
 * Worth retrying on top of the SDK's own retries: throttling and transient
 * faults, but not an endpoint no connection opens to — the SDK already
 * retried that, and another 4 rounds only turned a refused port into a 12 s
 * wait (issue #12.7).
 */
function worthRetrying(error: unknown): boolean {
  return isRetryableError(error) && !isUnreachableError(error);
}

/** The {@link OperationError} for a failed call. @internal */
function operationError(operation: string, resource: string, error: unknown): OperationError {
  const code = awsCode(error);
  const message = isUnreachableError(error) ? `${awsMessage(error)}: ${UNREACHABLE_HINT}` : awsMessage(error);
  return new OperationError(operation, resource, message, { cause: error, ...(code !== undefined && { code }) });
}

/**
 * Runs one AWS call for an operation: throttling and transient faults are
 * retried with p-retry (exponential, jittered) on top of the SDK's own
 * retries, except an endpoint that refuses connections (fails at once);
 * anything else becomes an {@link OperationError} naming `operation` and
 * `resource`.
 *
 * @internal
 */
export async function call<T>(ctx: OperationSettings, operation: string, resource: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await pRetry(fn, {
      retries: ctx.retries ?? 4,
      minTimeout: (ctx.retryDelaySeconds ?? 0.5) * 1000,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) => worthRetrying(error),
    });
  } catch (error) {
    if (error instanceof OperationError) throw error;
    throw operationError(operation, resource, error);
  }
}

/**
 * Like {@link call}, but also retries while AWS answers one of `codes`
 * ("in use", "dependency violation") — for deletes that must wait for
 * something else to let go. Gives up after `timeoutSeconds`.
 *
 * @internal
 */
export async function callRetryingWhile<T>(
  ctx: OperationSettings,
  codes: readonly string[],
  operation: string,
  resource: string,
  fn: () => Promise<T>,
): Promise<T> {
  const wanted = new Set(codes.map((c) => c.replace(/Exception$/, '')));
  const busy = (error: unknown) => {
    const code = awsCode(error) ?? '';
    const raw = (error as { Code?: string } | undefined)?.Code ?? '';
    return wanted.has(code.replace(/Exception$/, '')) || wanted.has(raw.replace(/Exception$/, ''));
  };
  const interval = (ctx.pollIntervalSeconds ?? 2) * 1000;
  try {
    return await pRetry(fn, {
      retries: Number.MAX_SAFE_INTEGER,
      maxRetryTime: (ctx.waitTimeoutSeconds ?? 600) * 1000,
      minTimeout: Math.min(interval, (ctx.retryDelaySeconds ?? 0.5) * 1000),
      maxTimeout: interval,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) => busy(error) || worthRetrying(error),
      onFailedAttempt: ({ error, attemptNumber }) => {
        if (busy(error) && attemptNumber === 1) ctx.log?.(`waiting: ${operation} ${resource}: ${awsMessage(error)}`);
      },
    });
  } catch (error) {
    throw operationError(operation, resource, error);
  }
}

/** A builder or the plain SDK input it builds. */
export type Buildable<T> = T | {
  /** Produces the SDK input (every builder's exit). */
  build(): T;
};

/** The SDK input of a builder or plain input. @internal */
export function built<T extends object>(value: Buildable<T>): T {
  return typeof (value as { build?: unknown }).build === 'function' ? (value as { build(): T }).build() : (value as T);
}
