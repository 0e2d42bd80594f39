/**
 * The listener proxies of the `load-balancing` component: one front proxy
 * per listener port, shared by every application load balancer with a
 * listener on it (see `index.ts`); which listeners the API has now, which
 * member a request's Host names, and the TLS a port serves.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { startAlbListener, type AlbListener, type ProxyRequestRecord, type ProxyRouting, type ProxyRule, type ProxyTls } from '../alb-proxy.js';
import type { RuntimeContext } from '../context.js';
import type { Elbv2Port } from '../control-plane.js';
import type { AlbMetrics } from './metrics.js';
import { arnScope, proxyRules, proxyTargets } from './routing.js';
import { policyTls } from './tls.js';

/** One listener served by a front proxy. */
export interface Member {
  readonly state: RegionState;
  readonly loadBalancerArn: string;
  readonly listenerArn: string;
  /** The load balancer's DNS name without any port, lower case. */
  readonly hostname: string;
  /** The listener's protocol when the member was made (`HTTP` or `HTTPS`); requests read the state's. */
  readonly protocol: string;
  /** HTTPS: the listener's security policy. */
  readonly sslPolicy?: string;
}

/** One proxy on one listener port, shared by every load balancer with a listener on it. */
export interface Front {
  readonly port: number;
  /** Set once bound (on `port`, or on a free port when `port` cannot be bound). */
  listener: AlbListener | undefined;
  members: Member[];
  /** What TLS the listener serves now (certificate + policy), to change it only when it changes. */
  tlsKey?: string;
}

/** The TLS a port serves, with a key that changes when it does. */
export interface FrontTls {
  readonly key: string;
  readonly settings: ProxyTls;
}

/** What the fronts of one component share. */
export interface FrontsEnv {
  readonly context: RuntimeContext;
  readonly elb: Elbv2Port;
  /** Interface the proxies bind. */
  readonly bindHost: string;
  /** Smallest proxy idle timeout in real ms. */
  readonly minIdleTimeoutMs: number;
  readonly metrics: AlbMetrics;
  /** The running fronts by listener port. */
  readonly fronts: ReadonlyMap<number, Front>;
  /** The proxy rules of a member's listener (cached per state version). */
  rulesOf(member: Member): ProxyRule[];
}

/** The DNS name without a `:port` suffix. */
export const baseName = (dnsName: string) => dnsName.replace(/:\d+$/, '');

/** The member a request's Host names on this front, if any. */
export function memberFor(elb: Elbv2Port, front: Front, host: string): Member | undefined {
  const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  // Deleted or moved to another port since the last reconcile: gone at once.
  const members = front.members.filter((m) => elb.state(m.state).listeners[m.listenerArn]?.Port === front.port);
  const exact = members.find((m) => m.hostname === name);
  if (exact) return exact;
  // Another load balancer's name (of this or another local cloud) never falls through to ours.
  if (name.endsWith('.elb.localhost')) return undefined;
  const first = members[0];
  return first && members.every((m) => m.loadBalancerArn === first.loadBalancerArn) ? first : undefined;
}

/** How a front's proxy reads the ELBv2 state on every request. */
function frontRouting(env: FrontsEnv, front: Front): ProxyRouting {
  const { context, elb } = env;
  return {
    rules: ({ host }) => {
      const member = memberFor(elb, front, host);
      return member ? env.rulesOf(member) : undefined;
    },
    targets: (targetGroupArn) => {
      const scope = arnScope(targetGroupArn);
      return proxyTargets(scope ? elb.findTargetGroup(context.cloud.region(scope.region, scope.accountId), targetGroupArn) : undefined, (seconds) => context.scaledMs(seconds));
    },
    protocol: ({ host }) => {
      const member = memberFor(elb, front, host);
      const protocol = member && elb.state(member.state).listeners[member.listenerArn]?.Protocol;
      return protocol === 'HTTPS' ? 'HTTPS' : protocol === undefined ? undefined : 'HTTP';
    },
    servedPort: ({ host }, listenerPort) => {
      const member = memberFor(elb, front, host);
      if (!member) return undefined;
      const listeners = Object.values(elb.state(member.state).listeners);
      if (!listeners.some((l) => l.LoadBalancerArn === member.loadBalancerArn && l.Port === listenerPort)) return undefined;
      return env.fronts.get(listenerPort)?.listener?.port;
    },
  };
}

