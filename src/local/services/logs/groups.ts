/**
 * Log group operations: CreateLogGroup, DescribeLogGroups, DeleteLogGroup,
 * PutRetentionPolicy, DeleteRetentionPolicy.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { paginate } from '../../core/util.js';
import { ensureLogGroup, getLogGroup, logsState, own, RETENTION_DAYS, storedBytes, validateGroupName, type LogGroupRecord } from './state.js';
import { readTagMap } from './tags.js';

/** Missing-parameter error in Logs' wording. */
export function need<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null || value === '') {
    throw new AwsError('InvalidParameterException', `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

/** A `limit` parameter within `1..max`, or AWS's validation error. */
export function readLimit(value: unknown, max: number, field = 'limit'): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new AwsError('InvalidParameterException', `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  }
  return n;
}

/** One page of a Describe* answer, `limit` (50 at most) a page; a token this cloud did not issue is `InvalidParameterException`. */
export function page<T>(items: readonly T[], nextToken: string | undefined, limit: number | undefined): { page: T[]; nextToken?: string } {
  return paginate(items, nextToken, limit, {
    pageSize: 50,
    maxPageSize: 50,
    invalidToken: () => new AwsError('InvalidParameterException', 'The specified nextToken is invalid.'),
  });
}

/** Group name from `logGroupName` or `logGroupIdentifier` (name or ARN). */
export function groupNameOf(input: any): string {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw new AwsError('InvalidParameterException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  const id = String(need(input.logGroupName ?? input.logGroupIdentifier, 'logGroupName'));
  const match = /^arn:aws[\w-]*:logs:[^:]*:\d*:log-group:([^:]+)(:\*)?$/.exec(id);
  return match?.[1] ?? id;
}

function groupShape(g: LogGroupRecord): Record<string, unknown> {
  return {
    logGroupName: g.name,
    creationTime: g.creationTime,
    ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: Object.keys(g.metricFilters ?? {}).length,
    arn: `${g.arn}:*`,
    storedBytes: storedBytes(g),
    ...(g.kmsKeyId !== undefined ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: g.logGroupClass,
    logGroupArn: g.arn,
  };
}

function emit(ctx: RequestContext, type: string, logGroupName: string) {
  ctx.events.emit(type, { accountId: ctx.accountId, region: ctx.region, type, logGroupName });
}

export const createLogGroup: OperationHandler = (input, ctx) => {
  const name = String(need(input.logGroupName, 'logGroupName'));
  validateGroupName(name);
  if (own(logsState(ctx.state).groups, name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
  const cls = String(input.logGroupClass ?? 'STANDARD');
  if (!['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'].includes(cls)) {
    throw new AwsError('InvalidParameterException', `logGroupClass must be STANDARD, INFREQUENT_ACCESS or DELIVERY, got: ${cls}`);
  }
  const tags = readTagMap(input.tags);
  const group = ensureLogGroup(ctx.state, ctx, name, ctx.now().getTime());
  group.logGroupClass = cls;
  group.tags = tags;
  if (input.kmsKeyId !== undefined) group.kmsKeyId = String(input.kmsKeyId);
  emit(ctx, 'logs:log-group-created', name);
  return {};
};

export const describeLogGroups: OperationHandler = (input, ctx) => {
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
    throw new AwsError('InvalidParameterException', 'LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  const limit = readLimit(input.limit, 50);
  const prefix = input.logGroupNamePrefix as string | undefined;
  const pattern = (input.logGroupNamePattern as string | undefined)?.toLowerCase();
  const items = Object.values(logsState(ctx.state).groups)
    .filter((g) => (prefix === undefined || g.name.startsWith(prefix)) && (pattern === undefined || g.name.toLowerCase().includes(pattern)))
    .filter((g) => input.logGroupClass === undefined || g.logGroupClass === input.logGroupClass)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { page: shown, nextToken } = page(items, input.nextToken, limit);
  return { logGroups: shown.map(groupShape), ...(nextToken ? { nextToken } : {}) };
};

export const deleteLogGroup: OperationHandler = (input, ctx) => {
  const name = groupNameOf(input);
  getLogGroup(ctx.state, name);
  delete logsState(ctx.state).groups[name];
  emit(ctx, 'logs:log-group-deleted', name);
  return {};
};

export const putRetentionPolicy: OperationHandler = (input, ctx) => {
  const name = String(need(input.logGroupName, 'logGroupName'));
  const days = Number(need(input.retentionInDays, 'retentionInDays'));
  if (!(RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value '${String(input.retentionInDays)}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  getLogGroup(ctx.state, name).retentionInDays = days;
  return {};
};

export const deleteRetentionPolicy: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(need(input.logGroupName, 'logGroupName')));
  delete group.retentionInDays;
  return {};
};
