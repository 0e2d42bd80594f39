/**
 * ALB metrics for CloudWatch (`AWS/ApplicationELB`), aggregated from the
 * proxy's per-request records and flushed a few times per (scaled) minute:
 *
 * | metric | dimensions | value |
 * |---|---|---|
 * | `RequestCount` | `LoadBalancer`; `LoadBalancer`+`TargetGroup` | Sum |
 * | `TargetResponseTime` | `LoadBalancer`; `LoadBalancer`+`TargetGroup` | seconds (use Average) |
 * | `HTTPCode_Target_{2,3,4,5}XX_Count` | `LoadBalancer`; `LoadBalancer`+`TargetGroup` | Sum |
 * | `HTTPCode_ELB_{4,5}XX_Count` | `LoadBalancer` | Sum |
 * | `RequestCountPerTarget` | `TargetGroup`; `LoadBalancer`+`TargetGroup` | requests ÷ healthy targets (Sum) |
 * | `HealthyHostCount`, `UnHealthyHostCount` | `LoadBalancer`+`TargetGroup` | gauge (Average/Minimum/Maximum) |
 *
 * Datapoint timestamps are real time; periods are not scaled in storage.
 *
 * @internal
 */
import type { RegionState } from '../../core/types.js';
import type { ProxyRequestRecord } from '../alb-proxy.js';
import type { RuntimeContext } from '../context.js';
import type { Dimension } from '../control-plane.js';
import { loadBalancerDimension, targetGroupDimension } from './routing.js';

/** CloudWatch namespace of ALB metrics. */
export const ALB_NAMESPACE = 'AWS/ApplicationELB';

interface Counters {
  requests: number;
  codes: Record<string, number>;
  responseTimes: number[];
}

const emptyCounters = (): Counters => ({ requests: 0, codes: {}, responseTimes: [] });

interface LoadBalancerCounters extends Counters {
  readonly state: RegionState;
  readonly groups: Map<string, Counters>;
}

/** Collects request records per load balancer and target group, and publishes them. */
export class AlbMetrics {
  readonly #context: RuntimeContext;
  #pending = new Map<string, LoadBalancerCounters>();
  #lastFlush = 0;

  constructor(context: RuntimeContext) {
    this.#context = context;
  }

  /** Real ms between flushes: a whole fraction of a scaled minute (a half, or less to stay at most 5 s), at least one tick. */
  get flushIntervalMs(): number {
    const minute = this.#context.scaledMs(60);
    return Math.max(100, minute / Math.max(2, Math.ceil(minute / 5_000)));
  }

  /** Counts one proxied request of a load balancer. */
  record(state: RegionState, loadBalancerArn: string, record: ProxyRequestRecord): void {
    let lb = this.#pending.get(loadBalancerArn);
    if (!lb) {
      lb = { state, groups: new Map(), ...emptyCounters() };
      this.#pending.set(loadBalancerArn, lb);
    }
    const code =
      record.source === 'target' ? `HTTPCode_Target_${Math.floor(record.status / 100)}XX_Count` : record.status >= 400 ? `HTTPCode_ELB_${Math.floor(record.status / 100)}XX_Count` : undefined;
    const scopes: Counters[] = [lb];
    if (record.targetGroupArn) {
      let group = lb.groups.get(record.targetGroupArn);
      if (!group) {
        group = emptyCounters();
        lb.groups.set(record.targetGroupArn, group);
      }
      scopes.push(group);
    }
    for (const scope of scopes) {
      scope.requests++;
      if (code && (record.source === 'target' || scope === lb)) scope.codes[code] = (scope.codes[code] ?? 0) + 1;
      if (record.targetResponseSeconds !== undefined) scope.responseTimes.push(record.targetResponseSeconds);
    }
  }

