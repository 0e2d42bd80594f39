/**
 * Log event operations: PutLogEvents, GetLogEvents, FilterLogEvents.
 *
 * @internal
 */
import { AwsError, type OperationHandler } from '../../core/types.js';
import { paginate } from '../../core/util.js';
import { compileFilterPattern } from './filter-pattern.js';
import { groupNameOf, need, readLimit } from './groups.js';
import { applyMetricFilters, getLogGroup, getLogStream, insertEvents, sequenceToken, type StoredEvent } from './state.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const putLogEvents: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(need(input.logGroupName, 'logGroupName')));
  const stream = getLogStream(group, String(need(input.logStreamName, 'logStreamName')));
  const events = need(input.logEvents, 'logEvents') as { timestamp?: unknown; message?: unknown }[];
  if (!Array.isArray(events) || events.length === 0) {
    throw new AwsError('InvalidParameterException', "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1");
  }
  if (events.length > 10_000) throw new AwsError('InvalidParameterException', `A batch can hold at most 10000 log events, got: ${events.length}`);
  const parsed = events.map((e, i) => {
    const timestamp = Number(e.timestamp);
    if (e.timestamp === undefined || !Number.isFinite(timestamp)) {
      throw new AwsError('InvalidParameterException', `logEvents[${i}].timestamp must be epoch milliseconds, got: ${String(e.timestamp)}`);
    }
    if (typeof e.message !== 'string' || e.message.length === 0) {
      throw new AwsError('InvalidParameterException', `logEvents[${i}].message must be a non-empty string.`);
    }
    return { timestamp, message: e.message };
  });
  for (let i = 1; i < parsed.length; i++) {
    if ((parsed[i]?.timestamp ?? 0) < (parsed[i - 1]?.timestamp ?? 0)) {
      throw new AwsError('InvalidParameterException', 'Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  const firstTs = parsed[0]?.timestamp ?? 0;
  const lastTs = parsed[parsed.length - 1]?.timestamp ?? 0;
  if (lastTs - firstTs > DAY) {
    throw new AwsError('InvalidParameterException', 'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const now = ctx.now().getTime();
  const tooOldBefore = now - 14 * DAY;
  const expiredBefore = group.retentionInDays !== undefined ? now - group.retentionInDays * DAY : -Infinity;
  const tooNewAfter = now + 2 * HOUR;
  let tooOldEnd = -1;
  let expiredEnd = -1;
  let tooNewStart = -1;
  parsed.forEach((e, i) => {
    if (e.timestamp < expiredBefore) expiredEnd = i;
    else if (e.timestamp < tooOldBefore) tooOldEnd = i;
    if (e.timestamp > tooNewAfter && tooNewStart === -1) tooNewStart = i;
  });
  const accepted = parsed.filter((e) => e.timestamp >= tooOldBefore && e.timestamp >= expiredBefore && e.timestamp <= tooNewAfter);
  insertEvents(group, stream, accepted, now);
  applyMetricFilters(ctx.state, group, accepted, now);
  const rejected = {
    ...(tooNewStart !== -1 ? { tooNewLogEventStartIndex: tooNewStart } : {}),
    ...(tooOldEnd !== -1 ? { tooOldLogEventEndIndex: tooOldEnd + 1 } : {}),
    ...(expiredEnd !== -1 ? { expiredLogEventEndIndex: expiredEnd + 1 } : {}),
  };
  if (accepted.length > 0) {
    ctx.events.emit('logs:events-put', {
      accountId: ctx.accountId,
      region: ctx.region,
      type: 'logs:events-put',
      logGroupName: group.name,
      logStreamName: stream.name,
      count: accepted.length,
    });
  }
  return { nextSequenceToken: sequenceToken(stream), ...(Object.keys(rejected).length > 0 ? { rejectedLogEventsInfo: rejected } : {}) };
};

function token(direction: 'f' | 'b', position: number): string {
  return `${direction}/${String(position).padStart(56, '0')}`;
}

function parseToken(value: unknown): { direction: 'f' | 'b'; position: number } {
  const match = typeof value === 'string' ? /^([fb])\/(\d{1,60})$/.exec(value) : null;
  if (!match) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  return { direction: match[1] as 'f' | 'b', position: Number(match[2]) };
}

function outputEvent(e: StoredEvent) {
  return { timestamp: e.t, message: e.m, ingestionTime: e.i };
}

export const getLogEvents: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, groupNameOf(input));
  const stream = getLogStream(group, String(need(input.logStreamName, 'logStreamName')));
  const limit = readLimit(input.limit, 10_000) ?? 10_000;
  const start = input.startTime === undefined ? -Infinity : Number(input.startTime);
  const end = input.endTime === undefined ? Infinity : Number(input.endTime);
  const inWindow = (e: StoredEvent) => e.t >= start && e.t < end;
  const events = stream.events;
  const base = stream.dropped;
  const total = base + events.length;
  const parsed = input.nextToken !== undefined ? parseToken(input.nextToken) : undefined;
  const startFromHead = input.startFromHead === true || input.startFromHead === 'true';
  const forward = parsed ? parsed.direction === 'f' : startFromHead;
  const out: StoredEvent[] = [];
  if (forward) {
    const from = Math.min(Math.max(parsed?.position ?? base, base), total);
    let at = from;
    for (; at < total && out.length < limit; at++) {
      const e = events[at - base];
      if (e && inWindow(e)) out.push(e);
    }
    if (out.length === 0) return { events: [], nextForwardToken: token('f', from), nextBackwardToken: token('b', from) };
    const firstPos = base + events.indexOf(out[0] as StoredEvent);
    return { events: out.map(outputEvent), nextForwardToken: token('f', at), nextBackwardToken: token('b', firstPos) };
  }
  const until = Math.min(Math.max(parsed?.position ?? total, base), total);
  let at = until;
  for (; at > base && out.length < limit; at--) {
    const e = events[at - 1 - base];
    if (e && inWindow(e)) out.unshift(e);
  }
  if (out.length === 0) return { events: [], nextForwardToken: token('f', until), nextBackwardToken: token('b', until) };
  return { events: out.map(outputEvent), nextForwardToken: token('f', until), nextBackwardToken: token('b', at) };
};

export const filterLogEvents: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, groupNameOf(input));
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw new AwsError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  const limit = readLimit(input.limit, 10_000) ?? 10_000;
  const names = Array.isArray(input.logStreamNames) ? (input.logStreamNames as unknown[]).map(String) : undefined;
  if (names) for (const name of names) getLogStream(group, name);
  const prefix = input.logStreamNamePrefix as string | undefined;
  const start = input.startTime === undefined ? -Infinity : Number(input.startTime);
  const end = input.endTime === undefined ? Infinity : Number(input.endTime);
  if (start > end) throw new AwsError('InvalidParameterException', `startTime (${start}) must not be after endTime (${end}).`);
  const match = compileFilterPattern(input.filterPattern as string | undefined);
  const streams = Object.values(group.streams).filter((s) => (names ? names.includes(s.name) : prefix === undefined || s.name.startsWith(prefix)));
  const hits: { stream: string; e: StoredEvent }[] = [];
  for (const s of streams) {
    for (const e of s.events) if (e.t >= start && e.t <= end && match(e.m)) hits.push({ stream: s.name, e });
  }
  hits.sort((a, b) => a.e.t - b.e.t || (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.e.s - b.e.s));
  const { page, nextToken } = paginate(hits, input.nextToken, limit, {
    pageSize: 10_000,
    invalidToken: () => new AwsError('InvalidParameterException', 'The specified nextToken is invalid.'),
  });
  return {
    events: page.map(({ stream, e }) => ({
      logStreamName: stream,
      timestamp: e.t,
      message: e.m,
      ingestionTime: e.i,
      eventId: `${String(e.t).padStart(20, '0')}${String(e.s).padStart(16, '0')}`,
    })),
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: nextToken === undefined })),
    ...(nextToken ? { nextToken } : {}),
  };
};