/** Starts the proxy of one listener port (on a free port when that one cannot be bound). */
export async function startFront(env: FrontsEnv, port: number, members: Member[], tls: FrontTls | undefined): Promise<Front & { listener: AlbListener }> {
  const { context, elb, bindHost } = env;
  const front: Front = { port, members, listener: undefined, ...(tls ? { tlsKey: tls.key } : {}) };
  // The first load balancer's idle_timeout.timeout_seconds, read when it is needed: a ModifyLoadBalancerAttributes
  // or a new time scale applies from the next request or connection on.
  const idleSeconds = () => {
    const first = front.members[0];
    const value = Number((first && elb.state(first.state).loadBalancers[first.loadBalancerArn]?.Attributes['idle_timeout.timeout_seconds']) ?? 60);
    return Number.isFinite(value) && value > 0 ? value : 60;
  };
  const listen = (bindPort: number) =>
    startAlbListener({
      host: bindHost,
      port: bindPort,
      timeoutMs: () => Math.max(env.minIdleTimeoutMs, context.scaledMs(idleSeconds())),
      ...(tls ? { tls: tls.settings } : {}),
      // ALB's stickiness cookies live 7 days, time-scaled like every AWS duration.
      cookieLifetimeMs: () => Math.max(60_000, context.scaledMs(7 * 24 * 3600)),
      routing: frontRouting(env, front),
      onRequest: (record: ProxyRequestRecord) => {
        const member = memberFor(elb, front, record.host ?? '');
        if (member) env.metrics.record(member.state, member.loadBalancerArn, record);
      },
    });
  try {
    front.listener = await listen(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EADDRINUSE') throw error;
    front.listener = await listen(0);
    const why = code === 'EACCES' ? 'needs privileges to bind' : 'is in use';
    context.log(`load-balancing: listener port ${port} ${why} (${code}); serving it on ${bindHost}:${front.listener.port} instead, and load balancers with a port-${port} listener carry :${front.listener.port} in their DNSName`);
  }
  return front as Front & { listener: AlbListener };
}

/** The listeners of application load balancers the API has now, by port. */
export function desiredListeners(context: RuntimeContext, elb: Elbv2Port): Map<number, Member[]> {
  const byPort = new Map<number, Member[]>();
  for (const { state } of context.regions()) {
    const elbv2 = elb.existing(state);
    if (!elbv2) continue;
    for (const listener of Object.values(elbv2.listeners)) {
      const lb = elbv2.loadBalancers[listener.LoadBalancerArn];
      if (!lb || lb.Type !== 'application') continue;
      const members = byPort.get(listener.Port) ?? [];
      members.push({
        state,
        loadBalancerArn: lb.LoadBalancerArn,
        listenerArn: listener.ListenerArn,
        hostname: baseName(lb.DNSName).toLowerCase(),
        protocol: listener.Protocol,
        ...(listener.SslPolicy ? { sslPolicy: listener.SslPolicy } : {}),
      });
      byPort.set(listener.Port, members);
    }
  }
  return byPort;
}

/**
 * The TLS a port serves for its members: none without an HTTPS listener;
 * else the local certificate (covering every HTTPS load balancer's name)
 * and the policy of the port's first HTTPS listener.
 */
export function tlsFor(port: number, members: readonly Member[], cert: { key: string; cert: string } | undefined, logOnce: (key: string, line: string) => void): FrontTls | undefined {
  const https = members.filter((m) => m.protocol === 'HTTPS');
  const first = https[0];
  if (!cert || !first) return undefined;
  const policies = new Set(https.map((m) => m.sslPolicy ?? ''));
  if (policies.size > 1) {
    logOnce(`policies:${port}:${[...policies].join(',')}`, `HTTPS listeners on port ${port} use different security policies (${[...policies].join(', ')}); the local listener negotiates TLS with ${first.sslPolicy} for all of them (TLS is negotiated before the Host header is seen)`);
  }
  const settings: ProxyTls = { ...cert, ...policyTls(first.sslPolicy) };
  return { key: `${cert.cert}|${first.sslPolicy ?? ''}`, settings };
}

/** Proxy rules per listener, recomputed when the state changes (every API write bumps `cloud.version`). */
export class RuleCache {
  readonly #cache = new Map<string, { version: number; rules: ProxyRule[] }>();

  constructor(
    private readonly context: RuntimeContext,
    private readonly elb: Elbv2Port,
  ) {}

  rulesOf(member: Member): ProxyRule[] {
    const version = this.context.cloud.version;
    const cached = this.#cache.get(member.listenerArn);
    if (cached && cached.version === version) return cached.rules;
    const rules = proxyRules(this.elb.rulesOfListener(member.state, member.listenerArn), (seconds) => this.context.scaledMs(seconds));
    this.#cache.set(member.listenerArn, { version, rules });
    return rules;
  }

  /** Forgets the listeners no longer served. */
  keepOnly(served: ReadonlySet<string>): void {
    for (const arn of this.#cache.keys()) if (!served.has(arn)) this.#cache.delete(arn);
  }
}
