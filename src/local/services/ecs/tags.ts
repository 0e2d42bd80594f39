/**
 * ECS tagging: TagResource, UntagResource, ListTagsForResource for clusters,
 * services, task definitions, tasks and container instances, plus the tag
 * helpers the other ECS handlers use when creating resources.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { findServiceByArn, parseEcsArn, stateOf, type EcsState, type EcsTag } from './state.js';
import { own } from '../../core/util.js';

/** Validates a tag list as ECS does (key required, at most 50, `aws:` reserved). */
export function validateTags(tags: unknown): EcsTag[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) throw new AwsError('InvalidParameterException', 'tags must be a list of { key, value } objects.');
  if (tags.length > 50) throw new AwsError('InvalidParameterException', `Too many tags: ${tags.length}; a resource can have at most 50 tags.`);
  return tags.map((t: { key?: unknown; value?: unknown }, i) => {
    if (typeof t?.key !== 'string' || t.key.length === 0 || t.key.length > 128) {
      throw new AwsError('InvalidParameterException', `tags[${i}].key must be a string of 1-128 characters, got: ${JSON.stringify(t?.key)}`);
    }
    if (t.key.toLowerCase().startsWith('aws:')) {
      throw new AwsError('InvalidParameterException', `Tag keys starting with 'aws:' are reserved for AWS use, got: ${t.key}`);
    }
    if (t.value !== undefined && (typeof t.value !== 'string' || t.value.length > 256)) {
      throw new AwsError('InvalidParameterException', `tags[${i}].value must be a string of at most 256 characters.`);
    }
    return t.value === undefined ? { key: t.key } : { key: t.key, value: t.value };
  });
}

/** Merges tags onto a resource (same key overwrites). */
export function putTags(s: EcsState, arn: string, tags: EcsTag[]): void {
  if (tags.length === 0) return;
  const existing = own(s.tags, arn) ?? [];
  for (const tag of tags) {
    const at = existing.findIndex((t) => t.key === tag.key);
    if (at >= 0) existing[at] = tag;
    else existing.push(tag);
  }
  if (existing.length > 50) throw new AwsError('InvalidParameterException', `A resource can have at most 50 tags; ${arn} would have ${existing.length}.`);
  s.tags[arn] = existing;
}

/** Tags of a resource (a copy). */
export function tagsOf(s: EcsState, arn: string): EcsTag[] {
  return (own(s.tags, arn) ?? []).map((t) => ({ ...t }));
}

function requireTaggable(ctx: RequestContext, resourceArn: unknown): string {
  if (typeof resourceArn !== 'string' || resourceArn === '') {
    throw new AwsError('InvalidParameterException', 'resourceArn must not be null or empty.');
  }
  const parsed = parseEcsArn(resourceArn);
  if (!parsed) throw new AwsError('InvalidParameterException', 'The ARN provided is invalid.');
  const s = stateOf(ctx);
  const [kind] = parsed.resource.split('/');
  let exists = false;
  switch (kind) {
    case 'cluster':
      exists = own(s.clusters, resourceArn)?.status === 'ACTIVE';
      if (!exists) throw new AwsError('ClusterNotFoundException', 'Cluster not found.');
      break;
    case 'service':
      exists = findServiceByArn(ctx.state, resourceArn) !== undefined && findServiceByArn(ctx.state, resourceArn)!.status !== 'INACTIVE';
      if (!exists) throw new AwsError('ServiceNotFoundException', 'Service not found.');
      break;
    case 'task-definition': {
      const familyRev = parsed.resource.slice('task-definition/'.length);
      const [family, rev] = [familyRev.slice(0, familyRev.lastIndexOf(':')), Number(familyRev.slice(familyRev.lastIndexOf(':') + 1))];
      exists = own(s.taskDefinitions, family)?.[rev - 1] !== undefined;
      if (!exists) throw new AwsError('ClientException', 'Unable to describe task definition.');
      break;
    }
    case 'task':
      exists = own(s.tasks, resourceArn) !== undefined;
      if (!exists) throw new AwsError('InvalidParameterException', 'The specified task is stopped or not found.');
      break;
    case 'container-instance':
      exists = own(s.containerInstances, resourceArn) !== undefined;
      if (!exists) throw new AwsError('InvalidParameterException', 'The specified container instance could not be found.');
      break;
    default:
      throw new AwsError('InvalidParameterException', `The ARN provided is invalid: resource type '${kind}' cannot be tagged.`);
  }
  return resourceArn;
}

/** ECS TagResource. */
export const TagResource: OperationHandler = (input, ctx) => {
  const arn = requireTaggable(ctx, input.resourceArn);
  const tags = validateTags(input.tags);
  if (tags.length === 0) throw new AwsError('InvalidParameterException', 'tags must not be empty.');
  putTags(stateOf(ctx), arn, tags);
  return {};
};

/** ECS UntagResource. */
export const UntagResource: OperationHandler = (input, ctx) => {
  const arn = requireTaggable(ctx, input.resourceArn);
  const keys: unknown = input.tagKeys;
  if (!Array.isArray(keys) || keys.length === 0) throw new AwsError('InvalidParameterException', 'tagKeys must not be empty.');
  const s = stateOf(ctx);
  const remaining = (own(s.tags, arn) ?? []).filter((t) => !keys.includes(t.key));
  if (remaining.length) s.tags[arn] = remaining;
  else delete s.tags[arn];
  return {};
};

/** ECS ListTagsForResource. */
export const ListTagsForResource: OperationHandler = (input, ctx) => {
  const arn = requireTaggable(ctx, input.resourceArn);
  return { tags: tagsOf(stateOf(ctx), arn) };
};
