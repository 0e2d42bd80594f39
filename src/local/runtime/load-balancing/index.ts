/**
 * The `load-balancing` part of the runtime (see `../runtime.ts`): Application
 * Load Balancers as real reverse proxies on loopback.
 *
 * **Listeners.** Every HTTP listener of an application load balancer is
 * served by `startAlbListener` (`../alb-proxy.ts`, set up in `fronts.ts`). Listeners are grouped by port: one
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
 * time-scaled but never below 10 s, read at each request and new connection.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { RuntimeComponent, RuntimeContext } from '../context.js';
import { baseName, desiredListeners, RuleCache, startFront, tlsFor, type Front, type FrontsEnv, type Member } from './fronts.js';
import { HealthChecker } from './health-checks.js';
import { installLocalhostResolution } from './localhost-dns.js';
import { AlbMetrics } from './metrics.js';
import { LocalCertificates } from './tls.js';

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

/** What one component's steps share. */
interface Balancing extends FrontsEnv {
  readonly fronts: Map<number, Front>;
  readonly rules: RuleCache;
  readonly certificates: LocalCertificates;
  /** Load balancers whose DNSName we changed: ARN → region state. */
  readonly renamed: Map<string, RegionState>;
  readonly isStopped: () => boolean;
  logOnce(key: string, line: string): void;
}

/** The local certificate for the HTTPS load balancers' names, when there are any (undefined when it cannot be made). */
async function certificateFor(b: Balancing, desired: Map<number, Member[]>): Promise<{ key: string; cert: string } | undefined> {
  const httpsNames = [...desired.values()].flat().filter((m) => m.protocol === 'HTTPS').map((m) => m.hostname);
  if (!httpsNames.length) return undefined;
  try {
    return await b.certificates.for(httpsNames);
  } catch (error) {
    b.logOnce(`cert:${(error as Error).message}`, `cannot make the local HTTPS certificate: ${(error as Error).message}`);
    return undefined;
  }
}

/**
 * Closes the fronts of ports no listener uses, updates the others' members
 * and TLS, starts the new ones. False when the component stopped while a
 * front started (that front is closed again).
 */
async function reconcileFronts(b: Balancing, desired: Map<number, Member[]>, cert: { key: string; cert: string } | undefined): Promise<boolean> {
  for (const [port, front] of b.fronts) {
    if (desired.has(port)) continue;
    b.fronts.delete(port);
    await front.listener?.close();
  }
  for (const [port, members] of desired) {
    const tls = tlsFor(port, members, cert, (key, line) => b.logOnce(key, line));
    const front = b.fronts.get(port);
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
      const started = await startFront(b, port, members, tls);
      if (b.isStopped()) {
        await started.listener.close();
        return false;
      }
      b.fronts.set(port, started);
    } catch (error) {
      b.logOnce(`bind:${port}`, `cannot serve listener port ${port}: ${(error as Error).message}`);
    }
  }
  return true;
}

/** DNSName carries the real port when the listener port could not be bound. Returns whether a name changed. */
function syncDnsNames(b: Balancing): boolean {
  let changed = false;
  for (const { state } of b.context.regions()) {
    const elbv2 = b.elb.existing(state);
    if (!elbv2) continue;
    for (const lb of Object.values(elbv2.loadBalancers)) {
      if (lb.Type !== 'application') continue;
      const ports = Object.values(elbv2.listeners)
        .filter((l) => l.LoadBalancerArn === lb.LoadBalancerArn)
        .map((l) => l.Port);
      const primary = ports.includes(80) ? 80 : ports[0];
      const actual = primary === undefined ? undefined : b.fronts.get(primary)?.listener?.port;
      const base = baseName(lb.DNSName);
      const wanted = primary !== undefined && actual !== undefined && actual !== primary ? `${base}:${actual}` : base;
      if (lb.DNSName === wanted) continue;
      lb.DNSName = wanted;
      changed = true;
      if (wanted !== base) {
        b.renamed.set(lb.LoadBalancerArn, state);
        b.logOnce(`dns:${lb.LoadBalancerArn}:${wanted}`, `load balancer ${lb.LoadBalancerName}: port ${primary} is served on ${b.bindHost}:${actual}; DNSName is ${wanted}`);
      }
    }
  }
  return changed;
}

/** Serves what the API has now: listeners created, modified (port) or deleted, and deleted load balancers. */
async function reconcile(b: Balancing): Promise<void> {
  const desired = desiredListeners(b.context, b.elb);
  const cert = await certificateFor(b, desired);
  b.rules.keepOnly(new Set([...desired.values()].flat().map((m) => m.listenerArn)));
  if (!(await reconcileFronts(b, desired, cert))) return;
  if (syncDnsNames(b)) b.context.cloud.touch();
}

/** Removes draining targets whose deregistration delay has passed. */
function pruneDrained(b: Balancing, nowMs: number): void {
  let changed = false;
  for (const { state } of b.context.regions()) {
    const elbv2 = b.elb.existing(state);
    if (!elbv2) continue;
    for (const tg of Object.values(elbv2.targetGroups)) {
      const before = tg.Targets.length;
      b.elb.pruneDrainedTargets(tg, nowMs);
      if (tg.Targets.length !== before) changed = true;
    }
  }
  if (changed) b.context.cloud.touch();
}

/** Closes every front and gives the renamed load balancers their DNS names back. */
async function closeAll(b: Balancing): Promise<void> {
  const closing = [...b.fronts.values()].map((front) => front.listener?.close());
  b.fronts.clear();
  await Promise.all(closing);
  for (const [arn, state] of b.renamed) {
    const lb = b.elb.state(state).loadBalancers[arn];
    if (lb) lb.DNSName = baseName(lb.DNSName);
  }
  if (b.renamed.size > 0) b.context.cloud.touch();
  b.renamed.clear();
}

/** The `load-balancing` part of the runtime. */
export function loadBalancingComponent(context: RuntimeContext, options: LoadBalancingOptions = {}): RuntimeComponent {
  const elb = context.controlPlane.elbv2;
  const health = new HealthChecker(context, options.minHealthCheckTimeoutMs !== undefined ? { minTimeoutMs: options.minHealthCheckTimeoutMs } : {});
  const metrics = new AlbMetrics(context);
  const rules = new RuleCache(context, elb);
  const logged = new Set<string>();
  let stopped = false;
  const b: Balancing = {
    context,
    elb,
    bindHost: options.host ?? '127.0.0.1',
    minIdleTimeoutMs: options.minIdleTimeoutMs ?? 10_000,
    metrics,
    fronts: new Map(),
    rules,
    rulesOf: (member) => rules.rulesOf(member),
    certificates: new LocalCertificates(),
    renamed: new Map(),
    isStopped: () => stopped,
    logOnce: (key, line) => {
      if (logged.has(key)) return;
      logged.add(key);
      context.log(`load-balancing: ${line}`);
    },
  };
  return {
    name: 'load-balancing',
    start: async () => {
      if (options.installLocalhostResolution !== false) installLocalhostResolution();
    },
    tick: async (nowMs) => {
      if (stopped) return;
      await reconcile(b);
      pruneDrained(b, nowMs);
      health.tick(nowMs);
      metrics.flush(nowMs);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      health.stop();
      metrics.flush(Date.now(), true);
      await closeAll(b);
    },
  };
}
