/**
 * Target-group health checks as an ALB runs them: an HTTP GET of
 * `HealthCheckPath` on each registered target (port `traffic-port` or
 * `HealthCheckPort`) every `HealthCheckIntervalSeconds` (time-scaled), with
 * `HealthCheckTimeoutSeconds`; `HealthyThresholdCount` consecutive passes make
 * a target `healthy`, `UnhealthyThresholdCount` consecutive failures make it
 * `unhealthy` with AWS's reason code (`Target.ResponseCodeMismatch`,
 * `Target.Timeout`, `Target.FailedHealthChecks`).
 *
 * @internal
 */
import { request } from 'node:http';
import type { RegionState } from '../../core/types.js';
import { MIN_PROBE_TIMEOUT_MS } from '../container-health.js';
import type { RuntimeContext } from '../context.js';
import type { StoredTarget, StoredTargetGroup } from '../control-plane.js';
import { targetHost } from './routing.js';

/** One probe's outcome. */
export type ProbeResult =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly reason: 'Target.ResponseCodeMismatch' | 'Target.Timeout' | 'Target.FailedHealthChecks'; readonly description: string };

/**
 * Whether an HTTP status matches an ALB matcher (`200`, `200-299`,
 * `200,302`, or a mix). An empty or missing matcher means `200`.
 */
export function matchesHttpCode(matcher: string | undefined, status: number): boolean {
  const spec = matcher?.trim() || '200';
  return spec.split(',').some((part) => {
    const [low, high] = part.trim().split('-').map(Number);
    if (low === undefined || Number.isNaN(low)) return false;
    return high === undefined ? status === low : status >= low && status <= (Number.isNaN(high) ? low : high);
  });
}

/** Probes one target once with an HTTP GET; never rejects. */
export function probe(options: { host: string; port: number; path: string; timeoutMs: number; matcher?: string }): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = request({
      host: options.host,
      port: options.port,
      path: options.path,
      method: 'GET',
      agent: false,
      headers: { host: `${options.host}:${options.port}`, 'user-agent': 'ELB-HealthChecker/2.0', connection: 'close' },
    });
    const timer = setTimeout(() => finish({ ok: false, reason: 'Target.Timeout', description: 'Request timed out' }), options.timeoutMs);
    req.on('response', (response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      if (matchesHttpCode(options.matcher, status)) finish({ ok: true, status });
      else finish({ ok: false, reason: 'Target.ResponseCodeMismatch', description: `Health checks failed with these codes: [${status}]` });
    });
    req.on('error', () => finish({ ok: false, reason: 'Target.FailedHealthChecks', description: 'Health checks failed' }));
    req.end();
  });
}

interface TargetCheck {
  nextAt: number;
  inFlight: boolean;
  successes: number;
  failures: number;
  seen: boolean;
}

/** Options of {@link HealthChecker}. */
export interface HealthCheckerOptions {
  /**
   * Smallest probe timeout in real ms, whatever the time scale: a 5 s timeout
   * scaled by 0.01 would be 50 ms, which a busy 2-core machine misses under
   * load. Default {@link MIN_PROBE_TIMEOUT_MS} (1000), the container
   * health checks' floor too.
   */
  readonly minTimeoutMs?: number;
}

/** Runs the health checks of every target group that a load balancer uses. */
export class HealthChecker {
  readonly #context: RuntimeContext;
  readonly #checks = new Map<string, TargetCheck>();
  readonly #minTimeoutMs: number;
  #stopped = false;

  constructor(context: RuntimeContext, options: HealthCheckerOptions = {}) {
    this.#context = context;
    this.#minTimeoutMs = options.minTimeoutMs ?? MIN_PROBE_TIMEOUT_MS;
  }

