/**
 * From ELBv2 state to what the ALB proxy needs: a listener's rules as
 * {@link ProxyRule}s and a target group's targets as {@link ProxyTarget}s,
 * (with the group's stickiness), plus the CloudWatch dimension values of
 * load balancers and target groups. Pure functions over the stored records;
 * stickiness durations go through the runtime's time scale.
 *
 * @internal
 */
import type { ProxyAction, ProxyCondition, ProxyRule, ProxyStickiness, ProxyTarget } from '../alb-proxy.js';
import type { Action, Condition, StoredRule, StoredTarget, StoredTargetGroup } from '../control-plane.js';

/** Region and account of an ARN (`arn:aws:service:region:account:…`). */
export function arnScope(arn: string): { region: string; accountId: string } | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || !parts[3] || !parts[4]) return undefined;
  return { region: parts[3], accountId: parts[4] };
}

/** CloudWatch `LoadBalancer` dimension: `app/NAME/ID`. */
export function loadBalancerDimension(loadBalancerArn: string): string {
  return loadBalancerArn.split(':loadbalancer/')[1] ?? loadBalancerArn;
}

/** CloudWatch `TargetGroup` dimension: `targetgroup/NAME/ID`. */
export function targetGroupDimension(targetGroupArn: string): string {
  const index = targetGroupArn.indexOf(':targetgroup/');
  return index >= 0 ? targetGroupArn.slice(index + 1) : targetGroupArn;
}

/** Where the runtime reaches a target: its IP for `ip` targets, 127.0.0.1 (the virtual instance's host port) otherwise. */
export function targetHost(target: Pick<StoredTarget, 'Id'>): string {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(target.Id) ? target.Id : '127.0.0.1';
}

const conditionValues = (condition: Condition): string[] =>
  condition.PathPatternConfig?.Values ?? condition.HostHeaderConfig?.Values ?? condition.Values ?? [];

/** Real milliseconds for AWS seconds (the runtime's time scale); unscaled by default. */
export type ScaleMs = (seconds: number) => number;
const unscaled: ScaleMs = (seconds) => seconds * 1000;

/** The proxy form of a rule's action (the first by `Order`); target-group stickiness durations through `scaleMs`. */
export function proxyAction(actions: readonly Action[], scaleMs: ScaleMs = unscaled): ProxyAction {
  const action = [...actions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0))[0];
  if (action?.Type === 'forward') {
    const groups = action.ForwardConfig?.TargetGroups ?? (action.TargetGroupArn ? [{ TargetGroupArn: action.TargetGroupArn, Weight: 1 }] : []);
    const sticky = action.ForwardConfig?.TargetGroupStickinessConfig;
    return {
      type: 'forward',
      targetGroups: groups.map((g) => ({ arn: g.TargetGroupArn, weight: g.Weight })),
      ...(sticky?.Enabled && sticky.DurationSeconds ? { stickiness: { durationMs: scaleMs(sticky.DurationSeconds) } } : {}),
    };
  }
  if (action?.Type === 'fixed-response' && action.FixedResponseConfig) {
    const config = action.FixedResponseConfig;
    return {
      type: 'fixed-response',
      statusCode: Number(config.StatusCode),
      ...(config.ContentType ? { contentType: config.ContentType } : {}),
      ...(config.MessageBody !== undefined ? { body: config.MessageBody } : {}),
    };
  }
  if (action?.Type === 'redirect' && action.RedirectConfig) {
    const c = action.RedirectConfig;
    return { type: 'redirect', protocol: c.Protocol, host: c.Host, port: c.Port, path: c.Path, query: c.Query, statusCode: c.StatusCode === 'HTTP_301' ? 301 : 302 };
  }
  // authenticate-* actions need an identity provider the local cloud does not have.
  return { type: 'fixed-response', statusCode: 501, contentType: 'text/plain', body: `The local ALB does not perform ${action?.Type ?? 'empty'} actions; use forward, redirect or fixed-response.` };
}

/** A stored condition in the proxy's form. */
function proxyCondition(c: Condition): ProxyCondition {
  switch (c.Field) {
    case 'http-header':
      return { field: c.Field, values: c.HttpHeaderConfig?.Values ?? [], headerName: c.HttpHeaderConfig?.HttpHeaderName ?? '' };
    case 'http-request-method':
      return { field: c.Field, values: c.HttpRequestMethodConfig?.Values ?? [] };
    case 'query-string':
      return { field: c.Field, values: [], query: (c.QueryStringConfig?.Values ?? []).map((v) => ({ ...(v.Key !== undefined ? { key: v.Key } : {}), value: v.Value })) };
    case 'source-ip':
      return { field: c.Field, values: c.SourceIpConfig?.Values ?? [] };
    default:
      return { field: c.Field, values: conditionValues(c) };
  }
}

/** A listener's rules (from `rulesOfListener`) as proxy rules: every condition type matches as on AWS. */
export function proxyRules(rules: readonly StoredRule[], scaleMs: ScaleMs = unscaled): ProxyRule[] {
  return rules.map((rule) => ({
    priority: rule.IsDefault ? Infinity : Number(rule.Priority),
    conditions: rule.Conditions.map(proxyCondition),
    action: proxyAction(rule.Actions, scaleMs),
  }));
}

/** A target group's stickiness from its attributes, when enabled (`lb_cookie`, or `app_cookie` with a cookie name). */
export function proxyStickiness(tg: StoredTargetGroup, scaleMs: ScaleMs = unscaled): ProxyStickiness | undefined {
  const a = tg.Attributes;
  if (a['stickiness.enabled'] !== 'true') return undefined;
  if (a['stickiness.type'] === 'lb_cookie') return { type: 'lb_cookie', durationMs: scaleMs(Number(a['stickiness.lb_cookie.duration_seconds'] ?? 86400)) };
  if (a['stickiness.type'] === 'app_cookie' && a['stickiness.app_cookie.cookie_name']) {
    return { type: 'app_cookie', durationMs: scaleMs(Number(a['stickiness.app_cookie.duration_seconds'] ?? 86400)), cookieName: a['stickiness.app_cookie.cookie_name'] };
  }
  return undefined;
}

/** Whether a target still takes part (not draining past its delay, not draining at all for new requests). */
const isDraining = (target: StoredTarget) => target.State === 'draining';

/**
 * The targets of a group as the proxy wants them: `healthy` (healthy, or
 * health checks disabled) and `failOpen` (the unhealthy ones, which an ALB
 * routes to when none is healthy). A target still `initial` is in neither:
 * until one target has passed a health check the load balancer answers 503.
 */
export function proxyTargets(tg: StoredTargetGroup | undefined, scaleMs: ScaleMs = unscaled): { healthy: ProxyTarget[]; failOpen: ProxyTarget[]; stickiness?: ProxyStickiness } {
  if (!tg) return { healthy: [], failOpen: [] };
  const stickiness = proxyStickiness(tg, scaleMs);
  const failOpen: ProxyTarget[] = [];
  const healthy: ProxyTarget[] = [];
  for (const target of tg.Targets) {
    if (isDraining(target)) continue;
    const place = { host: targetHost(target), port: target.Port };
    if (target.State === 'healthy' || target.State === 'unavailable') healthy.push(place);
    else if (target.State === 'unhealthy') failOpen.push(place);
  }
  return { healthy, failOpen, ...(stickiness ? { stickiness } : {}) };
}
