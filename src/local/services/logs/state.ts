/**
 * CloudWatch Logs state: log groups, streams and events, plus the accessors
 * the runtime uses to ship container output (`ensureLogGroup`,
 * `appendLogEvents`). Plain JSON; times are epoch milliseconds.
 *
 * @internal
 */
import { AwsError, type RegionState } from '../../core/types.js';
import { own, partitionOf, setOwn } from '../../core/util.js';
import { putMetricDatum } from '../cloudwatch/state.js';
import { compileFilterPattern } from './filter-pattern.js';

/** Key of the Logs slice in a region's state. */
export const LOGS_KEY = 'logs';

/** Most events kept per stream (the oldest are dropped first). */
export const MAX_EVENTS_PER_STREAM = 10_000;

/** Largest message kept (AWS's event size limit is 256 KiB including 26 bytes overhead). */
export const MAX_MESSAGE_BYTES = 256 * 1024 - 26;

/** Retention values PutRetentionPolicy accepts. */
export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** One stored log event. */
export interface StoredEvent {
  /** Event timestamp (epoch ms). */
  t: number;
  /** Message. */
  m: string;
  /** Ingestion time (epoch ms). */
  i: number;
  /** Per-stream sequence number (event ids derive from it). */
  s: number;
}

/** One log stream. */
export interface LogStreamRecord {
  name: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  /** Events sorted by timestamp (stable for equal timestamps). */
  events: StoredEvent[];
  /** Events dropped from the front (tokens are absolute positions). */
  dropped: number;
  nextSeq: number;
  uploadSequence: number;
}

/** One log group. */
export interface LogGroupRecord {
  name: string;
  /** ARN without the trailing `:*`. */
  arn: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  tags: Record<string, string>;
  streams: Record<string, LogStreamRecord>;
  /** Metric filters by name (see metric-filters.ts). */
  metricFilters?: Record<string, MetricFilterRecord>;
  /** Subscription filters by name, at most two (see subscriptions.ts); stored, nothing is delivered. */
  subscriptionFilters?: Record<string, SubscriptionFilterRecord>;
  /** The group's resource-scoped policy (PutResourcePolicy with `resourceArn`, see resource-policies.ts). */
  resourcePolicy?: ResourcePolicyRecord;
}

/** One metric transformation as stored (the API's shape). */
export interface MetricTransformationRecord {
  metricName: string;
  metricNamespace: string;
  metricValue: string;
  defaultValue?: number;
  unit?: string;
}

/** One stored metric filter. */
export interface MetricFilterRecord {
  filterName: string;
  filterPattern: string;
  metricTransformations: MetricTransformationRecord[];
  creationTime: number;
}

/** One stored subscription filter (the API's shape). */
export interface SubscriptionFilterRecord {
  filterName: string;
  filterPattern: string;
  destinationArn: string;
  roleArn?: string;
  distribution: string;
  applyOnTransformedLogs: boolean;
  fieldSelectionCriteria?: string;
  emitSystemFields?: string[];
  creationTime: number;
}

/** One resource policy: account-scoped (by name) or resource-scoped (on a log group, with a revision id). */
export interface ResourcePolicyRecord {
  policyName?: string;
  policyDocument: string;
  lastUpdatedTime: number;
  policyScope: 'ACCOUNT' | 'RESOURCE';
  /** Resource-scoped only: the log group's ARN as given. */
  resourceArn?: string;
  /** Resource-scoped only: changes on every write. */
  revisionId?: string;
}

/** One cross-account subscription destination (PutDestination). */
export interface DestinationRecord {
  destinationName: string;
  targetArn: string;
  roleArn: string;
  accessPolicy?: string;
  arn: string;
  creationTime: number;
  tags: Record<string, string>;
}

/** One delivery source (PutDeliverySource). */
export interface DeliverySourceRecord {
  name: string;
  arn: string;
  resourceArns: string[];
  service: string;
  logType: string;
  tags: Record<string, string>;
  deliverySourceConfiguration?: Record<string, string>;
}

/** One delivery destination (PutDeliveryDestination). */
export interface DeliveryDestinationRecord {
  name: string;
  arn: string;
  deliveryDestinationType: string;
  outputFormat?: string;
  deliveryDestinationConfiguration?: { destinationResourceArn: string };
  tags: Record<string, string>;
  /** PutDeliveryDestinationPolicy's document. */
  policy?: string;
}

