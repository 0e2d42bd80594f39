/**
 * The `load-balancing` part of the runtime (see `../runtime.ts`): Application
 * Load Balancers as real reverse proxies on loopback.
 *
 * **Listeners.** Every HTTP listener of an application load balancer is
 * served by {@link startAlbListener}. Listeners are grouped by port: one
 * proxy per listener port on 127.0.0.1, shared by every load balancer with a
 * listener on that port, picks the load balancer by the request's Host header
 * (its `DNSName`, `<name>-<digits>.<region>.elb.localhost`); when only one
 * load balancer uses the port, any Host reaches it (so `curl
 * http://127.0.0.1/…` works too). Rules (`rulesOfListener`, by priority, the
 * default rule last) and the targets of each target group are read from the
 * ELBv2 state on every request, so rule and health changes apply at once.
 * Every tick reconciles the proxies with the API: listeners created,
 * modified (port) or deleted, and deleted load balancers.
 *
 * **Reaching `DNSName`.** curl and browsers resolve `*.localhost` to
 * 127.0.0.1 by themselves (RFC 6761), so `curl http://$ALB_DNS/items` works
 * as in the lab. Node's resolver does not; the component calls
 * {@link installLocalhostResolution} when it starts in-process, and scripts in
 * other processes call it themselves. When a listener port cannot be bound
 * (port 80 as non-root: `EACCES`; a port already in use: `EADDRINUSE`), the
 * listener is served on a free port instead and the load balancer's stored
 * `DNSName` becomes `<name>…elb.localhost:<port>` (logged once), so
 * `curl http://$ALB_DNS/…` still works; the original name is restored when
 * the runtime stops. The port in `DNSName` is that of the load balancer's
 * port-80 listener, else its first listener.
 *
 * **Health checks, draining, metrics.** See `health-checks.ts` (target
 * health with AWS's reason codes) and `metrics.ts` (`AWS/ApplicationELB`).
 * Draining targets get no new requests; requests in flight complete; they
 * are removed once their (time-scaled) deregistration delay has passed.
 *
 * **HTTPS.** An `HTTPS` listener is served with TLS on its port, with the
 * runtime's self-signed certificate (`tls.ts`: one key per run, in memory
 * only; the certificate names `localhost`, 127.0.0.1 and the load
 * balancers' DNS names) whatever certificate ARN the listener names, and
 * the protocols and ciphers of its `SslPolicy`. A port shared by several
 * load balancers serves TLS with the policy of the first HTTPS listener on
 * it (logged when they differ: TLS is negotiated before the Host header is
 * seen). Plain HTTP to an HTTPS listener gets ALB's 400.
 *
 * **Stickiness.** Target-group stickiness attributes (`lb_cookie`,
 * `app_cookie`) and the target-group stickiness of weighted forwards are
 * honoured with ALB's cookies (see `../alb-proxy.ts`), durations
 * time-scaled.
 *
 * Local limits: a Host that names no load balancer on the port (a stale
 * `DNSName`, or another local cloud's) gets 421 Misdirected Request. The
 * proxy's idle timeout is the load balancer's `idle_timeout.timeout_seconds`,
 * time-scaled but never below 10 s.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import { startAlbListener, type AlbListener, type ProxyRequestRecord, type ProxyRule, type ProxyTls } from '../alb-proxy.js';
import type { RuntimeComponent, RuntimeContext } from '../context.js';
import { HealthChecker } from './health-checks.js';
import { installLocalhostResolution } from './localhost-dns.js';
import { AlbMetrics } from './metrics.js';
import { arnScope, proxyRules, proxyTargets } from './routing.js';
import { LocalCertificates, policyTls } from './tls.js';

export { installLocalhostResolution, isLocalhostName, uninstallLocalhostResolution } from './localhost-dns.js';

/** Options of {@link loadBalancingComponent}. */
export interface LoadBalancingOptions {
  /** Interface the listener proxies bind. Default `127.0.0.1` (where `*.localhost` resolves). */
  readonly host?: string;
  /** Smallest health-check timeout in real ms (see `HealthCheckerOptions`). Default 1000. */
  readonly minHealthCheckTimeoutMs?: number;
  /** Smallest proxy idle timeout in real ms. Default 10 000. */
  readonly minIdleTimeoutMs?: number;
  /** Patch `dns.lookup` so `*.localhost` resolves in this process. Default true. */
  readonly installLocalhostResolution?: boolean;
}