  /** Starts the probes that are due. */
  tick(nowMs: number): void {
    const live = new Set<string>();
    for (const { state } of this.#context.regions()) {
      for (const tg of Object.values(this.#context.controlPlane.elbv2.state(state).targetGroups)) {
        if (tg.LoadBalancerArns.length === 0 || !tg.HealthCheckEnabled) continue;
        for (const target of tg.Targets) {
          if (target.State === 'draining' || target.State === 'unused' || target.State === 'unavailable') continue;
          const key = checkKey(tg, target);
          live.add(key);
          let check = this.#checks.get(key);
          if (!check) {
            check = { nextAt: nowMs, inFlight: false, successes: 0, failures: 0, seen: false };
            this.#checks.set(key, check);
          }
          if (check.inFlight || nowMs < check.nextAt) continue;
          check.inFlight = true;
          check.nextAt = nowMs + this.#context.scaledMs(tg.HealthCheckIntervalSeconds);
          void this.#run(state, tg, target, key, check);
        }
      }
    }
    for (const key of this.#checks.keys()) if (!live.has(key)) this.#checks.delete(key);
  }

  /** Stops recording results (probes in flight end on their own timeout). */
  stop(): void {
    this.#stopped = true;
    this.#checks.clear();
  }

  async #run(state: RegionState, tg: StoredTargetGroup, target: StoredTarget, key: string, check: TargetCheck): Promise<void> {
    const port = !tg.HealthCheckPort || tg.HealthCheckPort === 'traffic-port' ? target.Port : Number(tg.HealthCheckPort);
    const result = await probe({
      host: targetHost(target),
      port,
      path: tg.HealthCheckPath ?? '/',
      timeoutMs: Math.max(this.#minTimeoutMs, this.#context.scaledMs(tg.HealthCheckTimeoutSeconds)),
      ...(tg.Matcher?.HttpCode ? { matcher: tg.Matcher.HttpCode } : {}),
    });
    check.inFlight = false;
    if (this.#stopped || this.#checks.get(key) !== check) return;
    // The group or target may have changed while the probe ran.
    const current = this.#context.controlPlane.elbv2.state(state).targetGroups[tg.TargetGroupArn];
    const now = current?.Targets.find((t) => t.Id === target.Id && t.Port === target.Port && t.RegisteredAt === target.RegisteredAt);
    if (!current || !now || now.State === 'draining' || now.State === 'unused') return;
    const ref = { Id: now.Id, Port: now.Port };
    if (result.ok) {
      check.failures = 0;
      check.successes++;
      if (now.State !== 'healthy' && check.successes >= current.HealthyThresholdCount) {
        this.#context.controlPlane.elbv2.setTargetHealth(state, current.TargetGroupArn, ref, 'healthy');
        this.#context.cloud.touch();
      } else if (now.State === 'initial' && now.Reason === 'Elb.RegistrationInProgress' && !check.seen) {
        this.#context.controlPlane.elbv2.setTargetHealth(state, current.TargetGroupArn, ref, 'initial', 'Elb.InitialHealthChecking');
        this.#context.cloud.touch();
      }
    } else {
      check.successes = 0;
      check.failures++;
      const changed = now.State !== 'unhealthy' || now.Reason !== result.reason || now.Description !== result.description;
      if (check.failures >= current.UnhealthyThresholdCount && changed) {
        this.#context.controlPlane.elbv2.setTargetHealth(state, current.TargetGroupArn, ref, 'unhealthy', result.reason, result.description);
        this.#context.cloud.touch();
      } else if (now.State === 'initial' && now.Reason === 'Elb.RegistrationInProgress' && !check.seen) {
        this.#context.controlPlane.elbv2.setTargetHealth(state, current.TargetGroupArn, ref, 'initial', 'Elb.InitialHealthChecking');
        this.#context.cloud.touch();
      }
    }
    check.seen = true;
  }
}

const checkKey = (tg: StoredTargetGroup, target: StoredTarget) => `${tg.TargetGroupArn}|${target.Id}|${target.Port}|${target.RegisteredAt}`;