/** One delivery: a source paired with a destination (CreateDelivery). */
export interface DeliveryRecord {
  id: string;
  arn: string;
  deliverySourceName: string;
  deliveryDestinationArn: string;
  deliveryDestinationType: string;
  recordFields?: string[];
  fieldDelimiter?: string;
  s3DeliveryConfiguration?: { suffixPath?: string; enableHiveCompatiblePath?: boolean };
  tags: Record<string, string>;
}

/**
 * The whole Logs slice of one account+region. The collections after
 * `groups` are created on first use (state saved by older versions has only
 * `groups`); read them through {@link logsCollection}.
 */
export interface LogsState {
  groups: Record<string, LogGroupRecord>;
  /** Account-scoped resource policies by name (at most {@link MAX_ACCOUNT_RESOURCE_POLICIES}). */
  resourcePolicies?: Record<string, ResourcePolicyRecord>;
  /** Subscription destinations by name. */
  destinations?: Record<string, DestinationRecord>;
  /** Delivery sources by name. */
  deliverySources?: Record<string, DeliverySourceRecord>;
  /** Delivery destinations by name. */
  deliveryDestinations?: Record<string, DeliveryDestinationRecord>;
  /** Deliveries by id. */
  deliveries?: Record<string, DeliveryRecord>;
}

/** AWS's quota of account-scoped resource policies per Region. */
export const MAX_ACCOUNT_RESOURCE_POLICIES = 10;

/** `own` / `setOwn`: own-property lookups and writes of records keyed by user-supplied names (see core/util). */
export { own, setOwn };

/** The Logs slice of `regionState`, created on first use. */
export function logsState(regionState: RegionState): LogsState {
  const existing = regionState[LOGS_KEY] as LogsState | undefined;
  if (existing) return existing;
  const created: LogsState = { groups: {} };
  regionState[LOGS_KEY] = created;
  return created;
}

type Collection = 'resourcePolicies' | 'destinations' | 'deliverySources' | 'deliveryDestinations' | 'deliveries';

/** One of the Logs slice's optional collections, created (empty) on first use. */
export function logsCollection<K extends Collection>(regionState: RegionState, key: K): NonNullable<LogsState[K]> {
  const state = logsState(regionState);
  return (state[key] ??= {}) as NonNullable<LogsState[K]>;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` split into its parts, or undefined. */
export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits an ARN; undefined when `value` is not one. */
export function parseArn(value: unknown): ParsedArn | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^arn:(aws[a-z-]*):([a-z0-9][a-z0-9-]*):([a-z0-9-]*):(\d{12})?:(.+)$/.exec(value);
  if (!match) return undefined;
  return { partition: match[1]!, service: match[2]!, region: match[3]!, account: match[4] ?? '', resource: match[5]! };
}

/** The log group an ARN names (`…:log-group:NAME` or `…:log-group:NAME:*`), or undefined. */
export function logGroupNameOfArn(value: unknown): string | undefined {
  const arn = parseArn(value);
  if (!arn || arn.service !== 'logs') return undefined;
  return /^log-group:([^:]+)(:\*)?$/.exec(arn.resource)?.[1];
}

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;

/** Throws AWS's error for an invalid log group name. */
export function validateGroupName(name: string, field = 'logGroupName'): void {
  if (!GROUP_NAME.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${name}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+ (and be 1 to 512 characters)`,
    );
  }
}

