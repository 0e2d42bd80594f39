/**
 * `tailLogs`: an async iterator over CloudWatch Logs' FilterLogEvents, with
 * `follow`, `filterPattern`, `since` and an `AbortSignal`.
 *
 * @module
 */
import { FilterLogEventsCommand, type FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { systemClock, type Clock } from '../waiters/clock.js';
import { call, type OperationContext } from './context.js';
import { OperationError } from './errors.js';

/** Options of {@link tailLogs}. */
export interface TailLogsOptions {
  /** The log group, e.g. `/ecs/flask-inventory`. */
  readonly logGroupName: string;
  /** Only these streams (e.g. `ecs/invsys/<task id>`). */
  readonly logStreamNames?: readonly string[];
  /** Only streams starting with this prefix (e.g. `ecs/invsys`). */
  readonly logStreamNamePrefix?: string;
  /** CloudWatch Logs filter pattern, e.g. `ERROR` or `"GET /items"`. */
  readonly filterPattern?: string;
  /**
   * Start time: a `Date`, epoch milliseconds, or a duration back from now
   * (`'30s'`, `'10m'`, `'2h'`, `'1d'`). Default: everything.
   */
  readonly since?: Date | number | string;
  /** Keep polling for new events until aborted (like `aws logs tail --follow`). Default `false`. */
  readonly follow?: boolean;
  /** Seconds between polls while following. Default 2. */
  readonly pollIntervalSeconds?: number;
  /** Stops the iteration (ends it quietly). */
  readonly signal?: AbortSignal;
  /** Time source (tests). */
  readonly clock?: Clock;
}

/** One log event of {@link tailLogs}. */
export interface LogEvent {
  /** Event time (epoch ms). */
  readonly timestamp: number;
  /** The line. */
  readonly message: string;
  /** Its stream. */
  readonly logStreamName: string;
  /** CloudWatch's id, unique per event. */
  readonly eventId: string;
}

/** Parses `since` into epoch ms. @internal */
export function sinceToEpochMs(since: Date | number | string, now: number): number {
  if (since instanceof Date) return since.getTime();
  if (typeof since === 'number') return since;
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(since.trim());
  if (!match) {
    throw new OperationError('logs:FilterLogEvents', 'since', `since must be a Date, epoch ms or a duration like "10m", "2h", "1d", got: ${JSON.stringify(since)}`);
  }
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return now - Number(match[1]) * unit;
}

/**
 * Yields the log events of a group in time order, page by page; with
 * `follow`, keeps polling for new ones (never repeating an event) until the
 * signal aborts.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * for await (const e of tailLogs(ctx, { logGroupName: '/ecs/flask-inventory', since: '10m', filterPattern: 'ERROR',
 *   follow: true, signal: stop.signal })) {
 *   console.log(new Date(e.timestamp).toISOString(), e.logStreamName, e.message);
 * }
 * ```
 */
export async function* tailLogs(ctx: OperationContext, options: TailLogsOptions): AsyncGenerator<LogEvent, void, undefined> {
  const clock = options.clock ?? systemClock;
  const signal = options.signal;
  let startTime = options.since === undefined ? undefined : sinceToEpochMs(options.since, clock.now());
  // Events at the newest timestamp already yielded: the next poll starts at that timestamp again.
  let seenAtStart = new Set<string>();
  for (;;) {
    let nextToken: string | undefined;
    let newest = startTime;
    const seenAtNewest = new Set<string>(seenAtStart);
    do {
      if (signal?.aborted) return;
      const request = call(ctx, 'logs:FilterLogEvents', options.logGroupName, () =>
        ctx.clients.logs.send(
          new FilterLogEventsCommand({
            logGroupName: options.logGroupName,
            ...(options.logStreamNames && { logStreamNames: [...options.logStreamNames] }),
            ...(options.logStreamNamePrefix !== undefined && { logStreamNamePrefix: options.logStreamNamePrefix }),
            ...(options.filterPattern !== undefined && { filterPattern: options.filterPattern }),
            ...(startTime !== undefined && { startTime }),
            nextToken,
          }),
          signal ? { abortSignal: signal } : {},
        ),
      );
      let page;
      try {
        page = await request;
      } catch (error) {
        if (signal?.aborted) return;
        throw error;
      }
      const events = [...(page.events ?? [])].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
      for (const e of events as FilteredLogEvent[]) {
        const id = e.eventId ?? `${e.logStreamName}/${e.timestamp}/${e.message}`;
        const ts = e.timestamp ?? 0;
        if (seenAtStart.has(id)) continue;
        if (newest === undefined || ts > newest) {
          newest = ts;
          seenAtNewest.clear();
        }
        if (ts === newest) seenAtNewest.add(id);
        yield { timestamp: ts, message: e.message ?? '', logStreamName: e.logStreamName ?? '', eventId: id };
        if (signal?.aborted) return;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    if (!options.follow) return;
    startTime = newest;
    seenAtStart = seenAtNewest;
    try {
      await clock.sleep((options.pollIntervalSeconds ?? 2) * 1000, signal);
    } catch {
      return;
    }
  }
}
