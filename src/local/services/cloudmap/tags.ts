/**
 * Cloud Map tagging: TagResource, UntagResource, ListTagsForResource.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { applyTags, need } from './common.js';
import { cloudMapState } from './state.js';
import { own } from '../../core/util.js';

function resourceExists(ctx: RequestContext, arn: string): boolean {
  const state = cloudMapState(ctx.state);
  return Object.values(state.namespaces).some((n) => n.arn === arn) || Object.values(state.services).some((s) => s.arn === arn);
}

function existing(ctx: RequestContext, input: any): string {
  const arn = String(need(input.ResourceARN, 'resourceARN'));
  if (!resourceExists(ctx, arn)) throw new AwsError('ResourceNotFoundException', `The operation can't be completed because the resource was not found: ${arn}`);
  return arn;
}

export const tagResource: OperationHandler = (input, ctx) => {
  const arn = existing(ctx, input);
  applyTags(ctx, arn, need(input.Tags, 'tags'));
  return {};
};

export const untagResource: OperationHandler = (input, ctx) => {
  const arn = existing(ctx, input);
  const keys = need(input.TagKeys, 'tagKeys') as unknown[];
  const tags = own(cloudMapState(ctx.state).tags, arn);
  if (tags) for (const key of keys) delete tags[String(key)];
  return {};
};

export const listTagsForResource: OperationHandler = (input, ctx) => {
  const arn = existing(ctx, input);
  const tags = own(cloudMapState(ctx.state).tags, arn) ?? {};
  return { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
};
