/**
 * Listener rules: CreateRule, DescribeRules (default rule included),
 * ModifyRule, DeleteRule, SetRulePriorities.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, hexId, own } from '../../core/util.js';
import { normaliseActions, normaliseConditions } from './actions.js';
import { list, need, page, strings, tagsOf, validation } from './input.js';
import { requireListener } from './listeners.js';
import { requireLoadBalancer } from './load-balancers.js';
import { limit } from './limits.js';
import { comparePriority, elbv2State, listenersOfLoadBalancer, refreshTargetGroupLinks, rulesOfListener, type StoredRule } from './state.js';

/** The SDK's `Rule` shape. */
export function ruleShape(rule: StoredRule) {
  return { RuleArn: rule.RuleArn, Priority: rule.Priority, Conditions: rule.Conditions, Actions: rule.Actions, IsDefault: rule.IsDefault };
}

/** A priority 1–50000, as ELBv2 validates it. */
function priorityOf(value: unknown, field: string): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isInteger(n) || n < 1 || n > 50000) {
    throw validation(`${field} must be an integer between 1 and 50000, got: ${String(value)}`);
  }
  return n;
}

function requireRule(ctx: RequestContext, ruleArn: string): StoredRule {
  const rule = own(elbv2State(ctx.state).rules, ruleArn);
  if (!rule) throw new AwsError('RuleNotFound', `Rule '${ruleArn}' not found`);
  return rule;
}

const emitRulesChanged = (ctx: RequestContext, listenerArn: string) =>
  ctx.events.emit('elbv2:rules-changed', { accountId: ctx.accountId, region: ctx.region, type: 'elbv2:rules-changed', listenerArn });

/** CreateRule: unique priority per listener (`PriorityInUse`), conditions and one action. */
export const createRule: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const listener = requireListener(ctx, need(input['ListenerArn'] as string | undefined, 'ListenerArn'));
  const lb = requireLoadBalancer(ctx, listener.LoadBalancerArn);
  const priority = priorityOf(need(input['Priority'] as string | undefined, 'Priority'), 'Priority');
  const conditions = normaliseConditions(input['Conditions']);
  const actions = normaliseActions(ctx, input['Actions'], lb, 'Actions');
  if (rulesOfListener(ctx.state, listener.ListenerArn).some((r) => !r.IsDefault && Number(r.Priority) === priority)) {
    throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
  }
  const quota = limit('rules-per-application-load-balancer');
  const rulesOfLoadBalancer = listenersOfLoadBalancer(ctx.state, lb.LoadBalancerArn).reduce((sum, l) => sum + rulesOfListener(ctx.state, l.ListenerArn).filter((r) => !r.IsDefault).length, 0);
  if (rulesOfLoadBalancer >= quota) {
    throw new AwsError('TooManyRules', `Load balancer '${lb.LoadBalancerArn}' already has ${rulesOfLoadBalancer} rules besides its default rules, the quota (rules-per-application-load-balancer)`);
  }
  const tags = tagsOf(input['Tags']);
  const ruleArn = arn(ctx, 'elasticloadbalancing', `listener-rule/${listener.ListenerArn.split(':listener/')[1] ?? ''}/${hexId(16)}`);
  const rule: StoredRule = { RuleArn: ruleArn, ListenerArn: listener.ListenerArn, Priority: String(priority), Conditions: conditions, Actions: actions, IsDefault: false };
  state.rules[ruleArn] = rule;
  if (tags.length) state.tags[ruleArn] = tags;
  refreshTargetGroupLinks(ctx.state);
  emitRulesChanged(ctx, listener.ListenerArn);
  return { Rules: [ruleShape(rule)] };
};

