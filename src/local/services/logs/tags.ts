/**
 * Tagging: TagResource/UntagResource/ListTagsForResource (by ARN: log
 * groups, destinations, delivery sources, delivery destinations and
 * deliveries of this account and Region) and the older
 * TagLogGroup/UntagLogGroup/ListTagsLogGroup (log groups, by name).
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { getLogGroup, logsState, own, parseArn, setOwn } from './state.js';

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
    setOwn(tags, k, String(v));
  }
  if (Object.keys(tags).length > 50) throw new AwsError('InvalidParameterException', 'A log group can have at most 50 tags.');
  return tags;
}

/** A taggable Logs resource: a log group, destination, delivery source, delivery destination or delivery. */
interface Taggable {
  tags: Record<string, string>;
}

/** The resource `arn` names in this account and Region (log group, destination, delivery source/destination, delivery). */
function byArn(ctx: RequestContext, arn: unknown): { record: Taggable; label: string } {
  if (typeof arn !== 'string' || arn === '') throw new AwsError('InvalidParameterException', 'resourceArn must not be null or empty.');
  const parsed = parseArn(arn);
  const here = parsed !== undefined && parsed.service === 'logs' && parsed.account === ctx.accountId && parsed.region === ctx.region;
  const match = here ? /^(log-group|destination|delivery-source|delivery-destination|delivery):([^:]+)(:\*)?$/.exec(parsed.resource) : null;
  const kind = match?.[1];
  const name = match?.[2] ?? '';
  const state = logsState(ctx.state);
  const collection: Record<string, Taggable> | undefined =
    kind === 'log-group'
      ? state.groups
      : match?.[3] !== undefined
        ? undefined
        : kind === 'destination'
          ? state.destinations
          : kind === 'delivery-source'
            ? state.deliverySources
            : kind === 'delivery-destination'
              ? state.deliveryDestinations
              : kind === 'delivery'
                ? state.deliveries
                : undefined;
  const record = own(collection, name);
  if (!record) throw new AwsError('ResourceNotFoundException', `The specified resource does not exist: ${arn}`);
  return { record, label: kind === 'log-group' ? `Log group ${name}` : `${kind} ${name}` };
}

function merge(resource: { record: Taggable; label: string }, tags: Record<string, string>): void {
  const merged = { ...resource.record.tags, ...tags };
  if (Object.keys(merged).length > 50) throw new AwsError('TooManyTagsException', `${resource.label} would have more than 50 tags.`);
  resource.record.tags = merged;
}

export const tagResource: OperationHandler = (input, ctx) => {
  merge(byArn(ctx, input.resourceArn), readTagMap(input.tags));
  return {};
};

export const untagResource: OperationHandler = (input, ctx) => {
  const { record } = byArn(ctx, input.resourceArn);
  for (const key of (input.tagKeys ?? []) as unknown[]) delete record.tags[String(key)];
  return {};
};

export const listTagsForResource: OperationHandler = (input, ctx) => ({ tags: { ...byArn(ctx, input.resourceArn).record.tags } });

export const tagLogGroup: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(input.logGroupName ?? ''));
  merge({ record: group, label: `Log group ${group.name}` }, readTagMap(input.tags));
  return {};
};

export const untagLogGroup: OperationHandler = (input, ctx) => {
  const group = getLogGroup(ctx.state, String(input.logGroupName ?? ''));
  for (const key of (input.tags ?? []) as unknown[]) delete group.tags[String(key)];
  return {};
};

export const listTagsLogGroup: OperationHandler = (input, ctx) => ({ tags: { ...getLogGroup(ctx.state, String(input.logGroupName ?? '')).tags } });
