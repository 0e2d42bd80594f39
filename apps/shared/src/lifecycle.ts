/**
 * The readiness state an app shares with its main: ready until SIGTERM
 * starts draining.
 *
 * @internal
 * @module
 */

/** Readiness state read by `/health/ready` and set by the drain. @internal */
export interface Lifecycle {
  /** True once draining has started: `/health/ready` answers 503. */
  draining: boolean;
}

/** A lifecycle that starts ready. @internal */
export function createLifecycle(): Lifecycle {
  return { draining: false };
}
