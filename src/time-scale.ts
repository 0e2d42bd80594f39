/**
 * The time scale: how fast AWS durations pass on a target, as one factor.
 *
 * A local cloud multiplies every AWS duration it honours (health-check
 * intervals, deregistration delays, alarm periods, cooldowns, …) by its time
 * scale, so at 0.02 a 60 s alarm period lasts 1.2 s of real time while the
 * API still reports `Period: 60`. Scripts scale their own waits by the same
 * factor ({@link Target.timeScale}). This module is the one place that
 * validates the factor, turns AWS seconds into real time, and paces waiters
 * for it.
 *
 * @module
 */

/** AWS's own pace: an AWS second lasts a real second. The local cloud's default (`startLocalCloud`, `ecskit local`) and the factor of every AWS target. */
export const REAL_TIME = 1;

/**
 * The factor a script's in-process local cloud runs at unless told otherwise
 * (`openTarget`, the scripts' `--time-scale`): 50 times faster than AWS, so a
 * 30 s health-check interval takes 0.6 s and the whole lab runs in minutes.
 */
export const LOCAL_SCRIPT_TIME_SCALE = 0.02;

/**
 * True when `value` can be a time scale: a finite number above 0. The one
 * rule every entry point (`startLocalCloud`, `ecskit local --time-scale` and
 * its config file, the scripts' `--time-scale`, a local cloud's health
 * answer) checks; they word the refusal for their own caller.
 *
 * @example
 * ```ts
 * isTimeScaleFactor(0.02); // → true
 * isTimeScaleFactor(0);    // → false
 * isTimeScaleFactor('0.02'); // → false (parse it first)
 * ```
 *
 * @internal
 */
