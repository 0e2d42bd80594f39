/**
 * Application Auto Scaling tagging (scalable targets): TagResource,
 * UntagResource, ListTagsForResource.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { autoScalingState } from './state.js';
import { need } from './validation.js';
import { own, setOwn } from '../../core/util.js';

/** Validates a `{key: value}` tag map. */
export function readTagMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new AwsError('ValidationException', 'Tags must be a map of tag key to value.');
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.length < 1 || k.length > 128) throw new AwsError('ValidationException', `Tag key ${JSON.stringify(k)} must be 1 to 128 characters.`);
    if (String(v).length > 256) throw new AwsError('ValidationException', `Tag value for ${k} must be at most 256 characters.`);
    setOwn(tags, k, String(v));
  }
  return tags;
}

function resource(ctx: RequestContext, input: any): string {
  const arn = String(need(input.ResourceARN, 'resourceARN'));
  if (!Object.values(autoScalingState(ctx.state).targets).some((t) => t.ScalableTargetARN === arn)) {
    throw new AwsError('ResourceNotFoundException', `The scalable target ${arn} does not exist.`);
  }
  return arn;
}

export const tagResource: OperationHandler = (input, ctx) => {
  const arn = resource(ctx, input);
  const state = autoScalingState(ctx.state);
  const merged = { ...(own(state.tags, arn) ?? {}), ...readTagMap(need(input.Tags, 'tags')) };
  if (Object.keys(merged).length > 50) throw new AwsError('TooManyTagsException', `A scalable target can have at most 50 tags; ${arn} would have ${Object.keys(merged).length}.`);
  state.tags[arn] = merged;
  return {};
};

export const untagResource: OperationHandler = (input, ctx) => {
  const arn = resource(ctx, input);
  const tags = own(autoScalingState(ctx.state).tags, arn);
  if (tags) for (const key of (input.TagKeys ?? []) as unknown[]) delete tags[String(key)];
  return {};
};

export const listTagsForResource: OperationHandler = (input, ctx) => ({ Tags: { ...(autoScalingState(ctx.state).tags[resource(ctx, input)] ?? {}) } });
