/**
 * Log group tagging: TagResource/UntagResource/ListTagsForResource (by ARN)
 * and the older TagLogGroup/UntagLogGroup/ListTagsLogGroup (by name).
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { getLogGroup, logsState, type LogGroupRecord } from './state.js';

/** Validates a `{key: value}` tag map. */
export function readTagMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new AwsError('InvalidParameterException', 'tags must be a map of tag key to value.');
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.length < 1 || k.length > 128 || k.startsWith('aws:')) {
      throw new AwsError('InvalidParameterException', `Tag key ${JSON.stringify(k)} is invalid: use 1 to 128 characters, not starting with aws:.`);
    }
    if (String(v).length > 256) throw new AwsError('InvalidParameterException', `Tag value for ${k} exceeds 256 characters.`);
    tags[k] = String(v);
  }
  if (Object.keys(tags).length > 50) throw new AwsError('InvalidParameterException', 'A log group can have at most 50 tags.');
  return tags;
}

function byArn(ctx: RequestContext, arn: unknown): LogGroupRecord {
  if (typeof arn !== 'string' || arn === '') throw new AwsError('InvalidParameterException', 'resourceArn must not be null or empty.');
  const name = /^arn:aws[\w-]*:logs:[^:]*:\d*:log-group:([^:]+)(:\*)?$/.exec(arn)?.[1];
  const group = name ? logsState(ctx.state).groups[name] : undefined;
  if (!group) throw new AwsError('ResourceNotFoundException', `The specified resource does not exist: ${arn}`);
  return group;
}

function merge(group: LogGroupRecord, tags: Record<string, string>): void {
  const merged = { ...group.tags, ...tags };
  if (Object.keys(merged).length > 50) throw new AwsError('TooManyTagsException', `Log group ${group.name} would have more than 50 tags.`);
  group.tags = merged;
}

export const tagResource: OperationHandler = (input, ctx) => {
  merge(byArn(ctx, input.resourceArn), readTagMap(input.tags));
  return {};
};

export const untagResource: OperationHandler = (input, ctx) => {
  const group = byArn(ctx, input.resourceArn);
  for (const key of (input.tagKeys ?? []) as unknown[]) delete group.tags[String(key)];
  return {};
};

export const listTagsForResource: OperationHandler = (input, ctx) => ({ tags: { ...byArn(ctx, input.resourceArn).tags } });

export const tagLogGroup: OperationHandler = (input, ctx) => {
  merge(getLogGroup(ctx.state, String(input.logGroupName ?? '')), readTagMap(input.tags));
  return {};
};

export const untagLogGroup: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(input.logGroupName ?? ''));
  for (const key of (input.tags ?? []) as unknown[]) delete group.tags[String(key)];
  return {};
};

export const listTagsLogGroup: OperationHandler = (input, ctx) => ({ tags: { ...getLogGroup(ctx.state, String(input.logGroupName ?? '')).tags } });