  /**
   * Publishes what was collected once `nowMs` is in a new flush interval
   * (or `force`). Intervals are aligned on multiples of
   * {@link flushIntervalMs}, as alarm periods are on multiples of the scaled
   * minute, so every period holds the same number of flushes and a steady
   * load gives a steady per-period Sum (RequestCountPerTarget): with flushes
   * merely spaced by the interval, drift put one flush instead of two into
   * some periods and halved their Sum.
   */
  flush(nowMs: number, force = false): void {
    const { cloudWatch, elbv2: elb } = this.#context.controlPlane;
    const interval = this.flushIntervalMs;
    if (!force && Math.floor(nowMs / interval) === Math.floor(this.#lastFlush / interval)) return;
    this.#lastFlush = nowMs;
    const pending = this.#pending;
    this.#pending = new Map();
    let wrote = false;
    const put = (state: RegionState, metricName: string, dimensions: Dimension[], datum: { value?: number; values?: number[]; unit: string }) => {
      if (datum.values && datum.values.length > 0) {
        // Raw values (not a statistic set) so percentiles such as p99 work.
        cloudWatch.putMetricDatum(state, { namespace: ALB_NAMESPACE, metricName, dimensions, values: datum.values, unit: datum.unit, timestamp: nowMs }, nowMs);
      } else if (datum.value !== undefined) {
        cloudWatch.putMetricDatum(state, { namespace: ALB_NAMESPACE, metricName, dimensions, value: datum.value, unit: datum.unit, timestamp: nowMs }, nowMs);
      }
      wrote = true;
    };
    const publishCounters = (state: RegionState, counters: Counters, dimensions: Dimension[]) => {
      put(state, 'RequestCount', dimensions, { value: counters.requests, unit: 'Count' });
      for (const [name, count] of Object.entries(counters.codes)) put(state, name, dimensions, { value: count, unit: 'Count' });
      if (counters.responseTimes.length > 0) put(state, 'TargetResponseTime', dimensions, { values: counters.responseTimes, unit: 'Seconds' });
    };

    for (const [loadBalancerArn, lb] of pending) {
      const lbDimension = { Name: 'LoadBalancer', Value: loadBalancerDimension(loadBalancerArn) };
      if (lb.requests > 0) publishCounters(lb.state, lb, [lbDimension]);
      for (const [targetGroupArn, group] of lb.groups) {
        if (group.requests === 0) continue;
        const tgDimension = { Name: 'TargetGroup', Value: targetGroupDimension(targetGroupArn) };
        publishCounters(lb.state, group, [lbDimension, tgDimension]);
        const tg = elb.state(lb.state).targetGroups[targetGroupArn];
        const healthy = tg?.Targets.filter((t) => t.State === 'healthy' || t.State === 'unavailable').length ?? 0;
        const perTarget = group.requests / Math.max(1, healthy);
        put(lb.state, 'RequestCountPerTarget', [tgDimension], { value: perTarget, unit: 'Count' });
        put(lb.state, 'RequestCountPerTarget', [lbDimension, tgDimension], { value: perTarget, unit: 'Count' });
      }
    }

    // Host counts of every target group a load balancer uses, whether or not it had traffic.
    for (const { state } of this.#context.regions()) {
      const elbv2 = elb.state(state);
      for (const tg of Object.values(elbv2.targetGroups)) {
        const counted = tg.Targets.filter((t) => t.State !== 'draining' && t.State !== 'unused');
        const healthy = counted.filter((t) => t.State === 'healthy' || t.State === 'unavailable').length;
        const unhealthy = counted.filter((t) => t.State === 'unhealthy').length;
        for (const loadBalancerArn of tg.LoadBalancerArns) {
          if (!elbv2.loadBalancers[loadBalancerArn]) continue;
          const dimensions = [
            { Name: 'LoadBalancer', Value: loadBalancerDimension(loadBalancerArn) },
            { Name: 'TargetGroup', Value: targetGroupDimension(tg.TargetGroupArn) },
          ];
          put(state, 'HealthyHostCount', dimensions, { value: healthy, unit: 'Count' });
          put(state, 'UnHealthyHostCount', dimensions, { value: unhealthy, unit: 'Count' });
        }
      }
    }
    if (wrote) this.#context.cloud.touch();
  }
}
