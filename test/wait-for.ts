/**
 * Waiting for a side effect in tests: poll a condition until it holds or a
 * deadline passes, or collect lines and wait for the Nth — never "sleep, then
 * assert", which fails whenever the machine is slower than the sleep.
 *
 * @internal
 * @module
 */

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 10 s: a generous bound, not a pace; it only matters when the condition never holds). */
  readonly timeoutMs?: number;
  /** Pause between checks (default 5 ms). */
  readonly everyMs?: number;
}

/**
 * Calls `check` until it returns something other than `undefined`/`false`
 * and returns that; throws naming `what` (and the last error `check` threw)
 * once the deadline passes.
 *
 * @example
 * ```ts
 * const line = await waitFor('the request log line', () => logs.find((l) => l.includes('"status":404')));
 * ```
 */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, options: WaitForOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 5));
  }
}

/** A log sink for an app under test: every line, and a way to await the Nth. */
export interface LogSink {
  /** The lines so far. */
  readonly lines: string[];
  /** The sink to hand to the app (`log: sink.log`). */
  readonly log: (line: string) => void;
  /** Resolves with the lines once there are at least `count` (rejects after `timeoutMs`, default 10 s). */
  atLeast(count: number, timeoutMs?: number): Promise<string[]>;
}

/**
 * Creates a {@link LogSink}. The apps log a request after its response has
 * gone out (`onAfterResponse`), so a test that reads the log right after
 * `app.handle()` returns must wait for the line, not for a fixed time.
 *
 * @example
 * ```ts
 * const sink = logSink();
 * const app = createGatewayApp({ …, log: sink.log });
 * await app.handle(request);
 * const [line] = await sink.atLeast(1);
 * ```
 */
export function logSink(): LogSink {
  const lines: string[] = [];
  const waiters: { count: number; resolve: (lines: string[]) => void }[] = [];
  return {
    lines,
    log: (line) => {
      lines.push(line);
      for (const waiter of waiters.filter((w) => lines.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(lines);
      }
    },
    atLeast: (count, timeoutMs = 10_000) => {
      if (lines.length >= count) return Promise.resolve(lines);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} log line(s); got ${lines.length}: ${lines.join('\n')}`)), timeoutMs);
        waiters.push({
          count,
          resolve: (got) => {
            clearTimeout(timer);
            resolve(got);
          },
        });
      });
    },
  };
}
