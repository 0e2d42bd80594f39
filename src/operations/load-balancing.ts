/**
 * Elastic Load Balancing v2: `ensureLoadBalancer`, `ensureTargetGroup`,
 * `ensureListener` (by port) and `ensureListenerRule` (by priority or by
 * matching conditions).
 *
 * @module
 */
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  type Action,
  type CreateListenerCommandInput,
  type CreateLoadBalancerCommandInput,
  type CreateRuleCommandInput,
  type CreateTargetGroupCommandInput,
  type Listener,
  type LoadBalancer,
  type ModifyTargetGroupCommandInput,
  type Rule,
  type RuleCondition,
  type TargetGroup,
  type TargetGroupAttribute,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { built, call, definitionTags, emit, ensured, keyValueTags, type Buildable, type OperationContext } from './context.js';
import { hasErrorCode, OperationError } from './errors.js';
import type { Ensured } from './events.js';
import { callPages } from './pages.js';

/**
 * Returns the load balancer with the input's name, or creates it tagged with
 * the stack.
 *
 * @example
 * ```ts
 * const { resource: alb } = await ensureLoadBalancer(ctx,
 *   loadBalancer('flask-inventory-alb').subnets(...net.subnetIds).securityGroups(albSg));
 * // alb.DNSName → 'flask-inventory-alb-123.us-east-1.elb.amazonaws.com'
 * ```
 */
export async function ensureLoadBalancer(
  ctx: OperationContext,
  definition: Buildable<CreateLoadBalancerCommandInput>,
): Promise<Ensured<LoadBalancer>> {
  const input = built(definition);
  const name = input.Name ?? '';
  const { elbv2 } = ctx.clients;
  try {
    const out = await call(ctx, 'elasticloadbalancing:DescribeLoadBalancers', name, () =>
      elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] })),
    );
    const found = out.LoadBalancers?.[0];
    if (found) return { resource: found, action: 'unchanged' };
  } catch (error) {
    if (!hasErrorCode(error, 'LoadBalancerNotFound')) throw error;
  }
  const out = await call(ctx, 'elasticloadbalancing:CreateLoadBalancer', name, () =>
    elbv2.send(new CreateLoadBalancerCommand({ ...input, Tags: keyValueTags(definitionTags(ctx, input.Tags)) })),
  );
  return ensured(ctx, { action: 'created', kind: 'load-balancer', name }, out.LoadBalancers?.[0] ?? { LoadBalancerName: name });
}

/** Health-check fields of CreateTargetGroup that ModifyTargetGroup can change. */
const HEALTH_FIELDS = [
  'HealthCheckProtocol',
  'HealthCheckPort',
  'HealthCheckEnabled',
  'HealthCheckPath',
  'HealthCheckIntervalSeconds',
  'HealthCheckTimeoutSeconds',
  'HealthyThresholdCount',
  'UnhealthyThresholdCount',
  'Matcher',
] as const;

/** Fields a target group can never change. */
const FIXED_FIELDS = ['Protocol', 'Port', 'VpcId', 'TargetType', 'ProtocolVersion', 'IpAddressType'] as const;

/** Options of {@link ensureTargetGroup}. */
export interface TargetGroupOptions {
  /** Attributes (deregistration delay, stickiness, …); default: the builder's `attributes()`. */
  readonly attributes?: readonly TargetGroupAttribute[];
}

/**
 * Returns the target group with the input's name, creating it (tagged) when
 * missing. When it exists with a different health check or attributes, they
 * are modified to match rather than failing; fields a target group can never
 * change (protocol, port, VPC, target type) throw an {@link OperationError}
 * that says so.
 *
 * @example
 * ```ts
 * const { resource: tg } = await ensureTargetGroup(ctx,
 *   targetGroup('gateway-tg').protocol('HTTP').port(5001).vpc(net.vpcId).targetType('ip').healthCheck({ path: '/health' }));
 * // tg.TargetGroupArn → 'arn:aws:elasticloadbalancing:…:targetgroup/gateway-tg/…'
 * ```
 */
export async function ensureTargetGroup(
  ctx: OperationContext,
  definition: Buildable<CreateTargetGroupCommandInput> & { attributes?(): TargetGroupAttribute[] },
  options: TargetGroupOptions = {},
): Promise<Ensured<TargetGroup>> {
  const input = built(definition);
  const attributes = options.attributes ?? (typeof definition.attributes === 'function' ? definition.attributes() : []);
  const name = input.Name ?? '';
  const found = await describeTargetGroup(ctx, name);
  if (!found) {
    const out = await call(ctx, 'elasticloadbalancing:CreateTargetGroup', name, () =>
      ctx.clients.elbv2.send(new CreateTargetGroupCommand({ ...input, Tags: keyValueTags(definitionTags(ctx, input.Tags)) })),
    );
    const group = out.TargetGroups?.[0] ?? { TargetGroupName: name };
    emit(ctx, { action: 'created', kind: 'target-group', name });
    await setAttributes(ctx, name, group, attributes, true);
    return { resource: group, action: 'created' };
  }
  checkFixedFields(name, input, found);
  const modified = await modifyHealthCheck(ctx, name, input, found);
  const group = modified ?? found;
  const attributesChanged = await setAttributes(ctx, name, group, attributes, false);
  return { resource: group, action: modified || attributesChanged ? 'updated' : 'unchanged' };
}