export function isTimeScaleFactor(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/**
 * Returns `factor` when it is a time scale (`isTimeScaleFactor`), else
 * throws the RangeError {@link TimeScale}'s constructor throws, naming the
 * value and what to pass instead.
 *
 * @example
 * ```ts
 * checkTimeScale(0.02); // → 0.02
 * checkTimeScale(-1);   // throws RangeError: timeScale must be a positive number, got: -1 (pass 1 for AWS's pace, …)
 * ```
 *
 * @internal
 */
export function checkTimeScale(factor: unknown): number {
  if (isTimeScaleFactor(factor)) return factor;
  const got = typeof factor === 'number' ? String(factor) : `${describe(factor)} (${typeof factor === 'string' ? 'a string: parse it first' : 'not a number'})`;
  throw new RangeError(`timeScale must be a positive number, got: ${got} (pass ${REAL_TIME} for AWS's pace, or e.g. ${LOCAL_SCRIPT_TIME_SCALE} for a local cloud 50 times faster)`);
}

/** A waiter's timing, in (real) seconds: what `operations().waitForDeployment` and its kin take. */
export interface WaiterTiming {
  /** Give up after this long. */
  readonly timeoutSeconds: number;
  /** Poll this often. */
  readonly intervalSeconds: number;
  /** Call a deployment stalled when nothing changed for this long. */
  readonly stalledAfterSeconds: number;
}

/**
 * Headroom on scaled waiter limits (timeouts, stall detection): a local
 * cloud does real work that the factor does not shrink (starting processes,
 * answering requests on a busy machine), so a deployment takes several
 * times its scaled AWS duration.
 */
const WAITER_HEADROOM = 5;
/** Headroom on a scaled poll interval: each poll is a real request to the local cloud, so poll half as often as the bare scaled interval. */
const POLL_HEADROOM = 2;
/** Scaled waiter timeouts never drop below this many real seconds (process start-up and a busy machine do not scale). */
const MIN_TIMEOUT_SECONDS = 120;
/** Scaled stall detection never fires sooner than this many real seconds (one slow task start must not look like a stall). */
const MIN_STALLED_AFTER_SECONDS = 60;
/** Scaled polls are never closer than this many real seconds (polling faster only loads the local cloud). */
const MIN_INTERVAL_SECONDS = 0.1;
/** Scaled polls are never further apart than this many real seconds (a fast cloud's changes are seen promptly). */
const MAX_INTERVAL_SECONDS = 2;

/**
 * A validated time-scale factor and the conversions from AWS seconds to real
 * time. Immutable; construct it where the factor enters (an option, a flag,
 * a health answer) and pass it, or its {@link TimeScale.factor}, along.
 *
 * @example
 * ```ts
 * const time = new TimeScale(0.02);
 * time.ms(60);      // → 1200: a 60 s alarm period lasts 1.2 s
 * time.seconds(30); // → 0.6
 * time.waiterTiming({ timeoutSeconds: 900, intervalSeconds: 5, stalledAfterSeconds: 600 });
 * // → { timeoutSeconds: 120, intervalSeconds: 0.2, stalledAfterSeconds: 60 }
 * new TimeScale(0); // throws RangeError: timeScale must be a positive number, got: 0 (…)
 * ```
 */
export class TimeScale {
  /** How long an AWS second lasts, in real seconds (1 = AWS's pace, 0.02 = 50 times faster). */
  readonly factor: number;

  /**
   * @param factor A finite number above 0.
   * @throws RangeError naming the value and what to pass instead, for 0,
   * negative numbers, `NaN`, `Infinity` and anything that is not a number
   * (a string such as `'0.02'` must be parsed first).
   */
  constructor(factor: number) {
    this.factor = checkTimeScale(factor);
    Object.freeze(this);
  }

  /** True at AWS's pace or slower (factor ≥ 1): waits need no scaling. */
  get isRealTime(): boolean {
    return this.factor >= REAL_TIME;
  }

  /** Real milliseconds for an AWS duration of `seconds` (never negative: a negative duration is 0). */
  ms(seconds: number): number {
    return Math.max(0, seconds * 1000 * this.factor);
  }

  /** Real seconds for an AWS duration of `seconds` (never negative). */
  seconds(seconds: number): number {
    return Math.max(0, seconds * this.factor);
  }

  /**
   * A waiter's timing for this target, from the timing it would have on AWS.
   * At AWS's pace (factor ≥ 1) the AWS timing is returned as is. Faster, each
   * value is scaled with headroom and bounded in real time, because the work
   * a local cloud does for a deployment (starting processes, answering
   * requests on a shared machine) does not shrink with the factor:
   * - `timeoutSeconds`: 5 × scaled, at least 120 s;
   * - `stalledAfterSeconds`: 5 × scaled, at least 60 s (one slow process
   *   start must not read as a stalled deployment);
   * - `intervalSeconds`: 2 × scaled (each poll is a real request), between
   *   0.1 s (faster polling only loads the cloud) and 2 s (changes on a fast
   *   cloud are seen promptly).
   *
   * @example
   * ```ts
   * new TimeScale(0.02).waiterTiming({ timeoutSeconds: 900, intervalSeconds: 5, stalledAfterSeconds: 600 });
   * // → { timeoutSeconds: 120, intervalSeconds: 0.2, stalledAfterSeconds: 60 }
   * new TimeScale(1).waiterTiming({ timeoutSeconds: 900, intervalSeconds: 5, stalledAfterSeconds: 600 });
   * // → { timeoutSeconds: 900, intervalSeconds: 5, stalledAfterSeconds: 600 }
   * ```
   */
  waiterTiming(aws: WaiterTiming): WaiterTiming {
    if (this.isRealTime) return { timeoutSeconds: aws.timeoutSeconds, intervalSeconds: aws.intervalSeconds, stalledAfterSeconds: aws.stalledAfterSeconds };
    return {
      timeoutSeconds: Math.max(MIN_TIMEOUT_SECONDS, this.seconds(aws.timeoutSeconds) * WAITER_HEADROOM),
      intervalSeconds: Math.min(MAX_INTERVAL_SECONDS, Math.max(MIN_INTERVAL_SECONDS, this.seconds(aws.intervalSeconds) * POLL_HEADROOM)),
      stalledAfterSeconds: Math.max(MIN_STALLED_AFTER_SECONDS, this.seconds(aws.stalledAfterSeconds) * WAITER_HEADROOM),
    };
  }

  /** The factor, e.g. `0.02`. */
  toString(): string {
    return String(this.factor);
  }
}

/** A value as an error message shows it: strings quoted, the rest as `String()` gives it. @internal */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
