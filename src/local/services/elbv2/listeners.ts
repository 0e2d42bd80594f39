/**
 * Listeners: CreateListener (with its default rule), DescribeListeners,
 * ModifyListener, DeleteListener, and the certificates of HTTPS listeners
 * (Add/Remove/DescribeListenerCertificates).
 *
 * @internal
 */
import { AwsError, type OperationHandler, type RequestContext } from '../../core/types.js';
import { arn, hexId, own } from '../../core/util.js';
import { normaliseActions } from './actions.js';
import { intIn, list, need, page, strings, tagsOf, validation } from './input.js';
import { limit } from './limits.js';
import { requireLoadBalancer } from './load-balancers.js';
import { DEFAULT_SSL_POLICY, requireSslPolicy } from './ssl-policies.js';
import { elbv2State, listenersOfLoadBalancer, refreshTargetGroupLinks, removeListener, type StoredListener, type StoredLoadBalancer } from './state.js';

/** The SDK's `Listener` shape (only the default certificate, without `IsDefault`, as AWS reports it). */
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
  const listener = own(elbv2State(ctx.state).listeners, listenerArn);
  if (!listener) throw new AwsError('ListenerNotFound', `Listener '${listenerArn}' not found`);
  return listener;
}

const isSecure = (protocol: string) => protocol === 'HTTPS' || protocol === 'TLS';

/**
 * Whether a certificate ARN names a certificate the load balancer could use:
 * an ACM certificate of this account in the load balancer's Region, or an
 * IAM server certificate of this account. The local cloud has no ACM, so
 * any such ARN is taken to exist (the HTTPS listener serves the local
 * self-signed certificate whatever it names); anything else is
 * `CertificateNotFound`, as a certificate ACM or IAM does not know is on AWS.
 */
function checkCertificateArn(ctx: RequestContext, certificateArn: string): void {
  const acm = /^arn:aws(?:-[a-z]+)*:acm:([a-z0-9-]+):(\d{12}):certificate\/[A-Za-z0-9-]+$/.exec(certificateArn);
  const iam = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):server-certificate\/[\w+=,.@/-]+$/.exec(certificateArn);
  const ok = acm ? acm[1] === ctx.region && acm[2] === ctx.accountId : iam ? iam[1] === ctx.accountId : false;
  if (!ok) {
    throw new AwsError(
      'CertificateNotFound',
      `Certificate '${certificateArn}' not found; use an ACM certificate ARN of account ${ctx.accountId} in ${ctx.region} (arn:aws:acm:${ctx.region}:${ctx.accountId}:certificate/<id>) or an IAM server certificate ARN`,
    );
  }
}

/** Certificates of a request: each with a `CertificateArn` that exists, none with `IsDefault` (AWS's rule for input). */
function certificatesOf(ctx: RequestContext, value: unknown, field = 'Certificates'): { CertificateArn: string }[] {
  return list<{ CertificateArn?: string; IsDefault?: unknown }>(value).map((c, i) => {
    if (c.IsDefault !== undefined) throw validation('You cannot set the isDefault parameter for a certificate.');
    const certificateArn = need(c.CertificateArn, `${field}.member.${i + 1}.CertificateArn`);
    checkCertificateArn(ctx, certificateArn);
    return { CertificateArn: certificateArn };
  });
}

/**
 * Protocol, default certificate and security policy checked against the load
 * balancer's type: an HTTPS/TLS listener needs exactly one certificate (its
 * default) and takes a predefined policy (`SSLPolicyNotFound`); an HTTP/TCP
 * listener takes neither.
 */
function checkProtocol(lb: StoredLoadBalancer, protocol: string, certificates: readonly { CertificateArn: string }[], sslPolicy: string | undefined): void {
  const allowed = lb.Type === 'application' ? ['HTTP', 'HTTPS'] : ['TCP', 'TLS', 'UDP', 'TCP_UDP'];
  if (!allowed.includes(protocol)) throw new AwsError('UnsupportedProtocol', `Protocol '${protocol}' is not supported by ${lb.Type} load balancers; use ${allowed.join(' or ')}.`);
  if (isSecure(protocol)) {
    if (certificates.length === 0) throw validation(`A certificate must be specified for ${protocol} listeners`);
    if (certificates.length > 1) {
      throw validation(`You must provide a list containing exactly one certificate (the default certificate) for ${protocol} listeners; add more with AddListenerCertificates, got ${certificates.length}`);
    }
  } else {
    if (certificates.length) throw validation(`A certificate cannot be specified for ${protocol} listeners`);
    if (sslPolicy !== undefined) throw validation(`An SSL policy cannot be specified for ${protocol} listeners`);
  }
  if (sslPolicy !== undefined) requireSslPolicy(sslPolicy);
}