/** Throws AWS's error for an invalid log stream name. */
export function validateStreamName(name: string): void {
  if (name.length < 1 || name.length > 512 || /[:*]/.test(name)) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${name}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]* (and be 1 to 512 characters)`,
    );
  }
}

/** The log group or `ResourceNotFoundException`. */
export function getLogGroup(regionState: RegionState, name: string): LogGroupRecord {
  const group = own(logsState(regionState).groups, name);
  if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
  return group;
}

/** The log stream or `ResourceNotFoundException`. */
export function getLogStream(group: LogGroupRecord, name: string): LogStreamRecord {
  const stream = own(group.streams, name);
  if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
  return stream;
}

/** A new empty stream record. */
export function newStream(name: string, now: number): LogStreamRecord {
  return { name, creationTime: now, events: [], dropped: 0, nextSeq: 0, uploadSequence: 0 };
}

/**
 * Creates the log group if it does not exist (the `awslogs-create-group`
 * behaviour) and returns it.
 */
export function ensureLogGroup(
  regionState: RegionState,
  where: { accountId: string; region: string },
  name: string,
  now: number,
): LogGroupRecord {
  validateGroupName(name);
  const state = logsState(regionState);
  const existing = own(state.groups, name);
  if (existing) return existing;
  const group: LogGroupRecord = {
    name,
    arn: `arn:${partitionOf(where.region)}:logs:${where.region}:${where.accountId}:log-group:${name}`,
    creationTime: now,
    logGroupClass: 'STANDARD',
    tags: {},
    streams: {},
  };
  setOwn(state.groups, name, group);
  return group;
}

/** Inserts events (any order) into a stream, keeping it sorted and bounded. */
export function insertEvents(group: LogGroupRecord, stream: LogStreamRecord, events: readonly { timestamp: number; message: string }[], now: number): void {
  if (events.length === 0) return;
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  const last = stream.events[stream.events.length - 1];
  const stored = sorted.map((e) => ({ t: e.timestamp, m: e.message.length > MAX_MESSAGE_BYTES ? e.message.slice(0, MAX_MESSAGE_BYTES) : e.message, i: now, s: stream.nextSeq++ }));
  if (!last || last.t <= (stored[0]?.t ?? 0)) {
    stream.events.push(...stored);
  } else {
    stream.events.push(...stored);
    stream.events.sort((a, b) => a.t - b.t || a.s - b.s);
  }
  if (group.retentionInDays !== undefined) {
    const cutoff = now - group.retentionInDays * 86_400_000;
    let expired = 0;
    while (expired < stream.events.length && (stream.events[expired]?.t ?? Infinity) < cutoff) expired++;
    if (expired > 0) {
      stream.events.splice(0, expired);
      stream.dropped += expired;
    }
  }
  if (stream.events.length > MAX_EVENTS_PER_STREAM) {
    const excess = stream.events.length - MAX_EVENTS_PER_STREAM;
    stream.events.splice(0, excess);
    stream.dropped += excess;
  }
  const first = stream.events[0];
  const newest = stream.events[stream.events.length - 1];
  if (first) stream.firstEventTimestamp = Math.min(stream.firstEventTimestamp ?? first.t, first.t);
  if (newest) stream.lastEventTimestamp = Math.max(stream.lastEventTimestamp ?? newest.t, newest.t);
  stream.lastIngestionTime = now;
  stream.uploadSequence++;
}

/**
 * Appends container output to `group`/`stream` as the awslogs driver does:
 * the stream is created when missing; the group must exist (call
 * {@link ensureLogGroup} first when `awslogs-create-group` is set), otherwise
 * `ResourceNotFoundException`.
 */
export function appendLogEvents(
  regionState: RegionState,
  group: string,
  stream: string,
  events: readonly { timestamp: number; message: string }[],
  now: number = Date.now(),
): void {
  const record = getLogGroup(regionState, group);
  validateStreamName(stream);
  const target = own(record.streams, stream) ?? setOwn(record.streams, stream, newStream(stream, now));
  insertEvents(record, target, events, now);
  applyMetricFilters(regionState, record, events, now);
}

/** Stored bytes of a group (sum of message lengths). */
export function storedBytes(group: LogGroupRecord): number {
  let total = 0;
  for (const stream of Object.values(group.streams)) for (const e of stream.events) total += e.m.length;
  return total;
}

/** Sequence token AWS-style (56 digits) for a stream's upload counter. */
export function sequenceToken(stream: LogStreamRecord): string {
  return `49${String(stream.uploadSequence).padStart(54, '0')}`;
}

/**
 * Publishes what `events`, just ingested into `group`, contribute to its
 * metric filters: `metricValue` at each matching event's timestamp, or the
 * filter's `defaultValue` once for a batch with no match.
 */
export function applyMetricFilters(regionState: RegionState, group: LogGroupRecord, events: readonly { timestamp: number; message: string }[], now: number): void {
  if (events.length === 0 || !group.metricFilters) return;
  for (const filter of Object.values(group.metricFilters)) {
    const matches = compileFilterPattern(filter.filterPattern);
    const matched = events.filter((e) => matches(e.message));
    for (const t of filter.metricTransformations) {
      const base = { namespace: t.metricNamespace, metricName: t.metricName, dimensions: [], unit: t.unit ?? 'None' };
      if (matched.length > 0) {
        const value = Number(t.metricValue); // a number: PutMetricFilter checked it
        for (const e of matched) putMetricDatum(regionState, { ...base, value, timestamp: e.timestamp }, now);
      } else if (t.defaultValue !== undefined) {
        putMetricDatum(regionState, { ...base, value: t.defaultValue, timestamp: events[events.length - 1]!.timestamp }, now);
      }
    }
  }
}
