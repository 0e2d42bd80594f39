/**
 * CloudWatch tagging (alarms and dashboards): TagResource, UntagResource,
 * ListTagsForResource.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { list, need } from './common.js';
import { cloudWatchState } from './state.js';
import { own, setOwn } from '../../core/util.js';

/**
 * Reads and validates a `[{Key, Value}]` list: at most 50 tags, keys 1 to 128
 * characters, values at most 256. Nothing is stored.
 */
export function readTags(tags: unknown, field = 'Tags'): Record<string, string> {
  const items = list<{ Key?: unknown; Value?: unknown }>(tags);
  if (items.length > 50) throw new AwsError('InvalidParameterValue', `The collection ${field} must not have more than 50 members, got ${items.length}.`);
  const out: Record<string, string> = {};
  items.forEach((t, i) => {
    if (typeof t?.Key !== 'string' || t.Key.length < 1 || t.Key.length > 128) {
      throw new AwsError('InvalidParameterValue', `${field}.member.${i + 1}.Key: tag key ${JSON.stringify(t?.Key)} must be 1 to 128 characters.`);
    }
    if (t.Value === undefined || t.Value === null || String(t.Value).length > 256) {
      throw new AwsError('InvalidParameterValue', `${field}.member.${i + 1}.Value: the value of tag ${t.Key} is required and must be at most 256 characters.`);
    }
    setOwn(out, t.Key, String(t.Value));
  });
  return out;
}

/** Stores `[{Key, Value}]` tags on `arn` (merged with its current tags; at most 50 in all). */
export function applyTags(ctx: RequestContext, arn: string, tags: unknown): void {
  const incoming = readTags(tags);
  if (Object.keys(incoming).length === 0) return;
  const state = cloudWatchState(ctx.state);
  const current = { ...(own(state.tags, arn) ?? {}), ...incoming };
  if (Object.keys(current).length > 50) throw new AwsError('LimitExceededException', `A resource can have at most 50 tags; ${arn} would have ${Object.keys(current).length}.`);
  state.tags[arn] = current;
}

function resource(ctx: RequestContext, input: any): string {
  const arn = String(need(input.ResourceARN, 'ResourceARN'));
  const state = cloudWatchState(ctx.state);
  const exists = Object.values(state.alarms).some((a) => a.AlarmArn === arn) || Object.values(state.dashboards).some((d) => d.arn === arn);
  if (!exists) throw new AwsError('ResourceNotFoundException', `The specified resource does not exist: ${arn}`, 404);
  return arn;
}

export const tagResource: OperationHandler = (input, ctx) => {
  applyTags(ctx, resource(ctx, input), need(input.Tags, 'Tags'));
  return {};
};

export const untagResource: OperationHandler = (input, ctx) => {
  const arn = resource(ctx, input);
  const tags = own(cloudWatchState(ctx.state).tags, arn);
  if (tags) for (const key of list(input.TagKeys)) delete tags[String(key)];
  return {};
};

export const listTagsForResource: OperationHandler = (input, ctx) => {
  const arn = resource(ctx, input);
  return { Tags: Object.entries(own(cloudWatchState(ctx.state).tags, arn) ?? {}).map(([Key, Value]) => ({ Key, Value })) };
};
