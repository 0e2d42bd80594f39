/**
 * Listeners: CreateListener (with its default rule), DescribeListeners,
 * ModifyListener, DeleteListener.
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, hexId } from '../../core/util.js';
import { normaliseActions } from './actions.js';
import { intIn, list, need, page, strings, tagsOf, validation } from './input.js';
import { requireLoadBalancer } from './load-balancers.js';
import { elbv2State, listenersOfLoadBalancer, refreshTargetGroupLinks, type StoredListener, type StoredLoadBalancer } from './state.js';

const DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/** The SDK's `Listener` shape. */
export function listenerShape(l: StoredListener) {
  return {
    ListenerArn: l.ListenerArn,
    LoadBalancerArn: l.LoadBalancerArn,
    Port: l.Port,
    Protocol: l.Protocol,
    ...(l.Certificates ? { Certificates: l.Certificates } : {}),
    ...(l.SslPolicy ? { SslPolicy: l.SslPolicy } : {}),
    DefaultActions: l.DefaultActions,
  };
}

/** The listener with this ARN, or ELBv2's `ListenerNotFound`. */
export function requireListener(ctx: RequestContext, listenerArn: string): StoredListener {
  const listener = elbv2State(ctx.state).listeners[listenerArn];
  if (!listener) throw new AwsError('ListenerNotFound', `Listener '${listenerArn}' not found`);
  return listener;
}