/** The target group `name`, if it exists. @internal */
async function describeTargetGroup(ctx: OperationContext, name: string): Promise<TargetGroup | undefined> {
  try {
    const out = await call(ctx, 'elasticloadbalancing:DescribeTargetGroups', name, () =>
      ctx.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] })),
    );
    return out.TargetGroups?.[0];
  } catch (error) {
    if (!hasErrorCode(error, 'TargetGroupNotFound')) throw error;
    return undefined;
  }
}

/** Throws when the input wants a field a target group can never change. @internal */
function checkFixedFields(name: string, input: CreateTargetGroupCommandInput, found: TargetGroup): void {
  const fixed = FIXED_FIELDS.filter((f) => input[f] !== undefined && found[f] !== undefined && input[f] !== found[f]);
  if (fixed.length > 0) {
    throw new OperationError(
      'elasticloadbalancing:ModifyTargetGroup',
      name,
      `${fixed.map((f) => `${f} is ${JSON.stringify(found[f])}, wanted ${JSON.stringify(input[f])}`).join('; ')}: ` +
        'a target group cannot change these; use a new name or delete it first',
    );
  }
}

/** Brings the health check in line; the modified group, or `undefined` when nothing differed. @internal */
async function modifyHealthCheck(ctx: OperationContext, name: string, input: CreateTargetGroupCommandInput, found: TargetGroup): Promise<TargetGroup | undefined> {
  const change: Record<string, unknown> = {};
  for (const f of HEALTH_FIELDS) {
    if (input[f] !== undefined && JSON.stringify(input[f]) !== JSON.stringify(found[f])) change[f] = input[f];
  }
  if (Object.keys(change).length === 0) return undefined;
  const out = await call(ctx, 'elasticloadbalancing:ModifyTargetGroup', name, () =>
    ctx.clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: found.TargetGroupArn, ...change } as ModifyTargetGroupCommandInput)),
  );
  emit(ctx, { action: 'updated', kind: 'target-group', name, change: 'health check updated', detail: Object.keys(change).join(', ') });
  return out.TargetGroups?.[0] ?? found;
}

/**
 * Sets the attributes that differ (all of them on a group just created, which
 * is not reported again); `true` when an existing group's were changed.
 *
 * @internal
 */
async function setAttributes(ctx: OperationContext, name: string, group: TargetGroup, attributes: readonly TargetGroupAttribute[], created: boolean): Promise<boolean> {
  const arn = group.TargetGroupArn;
  if (attributes.length === 0 || !arn) return false;
  const { elbv2 } = ctx.clients;
  const current = created
    ? new Map<string | undefined, string | undefined>()
    : new Map(
        ((await call(ctx, 'elasticloadbalancing:DescribeTargetGroupAttributes', name, () => elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn })))).Attributes ?? []).map(
          (a) => [a.Key, a.Value],
        ),
      );
  const differing = attributes.filter((a) => current.get(a.Key) !== a.Value);
  if (differing.length === 0) return false;
  await call(ctx, 'elasticloadbalancing:ModifyTargetGroupAttributes', name, () =>
    elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: differing })),
  );
  if (created) return false;
  emit(ctx, { action: 'updated', kind: 'target-group', name, change: 'attributes updated', detail: differing.map((a) => a.Key).join(', ') });
  return true;
}

/** Comparable JSON of actions (order, defaults such as Order and empty fields dropped). @internal */
function actionsKey(actions: readonly Action[] | undefined): string {
  return JSON.stringify(
    (actions ?? []).map((a) => ({
      Type: a.Type,
      TargetGroupArn: a.TargetGroupArn ?? (a.ForwardConfig?.TargetGroups?.length === 1 ? a.ForwardConfig.TargetGroups[0]?.TargetGroupArn : undefined),
      FixedResponseConfig: a.FixedResponseConfig,
      RedirectConfig: a.RedirectConfig,
      Weights:
        (a.ForwardConfig?.TargetGroups?.length ?? 0) > 1
          ? a.ForwardConfig?.TargetGroups?.map((t) => [t.TargetGroupArn, t.Weight ?? 1])
          : undefined,
    })),
  );
}

/** Comparable JSON of rule conditions (Values and *Config forms alike). @internal */
function conditionsKey(conditions: readonly RuleCondition[] | undefined): string {
  const norm = (conditions ?? []).map((c) => {
    const values =
      c.PathPatternConfig?.Values ??
      c.HostHeaderConfig?.Values ??
      c.HttpRequestMethodConfig?.Values ??
      c.SourceIpConfig?.Values ??
      c.HttpHeaderConfig?.Values ??
      c.QueryStringConfig?.Values?.map((q) => `${q.Key ?? ''}=${q.Value ?? ''}`) ??
      c.Values ??
      [];
    return `${c.Field}:${c.HttpHeaderConfig?.HttpHeaderName ?? ''}:${[...values].sort().join(',')}`;
  });
  return JSON.stringify(norm.sort());
}