/** DescribeRules: by `ListenerArn` (priority order, default rule last) or `RuleArns`. */
export const describeRules: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const listenerArn = input['ListenerArn'] as string | undefined;
  const arns = strings(input['RuleArns']);
  if (!listenerArn && arns.length === 0) throw validation('You must specify either listener ARN or rule ARNs');
  if (listenerArn && arns.length) throw validation('Listener ARN and rule ARNs cannot be specified at the same time');
  let rules: StoredRule[];
  if (listenerArn) {
    requireListener(ctx, listenerArn);
    rules = rulesOfListener(ctx.state, listenerArn);
  } else {
    rules = arns.map((a) => own(state.rules, a)).filter((r): r is StoredRule => r !== undefined);
    if (rules.length !== new Set(arns).size) throw new AwsError('RuleNotFound', 'One or more rules not found');
  }
  const { items, NextMarker } = page(rules, input);
  return { Rules: items.map(ruleShape), ...(NextMarker ? { NextMarker } : {}) };
};

/** ModifyRule: conditions and/or actions (the default rule's conditions cannot change). */
export const modifyRule: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const rule = requireRule(ctx, need(input['RuleArn'] as string | undefined, 'RuleArn'));
  const listener = requireListener(ctx, rule.ListenerArn);
  const lb = requireLoadBalancer(ctx, listener.LoadBalancerArn);
  const hasConditions = list(input['Conditions']).length > 0;
  if (rule.IsDefault && hasConditions) throw new AwsError('OperationNotPermitted', `The conditions of default rule '${rule.RuleArn}' cannot be modified`);
  const conditions = hasConditions ? normaliseConditions(input['Conditions']) : rule.Conditions;
  const actions = list(input['Actions']).length > 0 ? normaliseActions(ctx, input['Actions'], lb, 'Actions') : rule.Actions;
  rule.Conditions = conditions;
  rule.Actions = actions;
  if (rule.IsDefault) {
    const stored = own(state.listeners, rule.ListenerArn);
    if (stored) stored.DefaultActions = actions;
  }
  refreshTargetGroupLinks(ctx.state);
  emitRulesChanged(ctx, rule.ListenerArn);
  return { Rules: [ruleShape(rule)] };
};

/** DeleteRule: not the default rule (`OperationNotPermitted`). */
export const deleteRule: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const rule = requireRule(ctx, need(input['RuleArn'] as string | undefined, 'RuleArn'));
  if (rule.IsDefault) throw new AwsError('OperationNotPermitted', `Default rule '${rule.RuleArn}' cannot be deleted`);
  delete state.rules[rule.RuleArn];
  delete state.tags[rule.RuleArn];
  refreshTargetGroupLinks(ctx.state);
  emitRulesChanged(ctx, rule.ListenerArn);
  return {};
};

/** SetRulePriorities: all-or-nothing, unique per listener, default rules excluded. */
export const setRulePriorities: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const pairs = list<{ RuleArn?: string; Priority?: string }>(input['RulePriorities']);
  if (pairs.length === 0) throw validation('RulePriorities must contain at least one rule');
  const changes = pairs.map((p, i) => {
    const rule = requireRule(ctx, need(p.RuleArn, `RulePriorities.member.${i + 1}.RuleArn`));
    if (rule.IsDefault) throw new AwsError('OperationNotPermitted', `The priority of default rule '${rule.RuleArn}' cannot be changed`);
    return { rule, priority: priorityOf(p.Priority, `RulePriorities.member.${i + 1}.Priority`) };
  });
  const listeners = new Set(changes.map((c) => c.rule.ListenerArn));
  for (const listenerArn of listeners) {
    const final = new Map<string, number>();
    for (const r of Object.values(state.rules)) if (r.ListenerArn === listenerArn && !r.IsDefault) final.set(r.RuleArn, Number(r.Priority));
    for (const c of changes) if (c.rule.ListenerArn === listenerArn) final.set(c.rule.RuleArn, c.priority);
    const seen = new Set<number>();
    for (const priority of final.values()) {
      if (seen.has(priority)) throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use`);
      seen.add(priority);
    }
  }
  for (const c of changes) c.rule.Priority = String(c.priority);
  for (const listenerArn of listeners) emitRulesChanged(ctx, listenerArn);
  return { Rules: changes.map((c) => c.rule).sort(comparePriority).map(ruleShape) };
};