/** CreateListener: one per port (`DuplicateListener`; identical re-creation returns it), plus its default rule. */
export const createListener: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const lb = requireLoadBalancer(ctx, need(input['LoadBalancerArn'] as string | undefined, 'LoadBalancerArn'));
  const protocol = (input['Protocol'] as string | undefined) ?? (lb.Type === 'application' ? 'HTTP' : 'TCP');
  const port = intIn(need(input['Port'] as string | undefined, 'Port'), 'Port', 1, 65535) ?? 0;
  const certificates = certificatesOf(ctx, input['Certificates']);
  const sslPolicyInput = input['SslPolicy'] as string | undefined;
  checkProtocol(lb, protocol, certificates, sslPolicyInput);
  const actions = normaliseActions(ctx, input['DefaultActions'], lb, 'DefaultActions');
  const secure = isSecure(protocol);
  const sslPolicy = secure ? (sslPolicyInput ?? DEFAULT_SSL_POLICY) : undefined;

  const siblings = listenersOfLoadBalancer(ctx.state, lb.LoadBalancerArn);
  const existing = siblings.find((l) => l.Port === port);
  if (existing) {
    const same =
      existing.Protocol === protocol &&
      JSON.stringify(existing.DefaultActions) === JSON.stringify(actions) &&
      existing.SslPolicy === sslPolicy &&
      JSON.stringify(existing.Certificates ?? []) === JSON.stringify(certificates);
    if (same) return { Listeners: [listenerShape(existing)] };
    throw new AwsError('DuplicateListener', `A listener already exists on port ${port} of load balancer '${lb.LoadBalancerArn}'`);
  }
  const quota = lb.Type === 'application' ? 'listeners-per-application-load-balancer' : 'listeners-per-network-load-balancer';
  if (siblings.length >= limit(quota)) throw new AwsError('TooManyListeners', `Load balancer '${lb.LoadBalancerArn}' already has ${siblings.length} listeners, the quota (${quota})`);
  if (lb.IpAddressType !== 'ipv4' && (protocol === 'UDP' || protocol === 'TCP_UDP')) {
    throw new AwsError('InvalidConfigurationRequest', `A ${protocol} listener can't be added to a load balancer whose IP address type is '${lb.IpAddressType}'`);
  }
  const tags = tagsOf(input['Tags']);
  const lbPath = lb.LoadBalancerArn.split(':loadbalancer/')[1] ?? '';
  const listenerArn = arn(ctx, 'elasticloadbalancing', `listener/${lbPath}/${hexId(16)}`);
  const listener: StoredListener = {
    ListenerArn: listenerArn,
    LoadBalancerArn: lb.LoadBalancerArn,
    Port: port,
    Protocol: protocol,
    DefaultActions: actions,
    ...(secure ? { Certificates: certificates, SslPolicy: sslPolicy } : {}),
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
    listeners = arns.map((a) => own(state.listeners, a)).filter((l): l is StoredListener => l !== undefined);
    if (listeners.length !== new Set(arns).size) throw new AwsError('ListenerNotFound', 'One or more listeners not found');
  }
  const { items, NextMarker } = page(listeners, input);
  return { Listeners: items.map(listenerShape), ...(NextMarker ? { NextMarker } : {}) };
};

/**
 * ModifyListener: port (`DuplicateListener`), protocol, certificates, SSL
 * policy, default actions. Moving to HTTPS/TLS needs a certificate; moving
 * to HTTP/TCP drops the certificates and the policy, as AWS documents.
 */
