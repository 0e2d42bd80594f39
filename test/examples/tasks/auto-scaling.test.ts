/**
 * examples/08-auto-scaling.ts: the request policy's target in real time at
 * a time scale, activities attributed to their policy from their cause, and
 * the task after Tasks 1–4 on a local cloud — the load sized from what the
 * ALB served in a measured burst, each target-tracking policy causing at
 * least one scale-out, the desired count reaching the maximum 4 and coming
 * back to the minimum 2. Outcomes only, never durations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTasks1to4 } from '../../../examples/04-gateway-service.ts';
import { activitiesPerPolicy, attributeActivity, MAX_REQUEST_PHASE_SLOWDOWN, requestPhaseTimeScale, requestTargetRates, run as autoScaling } from '../../../examples/08-auto-scaling.ts';
import { openLocalLab } from '../local-lab.js';

test('the request policy’s 1000 requests per target per minute in requests per second, at the local time scale and on AWS', () => {
  assert.deepEqual(requestTargetRates(0.02), {
    perTargetPerMinute: 1000,
    minuteSeconds: 1.2,
    perTargetPerSecond: 833.3,
    toScaleOutFromMin: 1666.7,
    toReachMax: 2500,
    drivenAtMax: 5333.3,
  });
  const aws = requestTargetRates(1);
  assert.equal(aws.minuteSeconds, 60);
  assert.equal(aws.perTargetPerSecond, 16.7);
  assert.equal(aws.toReachMax, 50);
});

test('the request phase keeps the clock when the capacity covers the last step with 25 % to spare, and slows it just enough (at most 5 times) when not', () => {
  // 2500 req/s for the last step at 0.02; × 1.25 = 3125.
  assert.deepEqual(requestPhaseTimeScale(6000, 0.02), { timeScale: 0.02, slowdown: 1, needed: 0.02, enough: true });
  assert.deepEqual(requestPhaseTimeScale(3125, 0.02), { timeScale: 0.02, slowdown: 1, needed: 0.02, enough: true });
  // 1572 req/s (a Task 8 test under a CPU hog): 1000 × 3 × 1.25 / (60 × 1572) = 0.0398 → 0.04, twice as slow.
  assert.deepEqual(requestPhaseTimeScale(1572, 0.02), { timeScale: 0.04, slowdown: 2, needed: 0.04, enough: true });
  // 724 req/s (the container lab under a hog): 0.0863 → 0.087.
  assert.deepEqual(requestPhaseTimeScale(724, 0.02), { timeScale: 0.087, slowdown: 4.35, needed: 0.087, enough: true });
  // At the chosen clock the capacity covers the last step with the margin.
  for (const capacity of [313, 625, 724, 999, 1572, 2000, 3124]) {
    const clock = requestPhaseTimeScale(capacity, 0.02);
    assert.ok(clock.timeScale > 0.02 && clock.slowdown <= MAX_REQUEST_PHASE_SLOWDOWN, `${capacity}: ${JSON.stringify(clock)}`);
    if (clock.enough) assert.ok(requestTargetRates(clock.timeScale).toReachMax * 1.25 <= capacity, `${capacity}: ${JSON.stringify(clock)}`);
  }
  // Too little even 5 times slower: the most it may slow, and it says so.
  assert.deepEqual(requestPhaseTimeScale(200, 0.02), { timeScale: 0.1, slowdown: 5, needed: 0.313, enough: false });
  assert.deepEqual(requestPhaseTimeScale(0, 0.02), { timeScale: 0.1, slowdown: 5, needed: null, enough: false });
  // AWS's pace: 50 req/s for the last step; any machine serves it.
  assert.deepEqual(requestPhaseTimeScale(100, 1), { timeScale: 1, slowdown: 1, needed: 1, enough: true });
});

test('a scaling activity is attributed to the policy whose alarm its cause names, with its direction', () => {
  const policies = [
    { name: 'gateway-cpu-scaling', alarms: ['TargetTracking-service/c/gateway-service-AlarmHigh-aaa', 'TargetTracking-service/c/gateway-service-AlarmLow-bbb'] },
    { name: 'gateway-request-scaling', alarms: ['TargetTracking-service/c/gateway-service-AlarmHigh-ccc', 'TargetTracking-service/c/gateway-service-AlarmLow-ddd'] },
  ];
  const cause = (alarm: string, policy: string) => `monitor alarm ${alarm} in state ALARM triggered policy ${policy}`;
  const out = { cause: cause('TargetTracking-service/c/gateway-service-AlarmHigh-ccc', 'gateway-request-scaling'), description: 'Setting desired count to 4.' };
  assert.deepEqual(attributeActivity(out, policies, 3), { policy: 'gateway-request-scaling', direction: 'out', desired: 4 });
  const inward = { cause: cause('TargetTracking-service/c/gateway-service-AlarmLow-bbb', 'gateway-cpu-scaling'), description: 'Setting desired count to 2.' };
  assert.deepEqual(attributeActivity(inward, policies, 4), { policy: 'gateway-cpu-scaling', direction: 'in', desired: 2 });
  // A cause naming another policy's alarm is not attributed; a step policy's alarm falls back to the count.
  assert.deepEqual(attributeActivity({ cause: cause('my-alarm', 'other'), description: 'Setting desired count to 3.' }, policies, 2), { direction: 'out', desired: 3 });
  const counted = activitiesPerPolicy(
    [
      { ...out, startTime: '', status: 'Successful', ...attributeActivity(out, policies, 3) },
      { ...inward, startTime: '', status: 'Successful', ...attributeActivity(inward, policies, 4) },
      { ...out, startTime: '', status: 'Failed', ...attributeActivity(out, policies, 3) },
    ],
    ['gateway-cpu-scaling', 'gateway-request-scaling'],
  );
  assert.deepEqual(counted, { 'gateway-cpu-scaling': { scaleOut: 0, scaleIn: 1 }, 'gateway-request-scaling': { scaleOut: 1, scaleIn: 0 } });
});

// The request phase runs on a clock 5 times slower here (--request-time-scale 0.1): the path a machine short of
// capacity takes (the full-lab tests run the default, which slows the clock only when the capacity falls short).
test('Task 8: the CPU and the request-count policies each scale the gateway out, to the maximum 4, and it comes back to 2 (the request phase on a slowed clock)', { timeout: 420_000 }, async () => {
  const { lab, target } = await openLocalLab();
  const clock: { from: number; to: number }[] = [];
  target.local!.state.events.on('time-scale:changed', (change: { from: number; to: number }) => clock.push(change));
  try {
    await runTasks1to4(lab);
    const t8 = await autoScaling(lab, { requestTimeScale: 0.1 });
    const cpu = lab.names.cpuPolicy;
    const requests = lab.names.requestPolicy;
    const context = JSON.stringify({
      capacity: t8.capacity,
      phases: t8.phases.map((p) => ({ phase: p.phase, reached: p.reached, rps: p.load.requestsPerSecond, desired: `${p.desiredBefore}→${p.desiredAfter}`, peakMetric: p.peakMetric })),
      activities: t8.activities.map((a) => `${a.policy}:${a.direction}:${a.desired}`),
      requestClock: t8.requestClock,
      clock,
    });
    assert.deepEqual(Object.keys(t8.policies).sort(), [cpu, requests].sort());
    // The load was sized from a measured burst through the ALB.
    assert.equal(t8.capacity.route, '/health');
    assert.ok(t8.capacity.requests > 0 && t8.capacity.requestsPerSecond > 0, context);
    assert.equal(t8.requestTarget.perTargetPerSecond, 833.3);
    // Both policies acted: each caused at least one scale-out (from its alarm, named in the activity's cause).
    assert.ok(t8.acted[cpu]!.scaleOut >= 1, `${cpu} caused no scale-out: ${context}`);
    assert.ok(t8.acted[requests]!.scaleOut >= 1, `${requests} caused no scale-out: ${context}`);
    assert.equal(t8.bothScaledOut, true);
    assert.ok(t8.phases.some((p) => p.phase === 'cpu' && p.reached), context);
    assert.ok(t8.phases.some((p) => p.phase === 'requests' && p.reached), context);
    // Out to the maximum, back to the minimum.
    assert.equal(t8.peakDesired, 4, context);
    assert.equal(t8.scaledIn, true, context);
    assert.equal(t8.finalDesired, 2, context);
    assert.ok(t8.activities.some((a) => a.direction === 'in' && a.desired === 2 && a.status === 'Successful'), context);
    for (const a of t8.activities) assert.ok(a.policy === cpu || a.policy === requests, `activity not attributed: ${JSON.stringify(a)}`);
    // The request phase slowed the cloud's clock and put it back each time it ran.
    assert.equal(t8.requestClock.timeScale, 0.1);
    assert.equal(t8.requestClock.slowdown, 5);
    assert.ok(clock.length >= 2 && clock.length % 2 === 0, context);
    clock.forEach((change, i) => assert.deepEqual(change, i % 2 === 0 ? { from: 0.02, to: 0.1 } : { from: 0.1, to: 0.02 }, context));
    assert.equal(target.local!.state.timeScale, 0.02);
  } finally {
    await target.close();
  }
});
