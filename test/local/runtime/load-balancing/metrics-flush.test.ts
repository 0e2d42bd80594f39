/**
 * The ALB metrics' flushes are aligned on whole fractions of the scaled
 * minute, so a steady load gives every alarm period the same number of
 * flushes and a steady RequestCountPerTarget Sum (what target tracking on
 * ALBRequestCountPerTarget reads), whatever the runtime's tick jitter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudState } from '../../../../src/local/cloud-state.js';
import type { RuntimeContext } from '../../../../src/local/runtime/context.js';
import { AlbMetrics } from '../../../../src/local/runtime/load-balancing/metrics.js';
import { findMetric } from '../../../../src/local/services/cloudwatch/state.js';
import { runtimePort } from '../../../../src/local/services/runtime-port.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const LB = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/flush-alb/0123456789abcdef`;
const TG = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/flush-tg/fedcba9876543210`;

function contextOf(cloud: CloudState, timeScale: number): RuntimeContext {
  return {
    cloud: { touch: () => {} },
    controlPlane: runtimePort,
    regions: () => [],
    scaledMs: (seconds: number) => seconds * 1000 * timeScale,
  } as unknown as RuntimeContext;
}

/**
 * Runs a steady `perSecond` load for `seconds` against AlbMetrics, flushing
 * on ticks spaced `tickMs` plus a jitter (as the runtime's tick loop does),
 * and returns the RequestCountPerTarget Sum and datapoint count of each
 * whole aligned period.
 */
function steadyLoad(timeScale: number, perSecond: number, seconds: number, tickMs: number, jitterMs: (i: number) => number) {
  const cloud = new CloudState();
  const state = cloud.region(REGION, ACCOUNT);
  const metrics = new AlbMetrics(contextOf(cloud, timeScale));
  const periodMs = 60_000 * timeScale;
  const start = Math.ceil(1_800_000_000_000 / periodMs) * periodMs + 37; // an arbitrary phase against the periods
  let next = start;
  let sent = 0;
  for (let i = 0; next < start + seconds * 1000; i++) {
    const now = next;
    // The requests answered since the last tick, evenly spread.
    const due = Math.floor(((now - start) / 1000) * perSecond);
    for (; sent < due; sent++) metrics.record(state, LB, { targetGroupArn: TG, status: 200, source: 'target', targetResponseSeconds: 0.001 });
    metrics.flush(now);
    next = now + tickMs + jitterMs(i);
  }
  const metric = findMetric(state, 'AWS/ApplicationELB', 'RequestCountPerTarget', [{ Name: 'TargetGroup', Value: 'targetgroup/flush-tg/fedcba9876543210' }]);
  assert.ok(metric, 'RequestCountPerTarget was published');
  const periods = new Map<number, { sum: number; points: number }>();
  for (const p of metric.points) {
    const key = Math.floor(p.t / periodMs);
    const entry = periods.get(key) ?? { sum: 0, points: 0 };
    entry.sum += p.s;
    entry.points += 1;
    periods.set(key, entry);
  }
  // Whole periods only: drop the first and the last (partial) one.
  const keys = [...periods.keys()].sort((a, b) => a - b).slice(1, -1);
  return keys.map((k) => periods.get(k)!);
}

describe('AlbMetrics flushes', () => {
  it('at time scale 0.02 every 1.2 s period holds two flushes and a steady Sum, with ticks of 100–130 ms', () => {
    // 1000 requests/s, no healthy target known: RequestCountPerTarget = the count. Per period: 1200.
    const periods = steadyLoad(0.02, 1000, 30, 100, (i) => (i * 7919) % 31);
    assert.ok(periods.length >= 20, `${periods.length} whole periods`);
    for (const p of periods) {
      assert.equal(p.points, 2, `flushes per period: ${periods.map((x) => x.points).join(' ')}`);
      // A period's Sum covers it shifted by at most one tick: 1200 ± 130 requests.
      assert.ok(Math.abs(p.sum - 1200) <= 140, `per-period sums: ${periods.map((x) => x.sum).join(' ')}`);
    }
  });

  it('on AWS time (scale 1) every 60 s period holds twelve 5-second flushes', () => {
    const periods = steadyLoad(1, 10, 600, 1000, (i) => (i % 3) * 50);
    assert.ok(periods.length >= 8);
    for (const p of periods) assert.equal(p.points, 12, `flushes per period: ${periods.map((x) => x.points).join(' ')}`);
  });

  it('the flush interval divides the scaled minute at any scale', () => {
    for (const timeScale of [0.01, 0.02, 0.05, 0.1, 0.25, 0.3, 0.5, 1]) {
      const metrics = new AlbMetrics(contextOf(new CloudState(), timeScale));
      const minute = 60_000 * timeScale;
      const flushes = minute / metrics.flushIntervalMs;
      assert.ok(Math.abs(flushes - Math.round(flushes)) < 1e-9 && flushes >= 2, `scale ${timeScale}: ${flushes} flushes per minute`);
      assert.ok(metrics.flushIntervalMs <= 5_000);
    }
  });
});
