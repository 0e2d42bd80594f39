/**
 * What every ecskit waiter shares: options (time in seconds, `AbortSignal`,
 * a clock for tests), the acceptor contract, the typed outcome of a
 * resource waiter and the named error its `waitUntil…` form throws.
 *
 * @module
 */
import { EcskitError } from '../errors.js';
import type { Clock } from './clock.js';
import { poll, type UnfinishedState, type Verdict } from './poller.js';

/** Options every waiter takes. Times are in seconds. */
export interface WaiterOptions {
  /** Give up after this many seconds (outcome `timedOut`). Default: never — there is no hidden cap. */
  readonly timeoutSeconds?: number;
  /** Seconds between polls (the first poll is immediate). Default 2. */
  readonly intervalSeconds?: number;
  /** Jitter as a fraction of the interval (0.2 = ±20 %). Default 0.2. */
  readonly jitter?: number;
  /** Longest back-off while AWS throttles, in seconds. Default 30. */
  readonly maxBackoffSeconds?: number;
  /** Stops waiting (outcome `aborted`) and cancels the request in flight. */
  readonly signal?: AbortSignal;
  /** Time source; tests pass a fake one. Default: the system clock. */
  readonly clock?: Clock;
  /** Random source in [0, 1) for the jitter; tests pass a fixed one. */
  readonly random?: () => number;
}

/** A service's task counts, as DescribeServices reports them (both the deployment and the services-stable waiter observe them). */
export interface ServiceCounts {
  /** Desired tasks of the service. */
  readonly desiredCount: number;
  /** Its RUNNING tasks. */
  readonly runningCount: number;
  /** Its PENDING tasks. */
  readonly pendingCount: number;
}

/**
 * What a pure acceptor decides about one observation (after smithy's
 * waiter states): `success` and `failure` end the wait, `retry` polls again.
 *
 * @example
 * ```ts
 * const verdict: Acceptance = { state: 'retry', reason: '1 of 2 tasks RUNNING' };
 * ```
 */
export type Acceptance = AcceptanceOf<'success'> | AcceptanceOf<'failure'> | AcceptanceOf<'retry'>;

/** One acceptor verdict: its state and why. */
export interface AcceptanceOf<S extends 'success' | 'failure' | 'retry'> {
  /** `success` and `failure` end the wait, `retry` polls again. */
  readonly state: S;
  /** One sentence: what was seen, or what is still awaited. */
  readonly reason: string;
}

/**
 * How a resource waiter ended (a discriminated union on `outcome`). Every
 * variant carries the elapsed seconds, the number of API calls made and the
 * last observation (`undefined` only when no poll ever succeeded).
 *
 * @example
 * ```ts
 * const result = await waitForTasksRunning(aws, { cluster: 'lab', tasks: [taskArn] });
 * if (result.outcome !== 'success') console.error(result.outcome, result.reason);
 * // → e.g. 'failure' 'task 0f3a… STOPPED: Essential container in task exited (exit code 1)'
 * ```
 */
export type WaiterOutcome<O> =
  | WaiterEnded<O, 'success', O>
  | WaiterEnded<O, 'failure', O>
  | WaiterEnded<O, UnfinishedState, O | undefined>;

/** The fields of every {@link WaiterOutcome}. */
export interface WaiterEnded<O, K extends string, L extends O | undefined> {
  /** How the wait ended. */
  readonly outcome: K;
  /** One sentence saying why. */
  readonly reason: string;
  /** The last observation. */
  readonly last: L;
  /** Seconds from the first poll to the outcome. */
  readonly elapsedSeconds: number;
  /** API calls made. */
  readonly apiCalls: number;
}

/** Anything with an `outcome` discriminant (every waiter outcome). */
export interface OutcomeLike {
  /** How the wait ended. */
  readonly outcome: string;
}

/**
 * Base of every error a `waitUntil…` function throws; `outcome` is what the
 * matching `waitFor…` would have returned.
 *
 * @example
 * ```ts
 * try {
 *   await waitUntilTasksStopped(aws, { cluster: 'lab', tasks: [arn] }, { timeoutSeconds: 60 });
 * } catch (error) {
 *   if (error instanceof WaiterError) console.error(error.outcome.outcome); // 'timedOut'
 * }
 * ```
 */
export class WaiterError<O extends OutcomeLike = OutcomeLike> extends EcskitError {
  /** `WaiterError`, or the subclass's name. */
  override readonly name: string = 'WaiterError';
  /** `'WaiterError'`, or the subclass's code. */
  readonly code: string = 'WaiterError';
  /** The typed outcome of the wait. */
  readonly outcome: O;
  /**
   * @param waiter - name of the waiter, e.g. `waitUntilTasksRunning`
   * @param outcome - the outcome it ended with
   * @param message - the sentence after `[waiter] `
   */
  constructor(waiter: string, outcome: O, message: string) {
    super(`[${waiter}] ${message}`);
    this.outcome = outcome;
  }
}