/** Protocol, certificates and SSL policy checked against the load balancer's type. */
function checkProtocol(lb: StoredLoadBalancer, protocol: string, certificates: { CertificateArn: string }[]): void {
  const allowed = lb.Type === 'application' ? ['HTTP', 'HTTPS'] : ['TCP', 'TLS', 'UDP', 'TCP_UDP'];
  if (!allowed.includes(protocol)) throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported by ${lb.Type} load balancers; use ${allowed.join(' or ')}.`);
  if ((protocol === 'HTTPS' || protocol === 'TLS') && certificates.length === 0) {
    throw validation(`A certificate must be specified for ${protocol} listeners (Certificates.member.1.CertificateArn)`);
  }
}

const certificatesOf = (value: unknown) =>
  list<{ CertificateArn?: string }>(value).map((c, i) => ({ CertificateArn: need(c.CertificateArn, `Certificates.member.${i + 1}.CertificateArn`) }));

/** CreateListener: one per port (`DuplicateListener`; identical re-creation returns it), plus its default rule. */
export const createListener: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const lb = requireLoadBalancer(ctx, need(input['LoadBalancerArn'] as string | undefined, 'LoadBalancerArn'));
  const protocol = (input['Protocol'] as string | undefined) ?? (lb.Type === 'application' ? 'HTTP' : 'TCP');
  const port = intIn(need(input['Port'] as string | undefined, 'Port'), 'Port', 1, 65535) ?? 0;
  const certificates = certificatesOf(input['Certificates']);
  checkProtocol(lb, protocol, certificates);
  const actions = normaliseActions(ctx, input['DefaultActions'], lb, 'DefaultActions');

  const existing = listenersOfLoadBalancer(ctx.state, lb.LoadBalancerArn).find((l) => l.Port === port);
  if (existing) {
    if (existing.Protocol === protocol && JSON.stringify(existing.DefaultActions) === JSON.stringify(actions)) return { Listeners: [listenerShape(existing)] };
    throw new AwsError('DuplicateListener', `A listener already exists on port ${port} of load balancer '${lb.LoadBalancerArn}'`);
  }
  const tags = tagsOf(input['Tags']);
  const lbPath = lb.LoadBalancerArn.split(':loadbalancer/')[1] ?? '';
  const listenerArn = arn(ctx, 'elasticloadbalancing', `listener/${lbPath}/${hexId(16)}`);
  const secure = protocol === 'HTTPS' || protocol === 'TLS';
  const listener: StoredListener = {
    ListenerArn: listenerArn,
    LoadBalancerArn: lb.LoadBalancerArn,
    Port: port,
    Protocol: protocol,
    DefaultActions: actions,
    ...(secure ? { Certificates: certificates, SslPolicy: (input['SslPolicy'] as string | undefined) ?? DEFAULT_SSL_POLICY } : {}),
  };
  state.listeners[listenerArn] = listener;
  const ruleArn = arn(ctx, 'elasticloadbalancing', `listener-rule/${listenerArn.split(':listener/')[1] ?? ''}/${hexId(16)}`);
  state.rules[ruleArn] = { RuleArn: ruleArn, ListenerArn: listenerArn, Priority: 'default', Conditions: [], Actions: actions, IsDefault: true };
  if (tags.length) state.tags[listenerArn] = tags;
  refreshTargetGroupLinks(ctx.state);
  ctx.events.emit('elbv2:listener-created', { accountId: ctx.accountId, region: ctx.region, type: 'elbv2:listener-created', listenerArn, loadBalancerArn: lb.LoadBalancerArn });
  return { Listeners: [listenerShape(listener)] };
};

/** DescribeListeners: by `LoadBalancerArn` or `ListenerArns` (`ListenerNotFound` when any is missing). */
export const describeListeners: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const arns = strings(input['ListenerArns']);
  const loadBalancerArn = input['LoadBalancerArn'] as string | undefined;
  if (!loadBalancerArn && arns.length === 0) throw validation('You must specify either listener ARNs or a load balancer ARN');
  if (loadBalancerArn && arns.length) throw validation('Listener ARNs and a load balancer ARN cannot be specified at the same time');
  let listeners: StoredListener[];
  if (loadBalancerArn) {
    requireLoadBalancer(ctx, loadBalancerArn);
    listeners = listenersOfLoadBalancer(ctx.state, loadBalancerArn);
  } else {
    listeners = arns.map((a) => state.listeners[a]).filter((l): l is StoredListener => l !== undefined);
    if (listeners.length !== new Set(arns).size) throw new AwsError('ListenerNotFound', 'One or more listeners not found');
  }
  const { items, NextMarker } = page(listeners, input);
  return { Listeners: items.map(listenerShape), ...(NextMarker ? { NextMarker } : {}) };
};

/** ModifyListener: port (`DuplicateListener`), protocol, certificates, SSL policy, default actions. */
export const modifyListener: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const listener = requireListener(ctx, need(input['ListenerArn'] as string | undefined, 'ListenerArn'));
  const lb = requireLoadBalancer(ctx, listener.LoadBalancerArn);
  const port = intIn(input['Port'], 'Port', 1, 65535) ?? listener.Port;
  const protocol = (input['Protocol'] as string | undefined) ?? listener.Protocol;
  const certificates = input['Certificates'] !== undefined ? certificatesOf(input['Certificates']) : (listener.Certificates ?? []);
  checkProtocol(lb, protocol, certificates);
  const actions = input['DefaultActions'] !== undefined ? normaliseActions(ctx, input['DefaultActions'], lb, 'DefaultActions') : listener.DefaultActions;
  if (port !== listener.Port && listenersOfLoadBalancer(ctx.state, lb.LoadBalancerArn).some((l) => l.Port === port)) {
    throw new AwsError('DuplicateListener', `A listener already exists on port ${port} of load balancer '${lb.LoadBalancerArn}'`);
  }
  const secure = protocol === 'HTTPS' || protocol === 'TLS';
  listener.Port = port;
  listener.Protocol = protocol;
  listener.DefaultActions = actions;
  if (secure) {
    listener.Certificates = certificates;
    listener.SslPolicy = (input['SslPolicy'] as string | undefined) ?? listener.SslPolicy ?? DEFAULT_SSL_POLICY;
  } else {
    delete listener.Certificates;
    delete listener.SslPolicy;
  }
  const defaultRule = Object.values(state.rules).find((r) => r.ListenerArn === listener.ListenerArn && r.IsDefault);
  if (defaultRule) defaultRule.Actions = actions;
  refreshTargetGroupLinks(ctx.state);
  ctx.events.emit('elbv2:listener-modified', { accountId: ctx.accountId, region: ctx.region, type: 'elbv2:listener-modified', listenerArn: listener.ListenerArn, loadBalancerArn: lb.LoadBalancerArn });
  return { Listeners: [listenerShape(listener)] };
};

/** DeleteListener: removes the listener and its rules. */
export const deleteListener: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const listener = requireListener(ctx, need(input['ListenerArn'] as string | undefined, 'ListenerArn'));
  for (const rule of Object.values(state.rules)) {
    if (rule.ListenerArn === listener.ListenerArn) {
      delete state.rules[rule.RuleArn];
      delete state.tags[rule.RuleArn];
    }
  }
  delete state.listeners[listener.ListenerArn];
  delete state.tags[listener.ListenerArn];
  refreshTargetGroupLinks(ctx.state);
  ctx.events.emit('elbv2:listener-deleted', {
    accountId: ctx.accountId,
    region: ctx.region,
    type: 'elbv2:listener-deleted',
    listenerArn: listener.ListenerArn,
    loadBalancerArn: listener.LoadBalancerArn,
  });
  return {};
};