/** One listener served by a front proxy. */
interface Member {
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
interface Front {
  readonly port: number;
  /** Set once bound (on `port`, or on a free port when `port` cannot be bound). */
  listener: AlbListener | undefined;
  members: Member[];
  /** What TLS the listener serves now (certificate + policy), to change it only when it changes. */
  tlsKey?: string;
}

/** The DNS name without a `:port` suffix. */
const baseName = (dnsName: string) => dnsName.replace(/:\d+$/, '');

/** The `load-balancing` part of the runtime. */
export function loadBalancingComponent(context: RuntimeContext, options: LoadBalancingOptions = {}): RuntimeComponent {
  const elb = context.controlPlane.elbv2;
  const bindHost = options.host ?? '127.0.0.1';
  const health = new HealthChecker(context, options.minHealthCheckTimeoutMs !== undefined ? { minTimeoutMs: options.minHealthCheckTimeoutMs } : {});
  const metrics = new AlbMetrics(context);
  const certificates = new LocalCertificates();
  const fronts = new Map<number, Front>();
  /** Load balancers whose DNSName we changed: ARN → region state. */
  const renamed = new Map<string, RegionState>();
  const logged = new Set<string>();
  let stopped = false;

  const logOnce = (key: string, line: string) => {
    if (logged.has(key)) return;
    logged.add(key);
    context.log(`load-balancing: ${line}`);
  };

  const memberFor = (front: Front, host: string): Member | undefined => {
    const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    // Deleted or moved to another port since the last reconcile: gone at once.
    const members = front.members.filter((m) => elb.state(m.state).listeners[m.listenerArn]?.Port === front.port);
    const exact = members.find((m) => m.hostname === name);
    if (exact) return exact;
    // Another load balancer's name (of this or another local cloud) never falls through to ours.
    if (name.endsWith('.elb.localhost')) return undefined;
    const first = members[0];
    return first && members.every((m) => m.loadBalancerArn === first.loadBalancerArn) ? first : undefined;
  };

  /** Proxy rules per listener, recomputed when the state changes (every API write bumps `cloud.version`). */
  const ruleCache = new Map<string, { version: number; rules: ProxyRule[] }>();
  const rulesOf = (member: Member): ProxyRule[] => {
    const version = context.cloud.version;
    const cached = ruleCache.get(member.listenerArn);
    if (cached && cached.version === version) return cached.rules;
    const rules = proxyRules(elb.rulesOfListener(member.state, member.listenerArn), (seconds) => context.scaledMs(seconds));
    ruleCache.set(member.listenerArn, { version, rules });
    return rules;
  };

  const startFront = async (port: number, members: Member[], tls: { key: string; settings: ProxyTls } | undefined): Promise<Front & { listener: AlbListener }> => {
    const front: Front = { port, members, listener: undefined, ...(tls ? { tlsKey: tls.key } : {}) };
    const first = members[0];
    const idleSeconds = Number((first && elb.state(first.state).loadBalancers[first.loadBalancerArn]?.Attributes['idle_timeout.timeout_seconds']) ?? 60);
    const listen = (bindPort: number) =>
      startAlbListener({
        host: bindHost,
        port: bindPort,
        timeoutMs: Math.max(options.minIdleTimeoutMs ?? 10_000, context.scaledMs(idleSeconds)),
        ...(tls ? { tls: tls.settings } : {}),
        // ALB's stickiness cookies live 7 days, time-scaled like every AWS duration.
        cookieLifetimeMs: Math.max(60_000, context.scaledMs(7 * 24 * 3600)),
        routing: {
          rules: ({ host }) => {
            const member = memberFor(front, host);
            return member ? rulesOf(member) : undefined;
          },
          targets: (targetGroupArn) => {
            const scope = arnScope(targetGroupArn);
            return proxyTargets(scope ? elb.findTargetGroup(context.cloud.region(scope.region, scope.accountId), targetGroupArn) : undefined, (seconds) => context.scaledMs(seconds));
          },
          protocol: ({ host }) => {
            const member = memberFor(front, host);
            const protocol = member && elb.state(member.state).listeners[member.listenerArn]?.Protocol;
            return protocol === 'HTTPS' ? 'HTTPS' : protocol === undefined ? undefined : 'HTTP';
          },
          servedPort: ({ host }, listenerPort) => {
            const member = memberFor(front, host);
            if (!member) return undefined;
            const listeners = Object.values(elb.state(member.state).listeners);
            if (!listeners.some((l) => l.LoadBalancerArn === member.loadBalancerArn && l.Port === listenerPort)) return undefined;
            return fronts.get(listenerPort)?.listener?.port;
          },
        },
        onRequest: (record: ProxyRequestRecord) => {
          const member = memberFor(front, record.host ?? '');
          if (member) metrics.record(member.state, member.loadBalancerArn, record);
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
  };

  /** Listeners the API has now, by port. */
  const desiredListeners = (): Map<number, Member[]> => {
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
  };

  /**
   * The TLS a port serves for its members: none without an HTTPS listener;
   * else the local certificate (covering every HTTPS load balancer's name)
   * and the policy of the port's first HTTPS listener.
   */
  const tlsFor = (port: number, members: readonly Member[], cert: { key: string; cert: string } | undefined): { key: string; settings: ProxyTls } | undefined => {
    const https = members.filter((m) => m.protocol === 'HTTPS');
    const first = https[0];
    if (!cert || !first) return undefined;
    const policies = new Set(https.map((m) => m.sslPolicy ?? ''));
    if (policies.size > 1) {
      logOnce(`policies:${port}:${[...policies].join(',')}`, `HTTPS listeners on port ${port} use different security policies (${[...policies].join(', ')}); the local listener negotiates TLS with ${first.sslPolicy} for all of them (TLS is negotiated before the Host header is seen)`);
    }
    const settings: ProxyTls = { ...cert, ...policyTls(first.sslPolicy) };
    return { key: `${cert.cert}|${first.sslPolicy ?? ''}`, settings };
  };

  const reconcile = async () => {
    const desired = desiredListeners();
    const httpsNames = [...desired.values()].flat().filter((m) => m.protocol === 'HTTPS').map((m) => m.hostname);
    let cert: { key: string; cert: string } | undefined;
    if (httpsNames.length) {
      try {
        cert = await certificates.for(httpsNames);
      } catch (error) {
        logOnce(`cert:${(error as Error).message}`, `cannot make the local HTTPS certificate: ${(error as Error).message}`);
      }
    }
    const served = new Set([...desired.values()].flat().map((m) => m.listenerArn));
    for (const arn of ruleCache.keys()) if (!served.has(arn)) ruleCache.delete(arn);
    for (const [port, front] of fronts) {
      if (desired.has(port)) continue;
      fronts.delete(port);
      await front.listener?.close();
    }
    for (const [port, members] of desired) {
      const tls = tlsFor(port, members, cert);
      const front = fronts.get(port);
      if (front) {
        front.members = members;
        if (front.tlsKey !== tls?.key) {
          front.listener?.setTls(tls?.settings);
          if (tls) front.tlsKey = tls.key;
          else delete front.tlsKey;
        }
        continue;
      }
      try {
        const started = await startFront(port, members, tls);
        if (stopped) {
          await started.listener.close();
          return;
        }
        fronts.set(port, started);
      } catch (error) {
        logOnce(`bind:${port}`, `cannot serve listener port ${port}: ${(error as Error).message}`);
      }
    }
    // DNSName carries the real port when the listener port could not be bound.
    let changed = false;
    for (const { state } of context.regions()) {
      const elbv2 = elb.existing(state);
      if (!elbv2) continue;
      for (const lb of Object.values(elbv2.loadBalancers)) {
        if (lb.Type !== 'application') continue;
        const ports = Object.values(elbv2.listeners)
          .filter((l) => l.LoadBalancerArn === lb.LoadBalancerArn)
          .map((l) => l.Port);
        const primary = ports.includes(80) ? 80 : ports[0];
        const actual = primary === undefined ? undefined : fronts.get(primary)?.listener?.port;
        const base = baseName(lb.DNSName);
        const wanted = primary !== undefined && actual !== undefined && actual !== primary ? `${base}:${actual}` : base;
        if (lb.DNSName === wanted) continue;
        lb.DNSName = wanted;
        changed = true;
        if (wanted !== base) {
          renamed.set(lb.LoadBalancerArn, state);
          logOnce(`dns:${lb.LoadBalancerArn}:${wanted}`, `load balancer ${lb.LoadBalancerName}: port ${primary} is served on ${bindHost}:${actual}; DNSName is ${wanted}`);
        }
      }
    }
    if (changed) context.cloud.touch();
  };

  const pruneDrained = (nowMs: number) => {
    let changed = false;
    for (const { state } of context.regions()) {
      const elbv2 = elb.existing(state);
      if (!elbv2) continue;
      for (const tg of Object.values(elbv2.targetGroups)) {
        const before = tg.Targets.length;
        elb.pruneDrainedTargets(tg, nowMs);
        if (tg.Targets.length !== before) changed = true;
      }
    }
    if (changed) context.cloud.touch();
  };

  return {
    name: 'load-balancing',
    start: async () => {
      if (options.installLocalhostResolution !== false) installLocalhostResolution();
    },
    tick: async (nowMs) => {
      if (stopped) return;
      await reconcile();
      pruneDrained(nowMs);
      health.tick(nowMs);
      metrics.flush(nowMs);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      health.stop();
      metrics.flush(Date.now(), true);
      const closing = [...fronts.values()].map((front) => front.listener?.close());
      fronts.clear();
      await Promise.all(closing);
      for (const [arn, state] of renamed) {
        const lb = elb.state(state).loadBalancers[arn];
        if (lb) lb.DNSName = baseName(lb.DNSName);
      }
      if (renamed.size > 0) context.cloud.touch();
      renamed.clear();
    },
  };
}