export const modifyListener: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const state = elbv2State(ctx.state);
  const listener = requireListener(ctx, need(input['ListenerArn'] as string | undefined, 'ListenerArn'));
  const lb = requireLoadBalancer(ctx, listener.LoadBalancerArn);
  const port = intIn(input['Port'], 'Port', 1, 65535) ?? listener.Port;
  const protocol = (input['Protocol'] as string | undefined) ?? listener.Protocol;
  const secure = isSecure(protocol);
  const givenCertificates = input['Certificates'] !== undefined ? certificatesOf(ctx, input['Certificates']) : undefined;
  const certificates = givenCertificates ?? (secure ? (listener.Certificates ?? []) : []);
  const sslPolicyInput = input['SslPolicy'] as string | undefined;
  checkProtocol(lb, protocol, certificates, sslPolicyInput);
  const actions = input['DefaultActions'] !== undefined ? normaliseActions(ctx, input['DefaultActions'], lb, 'DefaultActions') : listener.DefaultActions;
  if (port !== listener.Port && listenersOfLoadBalancer(ctx.state, lb.LoadBalancerArn).some((l) => l.Port === port)) {
    throw new AwsError('DuplicateListener', `A listener already exists on port ${port} of load balancer '${lb.LoadBalancerArn}'`);
  }
  listener.Port = port;
  listener.Protocol = protocol;
  listener.DefaultActions = actions;
  if (secure) {
    listener.Certificates = certificates;
    listener.SslPolicy = sslPolicyInput ?? listener.SslPolicy ?? DEFAULT_SSL_POLICY;
  } else {
    delete listener.Certificates;
    delete listener.CertificateList;
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
  removeListener(state, listener.ListenerArn);
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

/** The certificates of a listener as DescribeListenerCertificates reports them: the default one (`IsDefault: true`), then the certificate list. */
function listenerCertificates(listener: StoredListener): { CertificateArn: string; IsDefault: boolean }[] {
  return [
    ...(listener.Certificates ?? []).map((c) => ({ CertificateArn: c.CertificateArn, IsDefault: true })),
    ...(listener.CertificateList ?? []).map((certificateArn) => ({ CertificateArn: certificateArn, IsDefault: false })),
  ];
}

/**
 * AddListenerCertificates: adds certificates to the certificate list of an
 * HTTPS or TLS listener (one already there is not added again), up to the
 * quota of certificates per load balancer, default certificates not
 * counted (`TooManyCertificates`).
 */
export const addListenerCertificates: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const listener = requireListener(ctx, need(input['ListenerArn'] as string | undefined, 'ListenerArn'));
  const certificates = certificatesOf(ctx, need(input['Certificates'], 'Certificates'));
  if (certificates.length === 0) throw validation('Certificates must contain at least one certificate');
  if (!isSecure(listener.Protocol)) throw validation(`Certificates can be added only to HTTPS and TLS listeners; listener '${listener.ListenerArn}' is ${listener.Protocol}`);
  const lb = requireLoadBalancer(ctx, listener.LoadBalancerArn);
  const next = [...(listener.CertificateList ?? [])];
  for (const { CertificateArn } of certificates) if (!next.includes(CertificateArn)) next.push(CertificateArn);
  const others = listenersOfLoadBalancer(ctx.state, lb.LoadBalancerArn)
    .filter((l) => l.ListenerArn !== listener.ListenerArn)
    .reduce((sum, l) => sum + (l.CertificateList?.length ?? 0), 0);
  const quota = lb.Type === 'application' ? 'certificates-per-application-load-balancer' : 'certificates-per-network-load-balancer';
  if (others + next.length > limit(quota)) {
    throw new AwsError('TooManyCertificates', `Load balancer '${lb.LoadBalancerArn}' would have ${others + next.length} certificates besides its default ones; the quota is ${limit(quota)} (${quota})`);
  }
  listener.CertificateList = next;
  // IsDefault appears only when listener certificates are described (the model's documentation of Certificate.IsDefault).
  return { Certificates: next.map((certificateArn) => ({ CertificateArn: certificateArn })) };
};

/**
 * RemoveListenerCertificates: removes certificates from the certificate
 * list; the default certificate cannot be removed (`OperationNotPermitted`;
 * replace it with ModifyListener). A certificate not in the list is ignored.
 */
export const removeListenerCertificates: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const listener = requireListener(ctx, need(input['ListenerArn'] as string | undefined, 'ListenerArn'));
  const arns = list<{ CertificateArn?: string; IsDefault?: unknown }>(need(input['Certificates'], 'Certificates')).map((c, i) => {
    if (c.IsDefault !== undefined) throw validation('You cannot set the isDefault parameter for a certificate.');
    return need(c.CertificateArn, `Certificates.member.${i + 1}.CertificateArn`);
  });
  if (arns.length === 0) throw validation('Certificates must contain at least one certificate');
  const listed = listener.CertificateList ?? [];
  for (const certificateArn of arns) {
    if (!listed.includes(certificateArn) && listener.Certificates?.some((c) => c.CertificateArn === certificateArn)) {
      throw new AwsError('OperationNotPermitted', `Certificate '${certificateArn}' is the default certificate of listener '${listener.ListenerArn}' and cannot be removed; replace it with ModifyListener`);
    }
  }
  const remaining = listed.filter((certificateArn) => !arns.includes(certificateArn));
  if (remaining.length) listener.CertificateList = remaining;
  else delete listener.CertificateList;
  return {};
};

/** DescribeListenerCertificates: the default certificate and the certificate list, `Marker`/`PageSize` pages (none for HTTP listeners). */
export const describeListenerCertificates: OperationHandler = (input: Record<string, unknown>, ctx) => {
  const listener = requireListener(ctx, need(input['ListenerArn'] as string | undefined, 'ListenerArn'));
  const { items, NextMarker } = page(listenerCertificates(listener), input);
  return { Certificates: items, ...(NextMarker ? { NextMarker } : {}) };
};
