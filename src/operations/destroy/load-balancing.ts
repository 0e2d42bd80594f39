/**
 * The ELBv2 kinds of `destroy()`: listener rules and listeners (found
 * through every load balancer), load balancers, and target groups (retried
 * while in use).
 *
 * @internal
 * @module
 */
import {
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type Listener,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { call, ownedBy, tagRecord, type OperationContext } from '../context.js';
import type { ListScope, ResourceKindRecord, StackResource } from './types.js';
import { callPages, chunks } from '../pages.js';
import { deletedByOneCall, ofKind } from './util.js';

/** The stack's ARNs among `arns` (DescribeTags, 20 at a time). @internal */
async function owned(ctx: OperationContext, arns: readonly string[]): Promise<Set<string>> {
  const set = new Set<string>();
  for (const batch of chunks(arns, 20)) {
    const out = await call(ctx, 'elasticloadbalancing:DescribeTags', '*', () => ctx.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: batch })));
    for (const d of out.TagDescriptions ?? []) if (d.ResourceArn && ownedBy(tagRecord(d.Tags), ctx.stack)) set.add(d.ResourceArn);
  }
  return set;
}

/** The stack's (non-default) rules of one listener. @internal */
async function rulesOf(ctx: OperationContext, lb: LoadBalancer, l: Listener): Promise<StackResource[]> {
  const listenerArn = l.ListenerArn ?? '';
  const rules = (
    await callPages(
      ctx, 'elasticloadbalancing:DescribeRules', listenerArn,
      (Marker) => ctx.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn, Marker })),
      (p) => p.NextMarker, (p) => p.Rules,
    )
  ).filter((r) => !r.IsDefault && r.RuleArn);
  const ownedRules = await owned(ctx, rules.map((r) => r.RuleArn ?? ''));
  return rules
    .filter((r) => ownedRules.has(r.RuleArn ?? ''))
    .map((r) => ({ kind: 'listener-rule', id: r.RuleArn ?? '', name: `${lb.LoadBalancerName}:${l.Port} priority ${r.Priority}` }));
}

/** Every load balancer, and the stack's load balancers, listeners and listener rules. @internal */
async function listLoadBalancers(ctx: OperationContext): Promise<StackResource[]> {
  const { elbv2 } = ctx.clients;
  const lbs = await callPages(
    ctx, 'elasticloadbalancing:DescribeLoadBalancers', '*',
    (Marker) => elbv2.send(new DescribeLoadBalancersCommand({ Marker })),
    (p) => p.NextMarker, (p) => p.LoadBalancers,
  );
  const rules: StackResource[] = [];
  const listeners: StackResource[] = [];
  for (const lb of lbs) {
    const lbArn = lb.LoadBalancerArn ?? '';
    const ls = await callPages(
      ctx, 'elasticloadbalancing:DescribeListeners', lbArn,
      (Marker) => elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn, Marker })),
      (p) => p.NextMarker, (p) => p.Listeners,
    );
    const ownedListeners = await owned(ctx, ls.map((l) => l.ListenerArn ?? '').filter(Boolean));
    for (const l of ls) {
      rules.push(...(await rulesOf(ctx, lb, l)));
      if (ownedListeners.has(l.ListenerArn ?? '')) listeners.push({ kind: 'listener', id: l.ListenerArn ?? '', name: `${lb.LoadBalancerName}:${l.Port}` });
    }
  }
  const ownedLbs = await owned(ctx, lbs.map((l) => l.LoadBalancerArn ?? '').filter(Boolean));
  const balancers = lbs
    .filter((l) => ownedLbs.has(l.LoadBalancerArn ?? ''))
    .map((l): StackResource => ({ kind: 'load-balancer', id: l.LoadBalancerArn ?? '', name: l.LoadBalancerName ?? '' }));
  return [...rules, ...listeners, ...balancers];
}

const loadBalancers = (scope: ListScope) => scope.once('load-balancers', listLoadBalancers);

/** Tagged listener rules. @internal */
export const listenerRule: ResourceKindRecord<'listener-rule'> = deletedByOneCall('listener-rule', async (s) => ofKind('listener-rule', await loadBalancers(s)), {
  operation: 'elasticloadbalancing:DeleteRule',
  notFound: ['RuleNotFound'],
  send: (ctx, r) => ctx.clients.elbv2.send(new DeleteRuleCommand({ RuleArn: r.id })),
});

/** Tagged listeners. @internal */
export const listener: ResourceKindRecord<'listener'> = deletedByOneCall('listener', async (s) => ofKind('listener', await loadBalancers(s)), {
  operation: 'elasticloadbalancing:DeleteListener',
  notFound: ['ListenerNotFound'],
  send: (ctx, r) => ctx.clients.elbv2.send(new DeleteListenerCommand({ ListenerArn: r.id })),
});

/** Tagged load balancers. @internal */
export const loadBalancer: ResourceKindRecord<'load-balancer'> = deletedByOneCall('load-balancer', async (s) => ofKind('load-balancer', await loadBalancers(s)), {
  operation: 'elasticloadbalancing:DeleteLoadBalancer',
  notFound: ['LoadBalancerNotFound'],
  send: (ctx, r) => ctx.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: r.id })),
});

/** Tagged target groups. @internal */
export const targetGroup: ResourceKindRecord<'target-group'> = deletedByOneCall(
  'target-group',
  async ({ ctx }) => {
    const groups = await callPages(
      ctx, 'elasticloadbalancing:DescribeTargetGroups', '*',
      (Marker) => ctx.clients.elbv2.send(new DescribeTargetGroupsCommand({ Marker })),
      (p) => p.NextMarker, (p) => p.TargetGroups,
    );
    const ownedGroups = await owned(ctx, groups.map((t) => t.TargetGroupArn ?? '').filter(Boolean));
    return groups.filter((t) => ownedGroups.has(t.TargetGroupArn ?? '')).map((t) => ({ kind: 'target-group', id: t.TargetGroupArn ?? '', name: t.TargetGroupName ?? '' }));
  },
  {
    operation: 'elasticloadbalancing:DeleteTargetGroup',
    planned: 'elasticloadbalancing:DeleteTargetGroup (retried while in use)',
    notFound: ['TargetGroupNotFound'],
    retryWhile: ['ResourceInUse'],
    send: (ctx, r) => ctx.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: r.id })),
  },
);