/**
 * Counts API calls and forwards the poll's abort signal to each of them.
 *
 * @internal
 */
export class ApiCalls {
  /** Calls made so far. */
  count = 0;
  /** Runs one SDK call, counting it. */
  async call<T>(send: () => Promise<T>): Promise<T> {
    this.count++;
    return send();
  }
}

/**
 * How {@link pollWaiter} ended: the acceptor's value and the observation it
 * came from, or unfinished with the sentence saying why.
 *
 * @internal
 */
export type WaitResult<O, V> =
  | { readonly state: 'done'; readonly value: V; readonly last: O; readonly elapsedSeconds: number; readonly apiCalls: number }
  | { readonly state: UnfinishedState; readonly reason: string; readonly last: O | undefined; readonly elapsedSeconds: number; readonly apiCalls: number };

/**
 * The one poll loop of every waiter, resource and deployment alike: the
 * generic {@link poll} with the waiter's timing options, the last
 * observation kept, API calls counted and an unfinished wait's reason
 * (`timed out after 12.3 s; still waiting: …`) worded once.
 *
 * @internal
 */
export async function pollWaiter<O, V>(
  options: WaiterOptions,
  api: ApiCalls,
  observe: (signal: AbortSignal) => Promise<O>,
  accept: (observation: O) => Verdict<V>,
  onObservation?: (observation: O) => void,
): Promise<WaitResult<O, V>> {
  let last: O | undefined;
  const result = await poll<O, V>({
    ...pollTiming(options),
    observe,
    accept,
    onObservation: (observation) => {
      last = observation;
      onObservation?.(observation);
    },
  });
  const counts = { elapsedSeconds: result.elapsedSeconds, apiCalls: api.count };
  if (result.state === 'done') return { state: 'done', value: result.value, last: last as O, ...counts };
  const what = `${result.state === 'timedOut' ? 'timed out' : 'aborted'} after ${round(result.elapsedSeconds)} s`;
  return { state: result.state, reason: result.reason ? `${what}; still waiting: ${result.reason}` : what, last: result.last, ...counts };
}

/**
 * Runs a resource waiter: {@link pollWaiter} with a pure acceptor in the
 * `success` / `failure` / `retry` terms of {@link Acceptance}, its result as
 * a {@link WaiterOutcome}.
 *
 * @internal
 */
export async function runWaiter<O>(
  options: WaiterOptions,
  observe: (api: ApiCalls, signal: AbortSignal) => Promise<O>,
  accept: (observation: O) => Acceptance,
  onObservation?: (observation: O) => void,
): Promise<WaiterOutcome<O>> {
  const api = new ApiCalls();
  const result = await pollWaiter(options, api, (signal) => observe(api, signal), (o) => toVerdict(accept(o)), onObservation);
  if (result.state === 'done') {
    const acceptance = result.value;
    return {
      outcome: acceptance.state,
      reason: acceptance.reason,
      last: result.last,
      elapsedSeconds: result.elapsedSeconds,
      apiCalls: result.apiCalls,
    };
  }
  return { outcome: result.state, reason: result.reason, last: result.last, elapsedSeconds: result.elapsedSeconds, apiCalls: result.apiCalls };
}

/**
 * An {@link Acceptance} in the poller's terms: `retry` is `pending`, a
 * `success` or `failure` ends the wait with itself as the value.
 *
 * @internal
 */
export function toVerdict(acceptance: Acceptance): Verdict<AcceptanceOf<'success'> | AcceptanceOf<'failure'>> {
  return acceptance.state === 'retry' ? { state: 'pending', reason: acceptance.reason } : { state: 'done', value: acceptance };
}

/**
 * The poller's timing options from a waiter's options (only those set).
 *
 * @internal
 */
export function pollTiming(options: WaiterOptions) {
  return {
    ...(options.timeoutSeconds !== undefined && { timeoutSeconds: options.timeoutSeconds }),
    ...(options.intervalSeconds !== undefined && { intervalSeconds: options.intervalSeconds }),
    ...(options.jitter !== undefined && { jitter: options.jitter }),
    ...(options.maxBackoffSeconds !== undefined && { maxBackoffSeconds: options.maxBackoffSeconds }),
    ...(options.signal !== undefined && { signal: options.signal }),
    ...(options.clock !== undefined && { clock: options.clock }),
    ...(options.random !== undefined && { random: options.random }),
  };
}

/**
 * Throws the named error unless the outcome is `success`.
 *
 * @internal
 */
export function successOrThrow<O>(waiter: string, outcome: WaiterOutcome<O>): WaiterEnded<O, 'success', O> {
  if (outcome.outcome === 'success') return outcome;
  throw new WaiterError(waiter, outcome, `${outcome.outcome}: ${outcome.reason}`);
}

/**
 * Seconds rounded to one decimal, for messages.
 *
 * @internal
 */
export function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

/**
 * Last path element of an ARN (`…/task/lab/0f3a…` → `0f3a…`).
 *
 * @internal
 */
export function lastSegment(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
