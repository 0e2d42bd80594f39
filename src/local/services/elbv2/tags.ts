/**
 * AddTags, RemoveTags, DescribeTags over load balancers, target groups,
 * listeners and rules (ARNs in `ResourceArns.member.N`).
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { list, need, strings, tagsOf, validation } from './input.js';
import { elbv2State } from './state.js';
import { own } from '../../core/util.js';

/** Throws the not-found error matching the kind of resource an ARN names. */
function requireResource(ctx: RequestContext, resourceArn: string): void {
  const state = elbv2State(ctx.state);
  if (resourceArn.includes(':loadbalancer/')) {
    if (!own(state.loadBalancers, resourceArn)) throw new AwsError('LoadBalancerNotFound', `Load balancer '${resourceArn}' not found`);
  } else if (resourceArn.includes(':targetgroup/')) {
    if (!own(state.targetGroups, resourceArn)) throw new AwsError('TargetGroupNotFound', `Target group '${resourceArn}' not found`);
  } else if (resourceArn.includes(':listener-rule/')) {
    if (!own(state.rules, resourceArn)) throw new AwsError('RuleNotFound', `Rule '${resourceArn}' not found`);
  } else if (resourceArn.includes(':listener/')) {
    if (!own(state.listeners, resourceArn)) throw new AwsError('ListenerNotFound', `Listener '${resourceArn}' not found`);
  } else {
    throw validation(`'${resourceArn}' is not a valid Elastic Load Balancing resource ARN`);
  }
}

/** AddTags: adds or overwrites tags (at most 50 per resource). */
export const addTags: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const arns = strings(input['ResourceArns']);
  if (arns.length === 0) throw validation('ResourceArns must contain at least one ARN');
  const tags = tagsOf(need(input['Tags'], 'Tags'));
  for (const a of arns) requireResource(ctx, a);
  for (const a of arns) {
    const current = [...(own(state.tags, a) ?? [])];
    for (const tag of tags) {
      const i = current.findIndex((t) => t.Key === tag.Key);
      if (i >= 0) current[i] = tag;
      else current.push(tag);
    }
    if (current.length > 50) throw new AwsError('TooManyTags', `Resource '${a}' would have ${current.length} tags; the quota is 50`);
    state.tags[a] = current;
  }
  return {};
};

/** RemoveTags: removes tag keys. */
export const removeTags: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const arns = strings(input['ResourceArns']);
  const keys = strings(input['TagKeys']);
  if (arns.length === 0) throw validation('ResourceArns must contain at least one ARN');
  for (const a of arns) requireResource(ctx, a);
  for (const a of arns) {
    const remaining = (own(state.tags, a) ?? []).filter((t) => !keys.includes(t.Key));
    if (remaining.length) state.tags[a] = remaining;
    else delete state.tags[a];
  }
  return {};
};

/** DescribeTags: up to 20 ARNs. */
export const describeTags: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const arns = strings(input['ResourceArns']);
  if (arns.length === 0) throw validation('ResourceArns must contain at least one ARN');
  if (arns.length > 20) throw validation(`ResourceArns can contain at most 20 ARNs, got ${arns.length}`);
  for (const a of arns) requireResource(ctx, a);
  return { TagDescriptions: arns.map((a) => ({ ResourceArn: a, Tags: list(own(state.tags, a)) })) };
};
