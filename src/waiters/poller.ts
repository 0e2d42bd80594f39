/**
 * The one generic poller every ecskit waiter is built on (after smithy's
 * `createWaiter`): the first poll is immediate, then a short fixed cadence
 * with jitter; it backs off only while AWS throttles; there is no hidden
 * cap — the caller's timeout and `AbortSignal` are the only limits.
 */
import { systemClock, type Clock } from './clock.js';

/** What an acceptor decides about one observation. */
export type Verdict<T> =
  | {
      /** Still waiting. */
      readonly state: 'pending';
      /** What it is waiting for. */
      readonly reason?: string;
    }
  | {
      /** Waiting is over. */
      readonly state: 'done';
      /** The acceptor's result. */
      readonly value: T;
    };

/** Options of {@link poll}. */
export interface PollOptions<O, T> {
  /** Reads the resource once (one or more API calls). */
  observe(signal: AbortSignal): Promise<O>;
  /** Pure: decides from one observation whether waiting is over. */
  accept(observation: O): Verdict<T>;
  /** Seconds between polls. Default 2. */
  intervalSeconds?: number;
  /** Jitter as a fraction of the interval (0.2 = ±20 %). Default 0.2. */
  jitter?: number;
  /** Give up after this many seconds. Default: never (no hidden cap). */
  timeoutSeconds?: number;
  /** Stops waiting when aborted. */
  signal?: AbortSignal;
  /** Time source; tests pass a fake one. */
  clock?: Clock;
  /** Longest back-off while throttled, in seconds. Default 30. */
  maxBackoffSeconds?: number;
  /** Called after every observation (progress reporting). */
  onObservation?(observation: O, attempt: number): void;
  /** Random source in [0, 1) for jitter; tests pass a fixed one. */
  random?: () => number;
}

/**
 * How a wait ends without a verdict: the caller's timeout passed, or its
 * signal aborted. The one vocabulary of every unfinished wait: the poll's
 * state, a resource waiter's outcome and a deployment's outcome.
 */
export type UnfinishedState = 'timedOut' | 'aborted';

/** How a {@link poll} ended. */
export type PollResult<O, T> =
  | {
      /** The acceptor said done. */
      readonly state: 'done';
      /** The acceptor's result. */
      readonly value: T;
      /** Observations made. */
      readonly attempts: number;
      /** Seconds from the first poll to the last. */
      readonly elapsedSeconds: number;
    }
  | {
      /** The timeout passed or the signal aborted. */
      readonly state: UnfinishedState;
      /** The last observation, if any poll succeeded. */
      readonly last: O | undefined;
      /** The acceptor's last reason for still waiting. */
      readonly reason: string | undefined;
      /** Observations attempted. */
      readonly attempts: number;
      /** Seconds from the first poll to the end. */
      readonly elapsedSeconds: number;
    };

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);

/** True for AWS throttling errors and transient server/network faults, which the poller waits out. @internal */
export function isRetryableError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (THROTTLING.has(e.name ?? '') || THROTTLING.has(e.code ?? '')) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'TimeoutError'].includes(e.code ?? e.name ?? '');
}

/**
 * Polls until the acceptor says done, the timeout passes or the signal aborts.
 * Errors other than throttling/transient ones propagate at once.
 *
 * @example
 * ```ts
 * const result = await poll({
 *   observe: () => ecs.send(new DescribeServicesCommand({ cluster, services: [name] })),
 *   accept: (out) => out.services?.[0]?.runningCount === 2
 *     ? { state: 'done', value: out.services[0] }
 *     : { state: 'pending', reason: 'waiting for 2 running tasks' },
 *   timeoutSeconds: 600,
 * });
 * // result → { state: 'done', value: {...}, attempts: 7, elapsedSeconds: 12.3 }
 * ```
 */
export async function poll<O, T>(options: PollOptions<O, T>): Promise<PollResult<O, T>> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const intervalMs = (options.intervalSeconds ?? 2) * 1000;
  const jitter = options.jitter ?? 0.2;
  const maxBackoffMs = (options.maxBackoffSeconds ?? 30) * 1000;
  const start = clock.now();
  const deadline = options.timeoutSeconds === undefined ? Infinity : start + options.timeoutSeconds * 1000;

  // One controller for our own sleeps and the in-flight observation, tied to the caller's signal.
  const { controller, unlink } = linkedController(options.signal);

  let attempts = 0;
  let last: O | undefined;
  let reason: string | undefined;
  let backoffMs = 0;
  const elapsed = () => (clock.now() - start) / 1000;
  const ended = (state: UnfinishedState) => ({ state, last, reason, attempts, elapsedSeconds: elapsed() }) as const;

  try {
    for (;;) {
      if (controller.signal.aborted) return ended('aborted');
      if (clock.now() >= deadline) return ended('timedOut');
      attempts++;
      try {
        const observation = await options.observe(controller.signal);
        last = observation;
        backoffMs = 0;
        options.onObservation?.(observation, attempts);
        const verdict = options.accept(observation);
        if (verdict.state === 'done') {
          return { state: 'done', value: verdict.value, attempts, elapsedSeconds: elapsed() };
        }
        reason = verdict.reason;
      } catch (error) {
        if (controller.signal.aborted) return ended('aborted');
        if (!isRetryableError(error)) throw error;
        backoffMs = Math.min(maxBackoffMs, Math.max(intervalMs, backoffMs * 2));
        reason = `throttled or transient error (${(error as Error).name}); backing off ${Math.round(backoffMs / 1000)}s`;
      }
      const base = backoffMs || intervalMs;
      const wait = Math.max(0, base * (1 + jitter * (2 * random() - 1)));
      const untilDeadline = deadline - clock.now();
      try {
        await clock.sleep(Math.min(wait, Math.max(0, untilDeadline)), controller.signal);
      } catch {
        return ended('aborted');
      }
    }
  } finally {
    unlink();
  }
}

/**
 * A controller that aborts when `signal` does (at once when it already
 * has), and `unlink` to stop listening to `signal` once done.
 *
 * @internal
 */
export function linkedController(signal: AbortSignal | undefined): { controller: AbortController; unlink(): void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return { controller, unlink: () => signal?.removeEventListener('abort', onAbort) };
}
