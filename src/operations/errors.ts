/**
 * The one error every operation throws for an AWS failure it cannot handle:
 * `[ecs:UpdateService] invsys-service: <AWS's message>`.
 *
 * @module
 */
import { EcskitError } from '../errors.js';

/** Options of {@link OperationError}. */
export interface OperationErrorOptions {
  /** AWS's error code (`ServiceNotFoundException`, `ResourceInUse`, …), when AWS sent one. */
  readonly code?: string;
  /** The original error (the SDK's exception). */
  readonly cause?: unknown;
}

/**
 * An AWS call made by an operation failed with a non-transient error (or a
 * transient one that kept failing). Carries the operation (`ecs:UpdateService`),
 * the resource it was about (`invsys-service`), AWS's error code and message.
 *
 * @example
 * ```ts
 * try {
 *   await ops.scale({ cluster: 'flask-inventory-cluster', service: 'nope', desiredCount: 2 });
 * } catch (error) {
 *   if (error instanceof OperationError) {
 *     error.message;   // '[ecs:UpdateService] nope: Service not found.'
 *     error.operation; // 'ecs:UpdateService'
 *     error.code;      // 'ServiceNotFoundException'
 *   }
 * }
 * ```
 */
export class OperationError extends EcskitError {
  /** Always `'OperationError'`. */
  override readonly name = 'OperationError';
  /** `service:Action`, e.g. `ecs:UpdateService`. */
  readonly operation: string;
  /** The resource the call was about (name, id or ARN). */
  readonly resource: string;
  /** AWS's error code when there was one, else `'OperationError'`. */
  readonly code: string;
  /** AWS's own message (or the reason ecskit gives). */
  readonly awsMessage: string;

  constructor(operation: string, resource: string, awsMessage: string, options: OperationErrorOptions = {}) {
    super(`[${operation}] ${resource}: ${awsMessage}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.operation = operation;
    this.resource = resource;
    this.code = options.code ?? 'OperationError';
    this.awsMessage = awsMessage;
  }
}

/**
 * True when `error` is an {@link OperationError} (or a raw SDK error) whose
 * AWS code is one of `codes`.
 *
 * @example
 * ```ts
 * try { … } catch (error) { if (!hasErrorCode(error, 'ServiceNotFoundException')) throw error; }
 * ```
 */
export function hasErrorCode(error: unknown, ...codes: string[]): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; name?: unknown; Code?: unknown };
  const found = error instanceof OperationError ? [e.code] : [e.Code, e.name];
  const wanted = new Set(codes.map(bareCode));
  return found.some((code) => typeof code === 'string' && wanted.has(bareCode(code)));
}

/** `LoadBalancerNotFoundException` and `LoadBalancerNotFound` name the same AWS error. @internal */
function bareCode(code: string): string {
  return code.endsWith('Exception') ? code.slice(0, -'Exception'.length) : code;
}

/** Node's codes for "no connection could be opened": nothing listens, no route, no such host. @internal */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/**
 * True when `error` says no connection to the endpoint could be opened
 * (`ECONNREFUSED`, `ENOTFOUND`, …). The SDK has already retried such a call
 * (its standard strategy counts them as transient); retrying it again only
 * delays the answer, so operations fail at once with the endpoint named.
 *
 * @internal
 * @example
 * ```ts
 * isUnreachableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566'), { code: 'ECONNREFUSED' })); // true
 * isUnreachableError({ name: 'ThrottlingException' }); // false
 * ```
 */
export function isUnreachableError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

/** The fix appended to an unreachable endpoint's message. @internal */
export const UNREACHABLE_HINT = 'nothing answers at the endpoint: check AWS_ENDPOINT_URL, or start a local cloud with `npx ecskit local`';