/**
 * Returns the listener on the input's port of its load balancer, creating it
 * (tagged) when missing; different default actions are modified to match.
 *
 * @example
 * ```ts
 * const { resource: http } = await ensureListener(ctx,
 *   listener(alb.LoadBalancerArn!).port(80).forward(tg.TargetGroupArn!));
 * // http.ListenerArn → 'arn:aws:elasticloadbalancing:…:listener/app/flask-inventory-alb/…/…'
 * ```
 */
export async function ensureListener(ctx: OperationContext, definition: Buildable<CreateListenerCommandInput>): Promise<Ensured<Listener>> {
  const input = built(definition);
  const lb = input.LoadBalancerArn ?? '';
  const resource = `${lb.split('/').at(-2) ?? lb}:${input.Port}`;
  const { elbv2 } = ctx.clients;
  const listeners = await callPages(
    ctx, 'elasticloadbalancing:DescribeListeners', resource,
    (Marker) => elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb, Marker })),
    (p) => p.NextMarker, (p) => p.Listeners,
  );
  const found = listeners.find((l) => l.Port === input.Port);
  if (!found) {
    const out = await call(ctx, 'elasticloadbalancing:CreateListener', resource, () =>
      elbv2.send(new CreateListenerCommand({ ...input, Tags: keyValueTags(definitionTags(ctx, input.Tags)) })),
    );
    return ensured(ctx, { action: 'created', kind: 'listener', name: resource }, out.Listeners?.[0] ?? { Port: input.Port });
  }
  if (actionsKey(input.DefaultActions) === actionsKey(found.DefaultActions) && (input.Protocol === undefined || input.Protocol === found.Protocol)) {
    return { resource: found, action: 'unchanged' };
  }
  const out = await call(ctx, 'elasticloadbalancing:ModifyListener', resource, () =>
    elbv2.send(
      new ModifyListenerCommand({
        ListenerArn: found.ListenerArn,
        DefaultActions: input.DefaultActions,
        ...(input.Protocol !== undefined && { Protocol: input.Protocol }),
        ...(input.Certificates !== undefined && { Certificates: input.Certificates }),
        ...(input.SslPolicy !== undefined && { SslPolicy: input.SslPolicy }),
      }),
    ),
  );
  return ensured(ctx, { action: 'updated', kind: 'listener', name: resource, change: 'default actions updated' }, out.Listeners?.[0] ?? found);
}

/**
 * Returns the listener rule with the input's priority — or, failing that, the
 * one with the same conditions — creating it (tagged) when there is none.
 * A found rule whose conditions or actions differ is modified to match.
 *
 * @example
 * ```ts
 * const { resource: rule } = await ensureListenerRule(ctx,
 *   listenerRule(http.ListenerArn!).priority(100).pathPattern('/api/*').forward(gatewayTg.TargetGroupArn!));
 * // rule.Priority → '100'
 * ```
 */
export async function ensureListenerRule(ctx: OperationContext, definition: Buildable<CreateRuleCommandInput>): Promise<Ensured<Rule>> {
  const input = built(definition);
  const listenerArn = input.ListenerArn ?? '';
  const resource = `rule ${input.Priority} of ${listenerArn.split('/').slice(-3).join('/')}`;
  const { elbv2 } = ctx.clients;
  const rules = await callPages(
    ctx, 'elasticloadbalancing:DescribeRules', resource,
    (Marker) => elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn, Marker })),
    (p) => p.NextMarker, (p) => p.Rules,
  );
  const wantConditions = conditionsKey(input.Conditions);
  const found =
    rules.find((r) => !r.IsDefault && r.Priority === String(input.Priority)) ??
    rules.find((r) => !r.IsDefault && conditionsKey(r.Conditions) === wantConditions);
  if (!found) {
    const out = await call(ctx, 'elasticloadbalancing:CreateRule', resource, () =>
      elbv2.send(new CreateRuleCommand({ ...input, Tags: keyValueTags(definitionTags(ctx, input.Tags)) })),
    );
    return ensured(ctx, { action: 'created', kind: 'listener-rule', name: resource }, out.Rules?.[0] ?? { Priority: String(input.Priority) });
  }
  if (conditionsKey(found.Conditions) === wantConditions && actionsKey(found.Actions) === actionsKey(input.Actions)) {
    return { resource: found, action: 'unchanged' };
  }
  const out = await call(ctx, 'elasticloadbalancing:ModifyRule', resource, () =>
    elbv2.send(new ModifyRuleCommand({ RuleArn: found.RuleArn, Conditions: input.Conditions, Actions: input.Actions })),
  );
  return ensured(ctx, { action: 'updated', kind: 'listener-rule', name: resource, change: 'conditions/actions updated' }, out.Rules?.[0] ?? found);
}
